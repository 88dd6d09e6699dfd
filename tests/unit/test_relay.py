"""bot/core/relay.py, the one Redis pub/sub relay, on a real Redis."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import redis

from bot.core.relay import relay

CHANNEL = "test:relay"


def _publish(url: str, *events: object) -> None:
    client = redis.Redis.from_url(url)
    for event in events:
        client.publish(CHANNEL, event if isinstance(event, str) else json.dumps(event))


async def _subscribers(url: str, count: int = 1, timeout: float = 10.0) -> None:
    """Wait until `count` clients listen on CHANNEL (the relay has (re)subscribed)."""
    client = redis.Redis.from_url(url)
    deadline = asyncio.get_running_loop().time() + timeout
    while dict(client.pubsub_numsub(CHANNEL)).get(CHANNEL.encode(), 0) != count:
        assert asyncio.get_running_loop().time() < deadline, "relay did not subscribe"
        await asyncio.sleep(0.02)


async def _until(condition, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _stop(task: asyncio.Task) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_events_arrive_in_order(redis_url):
    async def scenario() -> list[dict]:
        received: list[dict] = []

        async def handle(event: dict) -> None:
            await asyncio.sleep(0)  # a callback that yields must not reorder events
            received.append(event)

        task = asyncio.create_task(relay(redis_url, CHANNEL, handle))
        await _subscribers(redis_url)
        _publish(redis_url, *({"type": "n", "n": n} for n in range(50)))
        await _until(lambda: len(received) == 50)
        await _stop(task)
        return received

    assert [event["n"] for event in asyncio.run(scenario())] == list(range(50))


def test_reconnects_after_the_connection_is_killed(redis_url, caplog):
    async def scenario() -> list[int]:
        received: list[int] = []

        async def handle(event: dict) -> None:
            received.append(event["n"])

        task = asyncio.create_task(relay(redis_url, [CHANNEL], handle, name="test relay", first_delay=0.05))
        await _subscribers(redis_url)
        _publish(redis_url, {"n": 1})
        await _until(lambda: received == [1])
        killed = redis.Redis.from_url(redis_url).execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        assert killed >= 1
        await _until(lambda: any("test relay" in r.getMessage() and "reconnecting" in r.getMessage()
                                 for r in caplog.records))
        await _subscribers(redis_url)
        _publish(redis_url, {"n": 2}, {"n": 3})
        await _until(lambda: received == [1, 2, 3])
        await _stop(task)
        return received

    with caplog.at_level(logging.WARNING, logger="bot.core.relay"):
        assert asyncio.run(scenario()) == [1, 2, 3]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all("test relay" in r.getMessage() for r in warnings)


def test_keeps_trying_while_redis_is_away(caplog):
    """Nothing listens on the port: warnings with a growing delay, and cancelling still stops it."""
    from tests.integration.servers import free_port

    async def scenario() -> None:
        async def handle(event: dict) -> None:
            raise AssertionError("no events expected")

        task = asyncio.create_task(relay(f"redis://127.0.0.1:{free_port()}/0", CHANNEL, handle,
                                         name="away relay", first_delay=0.01, max_delay=0.04))
        await _until(lambda: len(caplog.records) >= 4)
        await _stop(task)

    with caplog.at_level(logging.WARNING, logger="bot.core.relay"):
        asyncio.run(scenario())
    delays = [r.getMessage().rsplit(" in ", 1)[1] for r in caplog.records[:4]]
    assert delays == ["0.01 s", "0.02 s", "0.04 s", "0.04 s"]  # doubling, up to max_delay
    assert all("away relay" in r.getMessage() for r in caplog.records)
    assert all(r.levelno == logging.WARNING for r in caplog.records)


def test_cancel_stops_cleanly_and_unsubscribes(redis_url, caplog):
    async def scenario() -> None:
        async def handle(event: dict) -> None:
            pass

        task = asyncio.create_task(relay(redis_url, CHANNEL, handle))
        await _subscribers(redis_url)
        await _stop(task)
        await _subscribers(redis_url, count=0)  # the connection was closed, not left behind

    with caplog.at_level(logging.WARNING, logger="bot.core.relay"):
        asyncio.run(scenario())
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_cancel_while_a_callback_runs(redis_url):
    async def scenario() -> None:
        started = asyncio.Event()

        async def handle(event: dict) -> None:
            started.set()
            await asyncio.sleep(60)

        task = asyncio.create_task(relay(redis_url, CHANNEL, handle))
        await _subscribers(redis_url)
        _publish(redis_url, {"type": "slow"})
        await asyncio.wait_for(started.wait(), 10)
        await _stop(task)
        await _subscribers(redis_url, count=0)

    asyncio.run(scenario())


def test_a_failing_callback_or_a_bad_event_does_not_stop_the_relay(redis_url, caplog):
    async def scenario() -> list[int]:
        received: list[int] = []

        async def handle(event: dict) -> None:
            if event.get("fail"):
                raise RuntimeError("socket gone")
            received.append(event["n"])

        task = asyncio.create_task(relay(redis_url, CHANNEL, handle, name="test relay"))
        await _subscribers(redis_url)
        _publish(redis_url, {"n": 1}, {"fail": True, "type": "to_citizen"}, "not json", "[1, 2]", {"n": 2})
        await _until(lambda: received == [1, 2])
        await _stop(task)
        return received

    with caplog.at_level(logging.WARNING, logger="bot.core.relay"):
        assert asyncio.run(scenario()) == [1, 2]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "to_citizen" in errors[0].getMessage() and errors[0].exc_info
    assert "socket gone" not in errors[0].getMessage()  # the event's content stays out of the message
    skipped = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert skipped == ["test relay: event is not JSON, skipped", "test relay: event is not a JSON object, skipped"]
    assert not any("reconnecting" in message for message in skipped)  # no reconnect for a bad event
