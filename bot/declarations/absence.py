"""Ortsabwesenheit (§ 7b SGB II, Erreichbarkeits-Verordnung): the standard-case check and the
ledger of approved days per customer and calendar year.

A standard case is approved on behalf of the Jobcenter: the absence starts in the future, every
calendar year it touches has enough days left (21 by default, content/figures.yml
`abwesenheit_max_tage`), and the customer has no appointment in that time. Everything else is
forwarded to the team for a decision. Days are calendar days, departure and return day included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import redis

from bot.content import Content, say
from bot.core.subject import DataSubject
from bot.language.formatting import date as format_date

_RESERVE = """
-- KEYS: ledger hash, reservation key, the customer's reservations;  ARGV: max days, then year, days pairs
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local max = tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  local used = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if used + tonumber(ARGV[i + 1]) > max then return 0 end
end
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], tonumber(ARGV[i + 1]))
end
redis.call('SET', KEYS[2], '1')
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""


def days_per_year(start: dt.date, end: dt.date) -> dict[int, int]:
    """Calendar days of the absence in each calendar year, both ends included."""
    result: dict[int, int] = {}
    day = start
    while day <= end:
        year_end = min(end, dt.date(day.year, 12, 31))
        result[day.year] = (year_end - day).days + 1
        day = year_end + dt.timedelta(days=1)
    return result


@dataclass(frozen=True)
class Decision:
    approved: bool
    days: dict[int, int]
    reasons: tuple[str, ...] = field(default=())
    appointments: tuple[dt.datetime, ...] = field(default=())  # the customer's appointments in the absence

    @property
    def total(self) -> int:
        return sum(self.days.values())


def check(start: dt.date, end: dt.date, today: dt.date, used: dict[int, int], max_days: int,
          appointments: list[dt.datetime], content: Content | None = None) -> Decision:
    """Is this absence a standard case? The reasons say why not, in German, for the citizen
    (texts of content/texts.yml; `content` defaults to the project's)."""
    days = days_per_year(start, end)
    reasons = []
    if start <= today:
        reasons.append(say("declarations.absence_not_in_future", content))
    for year, count in days.items():
        left = max(0, max_days - used.get(year, 0))
        if count > left:
            reasons.append(say("declarations.absence_days_exceeded", content, year=year, left=left, max=max_days,
                               count=count))
    inside = [a for a in appointments if start <= a.date() <= end]
    for appointment in inside:
        reasons.append(say("declarations.absence_appointment", content, date=format_date(appointment.date()),
                           time=f"{appointment:%H:%M}"))
    return Decision(not reasons, days, tuple(reasons), tuple(inside))


class AbsenceLedger:
    """Approved absence days per customer and year, in Redis (`absence:<customer>` hash); a booked
    submission's key `absence:reserved:<key>` (listed in `absence:reservations:<customer>`) keeps a
    retried submission from booking twice."""

    def __init__(self, client: redis.Redis):
        self.redis = client
        self._reserve = client.register_script(_RESERVE)

    def used(self, customer: str) -> dict[int, int]:
        raw = self.redis.hgetall(f"absence:{customer}")
        return {int(k): int(v) for k, v in raw.items()}

    def export_for(self, person: DataSubject) -> dict:
        return {"ortsabwesenheit_tage": {str(year): days for year, days in self.used(person.customer).items()}}

    def delete_for(self, person: DataSubject) -> int:
        """Deletes the person's ledger; 1 when there was one."""
        reservations = [k.decode() for k in self.redis.smembers(f"absence:reservations:{person.customer}")]
        self.redis.delete(f"absence:reservations:{person.customer}", *reservations)
        return int(self.redis.delete(f"absence:{person.customer}"))

    def reserve(self, customer: str, days: dict[int, int], max_days: int, key: str) -> bool:
        """Book the days atomically if every year still has room; a repeated key books nothing twice."""
        args: list[int] = [max_days]
        for year, count in sorted(days.items()):
            args += [year, count]
        return bool(self._reserve(keys=[f"absence:{customer}", f"absence:reserved:{key}",
                                        f"absence:reservations:{customer}"], args=args))
