"""The linear-time tracker save stores exactly what Rasa's own Redis tracker store stores.

Both stores work on the same real Redis under different key prefixes; every scenario is played on
both and the stored JSON compared.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlparse

import yaml
from rasa.core.tracker_store import RedisTrackerStore as RasaStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.runtime.tracker_store import RedisTrackerStore, merged_events

ROOT = Path(__file__).resolve().parents[2]


def stores(redis_url):
    url = urlparse(redis_url)
    common = {"domain": Domain.empty(), "host": url.hostname, "port": url.port, "db": 0}
    return RasaStore(key_prefix="rasa", **common), RedisTrackerStore(key_prefix="ours", **common)


def session_start(store, sender, at):
    tracker = store.init_tracker(sender)
    for event in [SlotSet("session_started_metadata", {"client": "127.0.0.1"}, timestamp=at),
                  ActionExecuted("action_session_start", timestamp=at + 0.1),
                  SessionStarted(timestamp=at + 0.2), ActionExecuted("action_listen", timestamp=at + 0.3)]:
        tracker.update(event)
    return tracker


def turn(tracker, text, answer, at):
    tracker.update(UserUttered(text, {"name": "ask_hours", "confidence": 0.93}, timestamp=at))
    tracker.update(SlotSet("office", "nord", timestamp=at + 0.1))
    tracker.update(BotUttered(answer, {"buttons": [{"title": "Ja", "payload": "/affirm"}]}, timestamp=at + 0.2))
    tracker.update(ActionExecuted("action_listen", timestamp=at + 0.3))


def stored(store, sender):
    return json.loads(store.red.get(store.key_prefix + sender))


def run(coroutine):
    return asyncio.run(coroutine)


def play(store, sender, script):
    """One conversation: two sessions, each retrieved like Rasa does (the latest session only)."""
    async def go():
        tracker = session_start(store, sender, 1000.0)
        await store.save(tracker)
        for n, text in enumerate(script):
            tracker = await store.retrieve(sender)
            turn(tracker, text, f"Antwort {n}", 1001.0 + n)
            await store.save(tracker)
        # a new session after inactivity: the old session stays stored, memory holds only the new one
        tracker = await store.retrieve(sender)
        for event in session_start(store, sender, 5000.0).events:
            tracker.update(event)
        await store.save(tracker)
        for n, text in enumerate(script):
            tracker = await store.retrieve(sender)
            turn(tracker, text, f"Antwort neu {n}", 5001.0 + n)
            await store.save(tracker)
    run(go())


def test_a_conversation_over_two_sessions_is_stored_like_rasa_stores_it(redis_url):
    rasa, ours = stores(redis_url)
    script = ["wann habt ihr offen", "und in nord?", "danke", "tschüss"]
    play(rasa, "c1", script)
    play(ours, "c1", script)
    expected, got = stored(rasa, "c1"), stored(ours, "c1")
    assert got == expected
    assert sum(e["event"] == "session_started" for e in got["events"]) == 2  # nothing of session one lost
    assert [e["text"] for e in got["events"] if e["event"] == "user"] == script * 2


def test_events_written_by_another_process_in_between_are_kept_like_rasa_keeps_them(redis_url):
    rasa, ours = stores(redis_url)

    async def go(store):
        tracker = session_start(store, "c2", 1000.0)
        turn(tracker, "hallo", "Guten Tag", 1001.0)
        await store.save(tracker)
        in_memory = await store.retrieve("c2")
        other = await store.retrieve("c2")  # a second writer saves first
        other.update(SlotSet("handover_note", "von der Agentin", timestamp=1001.5))
        await store.save(other)
        turn(in_memory, "termin", "Welcher Tag?", 1002.0)
        await store.save(in_memory)

    run(go(rasa))
    run(go(ours))
    got = stored(ours, "c2")
    assert got == stored(rasa, "c2")
    assert any(e.get("name") == "handover_note" for e in got["events"])


def test_merge_of_json_events():
    a, b, c, d = ({"event": x, "timestamp": i} for i, x in enumerate("abcd"))
    assert merged_events([], [a, b]) == [a, b]
    assert merged_events([a, b], [a, b, c]) == [a, b, c]
    assert merged_events([d, a, b], [a, b, c]) == [d, a, b, c]  # an earlier session kept
    assert merged_events([a, b, d], [a, b, c]) is None  # diverged: Rasa's merge decides
    assert merged_events([a, b, c], [a, b]) is None  # stored has more than memory
    assert merged_events([a], [c]) is None


def test_the_endpoints_configure_this_store_and_rasa_loads_it(redis_url):
    """Rasa silently falls back to an in-memory store when the class cannot be imported."""
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))["tracker_store"]
    assert config["type"] == "bot.runtime.tracker_store.RedisTrackerStore"
    url = urlparse(redis_url)
    store = TrackerStore.create(EndpointConfig(type=config["type"], url=url.hostname, port=url.port, db=0,
                                               key_prefix="jobcenter"), Domain.empty())
    inner = getattr(store, "_tracker_store", store)
    assert isinstance(inner, RedisTrackerStore)


def test_privacy_finds_conversations_under_the_prefix_this_store_writes(redis_url):
    """Auskunft and Löschung read trackers under bot/core/conversations.py's prefix: the endpoints and Rasa
    must still write there (a renamed prefix would hide conversations from the privacy duties)."""
    from bot.core.conversations import TRACKER_KEY_PREFIX, TRACKER_PREFIX, tracker_key

    config = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))["tracker_store"]
    assert config["key_prefix"] == TRACKER_KEY_PREFIX
    url = urlparse(redis_url)
    store = RedisTrackerStore(Domain.empty(), host=url.hostname, port=url.port, db=0, key_prefix=config["key_prefix"])
    assert store.key_prefix == TRACKER_PREFIX
    asyncio.run(store.save(session_start(store, "chat-1", 1_700_000_000.0)))
    assert store.red.get(tracker_key("chat-1")) is not None
