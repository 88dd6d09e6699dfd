"""How many calls the gateway serves at once (`VOICE_MAX_CALLS`), and the queue of callers beyond that.

Recognition must stay real-time for every admitted call; a caller beyond the limit is never dropped: they
hear a notice ("alle Leitungen belegt … bleiben Sie in der Leitung"), wait in order of arrival, hear a
short reminder every `REMIND_SECONDS`, and are served as soon as a line is free. Hanging up while
waiting leaves the queue.
"""

from __future__ import annotations

import asyncio
from collections import deque

REMIND_SECONDS = 30.0


class Lines:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active: set[str] = set()
        self.waiting: deque[tuple[str, asyncio.Future[None]]] = deque()

    def free(self) -> bool:
        return len(self.active) < self.limit and not self.waiting

    def try_take(self, call_id: str) -> bool:
        """A line now, if one is free and nobody waits before this caller."""
        if self.free():
            self.active.add(call_id)
            return True
        return False

    async def wait(self, call_id: str, timeout: float) -> bool:
        """Wait in the queue up to `timeout` seconds; True once this call has a line."""
        if call_id in self.active or self.try_take(call_id):
            return True
        entry = next((e for e in self.waiting if e[0] == call_id), None)
        if entry is None:
            entry = (call_id, asyncio.get_running_loop().create_future())
            self.waiting.append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(entry[1]), timeout)
        except asyncio.TimeoutError:
            return False
        return True

    def position(self, call_id: str) -> int:
        """1 for the next caller to be served, 0 when not waiting."""
        for index, (waiting_id, _) in enumerate(self.waiting, 1):
            if waiting_id == call_id:
                return index
        return 0

    def release(self, call_id: str) -> None:
        """The call ended (or hung up while waiting): its line goes to the next caller in the queue."""
        self.active.discard(call_id)
        self.waiting = deque(entry for entry in self.waiting if entry[0] != call_id)
        while self.waiting and len(self.active) < self.limit:
            waiting_id, future = self.waiting.popleft()
            self.active.add(waiting_id)
            if not future.done():
                future.set_result(None)
