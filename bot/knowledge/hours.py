"""Opening hours and contacts against the real date, with the context of the previous answer.

"hat süd jetzt auf?" is answered for this moment (open until …, or closed and the next opening),
"am 25.12." knows the public holidays and the closing days, and an elliptic follow-up ("und am samstag?",
"und morgen?", "und die email", "und wie komm ich da hin") keeps the office, day and daypart asked before.
Several wishes about one office in one message (address, phone and hours) are all answered.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable

from bot.content import Button, Content, Office, OpeningHours, TimeRange
from bot.knowledge.answers import (
    SERVICE_CENTER_WORDS,
    Reply,
    compact_week,
    contact,
    holiday_name,
    office_aliases,
    ranges_text,
    template,
)
from bot.knowledge.context import Context
from bot.language import textparse
from bot.language.formatting import WEEKDAY_NAMES, clock, date

LOOKAHEAD_DAYS = 21
NO_CONTEXT = Context()

_HOURS = re.compile(
    r"\b(offen|geoeffnet|oeffnungszeit\w*|oeffnungzeit\w*|sprechzeit\w*|geschlossen|aufhaben|erreichbar|vorbeikommen"
    r"|vorbei kommen)\b"
    r"|\b(?:hat|habt|haben|ist|sind|macht|machen)\b(?:\s+\S+){0,8}?\s+auf\b"
    r"(?!\s+(?:den|die|das|dem|der|meinen|meine|mein|meinem|ein|eine|einen|buergergeld|antrag|arbeit))"
)
_ADDRESS = re.compile(r"\b((?<!mail )adresse|anschrift|wo (?:ist|seid|sind|liegt|befindet|finde|genau)|wo ist das)\b")
_DIRECTIONS = re.compile(
    r"\b(wie komm\w*|hinkomm\w*|komm ich (?:da|dort|hin)|anfahrt|anreise|bahn|bus|buslinie|strassenbahn|s bahn|tram"
    r"|haltestelle|parken|parkplatz|da hin|dahin|dorthin)\b"
)
PHONE_WORDS = ("telefon", "tel", "telefonnummer", "nummer", "rufnummer", "anrufen", "telefonisch", "durchwahl")
EMAIL_WORDS = ("email", "mail", "emailadresse", "mailadresse", "mails")
HOTLINE_WORDS = ("hotline", "technische")


# ----------------------------------------------------------------------------- what is asked


def asks_hours(message: str) -> bool:
    return bool(_HOURS.search(textparse.normalise(message)))


def asks_address(message: str) -> bool:
    return bool(_ADDRESS.search(textparse.normalise(message)))


def asks_directions(message: str) -> bool:
    return bool(_DIRECTIONS.search(textparse.normalise(message)))


def asks_phone(message: str) -> bool:
    return textparse.mentions_any(message, PHONE_WORDS)


def asks_email(message: str) -> bool:
    return textparse.mentions_any(message, EMAIL_WORDS)


def asks_contact(message: str) -> bool:
    return asks_address(message) or asks_phone(message) or asks_email(message) or asks_directions(message)


def names_time(message: str, today: dt.date) -> bool:
    """Does the message name a day, a date, a daypart or "jetzt"?"""
    return (
        textparse.find_day(message, today) is not None
        or textparse.find_date(message, today) is not None
        or textparse.find_daypart(message) is not None
        or textparse.mentions_now(message)
    )


def find_office(content: Content, message: str) -> str | None:
    return textparse.find_office(message, office_aliases(content))


def is_elliptic(message: str) -> bool:
    """"und am samstag?", "und morgen?", "aber nachmittags": a follow-up that leans on the previous answer."""
    words = textparse.normalise(message).split()
    return bool(words) and (words[0] in ("und", "aber", "auch", "oder") or len(words) <= 3)


# ----------------------------------------------------------------------------- calendar


def closed_reason(content: Content, day: dt.date, closing_days: Collection[dt.date]) -> str | None:
    """Why all offices are closed on that date: "Feiertag (Erster Weihnachtstag)", "Schließtag", or None."""
    holiday = holiday_name(content, day)
    if holiday:
        return f"Feiertag ({holiday})"
    if day in closing_days:
        return "Schließtag"
    return None


def _ranges_on(hours: OpeningHours, day: dt.date, closed: Callable[[dt.date], bool]) -> tuple[TimeRange, ...]:
    return () if closed(day) else tuple(hours.get(day.weekday(), ()))


def next_opening(
    hours: OpeningHours, after: dt.datetime, closed: Callable[[dt.date], bool]
) -> tuple[dt.date, TimeRange] | None:
    """The first opening that starts after `after` (naive local time), skipping closed days."""
    for offset in range(LOOKAHEAD_DAYS):
        day = after.date() + dt.timedelta(days=offset)
        for time_range in _ranges_on(hours, day, closed):
            if offset or time_range.start > after.time():
                return day, time_range
    return None


def open_until(hours: OpeningHours, moment: dt.datetime, closed: Callable[[dt.date], bool]) -> dt.time | None:
    """The closing time if open at `moment` (naive local time), else None."""
    for time_range in _ranges_on(hours, moment.date(), closed):
        if time_range.start <= moment.time() < time_range.end:
            return time_range.end
    return None


def day_label(day: dt.date) -> str:
    return f"{WEEKDAY_NAMES[day.weekday()]}, {date(day)}"


def _opening_text(found: tuple[dt.date, TimeRange] | None, today: dt.date) -> str:
    if found is None:
        return ""
    day, time_range = found
    when = "heute" if day == today else "morgen" if day == today + dt.timedelta(days=1) else ""
    label = f"{when}, {day_label(day)}" if when else day_label(day)
    return f"{label}, ab {clock(time_range.start)} Uhr"


def next_openings_text(offices: list[Office], after: dt.datetime, closed: Callable[[dt.date], bool],
                       today: dt.date) -> str:
    """The next opening of several offices, grouped: "morgen, Montag, 30.11.2026: Geschäftsstelle Mitte und
    Geschäftsstelle Nord ab 08:00 Uhr, Geschäftsstelle Süd ab 07:30 Uhr"."""
    by_day: dict[dt.date, dict[dt.time, list[str]]] = {}
    for office in offices:
        found = next_opening(office.hours, after, closed)
        if found:
            by_day.setdefault(found[0], {}).setdefault(found[1].start, []).append(office.name)
    parts = []
    for day, starts in sorted(by_day.items()):
        label = _opening_text((day, TimeRange(dt.time(0), dt.time(0))), today).rsplit(", ab ", 1)[0]
        times = ", ".join(f"{' und '.join(names)} ab {clock(start)} Uhr" for start, names in sorted(starts.items(),
                                                                                                   key=lambda x: x[0]))
        parts.append(f"{label}: {times}")
    return "; ".join(parts)


# ----------------------------------------------------------------------------- answers


def _now_office(content: Content, office: Office, now: dt.datetime, closed: Callable[[dt.date], bool],
                closing_days: Collection[dt.date]) -> str:
    until = open_until(office.hours, now, closed)
    if until:
        return template(content, "hours_now_open", office=office.name, until=clock(until))
    reason = closed_reason(content, now.date(), closing_days)
    found = next_opening(office.hours, now, closed)
    if reason:
        why = f"heute ({day_label(now.date())}) ist {reason}"
    elif not office.hours.get(now.weekday()):
        why = f"heute ({day_label(now.date())}) ist keine Sprechzeit"
    else:
        why = f"die Sprechzeit heute ist {ranges_text(office.hours[now.weekday()])} Uhr"
    return template(content, "hours_now_closed", office=office.name, why=why,
                    next=_opening_text(found, now.date()) or "nach Terminvereinbarung")


def _now_all(content: Content, offices: list[Office], now: dt.datetime, closed: Callable[[dt.date], bool],
             closing_days: Collection[dt.date]) -> str:
    open_now = [(o, open_until(o.hours, now, closed)) for o in offices]
    if any(until for _, until in open_now):
        rows = []
        for office, until in open_now:
            if until:
                rows.append(f"• {office.name}: geöffnet bis {clock(until)} Uhr")
            else:
                found = _opening_text(next_opening(office.hours, now, closed), now.date())
                rows.append(f"• {office.name}: geschlossen" + (f", wieder {found}" if found else ""))
        return template(content, "hours_now_all_open", offices="\n".join(rows))
    reason = closed_reason(content, now.date(), closing_days)
    if reason:
        why = f"heute ({day_label(now.date())}) ist {reason}"
    elif not any(o.hours.get(now.weekday()) for o in offices):
        why = f"heute ({day_label(now.date())}) ist keine Sprechzeit"
    else:
        why = "gerade ist keine Sprechzeit"
    return template(content, "hours_now_all_closed", why=why, offices=next_openings_text(offices, now, closed,
                                                                                       now.date()))


def _service_center(content: Content, message: str, now: dt.datetime, day: dt.date | None, weekday: int | None,
                    is_now: bool, closed: Callable[[dt.date], bool]) -> str:
    sc = content.service_center
    week = compact_week(sc.hours)
    if is_now:
        until = open_until(sc.hours, now, closed)
        if until:
            return template(content, "service_center_now_open", phone=sc.phone, until=clock(until))
        found = _opening_text(next_opening(sc.hours, now, closed), now.date())
        return template(content, "service_center_day_closed", day="jetzt", phone=sc.phone, hours=week) + (
            f" Wieder erreichbar {found}." if found else "")
    if weekday is not None:
        label = day_label(day) if day else WEEKDAY_NAMES[weekday]
        ranges = _ranges_on(sc.hours, day, closed) if day else tuple(sc.hours.get(weekday, ()))
        if ranges:
            return template(content, "service_center_day_open", day=label, phone=sc.phone, hours=ranges_text(ranges))
        return template(content, "service_center_day_closed", day=f"am {label}", phone=sc.phone, hours=week)
    return template(content, "service_center_hours", phone=sc.phone, hours=week)


def _office_day(content: Content, office: Office, day: dt.date | None, weekday: int,
                daypart: textparse.Daypart | None) -> str:
    label = day_label(day) if day else WEEKDAY_NAMES[weekday]
    ranges = office.hours.get(weekday, ())
    if daypart:
        matching = [r for r in ranges if r.overlaps(daypart.start, daypart.end)]
        if matching:
            return template(content, "hours_daypart_open", office=office.name, day=label, daypart=daypart.label,
                            hours=ranges_text(matching))
        if ranges:
            return template(content, "hours_daypart_closed", office=office.name, day=label, daypart=daypart.label,
                            hours=ranges_text(ranges))
        return template(content, "hours_daypart_closed_all_day", office=office.name, day=label, daypart=daypart.label)
    if ranges:
        return template(content, "hours_office_day", office=office.name, day=label, hours=ranges_text(ranges))
    return template(content, "hours_office_day_closed", office=office.name, day=label)


def _between_the_years(content: Content, offices: list[Office], today: dt.date,
                       closing_days: Collection[dt.date]) -> str:
    """Each working day from 27 to 31 December (this year's, or next year's once they are past), per office:
    its hours, or "geschlossen" with the reason."""
    year = today.year if today <= dt.date(today.year, 12, 31) else today.year + 1
    rows = []
    for day in (dt.date(year, 12, d) for d in range(27, 32)):
        if day.weekday() >= 5:
            continue
        reason = closed_reason(content, day, closing_days)
        if reason:
            rows.append(f"• {day_label(day)}: geschlossen ({reason})")
            continue
        parts = [f"{o.short_name} {ranges_text(ranges)} Uhr" if (ranges := o.hours.get(day.weekday(), ()))
                 else f"{o.short_name} geschlossen" for o in offices]
        rows.append(f"• {day_label(day)}: {', '.join(parts)}")
    return template(content, "hours_between_years", rows="\n".join(rows))


def _contact_lines(content: Content, message: str, offices: Iterable[Office]) -> list[str]:
    """Address, phone and e-mail lines when the hours question also asks for them."""
    lines = []
    for office in offices:
        parts = []
        if asks_address(message) or asks_directions(message):
            parts.append(office.address)
        if asks_phone(message):
            parts.append(f"Telefon {office.phone}")
        if asks_email(message):
            parts.append(f"E-Mail {office.email}")
        if parts:
            lines.append(f"{office.name}: " + ", ".join(parts) + ".")
        if asks_directions(message) and office.directions:
            lines.append(office.directions)
    return lines


def answer_hours(content: Content, message: str, now: dt.datetime, ctx: Context = NO_CONTEXT,
                 closing_days: Collection[dt.date] = frozenset()) -> tuple[Reply, Context]:
    """Opening hours for the asked (or inherited) office, day, daypart or this moment."""
    local = now.replace(tzinfo=None) if now.tzinfo else now
    today = local.date()

    def closed(day: dt.date) -> bool:
        return closed_reason(content, day, closing_days) is not None

    inherit = ctx.is_location
    office_key = find_office(content, message) or (ctx.office if inherit else None)
    dayref = textparse.find_day(message, today)
    explicit = textparse.find_date(message, today, ctx.date if inherit else None)
    daypart = textparse.find_daypart(message)
    until_when = bool(re.search(r"\b(wie lange|bis wann)\b", textparse.normalise(message)))
    is_now = (textparse.mentions_now(message) or (until_when and dayref is not None and dayref.date == today)) and (
        explicit is None and (dayref is None or dayref.date == today))

    day: dt.date | None = explicit or (dayref.date if dayref else None)
    weekday: int | None = day.weekday() if day else dayref.weekday if dayref else None
    if is_now and daypart is None:
        day, weekday = None, None
    elif is_now:  # "heute nachmittag jetzt": the daypart of today
        is_now, day, weekday = False, today, today.weekday()
    if weekday is None and not is_now and inherit:
        if daypart is not None or office_key != ctx.office or is_elliptic(message):
            day, weekday, is_now = ctx.date, ctx.weekday, ctx.now
            if day is not None:
                weekday = day.weekday()
    if daypart is None and inherit and weekday is not None and is_elliptic(message) and ctx.daypart:
        daypart = textparse.find_daypart(ctx.daypart)
    if is_now and daypart is not None:
        is_now = False

    # The Service Center and the technical hotline are reached by phone, not in an office.
    topic = "opening_hours"
    if office_key is None and (textparse.mentions_any(message, HOTLINE_WORDS) and (
            ctx.topic in ("online_services", "hotline") or textparse.mentions_any(message, ("technische", "app")))):
        topic = "hotline"
    elif office_key is None and (textparse.mentions_any(message, SERVICE_CENTER_WORDS + ("erreich", "erreiche"))
                                 or (ctx.topic == "service_center" and not find_office(content, message))):
        topic = "service_center"
    new_ctx = Context(topic, office_key, day, weekday, daypart.label if daypart else None, is_now)
    if topic == "hotline":
        return Reply(template(content, "hotline_hours")), new_ctx
    if topic == "service_center":
        text = _service_center(content, message, local, day, weekday, is_now, closed)
        return Reply(text), new_ctx

    offices = [content.offices[office_key]] if office_key else list(content.offices.values())
    lines: list[str] = []
    if textparse.mentions_between_the_years(message) and explicit is None:
        lines.append(_between_the_years(content, offices, today, closing_days))
    elif is_now:
        lines.append(_now_office(content, offices[0], local, closed, closing_days) if office_key
                     else _now_all(content, offices, local, closed, closing_days))
    elif day is not None and closed(day):
        reason = closed_reason(content, day, closing_days) or ""
        names = offices[0].name if office_key else "alle Geschäftsstellen"
        verb = "ist" if office_key else "sind"
        lines.append(template(content, "hours_day_closed", day=day_label(day), reason=reason, offices=names, verb=verb))
        after = dt.datetime.combine(day, dt.time(23, 59))
        if office_key:
            lines.append(f"Nächste Öffnung: {_opening_text(next_opening(offices[0].hours, after, closed), today)}.")
        else:
            lines.append(f"Nächste Öffnung {next_openings_text(offices, after, closed, today)}.")
    elif weekday is not None:
        if not office_key and daypart is None and not any(o.hours.get(weekday) for o in offices):
            label = day_label(day) if day else WEEKDAY_NAMES[weekday]
            lines.append(template(content, "hours_all_closed_day", day=label))
        else:
            lines.extend(_office_day(content, office, day, weekday, daypart) for office in offices)
    elif office_key:
        office = offices[0]
        lines.append(template(content, "hours_office_week", office=office.name, address=office.address,
                              week=compact_week(office.hours, "\n")))
    else:
        week_rows = "\n".join(f"• {o.name}: {compact_week(o.hours)}" for o in offices)
        lines.append(template(content, "hours_all_offices", offices=week_rows))
    if office_key or asks_contact(message):
        lines.extend(_contact_lines(content, message, offices))
    if content.hours_note:
        lines.append(content.hours_note)
    buttons = tuple(Button(f"Kontakt {o.name.split()[-1]}", "ask_contact") for o in offices[:1] if office_key)
    return Reply("\n".join(lines), buttons), new_ctx


def answer_contact(content: Content, message: str, ctx: Context = NO_CONTEXT) -> tuple[Reply, Context]:
    """Contact details: only what is asked (e-mail, phone, address, directions) for the asked or inherited office;
    a question how to reach "you" by phone gets the Service Center."""
    office_key = find_office(content, message) or (ctx.office if ctx.is_location else None)
    wants_phone, wants_email = asks_phone(message), asks_email(message)
    wants_address, wants_directions = asks_address(message), asks_directions(message)
    sc = content.service_center
    if office_key is None:
        if (wants_phone or textparse.mentions_any(message, ("erreich", "erreiche", "erreichen", "telefonisch",
                                                            "sachbearbeiter", "sachbearbeiterin"))) and not (
                wants_email or wants_address or wants_directions):
            text = template(content, "service_center_hours", phone=sc.phone, hours=compact_week(sc.hours))
            if sc.note:
                text += "\n" + sc.note
            sc_buttons = (Button("Mit einem Menschen sprechen", "request_human"), Button("Öffnungszeiten", "ask_opening_hours"))
            return Reply(text, sc_buttons), Context("service_center")
        if wants_email and not (wants_phone or wants_address or wants_directions):
            rows = "\n".join(f"• {o.name}: {o.email}" for o in content.offices.values())
            text = template(content, "contact_emails", offices=rows, email=sc.email)
            return Reply(text, (Button("Öffnungszeiten", "ask_opening_hours"),)), Context("contact")
        return contact(content, message), Context("contact")
    office = content.offices[office_key]
    new_ctx = Context("contact", office_key, ctx.date, ctx.weekday, ctx.daypart, ctx.now)
    parts: list[str] = []
    if wants_directions:
        parts.append(template(content, "contact_directions", office=office.name, address=office.address,
                              directions=office.directions))
    if wants_address and not wants_directions:
        parts.append(template(content, "contact_address", office=office.name, address=office.address))
    if wants_phone:
        parts.append(template(content, "contact_phone", office=office.name, phone=office.phone))
    if wants_email:
        parts.append(template(content, "contact_email", office=office.name, email=office.email))
    if not parts:
        return contact(content, message, office_key), new_ctx
    if wants_phone:
        parts.append(template(content, "service_center_hours", phone=sc.phone, hours=compact_week(sc.hours)))
    buttons = (Button("Öffnungszeiten", "ask_opening_hours"),)
    return Reply("\n".join(parts), buttons), new_ctx
