"""Durable cases (Vorgänge) for the Jobcenter's teams, stored in Redis.

A case is a hash `case:<id>` plus entries in `cases:index` (all, by time) and `cases:open`
(by priority, then time). An idempotency key makes a retried submission return the first case
instead of creating a second one.

Keys: `case:<id>` (hash), `case:<id>:files` (attachments), `cases:index`, `cases:open`, `cases:counter`,
`cases:idem:<key>` (case id of an idempotency key, 7 days; the key may name the person or conversation).
`export_for`, `delete_for` and `purge` answer for all of them (Auskunft, Löschung, retention).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import redis

from bot.core.subject import DataSubject, decoded

PRIORITY = {"normal": 0, "high": 1, "urgent": 2, "crisis": 3}
STATUSES = ("neu", "in_bearbeitung", "erledigt")
# Case kinds created by the built-in flows; declarations add theirs from content/declarations.yml.
BUILTIN_KINDS = {"terminabsage": "Terminabsage", "termin_ohne_nummer": "Termin ohne BG-Nummer (Antragsannahme)",
                 "datenschutz": "Datenschutz: Auskunft oder Löschung", "rueckruf": "Rückrufbitte", "drohung": "Drohung", "krise": "Krise",
                 "drohung_pruefen": "Prüfen: mögliche Drohung", "notlage": "Notlage: kein Geld",
                 "email_quarantaene": "E-Mail in Quarantäne",
                 "unterlagen": "Unterlagen aus dem Chat",
                 "email": "E-Mail-Anfrage", "email_auskunft": "E-Mail-Auskunft", "email_widerruf": "Widerruf per E-Mail"}

_UPDATE = """
-- KEYS: case hash;  ARGV: field (status | assignee | note | fields), value (fields: JSON object), actor, now
local raw = redis.call('HGET', KEYS[1], 'data')
if not raw then return nil end
local case = cjson.decode(raw)
if case.history == nil then case.history = {} end
if ARGV[1] == 'note' then
  if case.notes == nil then case.notes = {} end
  table.insert(case.notes, {text = ARGV[2], by = ARGV[3], at = ARGV[4]})
elseif ARGV[1] == 'fields' then
  if case.fields == nil then case.fields = {} end
  for key, value in pairs(cjson.decode(ARGV[2])) do case.fields[key] = value end
else
  case[ARGV[1]] = ARGV[2]
end
table.insert(case.history, {change = ARGV[1], value = ARGV[2], by = ARGV[3], at = ARGV[4]})
local encoded = cjson.encode(case)
redis.call('HSET', KEYS[1], 'data', encoded)
return encoded
"""

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
    fields: dict[str, Any]
    created_at: str


class CaseStore:
    def __init__(self, client: redis.Redis):
        self.redis = client
        self._create = client.register_script(_CREATE)
        self._update = client.register_script(_UPDATE)

    def create(self, kind: str, fields: dict[str, Any], now: dt.datetime, customer: str | None = None,
               priority: str = "normal", idempotency_key: str | None = None, summary: str = "",
               office: str = "", status: str = "neu", transcript: list[str] | None = None, channel: str = "",
               history_note: str = "") -> str:
        """Create a case; with the same idempotency key, return the first case instead of a second one."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        created_at = now.isoformat(timespec="seconds")
        data = {"kind": kind, "status": status, "priority": priority, "customer": customer, "fields": fields,
                "summary": summary, "created_at": created_at, "office": office, "channel": channel,
                "transcript": transcript or [], "assignee": "", "notes": [],
                "history": [{"change": "status", "value": status, "by": "assistent", "at": created_at,
                             **({"note": history_note} if history_note else {})}] if history_note else []}
        key = f"cases:idem:{idempotency_key or kind + ':' + now.isoformat() + ':' + str(customer)}"
        created = self._create(keys=[key, "cases:counter"],
                               args=[now.year, int(now.timestamp()), PRIORITY[priority], 7 * 24 * 3600,
                                     json.dumps(data, ensure_ascii=False)])
        case_id: str = created.decode()  # redis ships no type information: the reply is Any
        return case_id

    def get(self, case_id: str) -> Case | None:
        data = self.raw(case_id)
        if data is None:
            return None
        return Case(case_id, data["kind"], data["status"], data["priority"], data["customer"], data["fields"],
                    data["created_at"])

    def raw(self, case_id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(f"case:{case_id}", "data")
        return _normalised(case_id, raw) if raw else None

    def search(self, kind: str = "", status: str = "", office: str = "", limit: int = 500) -> list[dict[str, Any]]:
        """Cases for the inbox: urgent and high priority first, then newest first."""
        ids = [i.decode() for i in self.redis.zrevrange("cases:open", 0, limit - 1)]
        cases = [c for c in (self.raw(i) for i in ids) if c]
        return [c for c in cases if (not kind or c["kind"] == kind) and (not status or c["status"] == status)
                and (not office or c["office"] == office)]

    # ------------------------------------------------------------------ attachments (e-mail channel)
    def attach(self, case_id: str, filename: str, content_type: str, data: bytes) -> int:
        """Store a file with the case (hash `case:<id>:files`); its number (1, 2, ...)."""
        number: int = self.redis.hincrby(f"case:{case_id}:files", "count", 1)
        meta = json.dumps({"name": filename, "type": content_type, "size": len(data)}, ensure_ascii=False)
        self.redis.hset(f"case:{case_id}:files", mapping={f"{number}:meta": meta, f"{number}:data": data})
        return number

    def files(self, case_id: str) -> list[dict[str, Any]]:
        count = int(self.redis.hget(f"case:{case_id}:files", "count") or 0)
        metas = self.redis.hmget(f"case:{case_id}:files", [f"{n}:meta" for n in range(1, count + 1)]) if count else []
        return [{"number": n, **json.loads(m)} for n, m in enumerate(metas, start=1) if m]

    def file(self, case_id: str, number: int) -> tuple[dict[str, Any], bytes] | None:
        meta, data = self.redis.hmget(f"case:{case_id}:files", [f"{number}:meta", f"{number}:data"])
        return (json.loads(meta), data) if meta and data is not None else None

    # ------------------------------------------------------------------ privacy (bot/privacy/duties.py)
    def ids_of(self, customer: str) -> list[str]:
        ids = [decoded(i) for i in self.redis.zrange("cases:index", 0, -1)]
        return [i for i in ids if (self.raw(i) or {}).get("customer") == customer]

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {"vorgaenge": [self.raw(i) for i in self.ids_of(person.customer)]}

    def delete_for(self, person: DataSubject) -> int:
        """Deletes the person's cases with their files and idempotency keys; the number of cases."""
        ids = self.ids_of(person.customer)
        self._drop(ids)
        return len(ids)

    def purge(self, before: dt.datetime) -> int:
        """Retention: deletes cases created before `before`; their number."""
        ids = [decoded(i) for i in self.redis.zrangebyscore("cases:index", 0, before.timestamp())]
        self._drop(ids)
        return len(ids)

    def _drop(self, ids: list[str]) -> None:
        if not ids:
            return
        gone = set(ids)
        pipe = self.redis.pipeline()
        for case_id in ids:
            pipe.delete(f"case:{case_id}", f"case:{case_id}:files")
            pipe.zrem("cases:index", case_id)
            pipe.zrem("cases:open", case_id)
        for key in self.redis.scan_iter("cases:idem:*", count=500):
            if decoded(self.redis.get(key)) in gone:
                pipe.delete(key)
        pipe.execute()

    def update(self, case_id: str, change: str, value: str, actor: str, now: dt.datetime) -> dict[str, Any] | None:
        if change == "status" and value not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        if change not in ("status", "assignee", "note"):
            raise ValueError("unknown change")
        raw = self._update(keys=[f"case:{case_id}"], args=[change, value, actor, now.isoformat(timespec="seconds")])
        return _normalised(case_id, raw) if raw else None

    def add_fields(self, case_id: str, fields: dict[str, str], actor: str, now: dt.datetime) -> dict[str, Any] | None:
        """Add or replace fields of an existing case (e.g. the contact given after the case was opened)."""
        raw = self._update(keys=[f"case:{case_id}"], args=["fields", json.dumps(fields, ensure_ascii=False), actor,
                                                           now.isoformat(timespec="seconds")])
        return _normalised(case_id, raw) if raw else None


def _normalised(case_id: str, raw: bytes | str) -> dict[str, Any]:
    """Lua's cjson writes empty lists as {}; give callers lists."""
    data = {"id": case_id, **json.loads(raw)}
    for key in ("notes", "history", "transcript"):
        if not data.get(key):
            data[key] = []
    return data
