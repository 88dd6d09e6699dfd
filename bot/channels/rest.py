"""Rasa's REST channel (`POST /webhooks/rest/webhook`) with input checks and flood protection.

Broken JSON, a body that is not an object, a missing or malformed sender, or a message that is not
text get a 400 with a German explanation instead of a server error; a sender or client address
sending too much gets 429. Everything else is Rasa's own RestInput.
"""

from __future__ import annotations

import re
from typing import Optional, Text

from rasa.core.channels.rest import RestInput
from sanic.exceptions import SanicException
from sanic.request import Request

from bot.ratelimit import RATE_LIMITED, citizen_checks, shared_limiter

SENDER = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


class BadMessage(SanicException):
    status_code = 400
    quiet = True


class TooManyMessages(SanicException):
    status_code = 429
    quiet = True


def _body(request: Request) -> dict:
    try:
        body = request.json
    except Exception:
        raise BadMessage("Die Anfrage ist kein gültiges JSON.")
    if not isinstance(body, dict):
        raise BadMessage("Erwartet wird ein JSON-Objekt mit „sender“ und „message“.")
    return body


class CheckedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        body = _body(req)
        sender, message = body.get("sender"), body.get("message")
        if not isinstance(sender, str) or not SENDER.match(sender):
            raise BadMessage("„sender“ fehlt oder ist ungültig (1 bis 128 Zeichen: Buchstaben, Ziffern, _.:@-).")
        if not isinstance(message, str):
            raise BadMessage("„message“ fehlt oder ist kein Text.")
        verdict = shared_limiter().hits(citizen_checks(sender, req.remote_addr or req.ip or ""))
        if not verdict.allowed:
            raise TooManyMessages(RATE_LIMITED)
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        return _body(req)["message"]
