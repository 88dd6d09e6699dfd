"""The voice gateway's way into Rasa: `POST /webhooks/voice/webhook` with the caller's recognised words.

Same bot, same rules as the chat; the input channel is "voice", so the handover puts callers into the
live queue marked as calls. Input checks and flood limits are those of the REST channel; the gateway
authenticates with the internal token (`Authorization: Bearer $INTERNAL_TOKEN`).
"""

from __future__ import annotations

from typing import Text

from bot.channels.rest import CheckedRestInput


class VoiceInput(CheckedRestInput):
    token_variable = "INTERNAL_TOKEN"  # only the voice gateway may speak for callers
    token_in_query = False

    @classmethod
    def name(cls) -> Text:
        return "voice"
