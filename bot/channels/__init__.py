"""Rasa input channels of our own, registered in credentials.yml by module path.

Importing this package (Rasa does so when it reads credentials.yml) switches on log redaction for
the Rasa server process (no BG-Nummer, IBAN, phone number, e-mail or date of birth in its logs) and
the start-up tuning found by profiling (bot/core/perf.py).
"""

from bot.core import perf
from bot.core.redact import install_log_redaction

install_log_redaction()
perf.install()  # see bot/core/perf.py: no schema re-checking on the hot path
