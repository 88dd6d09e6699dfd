"""The Rasa server with its secrets kept off the command line: `python -m bot.runtime.rasa_server ARGS`.

`rasa run --auth-token X` shows the token to every local user in `ps`, and a token that starts with
"-" made argparse stop ("expected one argument"). This wrapper takes the API token from
`RASA_AUTH_TOKEN` and the allowed browser origins from `CORS_ORIGINS` (comma-separated; empty: none,
the chat page is served by Rasa itself) and hands them to Rasa inside the process.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from bot.core.settings import SecuritySettings


def rasa_arguments(argv: list[str], env: Mapping[str, str] | None = None) -> list[str]:
    """Rasa's arguments with RASA_AUTH_TOKEN and CORS_ORIGINS from `env` (default: the process's environment)."""
    security = SecuritySettings.from_env() if env is None else SecuritySettings.from_env(env)
    args = ["run", *argv, "--enable-api"]
    token = security.token("RASA_AUTH_TOKEN")
    if not token:
        raise SystemExit("RASA_AUTH_TOKEN fehlt: die Rasa-API startet nur mit Token.")
    args.append(f"--auth-token={token}")  # '=' form: a value starting with '-' is still a value
    if security.cors_origins:
        args += ["--cors", *security.cors_origins]
    return args


def main() -> None:
    sys.argv = ["rasa", *rasa_arguments(sys.argv[1:])]
    from bot.runtime.quiet import library_warnings_off

    library_warnings_off(in_rasa=True)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
