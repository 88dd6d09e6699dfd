"""Rasa's REST channel (`POST /webhooks/rest/webhook`): an integration API with a token, input checks
and flood protection.

- A token is required: `Authorization: Bearer <token>` or `?token=<token>`; it is `REST_TOKEN`, generated
  once into DATA_DIR/secrets/rest_token by `make run`. Without it: 401. (Anyone who could post with any
  `sender` could otherwise read another citizen's conversation.)
- Broken JSON, a body that is not an object, a missing or malformed sender, a message that is not text,
  a message longer than 5,000 characters, or `metadata` that is not an object get a 400 with a German
  explanation; a sender or client address sending too much gets 429. The two refusals a citizen may see
  (message too long, too many messages) are texts of content/texts.yml (`channels`); the others are for
  the integration's developers and stay here.
- The client address (behind a trusted proxy: the real client, bot/core/netaddr.py) travels as message
  metadata, for the identification limits (bot/identity/guard.py).
- While the dialogue waits for a date of birth, the answer is replaced by a placeholder before it reaches
  the tracker (bot/identity/guard.py).
Everything else is Rasa's own RestInput. The voice channel is the same with the internal token.
"""

from __future__ import annotations

import hmac
import re
from typing import Any, Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import InvalidUsage, SanicException
from sanic.request import Request

from bot.content import say
from bot.core.netaddr import client_address
from bot.core.ratelimit import citizen_checks, shared_limiter
from bot.core.settings import SecuritySettings

SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")
MAX_MESSAGE_CHARS = 5000


class BadMessage(SanicException):
    status_code = 400
    quiet = True


class NotAuthorised(SanicException):
    status_code = 401
    quiet = True


class TooManyMessages(SanicException):
    status_code = 429
    quiet = True


def _body(request: Request) -> dict:
    try:
        body = request.json
    except InvalidUsage:  # Sanic's load_json: "Failed when parsing body as json"
        raise BadMessage("Die Anfrage ist kein gültiges JSON.")
    if not isinstance(body, dict):
        raise BadMessage("Erwartet wird ein JSON-Objekt mit „sender“ und „message“.")
    return body


def request_address(request: Request) -> str:
    return client_address(request.ip or "", request.headers.get("x-forwarded-for"))


class CheckedRestInput(RestInput):
    token_variable = "REST_TOKEN"
    token_in_query = True  # integrations may use ?token=; internal callers send the header

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _authorise(self, request: Request) -> None:
        expected = SecuritySettings.from_env().token(self.token_variable)  # at call time
        header = request.headers.get("authorization", "")
        given = header[7:].strip() if header.lower().startswith("bearer ") else ""
        if not given and self.token_in_query:
            given = request.args.get("token", "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotAuthorised("Für diese Schnittstelle ist ein gültiges Token nötig "
                                "(Authorization: Bearer …). Bitte wenden Sie sich an den Betrieb.")

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        self._authorise(req)
        body = _body(req)
        sender, message = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not SENDER.match(sender):
            raise BadMessage("„sender“ fehlt oder ist ungültig (1 bis 128 Zeichen: Buchstaben, Ziffern, _.:@-).")
        if not isinstance(message, str):
            raise BadMessage("„message“ fehlt oder ist kein Text.")
        if len(message) > MAX_MESSAGE_CHARS:
            raise BadMessage(say("channels.message_too_long", max=MAX_MESSAGE_CHARS))
        if "metadata" in body and not isinstance(body["metadata"], (dict, type(None))):
            raise BadMessage("„metadata“ muss ein JSON-Objekt sein.")
        verdict = shared_limiter().hits(citizen_checks(sender, request_address(req)))
        if not verdict.allowed:
            raise TooManyMessages(say("channels.rate_limited"))
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        from bot.core.redis_server import redis_client
        from bot.identity.guard import shield
        from bot.safety.detect import must_be_seen

        body = _body(req)
        return shield(redis_client(), body["sender"], body["message"], never_hide=must_be_seen)

    def get_metadata(self, request: Request) -> dict[str, Any]:
        """Only what the server knows: the client address (client-sent metadata is not trusted)."""
        return {"client": request_address(request)}
