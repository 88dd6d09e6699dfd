"""`make run`: start the whole assistant in the foreground, supervised; Ctrl-C stops everything.

Processes (supervised with honcho): the embedded Redis (unless REDIS_URL is set), the action
server, the Rasa server (REST and web chat channels), the agent desk, the voice gateway and the contacts
worker (outbound campaigns, incoming e-mail).
"""

from __future__ import annotations

import os
import re
import shlex
import sys

from honcho.manager import Manager

from bot import PROJECT_ROOT
from bot.content import ContentError, load_content
from bot.core.redis_server import embedded_command, redis_env
from bot.core.settings import Settings, load_settings, secret

SECRETS = {"RASA_AUTH_TOKEN": "rasa_token", "REST_TOKEN": "rest_token", "ACTION_TOKEN": "action_token",
           "INTERNAL_TOKEN": "internal_token"}


def process_env(settings: Settings) -> dict[str, str]:
    """Everything the processes need, secrets included: they travel in the environment (readable only by
    the same user), never on a command line. Each secret is taken from the variable of the same name or
    generated once into DATA_DIR/secrets/ (mode 600)."""
    env = redis_env(settings.effective_redis_url)
    for variable, name in SECRETS.items():
        env[variable] = secret(settings.data_dir, name, os.environ.get(variable))
    env["CORS_ORIGINS"] = settings.cors_origins
    env["TRUSTED_PROXIES"] = settings.trusted_proxies
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{settings.action_port}/webhook"
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["DESK_PORT"] = str(settings.desk_port)
    env["DATA_DIR"] = str(settings.data_dir)
    env["RASA_URL"] = f"http://127.0.0.1:{settings.rasa_port}"
    env["VOICE_PORT"] = str(settings.voice_port)
    env["AUDIOSOCKET_PORT"] = str(settings.audiosocket_port)
    return env


def commands(settings: Settings) -> dict[str, str]:
    """The processes' command lines: no secret on any of them (see process_env)."""
    py = shlex.quote(sys.executable)
    result: dict[str, str] = {}
    if settings.redis_url is None:
        # the password goes into a config file; umask 077: the append-only file and snapshots are mode 600
        result["redis"] = "umask 077 && exec " + shlex.join(embedded_command(
            settings.embedded_redis_port, settings.data_dir / "redis", settings.embedded_redis_password))
    result["actions"] = (f"ACTION_HOST={shlex.quote(settings.action_host)} ACTION_PORT={settings.action_port}"
                         f" exec {py} -m bot.runtime.action_server")
    result["desk"] = f"exec {py} -m bot.desk.server"
    result["voice"] = f"exec {py} -m voice.server"
    result["outbound"] = f"exec {py} -m bot.runtime.worker"
    result["rasa"] = (
        f"{py} -m bot.core.redis_server && exec {py} -m bot.runtime.rasa_server"
        f" --model {shlex.quote(str(settings.model_path))} --port {settings.rasa_port}"
        " --endpoints endpoints.yml --credentials credentials.yml"
    )
    return result


def banner(settings: Settings) -> str:
    base = f"http://localhost:{settings.rasa_port}"
    redis_line = (re.sub(r"//[^@/]*@", "//***@", settings.redis_url) if settings.redis_url else
                  f"embedded, redis://127.0.0.1:{settings.embedded_redis_port}/0 (Passwort in "
                  f"{settings.data_dir / 'secrets' / 'redis_password'}), data in {settings.data_dir / 'redis'}")
    return "\n".join(
        [
            "Jobcenter-Assistent startet (Strg-C beendet alles):",
            f"  Chat-Seite:    {base}/webhooks/webchat/",
            f"  Agent-Desk:    http://localhost:{settings.desk_port}/ (Konten: python -m bot.desk.accounts add NAME agent)",
            f"  REST-Chat:     POST {base}/webhooks/rest/webhook  {{\"sender\": \"id\", \"message\": \"Hallo\"}}",
            f"                 mit Authorization: Bearer <Token aus {settings.data_dir / 'secrets' / 'rest_token'}"
            " oder REST_TOKEN>",
            f"  socket.io:     {base}, Pfad /webchat/socket.io (Ereignisse user_uttered / bot_uttered)",
            f"  Rasa-API:      {base} (Token in {settings.data_dir / 'secrets' / 'rasa_token'} oder RASA_AUTH_TOKEN)",
            f"  Sprache:       http://localhost:{settings.voice_port}/ (Browser), AudioSocket 127.0.0.1:"
            f"{settings.audiosocket_port} (Asterisk)",
            f"  Action-Server: http://127.0.0.1:{settings.action_port}",
            f"  E-Mail:        Eingang {settings.data_dir / 'mail' / 'eingang'} (Maildir), Versand SMTP "
            f"{os.environ.get('SMTP_HOST', '127.0.0.1')}:{os.environ.get('SMTP_PORT', '25')}",
            f"  Redis:         {redis_line}",
        ]
    )


def _private_redis_files(settings: Settings) -> None:
    """Redis files written by an older version may be world-readable: make them private."""
    folder = settings.data_dir / "redis"
    if folder.exists():
        folder.chmod(0o700)
        for path in folder.rglob("*"):
            path.chmod(0o700 if path.is_dir() else 0o600)


def main() -> int:
    settings = load_settings()
    try:
        load_content()
    except ContentError as error:
        print("Inhalte fehlerhaft, der Assistent startet nicht:\n" + str(error), file=sys.stderr)
        return 1
    if not settings.model_path.exists():
        print(f"Kein Modell unter {settings.model_path}: bitte zuerst `make train` ausführen.", file=sys.stderr)
        return 1

    env = process_env(settings)
    _private_redis_files(settings)
    manager = Manager()
    for name, command in commands(settings).items():
        manager.add_process(name, command, env={**os.environ, **env}, cwd=str(PROJECT_ROOT))
    print(banner(settings), flush=True)
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
