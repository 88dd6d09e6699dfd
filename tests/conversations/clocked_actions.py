"""The real action server with a settable clock, for the conversation corpus runner only.

`python -m tests.conversations.clocked_actions` runs `bot.runtime.action_server` unchanged, after
replacing `bot.core.clock.utc_now` the way the unit tests freeze the clock (see bot/core/clock.py).
Before each action call the clock is set from the Redis key `convtest:now:<sender id>` (an aware ISO
time written by the runner for a conversation with `now`); without that key the real clock runs.
The runner plays one conversation at a time per assistant, so one process-wide value is enough
(and it also holds in worker threads, which a context variable would not).
"""

from __future__ import annotations

import datetime as dt
import runpy

from bot.core import clock

KEY = "convtest:now:{}"
_real_utc_now = clock.utc_now
_frozen: dt.datetime | None = None


def utc_now() -> dt.datetime:
    return _frozen if _frozen is not None else _real_utc_now()


def install() -> None:
    from rasa_sdk.executor import ActionExecutor

    from bot.core.redis_server import redis_client

    original = ActionExecutor.run
    client = redis_client()

    async def run(self, action_call):
        global _frozen
        sender = action_call.get("sender_id") or (action_call.get("tracker") or {}).get("sender_id", "")
        raw = client.get(KEY.format(sender))
        _frozen = dt.datetime.fromisoformat(raw.decode() if isinstance(raw, bytes) else raw).astimezone(
            dt.timezone.utc) if raw else None
        return await original(self, action_call)

    ActionExecutor.run = run
    clock.utc_now = utc_now


if __name__ == "__main__":
    install()
    runpy.run_module("bot.runtime.action_server", run_name="__main__")
