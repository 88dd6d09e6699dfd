"""The desk's own records about conversations: which ones an agent holds ("Meine Gespräche"), what the queue
entry said when it was taken (topic, summary, channel, customer), internal notes, and canned responses.

The handover state (bot/handover/state.py) stays the authority on ownership: `mine()` returns only the
conversations Redis still assigns to the agent, so a released or transferred one drops out by itself.

Keys: `desk:mine:<user>` (set of senders), `desk:convmeta:<sender>` (JSON), `desk:notes:<sender>` (list of
JSON notes, staff only, never sent to the citizen), `desk:canned` (hash id -> JSON canned response). Notes and
meta expire with the transcript (TRANSCRIPT_TTL).
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

import redis

from bot.core.clock import now_local
from bot.handover.state import TRANSCRIPT_TTL, Handover

MAX_NOTE = 2000
MAX_CANNED = 200
SHORTCUT = re.compile(r"^[a-z0-9äöüß_-]{1,20}$")


class Worklist:
    def __init__(self, client: redis.Redis, handover: Handover):
        self.redis = client
        self.handover = handover

    # ------------------------------------------------------------------ my conversations
    def took(self, user: str, sender: str, meta: dict[str, Any]) -> None:
        pipe = self.redis.pipeline()
        pipe.sadd(f"desk:mine:{user}", sender)
        pipe.set(f"desk:convmeta:{sender}", json.dumps(meta, ensure_ascii=False), ex=TRANSCRIPT_TTL)
        pipe.execute()

    def meta(self, sender: str) -> dict[str, Any]:
        raw = self.redis.get(f"desk:convmeta:{sender}")
        return json.loads(raw) if raw else {}

    def mine(self, user: str) -> list[dict[str, Any]]:
        """The conversations Redis assigns to `user`, oldest claim first, with their last line."""
        result = []
        for raw in self.redis.smembers(f"desk:mine:{user}"):
            sender = raw.decode()
            if self.handover.owner(sender) != user or self.handover.state(sender) != "agent":
                self.redis.srem(f"desk:mine:{user}", sender)
                continue
            transcript = self.handover.transcript(sender)
            last = transcript[-1] if transcript else {}
            citizen = [line["id"] for line in transcript if line.get("role") == "citizen"]
            result.append({"sender": sender, **self.meta(sender), "last_id": last.get("id", 0),
                           "last_ts": last.get("ts", ""), "last_text": str(last.get("text", ""))[:120],
                           "citizen_ids": citizen[-50:]})
        return sorted(result, key=lambda c: (c.get("taken", 0), c.get("claimed_at", ""), c["sender"]))

    def gave_up(self, user: str, sender: str) -> None:
        self.redis.srem(f"desk:mine:{user}", sender)

    # ------------------------------------------------------------------ internal notes
    def add_note(self, sender: str, user: str, text: str) -> dict[str, str]:
        note = {"at": now_local().isoformat(timespec="seconds"), "by": user, "text": text[:MAX_NOTE]}
        pipe = self.redis.pipeline()
        pipe.rpush(f"desk:notes:{sender}", json.dumps(note, ensure_ascii=False))
        pipe.expire(f"desk:notes:{sender}", TRANSCRIPT_TTL)
        pipe.execute()
        return note

    def notes(self, sender: str) -> list[dict[str, str]]:
        return [json.loads(raw) for raw in self.redis.lrange(f"desk:notes:{sender}", 0, -1)]


class CannedResponses:
    """Texts agents insert with a click or `/shortcut`; supervisors add, change and delete them."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    def all(self, seed: list[tuple[str, str, str]] = ()) -> list[dict[str, str]]:  # type: ignore[assignment]
        """All responses sorted by title; an empty store is filled once from `seed` (title, shortcut, text)."""
        if seed and not self.redis.exists("desk:canned"):
            for title, shortcut, text in seed:
                self.save("", title, shortcut, text)
        entries = [{"id": k.decode(), **json.loads(v)} for k, v in self.redis.hgetall("desk:canned").items()]
        return sorted(entries, key=lambda e: e["title"].lower())

    def save(self, entry_id: str, title: str, shortcut: str, text: str) -> dict[str, str]:
        title, text, shortcut = " ".join(title.split())[:80], text.strip()[:4000], shortcut.strip().lower()
        if not title or not text:
            raise ValueError("Bitte Titel und Text angeben.")
        if shortcut and not SHORTCUT.match(shortcut):
            raise ValueError("Kürzel: 1–20 Kleinbuchstaben, Ziffern, - oder _.")
        others = [e for e in self.all() if e["id"] != entry_id]
        if shortcut and any(e["shortcut"] == shortcut for e in others):
            raise ValueError(f"Das Kürzel /{shortcut} ist schon vergeben.")
        if not entry_id and len(others) >= MAX_CANNED:
            raise ValueError(f"Höchstens {MAX_CANNED} Textbausteine.")
        entry_id = entry_id if entry_id and self.redis.hexists("desk:canned", entry_id) else secrets.token_hex(4)
        entry = {"title": title, "shortcut": shortcut, "text": text}
        self.redis.hset("desk:canned", entry_id, json.dumps(entry, ensure_ascii=False))
        return {"id": entry_id, **entry}

    def delete(self, entry_id: str) -> bool:
        return bool(self.redis.hdel("desk:canned", entry_id))
