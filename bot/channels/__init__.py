"""Rasa input channels of our own, registered in credentials.yml by module path.

Importing this package (Rasa does so when it reads credentials.yml) switches on log redaction for
the Rasa server process: no BG-Nummer, IBAN, phone number, e-mail or date of birth in its logs.
"""

from bot.redact import install_log_redaction

install_log_redaction()
