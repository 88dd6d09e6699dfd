"""Failed desk logins: limits per client address and per account, in Redis (shared by all desk processes).

- Per address (password spraying over many names): after DESK_LOGIN_LIMIT_PER_ADDRESS failures
  (default `10/900`: 10 within 15 minutes) every further failure blocks all logins from that address,
  for 30 s, then 60 s, 120 s, ... up to an hour; the doubling is remembered for a day.
- Per account and address: 5 failures lock that name from that address for 15 minutes. A stranger
  locks only himself out, never the agent at her own workstation.
- Per account, from everywhere: 50 failures within 15 minutes lock the name for 15 minutes, except from
  addresses the account has logged in from successfully in the last 30 days.

A refused attempt never checks the password, so the limits give no password oracle.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass

import redis

ACCOUNT_ADDRESS_LIMIT = 5
ACCOUNT_LIMIT = 50
LOCKOUT_SECONDS = 15 * 60
BACKOFF_FIRST = 30
BACKOFF_MAX = 3600
STRIKE_MEMORY = 24 * 3600
KNOWN_ADDRESS_DAYS = 30

_FAIL = """
-- KEYS: address failures (zset), strikes, block, account+address count, account failures (zset)
-- ARGV: now, address window, address limit, backoff first, backoff max, strike memory, lockout seconds, member
local now = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
local wait = 0
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local strikes = redis.call('INCR', KEYS[2])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
  wait = math.min(tonumber(ARGV[4]) * 2 ^ (strikes - 1), tonumber(ARGV[5]))
  redis.call('SET', KEYS[3], '1', 'EX', math.floor(wait))
end
redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], tonumber(ARGV[7]))
redis.call('ZADD', KEYS[5], now, ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[7]))
redis.call('EXPIRE', KEYS[5], tonumber(ARGV[7]))
return math.floor(wait)
"""


@dataclass(frozen=True)
class Refusal:
    reason: str  # "address" (wait `seconds`) or "account"
    seconds: int


def _address_limit() -> tuple[int, int]:
    from bot.core.settings import DeskSettings

    limit = DeskSettings.from_env().login_limit_per_address  # DESK_LOGIN_LIMIT_PER_ADDRESS, at call time
    return limit.count, limit.seconds


def _name_key(name: str) -> str:
    """Account names in keys as a short digest: any typed name, no odd characters in keys."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()[:24]


class LoginLimiter:
    def __init__(self, client: redis.Redis):
        self.redis = client
        self._fail = client.register_script(_FAIL)

    @staticmethod
    def _keys(name: str, address: str) -> dict[str, str]:
        account = _name_key(name)
        return {"address": f"desk:login:fails:{address}", "strikes": f"desk:login:strikes:{address}",
                "block": f"desk:login:block:{address}", "pair": f"desk:login:pair:{account}:{address}",
                "account": f"desk:login:account:{account}", "known": f"desk:login:known:{account}"}

    def check(self, name: str, address: str, now: float | None = None) -> Refusal | None:
        """Why this login may not even be tried now, or None."""
        keys = self._keys(name, address)
        now = time.time() if now is None else now
        wait = self.redis.ttl(keys["block"])
        if wait and wait > 0:
            return Refusal("address", int(wait))
        if int(self.redis.get(keys["pair"]) or 0) >= ACCOUNT_ADDRESS_LIMIT:
            return Refusal("account", LOCKOUT_SECONDS)
        if (self.redis.zcount(keys["account"], now - LOCKOUT_SECONDS, "+inf") >= ACCOUNT_LIMIT
                and not self.redis.zscore(keys["known"], address)):
            return Refusal("account", LOCKOUT_SECONDS)
        return None

    def failed(self, name: str, address: str, now: float | None = None) -> int:
        """Count a wrong password; the seconds the address is now blocked (0: not blocked)."""
        keys = self._keys(name, address)
        now = time.time() if now is None else now
        count, window = _address_limit()
        return int(self._fail(keys=[keys["address"], keys["strikes"], keys["block"], keys["pair"], keys["account"]],
                              args=[now, window, count, BACKOFF_FIRST, BACKOFF_MAX, STRIKE_MEMORY, LOCKOUT_SECONDS,
                                    f"{now}:{os.urandom(4).hex()}"]))

    def succeeded(self, name: str, address: str, now: float | None = None) -> None:
        """A right password: this name is free again from this address, which becomes a known one.
        The address's own failures stay (a valid account must not reset a spraying run)."""
        keys = self._keys(name, address)
        now = time.time() if now is None else now
        pipe = self.redis.pipeline()
        pipe.delete(keys["pair"])
        pipe.zadd(keys["known"], {address: now})
        pipe.zremrangebyscore(keys["known"], "-inf", now - KNOWN_ADDRESS_DAYS * 86400)
        pipe.expire(keys["known"], KNOWN_ADDRESS_DAYS * 86400)
        pipe.execute()
