"""Flood protection shared by all processes: a fixed-window counter per key in Redis.

Used by the web chat, the REST channel and the agent desk. When Redis is unreachable the limiter lets
messages through (the conversation matters more than the limit) and logs a warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import redis

from bot.core.settings import ChatLimits

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


def citizen_checks(session: str, address: str) -> list[tuple[str, int, int]]:
    """The limits for one citizen message: per conversation and per client address, and per conversation
    and day, which bounds a tracker's growth (with the 5,000-character message limit: at most 3 MB a day;
    Rasa's tracker store drops a conversation 30 days after its last message)."""
    limits = ChatLimits.from_env()  # at call time: CHAT_LIMIT_PER_SESSION, _PER_ADDRESS, _PER_SESSION_DAY
    return [(f"chat:s:{session}", limits.per_session.count, limits.per_session.seconds),
            (f"chat:a:{address}", limits.per_address.count, limits.per_address.seconds),
            (f"chat:d:{session}", limits.per_session_day.count, limits.per_session_day.seconds)]


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
