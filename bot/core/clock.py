"""The Jobcenter's clock: Europe/Berlin, as the calendar and the service hours are kept.

The one place for the time zone and for "now": code never calls the naive `datetime.now()` or
`date.today()`, which follow the process's TZ (UTC in many containers). Times kept in Redis and shown
to people are naive Berlin wall-clock times (`now_local()`, ISO strings without offset).

Tests freeze the clock by replacing `utc_now` (e.g. `monkeypatch.setattr(clock, "utc_now", ...)`);
every function here, and so every caller however it imported them, follows.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Berlin")


def utc_now() -> dt.datetime:
    """The current instant (aware, UTC): the clock's one source."""
    return dt.datetime.now(dt.timezone.utc)


def now() -> dt.datetime:
    """Berlin time, aware."""
    return utc_now().astimezone(TIMEZONE)


def now_local() -> dt.datetime:
    """Local wall-clock time without tzinfo, as the calendar stores it."""
    return now().replace(tzinfo=None, microsecond=0)


def today() -> dt.date:
    """Today's date in Berlin."""
    return now().date()


def aware(moment: dt.datetime) -> dt.datetime:
    """A naive Berlin wall-clock time (as stored) made aware; an aware time is returned as it is."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TIMEZONE)
