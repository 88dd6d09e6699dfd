"""Citizens' ratings of a conversation with a person (1–5 stars and an optional comment), for the desk's
statistics.

Keys: `ratings` (list of JSON entries, newest first, capped at MAX_KEPT) and `rating:given:<sender>` (one rating
per conversation, 30 days). An entry names the conversation and the agent, never the citizen; the comment is
cut to MAX_COMMENT characters. As a store of bot/privacy it exports and deletes the ratings of a person's
conversations and drops ratings older than the retention (`purge`, with the cases' retention).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import redis

from bot.core.subject import DataSubject

MAX_COMMENT = 500
MAX_KEPT = 5000
GIVEN_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Rating:
    sender: str
    agent: str
    stars: int
    comment: str
    at: str  # ISO timestamp


class RatingStore:
    def __init__(self, client: redis.Redis):
        self.redis = client

    def add(self, sender: str, agent: str, stars: int, comment: str, at: dt.datetime) -> bool:
        """Keep a rating; False when `stars` is not 1–5 or the conversation was rated already."""
        if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
            return False
        if not self.redis.set(f"rating:given:{sender}", "1", nx=True, ex=GIVEN_SECONDS):
            return False
        entry = Rating(sender, agent or "", stars, " ".join(str(comment or "").split())[:MAX_COMMENT], at.isoformat())
        pipe = self.redis.pipeline()
        pipe.lpush("ratings", json.dumps(asdict(entry), ensure_ascii=False))
        pipe.ltrim("ratings", 0, MAX_KEPT - 1)
        pipe.execute()
        return True

    def recent(self, count: int = 50) -> list[Rating]:
        return [Rating(**json.loads(raw)) for raw in self.redis.lrange("ratings", 0, max(0, count - 1))]

    def summary(self, since: dt.datetime | None = None, agent: str | None = None) -> dict[str, Any]:
        """{"count", "average" (None without ratings), "by_stars": {1: n, …, 5: n}} of the kept ratings."""
        ratings = [r for r in self.recent(MAX_KEPT)
                   if (since is None or dt.datetime.fromisoformat(r.at) >= since) and (agent is None or r.agent == agent)]
        by_stars = {stars: sum(1 for r in ratings if r.stars == stars) for stars in range(1, 6)}
        average = round(sum(r.stars for r in ratings) / len(ratings), 2) if ratings else None
        return {"count": len(ratings), "average": average, "by_stars": by_stars}

    # ------------------------------------------------------------------ bot/privacy
    def _keep(self, drop: Callable[[Rating], bool]) -> int:
        kept, dropped = [], 0
        for raw in self.redis.lrange("ratings", 0, -1):
            if drop(Rating(**json.loads(raw))):
                dropped += 1
            else:
                kept.append(raw)
        if dropped:
            pipe = self.redis.pipeline()
            pipe.delete("ratings")
            if kept:
                pipe.rpush("ratings", *kept)
            pipe.execute()
        return dropped

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        mine = [asdict(r) for r in self.recent(MAX_KEPT) if r.sender in person.conversations]
        return {"bewertungen": mine} if mine else {}

    def delete_for(self, person: DataSubject) -> int:
        conversations = set(person.conversations)
        for sender in conversations:
            self.redis.delete(f"rating:given:{sender}")
        return self._keep(lambda r: r.sender in conversations)

    def purge(self, before: dt.datetime) -> int:
        return self._keep(lambda r: dt.datetime.fromisoformat(r.at) < before)
