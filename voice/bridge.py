"""The agent bridge of a call: its transcript in the handover store (so that an agent taking over can
read it), the caller's words relayed to the desk while an agent talks to the caller, and the clean-up
when the caller hangs up during a handover. Without Redis there is no handover store: no live agent."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, cast

import redis

from bot.core.clock import now_local
from bot.identity.guard import shield
from bot.safety.detect import must_be_seen
from bot.safety.response import crisis_while_with_person
from voice.events import CitizenMessage, HandoverState, HandoverStateName, wire

if TYPE_CHECKING:
    from bot.handover.state import Handover

logger = logging.getLogger("voice")


class AgentBridge:
    def __init__(self, call_id: str, handover: Handover | None):
        self.id = call_id
        self.handover = handover
        self.with_agent = False  # an agent has taken the call: the caller's words go to the desk

    async def relay(self, words: str) -> None:
        """The caller's words while an agent is on the line: to the desk, crisis check first."""
        assert self.handover is not None  # only a handover store's desk events put an agent on the line
        line = await asyncio.to_thread(self.handover.add_line, self.id, "citizen", words)
        await asyncio.to_thread(self.handover.publish, wire(CitizenMessage(self.id, line)))
        # crisis first, also with an agent on the line: the desks are alerted (bot/safety/response.py)
        await asyncio.to_thread(crisis_while_with_person, self.handover.redis, sender=self.id, channel="voice",
                                text=words, now=now_local())

    async def shield(self, words: str) -> str:
        """A date of birth the dialogue waits for is never recorded (bot/identity/guard.py)."""
        if self.handover is None:
            return words
        try:
            words = await asyncio.to_thread(shield, self.handover.redis, self.id, words, never_hide=must_be_seen)
        except redis.RedisError as error:  # Redis down: the words go on unshielded, the call goes on
            logger.warning("voice: date of birth not shielded: %s", error)
        return words

    async def record(self, role: str, text: str) -> None:
        """The call's transcript, as the chat keeps it, so that an agent taking over can read it."""
        if self.handover is not None and text:
            try:
                await asyncio.to_thread(self.handover.add_line, self.id, role, text)
            except redis.RedisError as error:  # Redis down: the call goes on, the transcript has a gap
                logger.warning("voice: transcript line not stored: %s", error)

    async def waiting_or_with_agent(self) -> HandoverState | None:
        """After a turn: the handover state when the dialogue put the call in the queue or with an agent."""
        if self.handover is None:
            return None
        state = await asyncio.to_thread(self.handover.state, self.id)
        return HandoverState(cast(HandoverStateName, state)) if state in ("queued", "agent") else None

    async def hung_up(self) -> None:
        """The caller hung up: a note for the agent, and the call leaves the queue."""
        if self.handover is None:
            return
        try:
            state = await asyncio.to_thread(self.handover.state, self.id)
            if state in ("queued", "agent"):
                line = await asyncio.to_thread(self.handover.add_line, self.id, "system", "Anrufer/in hat aufgelegt.")
                await asyncio.to_thread(self.handover.publish, wire(CitizenMessage(self.id, line)))
            if state == "queued":
                await asyncio.to_thread(self.handover.leave_queue, self.id)
        except redis.RedisError as error:  # Redis down: nothing else to clean up here
            logger.warning("voice: cleanup after hang-up: %s", error)
