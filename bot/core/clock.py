"""The Jobcenter's clock: Europe/Berlin, as the calendar and the service hours are kept."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Berlin")


def now() -> dt.datetime:
    return dt.datetime.now(TIMEZONE)


def now_local() -> dt.datetime:
    """Local wall-clock time without tzinfo, as the calendar stores it."""
    return now().replace(tzinfo=None, microsecond=0)
