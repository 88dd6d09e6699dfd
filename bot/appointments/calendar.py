"""Appointment calendar configuration and slot generation (no state: bookings live in Redis,
see bot/appointments/store.py).

Slots come from content/calendar.yml per office and appointment type; nothing is offered in the
past, within the minimum lead time, on public holidays of the configured state, on closing days or
outside the configured hours.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from bot import PROJECT_ROOT
from bot.content import TimeRange, content_dir, get_content, parse_hours_text
from bot.core.yamlsource import Node, Report, load
from bot.language.dates import Wish
from bot.language.formatting import WEEKDAYS
from bot.languages.localize import PerLanguage


@dataclass(frozen=True)
class AppointmentType:
    key: str
    name: str
    aliases: tuple[str, ...]
    bring: tuple[str, ...]


@dataclass(frozen=True)
class Schedule:
    office: str
    type: str
    weekdays: frozenset[int]
    hours: tuple[TimeRange, ...]
    slot_minutes: int
    capacity: int


@dataclass(frozen=True, order=True)
class Slot:
    start: dt.datetime
    office: str
    type: str
    end: dt.datetime
    capacity: int

    @property
    def id(self) -> str:
        return f"{self.office}|{self.type}|{self.start:%Y-%m-%dT%H:%M}"


@dataclass(frozen=True)
class CalendarConfig:
    horizon_days: int
    min_lead: dt.timedelta
    allow_parallel_same_type: bool
    closing_days: frozenset[dt.date]
    types: dict[str, AppointmentType]
    schedules: dict[tuple[str, str], Schedule]

    def schedule(self, office: str, type_key: str) -> Schedule | None:
        return self.schedules.get((office, type_key))


def _int(node: Node | None, minimum: int, maximum: int) -> int | None:
    if node is None:
        return None
    if not isinstance(node.value, int) or isinstance(node.value, bool) or not minimum <= node.value <= maximum:
        node.problem(f"„{node.value}“: erwartet wird eine ganze Zahl von {minimum} bis {maximum}.")
        return None
    return node.value


def _parse(node: Node, offices: Iterable[str]) -> CalendarConfig | None:
    node.unknown_keys({"booking_horizon_days", "min_lead_minutes", "allow_parallel_same_type", "closing_days",
                       "types", "schedules"})
    horizon = _int(node.get("booking_horizon_days"), 1, 365)
    lead = _int(node.get("min_lead_minutes"), 0, 7 * 24 * 60)
    parallel = node.get("allow_parallel_same_type")
    if parallel is not None and not isinstance(parallel.value, bool):
        parallel.problem("„allow_parallel_same_type“ ist true oder false.")
    closing: set[dt.date] = set()
    closing_node = node.get("closing_days", required=False)
    if closing_node is not None:
        for entry in closing_node.elements():
            day = entry.date()
            if day:
                closing.add(day)
    types: dict[str, AppointmentType] = {}
    types_node = node.get("types")
    if types_node and types_node.is_mapping():
        for key, entry in types_node.items():
            if not entry.is_mapping():
                continue
            entry.unknown_keys({"name", "aliases", "bring"})
            name = entry.get("name")
            aliases = entry.get("aliases")
            bring = entry.get("bring")
            types[str(key)] = AppointmentType(
                key=str(key),
                name=(name.text() if name else "") or "",
                aliases=tuple(a.lower() for a in (n.text() for n in (aliases.elements() if aliases else [])) if a),
                bring=tuple(b for b in (n.text() for n in (bring.elements() if bring else [])) if b),
            )
    schedules: dict[tuple[str, str], Schedule] = {}
    schedules_node = node.get("schedules")
    known_offices = set(offices)
    if schedules_node and schedules_node.is_mapping():
        for office, per_type in schedules_node.items():
            if office not in known_offices:
                per_type.problem(f"Unbekannte Geschäftsstelle „{office}“ (siehe jobcenter.yml).")
                continue
            if not per_type.is_mapping():
                continue
            for type_key, entry in per_type.items():
                if type_key not in types:
                    entry.problem(f"Unbekannte Terminart „{type_key}“ (siehe types).")
                    continue
                if not entry.is_mapping():
                    continue
                entry.unknown_keys({"weekdays", "hours", "slot_minutes", "capacity"})
                weekdays: set[int] = set()
                weekdays_node = entry.get("weekdays")
                for day_node in weekdays_node.elements() if weekdays_node else []:
                    if str(day_node.value).lower() in WEEKDAYS:
                        weekdays.add(WEEKDAYS.index(str(day_node.value).lower()))
                    else:
                        day_node.problem(f"„{day_node.value}“ ist kein Wochentag.")
                hours_node = entry.get("hours")
                hours = parse_hours_text(hours_node) if hours_node else ()
                minutes = _int(entry.get("slot_minutes"), 5, 240)
                capacity = _int(entry.get("capacity"), 1, 100)
                if weekdays and hours and minutes and capacity:
                    schedules[(str(office), str(type_key))] = Schedule(
                        str(office), str(type_key), frozenset(weekdays), hours, minutes, capacity
                    )
    if horizon is None or lead is None or not types or not schedules:
        return None
    return CalendarConfig(horizon, dt.timedelta(minutes=lead), bool(parallel.value) if parallel else False,
                          frozenset(closing), types, schedules)


def load_calendar(root: Path = PROJECT_ROOT, offices: Iterable[str] | None = None) -> CalendarConfig:
    report = Report()
    folder = content_dir(root)
    node = load(folder / "calendar.yml", report, folder.parent)
    config = None
    if node is not None and node.is_mapping():
        config = _parse(node, offices if offices is not None else get_content().offices)
    report.raise_if_any()
    assert config is not None
    return config


def _project_calendar() -> CalendarConfig:
    return load_calendar()


# In the conversation's language (bot/languages/): the appointment types' names and what to bring.
get_calendar: PerLanguage[CalendarConfig] = PerLanguage(_project_calendar, "calendar")


HolidayCheck = Callable[[dt.date], bool]


def day_slots(config: CalendarConfig, office: str, type_key: str, day: dt.date, is_holiday: HolidayCheck) -> list[Slot]:
    schedule = config.schedule(office, type_key)
    if schedule is None or day.weekday() not in schedule.weekdays or day in config.closing_days or is_holiday(day):
        return []
    slots = []
    step = dt.timedelta(minutes=schedule.slot_minutes)
    for block in schedule.hours:
        start = dt.datetime.combine(day, block.start)
        block_end = dt.datetime.combine(day, block.end)
        while start + step <= block_end:
            slots.append(Slot(start, office, type_key, start + step, schedule.capacity))
            start += step
    return slots


def _fits(slot: Slot, wish: Wish) -> bool:
    if wish.dates and slot.start.date() not in wish.dates:
        return False
    if slot.start.weekday() in wish.not_weekdays:
        return False
    if wish.earliest and slot.start.time() < wish.earliest:
        return False
    if wish.latest and slot.start.time() >= wish.latest:
        return False
    return True


def candidate_slots(config: CalendarConfig, offices: Iterable[str], type_key: str, now: dt.datetime,
                    is_holiday: HolidayCheck, wish: Wish | None = None) -> list[Slot]:
    """All bookable slots (ignoring current bookings) that fit the wish, best first."""
    first = now + config.min_lead
    days = [now.date() + dt.timedelta(days=i) for i in range(config.horizon_days + 1)]
    if wish and wish.dates:
        days = [d for d in days if d in wish.dates]
    slots = [
        slot
        for day in days
        for office in offices
        for slot in day_slots(config, office, type_key, day, is_holiday)
        if slot.start >= first and (wish is None or _fits(slot, wish))
    ]
    if wish and wish.exact:
        target = wish.exact.hour * 60 + wish.exact.minute
        slots.sort(key=lambda s: (s.start.date(), abs(s.start.hour * 60 + s.start.minute - target), s.start))
    else:
        slots.sort()
    return slots


def find_type(text: str, config: CalendarConfig) -> str | None:
    from bot.language.textparse import find_office

    return find_office(text, {key: t.aliases for key, t in config.types.items()})
