"""The action server, reachable by the Rasa server only: `python -m bot.runtime.action_server`.

Rasa SDK's own server answers any local caller, which could post a forged tracker (for example one
that claims an identified citizen). This one is the same app with one more check: every request but
`/health` must carry the shared secret `ACTION_TOKEN` in the `X-Action-Token` header, which Rasa sends
(endpoints.yml: action_endpoint.headers). The secret comes from the environment (make run generates it
into var/secrets/action_token), never from the command line.
"""

from __future__ import annotations

import hmac
import logging
import os

from sanic import Sanic, response
from sanic.request import Request

from bot.runtime.quiet import library_warnings_off

HEADER = "X-Action-Token"
logger = logging.getLogger(__name__)


def authorised(request: Request, token: str) -> bool:
    return bool(token) and hmac.compare_digest(request.headers.get(HEADER, ""), token)


def create_app(token: str) -> Sanic:
    from rasa_sdk.endpoint import create_app as sdk_app
    from rasa_sdk.plugin import plugin_manager

    app = sdk_app("actions", cors_origins=[])

    @app.middleware("request")
    async def require_secret(request: Request):
        if request.path != "/health" and not authorised(request, token):
            return response.json({"error": "Nicht berechtigt."}, status=401)

    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def main() -> None:
    token = os.environ.get("ACTION_TOKEN", "")
    if not token:
        raise SystemExit("ACTION_TOKEN fehlt: der Action-Server startet nur mit dem gemeinsamen Geheimnis.")
    host = os.environ.get("ACTION_HOST", "127.0.0.1")
    port = int(os.environ.get("ACTION_PORT", "5055"))
    logger.info("Action endpoint is up and running on http://%s:%s", host, port)
    create_app(token).run(host, port, workers=1, access_log=False)


if __name__ == "__main__":
    library_warnings_off()
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    if os.environ.get("LOG_LEVEL", "INFO") != "DEBUG":  # one line per registered action and Sanic's banner: noise
        for name in ("rasa_sdk.executor", "sanic.root"):
            logging.getLogger(name).setLevel(logging.WARNING)
    main()
