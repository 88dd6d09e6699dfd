"""Rasa's command line without the libraries' deprecation notices: `python -m bot.runtime.rasa_cli train ...`.

Used by `make train` so that a first `make run` prints one line per step (see bot/runtime/quiet.py).
Set PYTHONWARNINGS=default to see the notices.
"""

from __future__ import annotations

import os
import sys
import warnings

from bot.runtime.quiet import QUIET, library_warnings_off


def main() -> None:
    os.environ.setdefault("PYTHONWARNINGS", QUIET)  # allowed (tests/unit/test_settings.py): Python's own variable
    if library_warnings_off(in_rasa=True):
        warnings.filterwarnings("ignore", module="sqlalchemy")  # Rasa's SQL tracker store module, unused here
    sys.argv = ["rasa", *sys.argv[1:]]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
