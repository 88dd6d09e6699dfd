"""Where Rasa keeps a conversation in Redis, for Auskunft and Löschung: `jobcenter:tracker:<sender>`.

The tracker store (bot/runtime/tracker_store.py, configured in endpoints.yml with `key_prefix:
jobcenter`; Rasa adds `:tracker:`) writes the keys; this module reads and deletes them. It sits below
the layers of bot/privacy (the runtime sits above), so that `python -m bot.privacy.duties` finds
conversations without importing upwards; tests/unit/test_tracker_store.py checks that endpoints.yml and
Rasa still produce this prefix.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import redis

from bot.core.clock import TIMEZONE
from bot.core.subject import DataSubject

TRACKER_KEY_PREFIX = "jobcenter"  # endpoints.yml, tracker_store.key_prefix
TRACKER_PREFIX = f"{TRACKER_KEY_PREFIX}:tracker:"


def tracker_key(sender: str) -> str:
    return f"{TRACKER_PREFIX}{sender}"


class ConversationRecords:
    """The stored conversations (trackers) of a person's linked conversations."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    def messages(self, sender: str) -> list[dict[str, Any]]:
        """What the citizen and the assistant wrote, with times (the export's form)."""
        raw = self.redis.get(tracker_key(sender))
        if not raw:
            return []
        events = json.loads(raw).get("events", [])
        return [{"wer": "Bürger/in" if e["event"] == "user" else "Assistent", "text": e.get("text"),
                 "zeit": dt.datetime.fromtimestamp(e.get("timestamp", 0), TIMEZONE).replace(tzinfo=None).isoformat(timespec="seconds")}
                for e in events if e.get("event") in ("user", "bot") and e.get("text")]

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {"gespraeche": {s: self.messages(s) for s in person.conversations}}

    def delete_for(self, person: DataSubject) -> int:
        """Deletes the trackers; the number of the person's conversations."""
        if person.conversations:
            self.redis.delete(*(tracker_key(s) for s in person.conversations))
        return len(person.conversations)
