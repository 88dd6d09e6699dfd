"""Rasa's Redis tracker store with a save that does not grow quadratically with the conversation.

Rasa 3.6 `RedisTrackerStore.save` reads the stored tracker back, deserialises it and merges it with the
tracker in memory, because `retrieve` returns only the latest session (the events before its
`action_session_start`, among them the `session_started_metadata` slot, are not in memory). Its merge
compares every new event with every stored event through `as_dict()`: py-spy showed it as the largest
single cost of the Rasa process under `make bench` (see docs/performance.md), and it is taken on every
message, because the tracker in memory never starts with the stored tracker's first event.

`save` here does the same in linear time on the JSON form: when the stored events from the start of the
session in memory are a prefix of the events in memory (the normal case: the lock store lets one
process at a time work on a conversation), the stored tracker is the stored events before that session
plus the events in memory. Anything else (another writer appended events in between, an event that does
not survive JSON unchanged) falls back to Rasa's own merge, so the result is never different from Rasa's.

Configured in `endpoints.yml` as `type: bot.runtime.tracker_store.RedisTrackerStore`.
"""

from __future__ import annotations

import json
from typing import Any, Optional

from rasa.core.tracker_store import RedisTrackerStore as _RasaRedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


def merged_events(
    stored: list[dict[str, Any]], current: list[dict[str, Any]]
) -> Optional[list[dict[str, Any]]]:
    """The stored events followed by the current session's new ones, or None when they diverge.

    `current` is the session in memory; it starts somewhere inside `stored` (or is new). The latest
    position of its first event in `stored` is where the session began.
    """
    if not stored:
        return current
    if not current:
        return None
    first = current[0]
    for start in range(len(stored) - 1, -1, -1):
        if stored[start] == first:
            break
    else:
        return None
    overlap = stored[start:]
    if len(overlap) > len(current) or current[: len(overlap)] != overlap:
        return None
    return stored[:start] + current


class RedisTrackerStore(_RasaRedisTrackerStore):  # type: ignore[misc, unused-ignore]  # rasa ships no type information (reported only under --strict)
    """Same keys, format, expiry and event streaming as Rasa's; only the merge on save is linear."""

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        if not timeout and self.record_exp:
            timeout = self.record_exp
        key = self.key_prefix + tracker.sender_id
        serialised = self.serialise_tracker(tracker)
        stored = self.red.get(key)
        if stored is not None:
            serialised = self._merged(tracker, serialised, stored)
        self.red.set(key, serialised, ex=timeout)

    def _merged(self, tracker: DialogueStateTracker, serialised: str, stored: str) -> str:
        try:
            stored_events: Any = json.loads(stored).get("events")
        except (ValueError, AttributeError):
            stored_events = None
        if isinstance(stored_events, list):
            current = json.loads(serialised)["events"]
            events = merged_events(stored_events, current)
            if events is not None:
                if events is current:
                    return serialised
                return json.dumps({"events": events, "name": tracker.sender_id})
        prior = self.deserialise_tracker(tracker.sender_id, stored)
        if prior is None:
            return serialised
        merged: str = self.serialise_tracker(self._merge_trackers(prior, tracker))
        return merged
