"""Flood protection shared by all processes: a fixed-window counter per key in Redis.

Used by the web chat, the REST channel and the agent desk. When Redis is unreachable the limiter lets
messages through (the conversation matters more than the limit) and logs a warning.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

import redis

logger = logging.getLogger(__name__)

_HIT = """
-- one counter per key, ARGV[i] the window of KEYS[i]; all counted in one round trip
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, tonumber(ARGV[i])) end
  counts[i] = count
end
return counts
"""

# The refusal for citizens is channels.rate_limited of content/texts.yml (core cannot read content: the
# channels look it up, see bot/channels/rest.py and webchat.py).


def _limit(name: str, default: str) -> tuple[int, int]:
    """"count/seconds" from the environment, e.g. CHAT_LIMIT_PER_SESSION=15/10."""
    count, seconds = os.environ.get(name, default).split("/")
    return int(count), int(seconds)


def citizen_checks(session: str, address: str) -> list[tuple[str, int, int]]:
    """The limits for one citizen message: per conversation and per client address, and per conversation
    and day, which bounds a tracker's growth (with the 5,000-character message limit: at most 3 MB a day;
    Rasa's tracker store drops a conversation 30 days after its last message)."""
    per_session, per_address = _limit("CHAT_LIMIT_PER_SESSION", "15/10"), _limit("CHAT_LIMIT_PER_ADDRESS", "300/60")
    per_day = _limit("CHAT_LIMIT_PER_SESSION_DAY", "600/86400")
    return [(f"chat:s:{session}", *per_session), (f"chat:a:{address}", *per_address),
            (f"chat:d:{session}", *per_day)]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    first_refusal: bool  # tell the client once per window, not for every dropped message


class RateLimiter:
    def __init__(self, client: redis.Redis):
        self.redis = client
        self._hit = client.register_script(_HIT)

    def hit(self, key: str, limit: int, window_seconds: int) -> Verdict:
        return self.hits([(key, limit, window_seconds)])

    def hits(self, checks: list[tuple[str, int, int]]) -> Verdict:
        """All limits must allow; the first refusal counts once. One Redis round trip for all of them."""
        try:
            counts = self._hit(keys=[f"rl:{key}" for key, _, _ in checks], args=[window for _, _, window in checks])
        except redis.RedisError as error:
            logger.warning("rate limiter unavailable, letting the request through: %s", error)
            return Verdict(True, False)
        verdicts = [Verdict(int(count) <= limit, int(count) == limit + 1) for count, (_, limit, _) in zip(counts, checks)]
        refused = [v for v in verdicts if not v.allowed]
        if not refused:
            return Verdict(True, False)
        return Verdict(False, any(v.first_refusal for v in refused))


@lru_cache(maxsize=1)
def shared_limiter() -> RateLimiter:
    """One limiter (and Redis connection pool) per process, for all channels."""
    from bot.core.redis_server import redis_client

    return RateLimiter(redis_client())
