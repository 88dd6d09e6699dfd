"""A sick note carries over to a cancellation: after "bin krankgeschrieben bis freitag" the appointment in
that time is cancelled with the reason "krank" without asking for it again.

The sick note's period is kept in Redis per customer (`sicknote:<customer>`) until the day after it ends."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import redis

from bot.core.subject import DataSubject

KEY = "sicknote:{customer}"
REASON = "krank (Krankmeldung {case})"


def remember(client: redis.Redis, customer: str, period: dict, case_id: str, now: dt.datetime) -> None:
    """Keep the period ({"von", "bis"} ISO dates) of a sick note sent now, until the day after it ends."""
    end = dt.date.fromisoformat(period["bis"])
    seconds = int((dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) - now.replace(tzinfo=None))
                  .total_seconds())
    if seconds > 0:
        client.set(KEY.format(customer=customer), json.dumps({**period, "case": case_id}), ex=seconds)


def reason(client: redis.Redis, customer: str, days: Iterable[dt.date]) -> str | None:
    """The cancellation reason when one of the appointment `days` lies in the customer's reported sick time."""
    raw = client.get(KEY.format(customer=customer))
    if not raw:
        return None
    try:
        note = json.loads(raw)
        start, end = dt.date.fromisoformat(note["von"]), dt.date.fromisoformat(note["bis"])
    except (ValueError, KeyError, TypeError):
        return None
    if any(start <= day <= end for day in days):
        return REASON.format(case=note.get("case", ""))
    return None


class SickNotes:
    """The kept sick-note periods as a store of bot/privacy (Auskunft and Löschung per customer; they expire by
    themselves the day after the period, so no retention purge is needed)."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        raw = self.redis.get(KEY.format(customer=person.customer))
        return {"krankmeldung_fuer_termine": json.loads(raw)} if raw else {}

    def delete_for(self, person: DataSubject) -> int:
        return int(self.redis.delete(KEY.format(customer=person.customer)))
