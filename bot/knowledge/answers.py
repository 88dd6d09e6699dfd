"""Answers computed from content: FAQ texts, opening hours, contacts, the KdU check, fallbacks.

Plain functions over `Content`; the Rasa actions in `actions/` only pass the message in and the
`Reply` out, so everything here is testable without Rasa.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

from bot.content import PLACEHOLDER, Button, Content, Office, OpeningHours, TimeRange
from bot.knowledge.calculations import RentParts, rent_parts
from bot.language import textparse
from bot.language.formatting import WEEKDAY_NAMES, WEEKDAY_SHORT, clock, date, euro
from bot.language.formatting import persons as persons_text

MAX_MESSAGE_CHARS = 2000
SERVICE_CENTER_WORDS = ("service", "servicecenter", "hotline", "telefonisch", "anrufen", "telefon")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass
class KduOutcome:
    reply: Reply
    persons: int | None = None
    rent: float | None = None
    waiting_for_input: bool = False  # the assistant asked for a missing value
    warm: float | None = None  # a warm rent whose heating part was asked for
    extra: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- rendering


def _placeholder_values(content: Content) -> dict[str, str]:
    sc = content.service_center
    values = {key: figure.formatted for key, figure in content.figures.items()}
    values.update(
        jobcenter_name=content.name,
        jobcenter_name_genitive=content.name_genitive,
        website=content.website.removeprefix("https://").removeprefix("http://"),
        service_center_phone=sc.phone,
        service_center_hours=compact_week(sc.hours),
        service_center_email=sc.email,
    )
    return values


def fill(content: Content, text: str, extra: dict[str, str] | None = None) -> tuple[str, set[str]]:
    """Replace {placeholders}; return the text and the figure keys it used."""
    values = _placeholder_values(content)
    if extra:
        values.update(extra)
    used = {name for name in PLACEHOLDER.findall(text) if name in content.figures}
    filled = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return " ".join(filled.split(" ")).strip(), used


def template(content: Content, key: str, **values: object) -> str:
    return fill(content, content.templates[key], {k: str(v) for k, v in values.items()})[0]


def stand_line(content: Content, figure_keys: set[str]) -> str:
    dates = sorted({content.figures[key].stand for key in figure_keys})
    return template(content, "stand", date=", ".join(date(d) for d in dates)) if dates else ""


def answer_for_intent(content: Content, intent: str) -> Reply | None:
    """The configured answer for an intent, with its figures filled in, caveat and Stand."""
    answer = content.answers.get(intent)
    if answer is None:
        return None
    text, used = fill(content, answer.variants.get(content.legal_regime, answer.text))
    footer = ([content.caveat] if answer.caveat else []) + ([stand_line(content, used)] if used else [])
    return Reply("\n\n".join([text, "\n".join(footer)]) if footer else text, answer.buttons)


# ----------------------------------------------------------------------------- hours


def ranges_text(ranges: Iterable[TimeRange]) -> str:
    return " und ".join(f"{clock(r.start)}–{clock(r.end)}" for r in ranges)


def _day_runs(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        WEEKDAY_SHORT[run[0]] if len(run) == 1 else
        f"{WEEKDAY_SHORT[run[0]]}, {WEEKDAY_SHORT[run[1]]}" if len(run) == 2 else
        f"{WEEKDAY_SHORT[run[0]]}–{WEEKDAY_SHORT[run[-1]]}"
        for run in runs
    ]
    return ", ".join(parts[:-1]) + " und " + parts[-1] if len(parts) > 1 else parts[0]


def compact_week(hours: OpeningHours, separator: str = "; ") -> str:
    """{0..4: 8-12, 3: 8-12,14-18} -> 'Mo–Mi und Fr 08:00–12:00 Uhr; Do 08:00–12:00 und 14:00–18:00 Uhr'."""
    groups: dict[str, list[int]] = {}
    for day in range(7):
        if hours.get(day):
            groups.setdefault(ranges_text(hours[day]), []).append(day)
    if not groups:
        return "derzeit keine Öffnungszeiten"
    return separator.join(f"{_day_runs(days)} {text} Uhr" for text, days in groups.items())


@lru_cache(maxsize=8)
def _holidays(state: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("DE", subdiv=state, years=year, language="de")


def holiday_name(content: Content, day: dt.date) -> str | None:
    return _holidays(content.state, day.year).get(day)


def office_aliases(content: Content) -> dict[str, tuple[str, ...]]:
    """Office key -> the names citizens use for it (aliases and the full name)."""
    return {key: office.aliases + (office.name,) for key, office in content.offices.items()}


_office_aliases = office_aliases


def opening_hours(content: Content, message: str, now: dt.datetime, office_key: str | None = None) -> Reply:
    office_key = textparse.find_office(message, _office_aliases(content)) or office_key
    day = textparse.find_day(message, now.date())
    daypart = textparse.find_daypart(message)
    lines: list[str] = []

    if office_key is None and textparse.mentions_any(message, SERVICE_CENTER_WORDS):
        sc = content.service_center
        return Reply(template(content, "service_center_hours", phone=sc.phone, hours=compact_week(sc.hours)))

    if day and day.date:
        holiday = holiday_name(content, day.date)
        if holiday:
            return Reply(template(content, "hours_holiday", date=date(day.date), holiday=holiday))

    offices = [content.offices[office_key]] if office_key else list(content.offices.values())
    if day is None:
        if office_key:
            office = offices[0]
            lines.append(template(content, "hours_office_week", office=office.name, address=office.address,
                                  week=compact_week(office.hours, "\n")))
        else:
            rows = "\n".join(f"• {o.name}: {compact_week(o.hours)}" for o in offices)
            lines.append(template(content, "hours_all_offices", offices=rows))
    else:
        day_name = WEEKDAY_NAMES[day.weekday] + (f", {date(day.date)}," if day.date else "")
        day_name = day_name.rstrip(",")
        for office in offices:
            ranges = office.hours.get(day.weekday, ())
            if daypart:
                matching = [r for r in ranges if r.overlaps(daypart.start, daypart.end)]
                if matching:
                    lines.append(template(content, "hours_daypart_open", office=office.name, day=day_name,
                                          daypart=daypart.label, hours=ranges_text(matching)))
                elif ranges:
                    lines.append(template(content, "hours_daypart_closed", office=office.name, day=day_name,
                                          daypart=daypart.label, hours=ranges_text(ranges)))
                else:
                    lines.append(template(content, "hours_daypart_closed_all_day", office=office.name,
                                          day=day_name, daypart=daypart.label))
            elif ranges:
                lines.append(template(content, "hours_office_day", office=office.name, day=day_name,
                                      hours=ranges_text(ranges)))
            else:
                lines.append(template(content, "hours_office_day_closed", office=office.name, day=day_name))
    if content.hours_note:
        lines.append(content.hours_note)
    buttons = tuple(
        Button(f"Kontakt {o.name.split()[-1]}", "ask_contact") for o in offices[:1] if office_key
    )
    return Reply("\n".join(lines), buttons)


# ----------------------------------------------------------------------------- contact


def contact(content: Content, message: str, office_key: str | None = None) -> Reply:
    office_key = textparse.find_office(message, _office_aliases(content)) or office_key
    sc = content.service_center

    def office_line(office: Office) -> str:
        return template(content, "contact_office", office=office.name, address=office.address, phone=office.phone,
                        email=office.email, directions=office.directions).strip()

    if office_key:
        text = office_line(content.offices[office_key])
        text += "\n" + template(content, "service_center_hours", phone=sc.phone, hours=compact_week(sc.hours))
    else:
        rows = "\n".join(f"• {office_line(o)}" for o in content.offices.values())
        text = template(content, "contact_all", offices=rows, service_center_phone=sc.phone,
                        service_center_hours=compact_week(sc.hours), service_center_email=sc.email)
    if sc.note:
        text += "\n" + sc.note
    return Reply(text, (Button("Öffnungszeiten", "ask_opening_hours"),))


# ----------------------------------------------------------------------------- KdU

MAX_PERSONS = 20
MAX_RENT = 10_000.0


def housing_costs(
    content: Content, message: str, persons: int | None = None, rent: float | None = None,
    expecting_persons: bool = False, warm_rent: float | None = None,
) -> KduOutcome:
    """Compare a Bruttokaltmiete with the KdU table. Values missing from the message may come
    from earlier turns (`persons`, `rent`, `warm_rent`: a warm rent whose split was asked for).
    `expecting_persons`: the assistant asked for the household size (or showed the table), so a bare count
    ("drei", "wir sind 4") is the number of persons. Kaltmiete and kalte Nebenkosten are added up
    ("420 kalt plus 80 nebenkosten"); a warm rent asks for its heating part."""
    kdu = content.kdu
    found_persons = textparse.find_persons(message)
    if found_persons is None and expecting_persons:
        count = textparse.find_count(message)
        found_persons = count if count is not None and 1 <= count <= MAX_PERSONS else None
    new_persons = found_persons is not None
    persons = found_persons if found_persons is not None else persons
    parts = rent_parts(message)
    if parts.heating is not None and parts.gross is None and warm_rent is not None and warm_rent > parts.heating:
        parts = RentParts(warm=warm_rent, heating=parts.heating)  # "davon 90 heizung" after a warm rent
    if parts.needs_split and parts.warm is not None:
        # a warm rent: the limits are for the Bruttokaltmiete, so ask for the heating part first
        return KduOutcome(Reply(template(content, "kdu_warm_split", rent=euro(parts.warm))), persons, None,
                          waiting_for_input=True, warm=parts.warm)
    new_rent = parts.gross if parts.gross is not None else textparse.find_rent(message, persons)
    if new_rent is None:
        new_rent = textparse.find_spoken_amount(message)
    rent = new_rent if new_rent is not None else rent
    warm = textparse.mentions_warm_rent(message) and parts.gross is None

    if persons is not None and not 1 <= persons <= MAX_PERSONS:
        return KduOutcome(Reply(template(content, "kdu_invalid_persons")), None, rent, waiting_for_input=True)
    if rent is not None and not 0 < rent <= MAX_RENT:
        return KduOutcome(Reply(template(content, "kdu_invalid_amount")), persons, None, waiting_for_input=True)
    if rent is None and new_persons and persons is not None and 1 <= persons <= MAX_PERSONS:
        limit = kdu.limit_for(persons)
        text = template(content, "kdu_limit_for_persons", persons=persons_text(persons), limit=euro(limit.rent),
                        size=f"{limit.size_m2:g}")
        return KduOutcome(Reply(text), persons, None, waiting_for_input=True)
    if rent is None:
        rows = "\n".join(
            f"• {persons_text(size)}: bis {euro(limit.rent)} (etwa {limit.size_m2:g} m²)"
            for size, limit in sorted(kdu.limits.items())
        )
        further = kdu.per_further_person
        rows += f"\n• jede weitere Person: + {euro(further.rent)} (+ {further.size_m2:g} m²)"
        text = template(content, "kdu_table", rows=rows) + "\n\n" + content.caveat
        text += "\n" + template(content, "stand", date=date(kdu.stand))
        return KduOutcome(Reply(text), persons, None, waiting_for_input=True)
    if persons is None:
        return KduOutcome(Reply(template(content, "kdu_ask_persons", rent=euro(rent))), None, rent, waiting_for_input=True)

    limit = kdu.limit_for(persons)
    values = dict(rent=euro(rent), persons=persons_text(persons), limit=euro(limit.rent), size=f"{limit.size_m2:g}")
    if warm and rent > limit.rent:
        return KduOutcome(Reply(template(content, "kdu_warm_note")), persons, None, waiting_for_input=True)
    summed = ""
    if parts.gross is not None and parts.gross_cold is None and parts.cold is not None:
        summed = template(content, "kdu_parts", cold=euro(parts.cold), services=euro(parts.services or 0),
                          gross=euro(parts.gross))
    elif parts.gross is not None and parts.gross_cold is None:
        summed = template(content, "kdu_parts_warm", warm=euro(parts.warm or 0), heating=euro(parts.heating or 0),
                          gross=euro(parts.gross))
    if rent <= limit.rent:
        text = template(content, "kdu_ok", **values)
    else:
        months = content.figures["kostensenkung_monate"].formatted if "kostensenkung_monate" in content.figures else ""
        text = template(content, "kdu_too_high", difference=euro(round(rent - limit.rent, 2)), months=months, **values)
    if summed:
        text = f"{summed} {text}"
    text += "\n\n" + content.caveat + "\n" + template(content, "stand", date=date(kdu.stand))
    return KduOutcome(Reply(text), persons, rent)


# ----------------------------------------------------------------------------- fallback


def fallback(content: Content, consecutive_misses: int, message_length: int = 0) -> Reply:
    """First miss: ask to rephrase with topic buttons; from the second miss in a row: offer a person.
    A very long message that was not understood gets the request to summarise it."""
    if message_length > MAX_MESSAGE_CHARS and consecutive_misses <= 1:
        return Reply(template(content, "message_too_long"), content.main_topics)
    if consecutive_misses <= 1:
        return Reply(template(content, "fallback_first"), content.main_topics)
    return Reply(template(content, "fallback_second"), (Button("Mit einem Menschen sprechen", "request_human"),))


_NOT_AMOUNTS = re.compile(r"(?i)\b\d{5}\s*bg\s*\d{7}\b|\b\d{3}[a-z]\d{6}\b|\b\d{1,2}\.\d{1,2}\.(\d{2,4})?|"
                          r"\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){3,7}(?:\s?[a-z0-9]{1,3})?\b")
RENT_WORDS = ("miete", "kaltmiete", "warmmiete", "bruttokaltmiete", "wohnung", "kdu", "nebenkosten", "warm", "kalt")


def looks_like_rent_question(message: str) -> bool:
    """A short message such as "3 Personen 520 Euro" or "Miete 400 Euro ok?" that only makes sense
    as a KdU check. Customer numbers, dates and IBANs are no amounts."""
    message = _NOT_AMOUNTS.sub(" ", message)
    if textparse.find_amount(message) is None and textparse.find_rent(message) is None:
        return False
    return textparse.find_persons(message) is not None or textparse.mentions_any(message, RENT_WORDS)
