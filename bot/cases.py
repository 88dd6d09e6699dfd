"""Durable cases (Vorgänge) for the Jobcenter's teams, stored in Redis.

A case is a hash `case:<id>` plus entries in `cases:index` (all, by time) and `cases:open`
(by priority, then time). An idempotency key makes a retried submission return the first case
instead of creating a second one.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import redis

PRIORITY = {"normal": 0, "high": 1, "urgent": 2}

_CREATE = """
-- KEYS: idempotency key, counter;  ARGV: year, created_ts, priority score, ttl, json fields
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
local n = redis.call('INCR', KEYS[2])
local id = 'V-' .. ARGV[1] .. '-' .. string.format('%06d', n)
redis.call('SET', KEYS[1], id, 'EX', tonumber(ARGV[4]))
redis.call('HSET', 'case:' .. id, 'id', id, 'data', ARGV[5])
redis.call('ZADD', 'cases:index', tonumber(ARGV[2]), id)
redis.call('ZADD', 'cases:open', tonumber(ARGV[3]) * 10000000000 - tonumber(ARGV[2]), id)
return id
"""


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    status: str
    priority: str
    customer: str | None
    fields: dict
    created_at: str


class CaseStore:
    def __init__(self, client: redis.Redis):
        self.redis = client
        self._create = client.register_script(_CREATE)

    def create(self, kind: str, fields: dict, now: dt.datetime, customer: str | None = None,
               priority: str = "normal", idempotency_key: str | None = None, summary: str = "") -> str:
        data = {"kind": kind, "status": "neu", "priority": priority, "customer": customer, "fields": fields,
                "summary": summary, "created_at": now.isoformat(timespec="seconds")}
        key = f"cases:idem:{idempotency_key or kind + ':' + now.isoformat() + ':' + str(customer)}"
        created = self._create(keys=[key, "cases:counter"],
                               args=[now.year, int(now.timestamp()), PRIORITY[priority], 7 * 24 * 3600,
                                     json.dumps(data, ensure_ascii=False)])
        return created.decode()

    def get(self, case_id: str) -> Case | None:
        raw = self.redis.hget(f"case:{case_id}", "data")
        if raw is None:
            return None
        data = json.loads(raw)
        return Case(case_id, data["kind"], data["status"], data["priority"], data["customer"], data["fields"],
                    data["created_at"])

    def open_cases(self, limit: int = 100) -> list[Case]:
        ids = [i.decode() for i in self.redis.zrevrange("cases:open", 0, limit - 1)]
        return [c for c in (self.get(i) for i in ids) if c]
