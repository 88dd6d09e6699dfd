"""`make run`: start the whole assistant in the foreground, supervised; Ctrl-C stops everything.

Processes (supervised with honcho): the embedded Redis (unless REDIS_URL is set), the action
server, the Rasa server (REST and web chat channels), the agent desk, the voice gateway and the contacts
worker (outbound campaigns, incoming e-mail).
"""

from __future__ import annotations

import os
import shlex
import sys

from honcho.manager import Manager

from bot import PROJECT_ROOT
from bot.content import ContentError, load_content
from bot.redis_server import embedded_command, redis_env
from bot.settings import Settings, load_settings, secret


def process_env(settings: Settings) -> dict[str, str]:
    env = redis_env(settings.effective_redis_url)
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{settings.action_port}/webhook"
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["DESK_PORT"] = str(settings.desk_port)
    env["DATA_DIR"] = str(settings.data_dir)
    env["RASA_URL"] = f"http://127.0.0.1:{settings.rasa_port}"
    env["VOICE_PORT"] = str(settings.voice_port)
    env["AUDIOSOCKET_PORT"] = str(settings.audiosocket_port)
    return env


def commands(settings: Settings, token: str) -> dict[str, str]:
    py = shlex.quote(sys.executable)
    redis_url = shlex.quote(settings.effective_redis_url)
    result: dict[str, str] = {}
    if settings.redis_url is None:
        result["redis"] = shlex.join(embedded_command(settings.embedded_redis_port, settings.data_dir / "redis"))
    result["actions"] = (f"SANIC_HOST={shlex.quote(settings.action_host)} exec {py} -m rasa_sdk --actions actions"
                         f" --port {settings.action_port}")
    result["desk"] = f"exec {py} -m bot.desk.server"
    result["voice"] = f"exec {py} -m voice.server"
    result["outbound"] = f"RASA_AUTH_TOKEN={shlex.quote(token)} exec {py} -m bot.outbound worker"
    result["rasa"] = (
        f"{py} -m bot.redis_server {redis_url} && exec {py} -m rasa run"
        f" --model {shlex.quote(str(settings.model_path))} --port {settings.rasa_port}"
        " --endpoints endpoints.yml --credentials credentials.yml"
        f" --enable-api --auth-token {shlex.quote(token)} --cors '*'"
    )
    return result


def banner(settings: Settings) -> str:
    base = f"http://localhost:{settings.rasa_port}"
    redis_line = settings.redis_url or f"embedded, {settings.effective_redis_url}, data in {settings.data_dir / 'redis'}"
    return "\n".join(
        [
            "Jobcenter-Assistent startet (Strg-C beendet alles):",
            f"  Chat-Seite:    {base}/webhooks/webchat/",
            f"  Agent-Desk:    http://localhost:{settings.desk_port}/ (Konten: python -m bot.desk.accounts add NAME agent)",
            f"  REST-Chat:     POST {base}/webhooks/rest/webhook  {{\"sender\": \"id\", \"message\": \"Hallo\"}}",
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

    token = secret(settings.data_dir, "rasa_token", os.environ.get("RASA_AUTH_TOKEN"))
    env = process_env(settings)
    manager = Manager()
    for name, command in commands(settings, token).items():
        manager.add_process(name, command, env={**os.environ, **env}, cwd=str(PROJECT_ROOT))
    print(banner(settings), flush=True)
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
