"""The one Redis pub/sub relay: subscribe to channels, hand each event to a callback, reconnect after
Redis drops.

Used by the web chat channel, the agent desk and the voice gateway to receive handover events
published by any process (`bot/handover/state.py` `EVENTS`). Events are JSON objects; each one is
decoded and awaited in the callback in the order Redis delivers them. Events published while the
relay is disconnected are lost (pub/sub keeps nothing); the durable state is in Redis keys.

- Redis drops (restart, `CLIENT KILL`, network): a warning is logged, the connection closed, and
  the relay subscribes again after a delay that doubles from `first_delay` up to `max_delay` while
  Redis stays away, and starts afresh once a subscription succeeds.
- A callback that raises, or an event that is not JSON, is logged and skipped; the relay goes on.
- Cancelling the task stops it; its connection is closed on the way out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Iterable

import redis
import redis.asyncio as aioredis

logger = logging.getLogger(__name__)

EventHandler = Callable[[dict[str, Any]], Awaitable[object]]

FIRST_DELAY = 1.0  # seconds before subscribing again after a drop
MAX_DELAY = 30.0  # while Redis stays away, the delay doubles up to this


async def relay(url: str, channels: str | Iterable[str], handle: EventHandler, *, name: str = "relay",
                first_delay: float = FIRST_DELAY, max_delay: float = MAX_DELAY) -> None:
    """Deliver every JSON event published on `channels` to `handle`, until cancelled.

    `name` labels the log lines ("desk relay", "voice relay", ...)."""
    subscribed = [channels] if isinstance(channels, str) else list(channels)
    delay = first_delay
    while True:
        client = aioredis.from_url(url)
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(*subscribed)
            delay = first_delay  # connected: the next drop starts the backoff afresh
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    await _deliver(name, handle, message["data"])
            logger.warning("%s: subscription ended; subscribing again in %g s", name, delay)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - the relay must outlive any drop (Redis restarted, connection killed)
            logger.warning("%s: %s; reconnecting in %g s", name, str(error) or type(error).__name__, delay)
        finally:
            await _close(pubsub, client)
        await asyncio.sleep(delay)
        delay = min(delay * 2, max_delay)


async def _deliver(name: str, handle: EventHandler, data: bytes | str) -> None:
    try:
        event = json.loads(data)
    except ValueError:
        logger.warning("%s: event is not JSON, skipped", name)
        return
    if not isinstance(event, dict):
        logger.warning("%s: event is not a JSON object, skipped", name)
        return
    try:
        await handle(event)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 - one bad event or a closed socket must not stop the others
        logger.exception("%s: event %r failed", name, event.get("type"))


async def _close(pubsub: Any, client: aioredis.Redis) -> None:
    try:
        await pubsub.reset()
        await client.close(close_connection_pool=True)
    except (redis.RedisError, OSError) as error:  # the connection is gone already
        logger.debug("relay close: %s", error)
