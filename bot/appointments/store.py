"""Appointments in Redis: atomic booking, cancelling and moving (Lua scripts), lookups.

Keys (prefix `cal:`):
- `cal:slot:<slot id>`      set of booking references in that slot (size <= capacity)
- `cal:booking:<ref>`       hash with the booking (customer, office, type, start, end, status, ...)
- `cal:customer:<id>`       set of the customer's active booking references
- `cal:ics:<token>`         booking reference for an unguessable calendar-file link
- `cal:demo_seeded:<id>`    a demo customer got its demo appointment

`export_for`, `delete_for` and `purge` answer for these keys in Auskunft, Löschung and retention.

Each change is one Lua script, so concurrent requests on the last place of a slot give exactly one
booking, and moving holds the new slot before the old one is released, in one step.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import redis

from bot.appointments.calendar import CalendarConfig, Slot
from bot.core.redis_server import redis_client
from bot.core.subject import DataSubject, decoded
from bot.language.dates import Wish

if TYPE_CHECKING:
    from bot.identity.registry import Customer

REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_BOOK = """
-- KEYS: slot set, customer set, booking hash, ics key
-- ARGV: capacity, ref, type, allow_parallel, now_iso, field/value pairs...
if redis.call('EXISTS', KEYS[3]) == 1 then return 'exists' end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 'full' end
if ARGV[4] == '0' then
  for _, ref in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    local b = redis.call('HMGET', 'cal:booking:' .. ref, 'type', 'status', 'start')
    if b[1] == ARGV[3] and b[2] == 'booked' and b[3] > ARGV[5] then return 'duplicate:' .. ref end
  end
end
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[3], unpack(ARGV, 6))
redis.call('SET', KEYS[4], ARGV[2])
return 'ok'
"""

_CANCEL = """
-- KEYS: booking hash, customer set;  ARGV: ref, customer id, reason, now_iso
local b = redis.call('HMGET', KEYS[1], 'customer', 'status', 'slot')
if not b[1] or b[1] ~= ARGV[2] then return 'unknown' end
if b[2] ~= 'booked' then return 'not_active' end
redis.call('SREM', 'cal:slot:' .. b[3], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'cancelled', 'cancel_reason', ARGV[3], 'cancelled_at', ARGV[4])
return 'ok'
"""

_MOVE = """
-- KEYS: old booking, new slot set, new booking, customer set, new ics key
-- ARGV: old ref, customer id, capacity, new ref, now_iso, field/value pairs of the new booking...
local old = redis.call('HMGET', KEYS[1], 'customer', 'status', 'slot')
if not old[1] or old[1] ~= ARGV[2] then return 'unknown' end
if old[2] ~= 'booked' then return 'not_active' end
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[3]) then return 'full' end
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[4], ARGV[4])
redis.call('HSET', KEYS[3], unpack(ARGV, 6))
redis.call('SET', KEYS[5], ARGV[4])
redis.call('SREM', 'cal:slot:' .. old[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'moved', 'moved_to', ARGV[4], 'moved_at', ARGV[5])
return 'ok'
"""


@dataclass(frozen=True)
class Booking:
    ref: str
    customer: str
    office: str
    type: str
    start: dt.datetime
    end: dt.datetime
    status: str
    ics_token: str
    slot: str

    @classmethod
    def from_hash(cls, data: dict[str, str]) -> "Booking":
        return cls(
            ref=data["ref"], customer=data["customer"], office=data["office"], type=data["type"],
            start=dt.datetime.fromisoformat(data["start"]), end=dt.datetime.fromisoformat(data["end"]),
            status=data["status"], ics_token=data["ics_token"], slot=data["slot"],
        )


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str = ""  # full | duplicate | unknown | not_active
    booking: Booking | None = None
    conflicting_ref: str | None = None


def new_ref() -> str:
    return "T-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(6))


class AppointmentBook:
    def __init__(self, client: redis.Redis, config: CalendarConfig):
        self.redis = client
        self.config = config
        self._book = client.register_script(_BOOK)
        self._cancel = client.register_script(_CANCEL)
        self._move = client.register_script(_MOVE)

    # ------------------------------------------------------------------ queries
    def taken(self, slots: list[Slot]) -> list[int]:
        pipe = self.redis.pipeline(transaction=False)
        for slot in slots:
            pipe.scard(f"cal:slot:{slot.id}")
        counts: list[int] = pipe.execute()
        return counts

    def free_slots(self, candidates: list[Slot], limit: int = 3, chunk: int = 60) -> list[Slot]:
        free: list[Slot] = []
        for index in range(0, len(candidates), chunk):
            part = candidates[index:index + chunk]
            free += [slot for slot, count in zip(part, self.taken(part)) if count < slot.capacity]
            if len(free) >= limit:
                break
        return free[:limit]

    def get(self, ref: str) -> Booking | None:
        data = self.redis.hgetall(f"cal:booking:{ref}")
        return Booking.from_hash({k.decode(): v.decode() for k, v in data.items()}) if data else None

    def by_ics_token(self, token: str) -> Booking | None:
        ref = self.redis.get(f"cal:ics:{token}")
        return self.get(ref.decode()) if ref else None

    def upcoming(self, customer: str, now: dt.datetime) -> list[Booking]:
        refs = sorted(r.decode() for r in self.redis.smembers(f"cal:customer:{customer}"))
        bookings = [b for b in (self.get(ref) for ref in refs) if b and b.status == "booked" and b.end > now]
        return sorted(bookings, key=lambda b: b.start)

    # ------------------------------------------------------------------ privacy (bot/privacy/duties.py)
    def refs_of(self, customer: str) -> list[str]:
        """All booking references of the customer, active or not (a scan: moved and cancelled ones too)."""
        refs = []
        for key in self.redis.scan_iter("cal:booking:*", count=500):
            if decoded(self.redis.hget(key, "customer")) == customer:
                refs.append(decoded(key).split(":", 2)[2])
        return sorted(refs)

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {"termine": [{decoded(k): decoded(v) for k, v in self.redis.hgetall(f"cal:booking:{ref}").items()
                             if decoded(k) != "ics_token"} for ref in self.refs_of(person.customer)]}

    def delete_for(self, person: DataSubject) -> int:
        """Deletes the person's bookings, freeing their places; the number of booking records."""
        refs = self.refs_of(person.customer)
        self._drop(refs)
        self.redis.delete(f"cal:customer:{person.customer}", f"cal:demo_seeded:{person.customer}")
        return len(refs)

    def purge(self, before: dt.datetime) -> int:
        """Retention: deletes booking records that ended before `before`; their number."""
        limit = before.isoformat(timespec="minutes")
        old = []
        for key in self.redis.scan_iter("cal:booking:*", count=500):
            end = self.redis.hget(key, "end")
            if end and decoded(end) < limit:
                old.append(decoded(key).split(":", 2)[2])
        self._drop(old)
        return len(old)

    def _drop(self, refs: list[str]) -> None:
        pipe = self.redis.pipeline()
        for ref in refs:
            customer, slot, token = (decoded(v) for v in self.redis.hmget(f"cal:booking:{ref}", "customer", "slot",
                                                                          "ics_token"))
            if slot:
                pipe.srem(f"cal:slot:{slot}", ref)  # a future place is free again
            if customer:
                pipe.srem(f"cal:customer:{customer}", ref)
            if token:
                pipe.delete(f"cal:ics:{token}")
            pipe.delete(f"cal:booking:{ref}")
        pipe.execute()

    # ------------------------------------------------------------------ changes
    def _fields(self, ref: str, customer: str, slot: Slot, now: dt.datetime, channel: str) -> list[str]:
        token = secrets.token_urlsafe(18)
        fields = {
            "ref": ref, "customer": customer, "office": slot.office, "type": slot.type,
            "start": slot.start.isoformat(timespec="minutes"), "end": slot.end.isoformat(timespec="minutes"),
            "status": "booked", "created_at": now.isoformat(timespec="seconds"), "ics_token": token,
            "slot": slot.id, "channel": channel,
        }
        return [item for pair in fields.items() for item in pair]

    def book(self, customer: str, slot: Slot, now: dt.datetime, channel: str = "chat") -> Outcome:
        ref = new_ref()
        fields = self._fields(ref, customer, slot, now, channel)
        token = fields[fields.index("ics_token") + 1]
        result = self._book(
            keys=[f"cal:slot:{slot.id}", f"cal:customer:{customer}", f"cal:booking:{ref}", f"cal:ics:{token}"],
            args=[slot.capacity, ref, slot.type, "1" if self.config.allow_parallel_same_type else "0",
                  now.isoformat(timespec="minutes"), *fields],
        ).decode()
        if result == "ok":
            return Outcome(True, booking=self.get(ref))
        if result == "exists":  # reference collision: astronomically rare, just try again
            return self.book(customer, slot, now, channel)
        if result.startswith("duplicate:"):
            return Outcome(False, "duplicate", conflicting_ref=result.split(":", 1)[1])
        return Outcome(False, result)

    def cancel(self, customer: str, ref: str, reason: str, now: dt.datetime) -> Outcome:
        result = self._cancel(keys=[f"cal:booking:{ref}", f"cal:customer:{customer}"],
                              args=[ref, customer, reason, now.isoformat(timespec="seconds")]).decode()
        return Outcome(result == "ok", "" if result == "ok" else result, self.get(ref))

    def move(self, customer: str, ref: str, slot: Slot, now: dt.datetime, channel: str = "chat") -> Outcome:
        new = new_ref()
        fields = self._fields(new, customer, slot, now, channel)
        token = fields[fields.index("ics_token") + 1]
        result = self._move(
            keys=[f"cal:booking:{ref}", f"cal:slot:{slot.id}", f"cal:booking:{new}", f"cal:customer:{customer}",
                  f"cal:ics:{token}"],
            args=[ref, customer, slot.capacity, new, now.isoformat(timespec="seconds"), *fields],
        ).decode()
        if result == "ok":
            return Outcome(True, booking=self.get(new))
        return Outcome(False, result)


def demo_wish(now: dt.datetime) -> Wish:
    """When the demo appointment is: from the next day on, as close to 10:00 as possible."""
    days = tuple(now.date() + dt.timedelta(days=i) for i in range(1, 30))
    return Wish(dates=days, exact=dt.time(10, 0))


def seed_demo_appointments(book: AppointmentBook, customers: Iterable[Customer],
                           candidates_for: Callable[[str, str], list[Slot]], now: dt.datetime) -> list[str]:
    """Give demo customers marked `demo_appointment` one upcoming appointment, once per Redis."""
    created = []
    for customer in customers:
        if not customer.demo_appointment or not book.redis.set(f"cal:demo_seeded:{customer.id}", "1", nx=True):
            continue
        for slot in book.free_slots(candidates_for(customer.office, customer.demo_appointment), limit=1):
            outcome = book.book(customer.id, slot, now, channel="demo")
            if outcome.ok:
                assert outcome.booking is not None  # a successful booking is read back
                created.append(outcome.booking.ref)
    return created


@lru_cache(maxsize=1)
def get_book() -> AppointmentBook:
    from bot.appointments.calendar import candidate_slots, get_calendar
    from bot.content import get_content
    from bot.core.clock import now_local
    from bot.identity.registry import YamlRegistry, get_registry
    from bot.knowledge.answers import holiday_name

    config, content = get_calendar(), get_content()
    book = AppointmentBook(redis_client(), config)
    now = now_local()
    registry = get_registry()
    if isinstance(registry, YamlRegistry):
        seed_demo_appointments(
            book, registry.customers,
            lambda office, type_key: candidate_slots(config, [office], type_key, now,
                                                     lambda d: holiday_name(content, d) is not None,
                                                     demo_wish(now)),
            now,
        )
    return book
