"""The action server, reachable by the Rasa server only: `python -m bot.runtime.action_server`.

Rasa SDK's own server answers any local caller, which could post a forged tracker (for example one
that claims an identified citizen). This one is the same app with one more check: every request but
`/health` must carry the shared secret `ACTION_TOKEN` in the `X-Action-Token` header, which Rasa sends
(endpoints.yml: action_endpoint.headers). The secret comes from the environment (make run generates it
into var/secrets/action_token), never from the command line.
"""

from __future__ import annotations

import hmac
import json
import logging
import zlib

from sanic import Sanic, response
from sanic.request import Request

from bot.core.settings import ActionServerSettings, SecuritySettings
from bot.languages.context import set_current
from bot.languages.output import with_fallback_note
from bot.runtime.quiet import library_warnings_off

HEADER = "X-Action-Token"
logger = logging.getLogger(__name__)


def authorised(request: Request, token: str) -> bool:
    return bool(token) and hmac.compare_digest(request.headers.get(HEADER, ""), token)


def language_of(request: Request, chosen_only: bool = False) -> str | None:
    """The `language` slot of the tracker an action request carries ("de" when none; None with `chosen_only`
    when the conversation never had one)."""
    fallback = None if chosen_only else "de"
    if request.path != "/webhook" or request.method != "POST":
        return fallback
    try:
        body = zlib.decompress(request.body) if request.headers.get("Content-Encoding") == "deflate" else request.body
        tracker = (json.loads(body or b"{}") or {}).get("tracker") or {}
    except (ValueError, AttributeError, zlib.error):  # not JSON: the SDK answers it
        return fallback
    value = (tracker.get("slots") or {}).get("language")
    return value if isinstance(value, str) and value else fallback


def create_app(token: str) -> Sanic:
    from rasa_sdk.endpoint import create_app as sdk_app
    from rasa_sdk.plugin import plugin_manager

    app: Sanic = sdk_app("actions", cors_origins=[])

    @app.middleware("request")  # type: ignore[no-untyped-call, untyped-decorator, unused-ignore]  # unannotated in sanic 21.12
    async def require_secret(request: Request) -> response.HTTPResponse | None:
        if request.path != "/health" and not authorised(request, token):
            return response.json({"error": "Nicht berechtigt."}, status=401)
        return None

    @app.middleware("request")  # type: ignore[no-untyped-call, untyped-decorator, unused-ignore]
    async def conversation_language(request: Request) -> None:
        """Every text the action reads is in the conversation's language (bot/languages/context.py)."""
        set_current(language_of(request) or "de")

    @app.middleware("response")  # type: ignore[no-untyped-call, untyped-decorator, unused-ignore]
    async def in_language(request: Request, reply: response.HTTPResponse) -> response.HTTPResponse | None:
        """A conversation that chose a language: each response names it (the web chat sets `lang` and `dir`
        from it, bot/channels/webchat.py), and a German text gets the fallback line (bot/languages/output.py)."""
        language = language_of(request, chosen_only=True)
        if language is None or request.path != "/webhook" or reply.status != 200:
            return None
        body = json.loads(reply.body or b"{}")
        responses = with_fallback_note(body.get("responses") or [], language)
        if not responses:
            return None
        body["responses"] = [{**r, "language": language} for r in responses]
        return response.json(body, status=reply.status)

    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def main() -> None:
    token = SecuritySettings.from_env().token("ACTION_TOKEN")
    if not token:
        raise SystemExit("ACTION_TOKEN fehlt: der Action-Server startet nur mit dem gemeinsamen Geheimnis.")
    settings = ActionServerSettings.from_env()
    host, port = settings.host, settings.port
    logger.info("Action endpoint is up and running on http://%s:%s", host, port)
    create_app(token).run(host, port, workers=1, access_log=False)


if __name__ == "__main__":
    library_warnings_off()
    log_level = ActionServerSettings.from_env().log_level
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    if log_level != "DEBUG":  # one line per registered action and Sanic's banner: noise
        for name in ("rasa_sdk.executor", "sanic.root"):
            logging.getLogger(name).setLevel(logging.WARNING)
    main()
