"""One clock: Berlin wall-clock time wherever a time is stored, shown or compared, whatever the process's TZ.

The process runs in UTC here (TZ=UTC, time.tzset) and the clock is frozen at 23:30 UTC, when Berlin is
already on the next day (next year, on New Year's Eve)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.core import clock

UTC = dt.timezone.utc
WINTER = dt.datetime(2025, 1, 15, 23, 30, 5, 123456, tzinfo=UTC)  # Berlin: 2025-01-16 00:30:05 (CET)
SUMMER = dt.datetime(2025, 7, 15, 23, 30, 5, tzinfo=UTC)  # Berlin: 2025-07-16 01:30:05 (CEST)
NEW_YEAR = dt.datetime(2024, 12, 31, 23, 30, tzinfo=UTC)  # Berlin: 2025-01-01 00:30


@pytest.fixture
def utc_process():
    """The process's local time zone is UTC (as in many containers), restored afterwards."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    assert dt.datetime.now().utcoffset() is None and time.localtime().tm_gmtoff == 0
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def freeze(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(clock, "utc_now", lambda: moment)


def test_the_clock_is_berlin_in_a_utc_process(utc_process, monkeypatch):
    freeze(monkeypatch, WINTER)
    assert clock.now_local() == dt.datetime(2025, 1, 16, 0, 30, 5)
    assert clock.today() == dt.date(2025, 1, 16)
    assert clock.now().utcoffset() == dt.timedelta(hours=1) and clock.now() == WINTER
    freeze(monkeypatch, SUMMER)
    assert clock.now_local() == dt.datetime(2025, 7, 16, 1, 30, 5)
    assert clock.aware(dt.datetime(2025, 7, 16, 1, 30, 5)) == SUMMER.replace(microsecond=0)


def test_transcript_line_has_berlin_time(utc_process, monkeypatch, redis_client):
    from bot.handover.state import Handover

    freeze(monkeypatch, WINTER)
    line = Handover(redis_client).add_line("s-clock", "user", "Hallo")
    assert line["ts"] == "2025-01-16T00:30:05"
    assert Handover(redis_client).transcript("s-clock")[-1]["ts"] == "2025-01-16T00:30:05"


def test_transcript_line_with_the_real_clock(utc_process, redis_client):
    """Not frozen: the stored time is Berlin's, not the process's UTC."""
    from bot.handover.state import Handover

    stamp = dt.datetime.fromisoformat(Handover(redis_client).add_line("s-real", "user", "Hallo")["ts"])
    berlin = dt.datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
    assert abs(stamp - berlin) < dt.timedelta(seconds=5)


def test_access_log_and_learning_inbox_record_berlin_time(utc_process, monkeypatch, redis_client):
    from bot.desk.access import AccessLog
    from bot.editor.learning import LearningInbox

    freeze(monkeypatch, WINTER)
    log = AccessLog(redis_client)
    log.record({"user": "anna", "role": "agent"}, "case_view", ["C-1"])
    assert log.entries(user="anna")[0]["at"] == "2025-01-16T00:30:05"
    inbox = LearningInbox(redis_client)
    inbox.collect("Wo finde ich das Formular?", "fallback")
    assert inbox.items()[-1]["at"] == "2025-01-16T00:30:05"


def test_birth_year_redaction_uses_berlins_year(utc_process, monkeypatch):
    from bot.core.redact import _birth_year

    freeze(monkeypatch, NEW_YEAR)  # Berlin is in 2025 already, UTC still in 2024
    assert _birth_year("2015")  # ten years ago in Berlin's year


def test_calendar_file_stamp_from_berlin_wall_clock(utc_process):
    from bot.appointments.ics import calendar_file

    text = calendar_file("u1", dt.datetime(2025, 1, 20, 10), dt.datetime(2025, 1, 20, 10, 30), "Termin", "Nord",
                         "", stamp=dt.datetime(2025, 1, 16, 0, 30, 5))
    assert "DTSTAMP:20250115T233005Z" in text.split("\r\n")
    assert "DTSTART;TZID=Europe/Berlin:20250120T100000" in text.split("\r\n")
    aware = calendar_file("u1", dt.datetime(2025, 1, 20, 10), dt.datetime(2025, 1, 20, 10, 30), "Termin", "Nord",
                          "", stamp=WINTER)
    assert "DTSTAMP:20250115T233005Z" in aware.split("\r\n")


def test_voice_gateway_records_a_hang_up_in_berlin_time(utc_process, monkeypatch):
    from voice.server import Gateway

    freeze(monkeypatch, WINTER)
    recorded: list[dt.datetime] = []
    gateway = Gateway("http://127.0.0.1:1", None)
    gateway.outbound = SimpleNamespace(  # type: ignore[assignment]
        contact=lambda contact_id: SimpleNamespace(status="calling"),
        record=lambda contact, now, *rest: recorded.append(now))
    gateway._outbound_ended("c1")
    assert recorded == [dt.datetime(2025, 1, 16, 0, 30, 5)]


def test_worker_purges_by_berlin_time(utc_process, monkeypatch):
    from bot.runtime import worker

    freeze(monkeypatch, WINTER)
    seen: list[tuple[str, dt.datetime]] = []
    monkeypatch.setattr(worker, "daily_reminders", lambda client, now: seen.append(("reminders", now)))
    monkeypatch.setattr(worker, "hourly_purge", lambda client, now: seen.append(("purge", now)))

    class Delivery:
        async def run_due(self, now: dt.datetime) -> list:
            seen.append(("delivery", now))
            return []

    asyncio.run(worker.tick(None, Delivery()))  # type: ignore[arg-type]
    berlin = dt.datetime(2025, 1, 16, 0, 30, 5)
    assert seen == [("reminders", berlin), ("delivery", berlin), ("purge", berlin)]
