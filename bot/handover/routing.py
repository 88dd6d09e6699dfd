"""When a conversation goes to a person: live queue within the Service Center's hours with agents
online, otherwise a callback request. Wait estimates for the queue."""

from __future__ import annotations

import datetime as dt
import math
import re

from bot.content import Content

AVERAGE_MINUTES_PER_CONVERSATION = 6
LIVE_CHANNELS = frozenset({"webchat", "voice"})  # channels where a person can take over live


_CALLBACK_WISH = re.compile(
    r"\b(ruf(en|t)? (sie|ihr|du)? ?mich (bitte |doch |mal )*(zurueck|an)|rueckruf\w*|zurueckruf\w*|"
    r"rueckmeldung (bitte )?(per|als|ueber) (mail|e ?mail|email|telefon|anruf)|"
    r"melde[tn]? (sie|ihr) sich (bitte )?(bei mir|per mail|per e ?mail|telefonisch)|"
    r"schreib(en|t)? (sie|ihr) mir (bitte )?(eine |ne )?(mail|e ?mail|email))\b")


def asks_for_callback(text: str) -> bool:
    """"rufen sie mich an 0171 …", "bitte um rückmeldung per mail", "rückruf bitte": the citizen asks to be
    contacted later, not to chat with a person now."""
    from bot.language.textparse import normalise

    return bool(_CALLBACK_WISH.search(normalise(text)))


def within_service_hours(content: Content, now: dt.datetime) -> bool:
    return any(r.contains(now.time()) for r in content.service_center.hours.get(now.weekday(), ()))


def live_queue_available(content: Content, now: dt.datetime, agents_online: int) -> bool:
    return agents_online > 0 and within_service_hours(content, now)


def wait_estimate_minutes(position: int, agents_online: int) -> int:
    """Honest, rounded up: the conversations ahead of you shared by the agents online."""
    return max(1, math.ceil(position * AVERAGE_MINUTES_PER_CONVERSATION / max(1, agents_online)))


def callback_opening(content: Content, wish: str | None, now: dt.datetime) -> tuple[dt.date, dt.time] | None:
    """When the Service Center can call back if the citizen's wish ("morgen früh" on a Friday evening) falls on
    a time it is closed: the first opening at or after the wished moment; None when the wish is within hours
    (or says no day or time)."""
    from bot.knowledge.answers import holiday_name
    from bot.knowledge.hours import next_opening
    from bot.language.dates import Wish, parse_wish

    parsed = parse_wish(wish or "", now)
    if not isinstance(parsed, Wish) or not (parsed.dates or parsed.has_time()):
        return None
    day = parsed.dates[0] if parsed.dates else now.date()
    moment = dt.datetime.combine(day, parsed.exact or parsed.earliest or dt.time(8, 0))
    hours = content.service_center.hours

    def closed(date: dt.date) -> bool:
        return holiday_name(content, date) is not None

    if not closed(day) and any(r.contains(moment.time()) for r in hours.get(day.weekday(), ())):
        return None
    found = next_opening(hours, moment - dt.timedelta(minutes=1), closed)
    return (found[0], found[1].start) if found else None
