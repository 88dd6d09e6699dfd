"""Silence prompts of a call: after `seconds` without speech the assistant asks again; after `prompts`
reprompts it says goodbye and the call ends. Waiting for an answer, the caller speaking and a
conversation with an agent do not count as silence."""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable


class SilenceWatch:
    def __init__(self, seconds: float, prompts: int):
        self.seconds, self.prompts = seconds, prompts
        self.last_activity = time.monotonic()
        self.reprompts = 0  # reprompts since the caller last spoke

    def speech(self) -> None:
        """The caller spoke: the silence and the reprompts start again."""
        self.last_activity = time.monotonic()
        self.reprompts = 0

    def activity(self) -> None:
        """The caller typed words: the silence starts again."""
        self.last_activity = time.monotonic()

    async def run(self, speaking: Callable[[], bool], paused: Callable[[], bool],
                  reprompt: Callable[[], Awaitable[None]], give_up: Callable[[], Awaitable[None]]) -> None:
        """Check four times a second; returns after `give_up` (the call ends)."""
        while True:
            await asyncio.sleep(0.25)
            if speaking() or paused():
                self.last_activity = max(self.last_activity, time.monotonic()) if speaking() else self.last_activity
                continue
            if time.monotonic() - self.last_activity < self.seconds:
                continue
            self.last_activity = time.monotonic()
            if self.reprompts >= self.prompts:
                await give_up()
                return
            self.reprompts += 1
            await reprompt()
