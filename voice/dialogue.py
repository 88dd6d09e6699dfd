"""The dialogue side of a call: Rasa asked through the voice channel (`bot/channels/voice.py`), the
options last offered (spoken answers select them), and the context of an outgoing call."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

import aiohttp

from bot.core.settings import SecuritySettings
from voice.speech_text import choose

logger = logging.getLogger("voice")
RASA_TIMEOUT = 15


@dataclass(frozen=True)
class OutboundContext:
    """An outgoing call of a campaign (bot/outbound) that the citizen answered."""

    contact_id: str

    def opening(self) -> str:
        """The dialogue greets and checks the person before anything personal is said."""
        return "/greet" + json.dumps({"outbound_id": self.contact_id})


class Dialogue:
    def __init__(self, call_id: str, rasa_url: str):
        self.id = call_id
        self.rasa_url = rasa_url.rstrip("/")
        self.buttons: list[dict] = []  # the options of the last answer that had some
        self.expect = ""  # what the dialogue now waits for (bot/channels/voice.py: X-Voice-Expect)
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=RASA_TIMEOUT))

    def message(self, words: str) -> str:
        """What the dialogue gets for the caller's words: a chosen option's payload, or the words."""
        return choose(words, self.buttons)

    async def ask(self, message: str) -> list[dict]:
        """Rasa's answers ({"text", "buttons"}); empty when the dialogue is unavailable. Also notes what the
        dialogue waits for next (`expect`)."""
        self.expect = ""
        try:
            async with self._http.post(f"{self.rasa_url}/webhooks/voice/webhook",
                                       json={"sender": self.id, "message": message},
                                       headers={"Authorization": f"Bearer {SecuritySettings.from_env().token('INTERNAL_TOKEN')}"}
                                       ) as response:
                answers = await response.json() if response.status == 200 else []
                self.expect = response.headers.get("X-Voice-Expect", "") if response.status == 200 else ""
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("voice: dialogue unavailable: %s", error)
            answers = []
        return answers

    def offered(self, answers: list[dict]) -> None:
        """Remember the last answer's options (none when the answers offer none)."""
        self.buttons = []
        for answer in answers:
            if buttons := answer.get("buttons") or []:
                self.buttons = buttons

    async def close(self) -> None:
        await self._http.close()
