"""`make run`: start the whole assistant in the foreground, supervised; Ctrl-C stops everything.

Processes (supervised with honcho): the embedded Redis (unless REDIS_URL is set), the action
server, the Rasa server (REST and web chat channels), the agent desk, the voice gateway and the contacts
worker (outbound campaigns, incoming e-mail).
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import sys
import threading
import time
from typing import Callable

import requests
from honcho.manager import Manager

from bot import PROJECT_ROOT
from bot.content import ContentError, load_content
from bot.core.redis_server import embedded_command, redis_env
from bot.core.settings import SecuritySettings, Settings, embedded_url, load_settings, secret
from bot.mail.settings import mail_settings

SECRETS = {"RASA_AUTH_TOKEN": "rasa_token", "REST_TOKEN": "rest_token", "ACTION_TOKEN": "action_token",
           "INTERNAL_TOKEN": "internal_token"}


def process_env(settings: Settings) -> dict[str, str]:
    """Everything the processes need, secrets included: they travel in the environment (readable only by
    the same user), never on a command line. Each secret is taken from the variable of the same name or
    generated once into DATA_DIR/secrets/ (mode 600)."""
    env = redis_env(settings.effective_redis_url)
    security = SecuritySettings.from_env()
    for variable, name in SECRETS.items():
        env[variable] = secret(settings.data_dir, name, security.token(variable))
    env["CORS_ORIGINS"] = settings.cors_origins
    env["TRUSTED_PROXIES"] = settings.trusted_proxies
    env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{settings.action_port}/webhook"
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    env["DESK_PORT"] = str(settings.desk_port)
    env["DATA_DIR"] = str(settings.data_dir)
    env["RASA_URL"] = f"http://127.0.0.1:{settings.rasa_port}"
    env["VOICE_PORT"] = str(settings.voice_port)
    env["AUDIOSOCKET_PORT"] = str(settings.audiosocket_port)
    # libraries' deprecation notices are for their maintainers, not for whoever starts the assistant.
    # Allowed direct read (tests/unit/test_settings.py): Python's own variable, passed on, not our configuration.
    env["PYTHONWARNINGS"] = os.environ.get("PYTHONWARNINGS", "ignore::DeprecationWarning")
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
    mail = mail_settings()
    base = f"http://localhost:{settings.rasa_port}"
    redis_line = (re.sub(r"//[^@/]*@", "//***@", settings.redis_url) if settings.redis_url else
                  f"embedded, {embedded_url(settings.embedded_redis_port)} (Passwort in "
                  f"{settings.data_dir / 'secrets' / 'redis_password'}), data in {settings.data_dir / 'redis'}")
    return "\n".join(
        [
            "Jobcenter-Assistent läuft (Strg-C beendet alles):",
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
            f"  E-Mail:        Eingang {mail.maildrop_dir} (Maildir), Versand SMTP "
            f"{mail.smtp_host}:{mail.smtp_port}",
            f"  Redis:         {redis_line}",
        ]
    )


def probes(settings: Settings, env: dict[str, str]) -> dict[str, Callable[[], bool]]:
    """How to tell that each part answers, in start order (Redis first, Rasa last: it loads the model)."""
    def http(url: str) -> Callable[[], bool]:
        def probe() -> bool:
            try:
                return requests.get(url, timeout=2).status_code < 500
            except requests.RequestException:
                return False
        return probe

    def port(number: int) -> Callable[[], bool]:  # a connection only: no access-log line per probe
        def probe() -> bool:
            try:
                socket.create_connection(("127.0.0.1", number), timeout=2).close()
                return True
            except OSError:
                return False
        return probe

    def redis_ping() -> bool:
        import redis

        try:
            return bool(redis.Redis.from_url(env["REDIS_URL"], password=env.get("REDIS_PASSWORD") or None,
                                             socket_timeout=2).ping())
        except redis.RedisError:
            return False

    return {
        "Redis": redis_ping,
        "Action-Server": port(settings.action_port),
        "Agent-Desk": port(settings.desk_port),
        "Sprache": port(settings.voice_port),
        "Rasa (Modell geladen)": http(f"http://127.0.0.1:{settings.rasa_port}/"),
    }


def report_readiness(checks: dict[str, Callable[[], bool]], say: Callable[[str], None], final: str,
                     timeout: float = 600.0, interval: float = 0.5,
                     clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                     stopped: Callable[[], bool] = lambda: False) -> bool:
    """One line per part as it becomes ready, then `final` (the banner) once all are; after `timeout` a
    line naming the parts that do not answer (their own log lines say why). Nothing once `stopped()`."""
    waiting = dict(checks)
    started = clock()
    while waiting:
        if stopped():
            return False
        for name, check in list(waiting.items()):
            if check():
                say(f"  bereit: {name} ({clock() - started:.0f} s)")
                del waiting[name]
        if not waiting:
            break
        if clock() - started > timeout:
            say(f"Noch nicht bereit nach {timeout:.0f} s: {', '.join(waiting)} (siehe Meldungen oben).")
            return False
        sleep(interval)
    if stopped():
        return False
    say(final)
    return True


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
        # allowed direct read (tests/unit/test_settings.py): the children inherit the whole environment
        manager.add_process(name, command, env={**os.environ, **env}, cwd=str(PROJECT_ROOT))
    print("Jobcenter-Assistent startet …", flush=True)

    def say(line: str) -> None:
        print(line, flush=True)

    done = threading.Event()
    threading.Thread(target=report_readiness, args=(probes(settings, env), say, banner(settings)),
                     kwargs={"stopped": done.is_set}, daemon=True).start()
    manager.loop()
    done.set()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
