"""The voice gateway's way into Rasa: `POST /webhooks/voice/webhook` with the caller's recognised words.

Same bot, same rules as the chat; the input channel is "voice", so the handover puts callers into the
live queue marked as calls. Input checks and flood limits are those of the REST channel; the gateway
authenticates with the internal token (`Authorization: Bearer $INTERNAL_TOKEN`).

The answer carries one thing the chat does not need: the header `X-Voice-Expect` says what the dialogue
now waits for (`number` for the BG-/Kundennummer, `date` for the birth date, `yes_no`, `phone`, or
empty), taken from the form's requested slot. The gateway restricts recognition to it, announces keypad
entry and reads identification values back (voice/readback.py).
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.rest import CheckedRestInput

logger = logging.getLogger(__name__)
EXPECT_HEADER = "X-Voice-Expect"
# requested slot -> what can be said there (voice/grammars.py)
EXPECTED = {"id_number": "number", "id_birth_date": "date", "appointment_confirm": "yes_no",
            "consent_confirm": "yes_no", "callback_contact": "phone", "consent_phone": "phone"}


def expectation(requested_slot: Any) -> str:
    return EXPECTED.get(requested_slot, "") if isinstance(requested_slot, str) else ""


class VoiceInput(CheckedRestInput):
    token_variable = "INTERNAL_TOKEN"  # only the voice gateway may speak for callers
    token_in_query = False

    @classmethod
    def name(cls) -> Text:
        return "voice"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @hook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender = await self._extract_sender(request)
            text = self._extract_message(request)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=self.get_metadata(request)))
            except CancelledError:
                logger.error("voice: message timed out")
            except Exception:  # as Rasa's REST channel: the caller gets the answers collected so far
                logger.exception("voice: message failed")
            expect = ""
            try:
                tracker = await request.app.ctx.agent.tracker_store.retrieve(sender)
                expect = expectation(tracker.get_slot("requested_slot")) if tracker else ""
            except Exception as error:  # noqa: BLE001 - the answer matters more than the hint
                logger.warning("voice: no expectation for %s: %s", sender, type(error).__name__)
            return response.json(collector.messages, headers={EXPECT_HEADER: expect})

        return hook
