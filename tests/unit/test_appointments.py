"""Booking, cancelling and moving against a real Redis, including the race on the last place."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import redis

from bot.appointments.calendar import Slot, candidate_slots, get_calendar, load_calendar
from bot.appointments.store import AppointmentBook
from bot.language.dates import parse_wish

NOW = dt.datetime(2026, 11, 23, 9, 0)  # Monday


def no_holiday(day: dt.date) -> bool:
    return False


@pytest.fixture
def book(redis_client):
    return AppointmentBook(redis_client, get_calendar())


def slot(start: str, office="mitte", type_key="antrag", capacity=1, minutes=20) -> Slot:
    begin = dt.datetime.fromisoformat(start)
    return Slot(begin, office, type_key, begin + dt.timedelta(minutes=minutes), capacity)


def test_fifty_concurrent_attempts_on_the_last_place_give_exactly_one_booking(redis_url, redis_client):
    target = slot("2026-11-25T09:00")
    barrier = threading.Barrier(50)
    results = []

    def attempt(index: int) -> None:
        own = AppointmentBook(redis.Redis.from_url(redis_url), get_calendar())
        barrier.wait()
        results.append(own.book(f"12345BG{index:07d}", target, NOW))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.ok for r in results) == 1
    assert sorted(r.reason for r in results if not r.ok) == ["full"] * 49
    assert redis_client.scard(f"cal:slot:{target.id}") == 1


def test_capacity_two_takes_two_bookings(book):
    target = slot("2026-11-25T09:00", type_key="beratung", capacity=2, minutes=30)
    assert book.book("A", target, NOW).ok and book.book("B", target, NOW).ok
    assert book.book("C", target, NOW).reason == "full"


def test_second_upcoming_appointment_of_the_same_type_is_refused(book):
    first = book.book("A", slot("2026-11-25T09:00"), NOW)
    second = book.book("A", slot("2026-11-26T09:00"), NOW)
    assert not second.ok and second.reason == "duplicate" and second.conflicting_ref == first.booking.ref
    assert book.book("A", slot("2026-11-26T09:00", type_key="beratung", minutes=30), NOW).ok


def test_cancel_frees_the_slot(book):
    target = slot("2026-11-25T09:00")
    booking = book.book("A", target, NOW).booking
    assert book.cancel("A", booking.ref, "krank", NOW).ok
    assert book.get(booking.ref).status == "cancelled"
    assert book.book("B", target, NOW).ok


def test_cancel_of_someone_elses_booking_is_refused(book):
    booking = book.book("A", slot("2026-11-25T09:00"), NOW).booking
    assert book.cancel("B", booking.ref, "x", NOW).reason == "unknown"
    assert book.get(booking.ref).status == "booked"


def test_move_holds_the_new_slot_and_releases_the_old(book):
    old_slot, new_slot = slot("2026-11-25T09:00"), slot("2026-11-26T10:00")
    old = book.book("A", old_slot, NOW).booking
    moved = book.move("A", old.ref, new_slot, NOW)
    assert moved.ok and moved.booking.start == new_slot.start
    assert [b.ref for b in book.upcoming("A", NOW)] == [moved.booking.ref]
    assert book.get(old.ref).status == "moved"
    assert book.book("B", old_slot, NOW).ok


def test_move_to_a_full_slot_keeps_the_old_appointment(book):
    old = book.book("A", slot("2026-11-25T09:00"), NOW).booking
    full = slot("2026-11-26T10:00")
    assert book.book("B", full, NOW).ok
    assert book.move("A", old.ref, full, NOW).reason == "full"
    assert [b.ref for b in book.upcoming("A", NOW)] == [old.ref]


def test_free_slots_skip_taken_ones(book):
    config = get_calendar()
    candidates = candidate_slots(config, ["mitte"], "antrag", NOW, no_holiday, parse_wish("am 25.11. um 9", NOW))
    assert candidates[0].start == dt.datetime(2026, 11, 25, 9, 0)
    book.book("A", candidates[0], NOW)
    assert book.free_slots(candidates)[0].start != dt.datetime(2026, 11, 25, 9, 0)


# ----------------------------------------------------------------------------- slot generation


def test_no_slots_in_the_past_or_within_the_lead_time():
    config = get_calendar()
    slots = candidate_slots(config, ["mitte"], "antrag", dt.datetime(2026, 11, 23, 9, 0), no_holiday)
    assert slots[0].start >= dt.datetime(2026, 11, 23, 11, 0)


def test_no_slots_on_public_holidays_closing_days_or_weekends():
    from bot.content import get_content
    from bot.knowledge.answers import holiday_name

    config = get_calendar()
    slots = candidate_slots(config, ["mitte", "nord", "sued"], "beratung", dt.datetime(2026, 12, 20, 9, 0),
                            lambda d: holiday_name(get_content(), d) is not None)
    days = {s.start.date() for s in slots}
    for closed in (dt.date(2026, 12, 24), dt.date(2026, 12, 25), dt.date(2026, 12, 26), dt.date(2026, 12, 31),
                   dt.date(2027, 1, 1), dt.date(2026, 12, 27)):
        assert closed not in days
    assert dt.date(2026, 12, 28) in days


def test_slots_stay_inside_the_configured_hours():
    config = get_calendar()
    for s in candidate_slots(config, ["sued"], "beratung", NOW, no_holiday):
        assert s.start.weekday() in (1, 2, 3)
        assert (dt.time(8) <= s.start.time() and s.end.time() <= dt.time(12)) or (
            dt.time(13, 30) <= s.start.time() and s.end.time() <= dt.time(16))


def test_calendar_typos_are_reported_with_line(tmp_path):
    import shutil

    from bot.core.yamlsource import ContentError

    shutil.copytree("content", tmp_path / "content")
    path = tmp_path / "content" / "calendar.yml"
    path.write_text(path.read_text().replace("slot_minutes: 45", "slot_minutes: fünfundvierzig"))
    with pytest.raises(ContentError) as error:
        load_calendar(tmp_path, offices=["mitte", "nord", "sued"])
    assert "content/calendar.yml, Zeile" in str(error.value) and "fünfundvierzig" in str(error.value)
