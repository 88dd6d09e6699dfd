"""Understanding answers in the appointment dialogue, offers, calendar files."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.appointments import booking
from bot.appointments.calendar import Slot, get_calendar
from bot.appointments.ics import calendar_file
from bot.appointments.store import AppointmentBook
from bot.content import get_content
from bot.language.dates import Wish

NOW = dt.datetime(2026, 11, 23, 9, 0)


def slots() -> list[Slot]:
    starts = ["2026-11-24T08:00", "2026-11-24T08:30", "2026-11-26T10:00"]
    return [Slot(dt.datetime.fromisoformat(s), "mitte", "beratung", dt.datetime.fromisoformat(s) + dt.timedelta(minutes=30), 2)
            for s in starts]


@pytest.mark.parametrize("text, index", [("1", 0), ("den zweiten bitte", 1), ("Termin 3", 2), ("den letzten", 2),
                                         ("donnerstag", 2), ("dienstag um 8:30", 1), ("2: Di 24.11. 08:30 Uhr (Mitte)", 1)])
def test_choice_by_number_ordinal_or_day(text, index):
    assert booking.choose(text, slots(), NOW) == index


def test_a_new_wish_instead_of_a_choice():
    picked = booking.choose("nein, lieber Freitag", slots(), NOW)
    assert isinstance(picked, Wish) and picked.dates == (dt.date(2026, 11, 27),)


def test_an_unclear_choice_is_none():
    assert booking.choose("hmm weiss nicht", slots(), NOW) is None


@pytest.mark.parametrize("text, answer", [("ja", True), ("Ja, bitte buchen", True), ("passt", True), ("ok", True),
                                          ("nein", False), ("nee", False), ("vielleicht", None)])
def test_yes_or_no(text, answer):
    assert booking.yes_or_no(text) is answer


@pytest.mark.parametrize("text", ["vergiss es", "Abbrechen", "ich will doch keinen termin", "stopp"])
def test_abort_phrases(text):
    assert booking.is_abort(text)


@pytest.mark.parametrize("text, reason", [("ich bin krank", "krank"), ("muss arbeiten", "Arbeit"),
                                          ("hab ein vorstellungsgespraech", "Vorstellungsgespräch"),
                                          ("keine betreuung fuer mein kind", "Kinderbetreuung"),
                                          ("mein auto ist kaputt", "mein auto ist kaputt")])
def test_cancel_reasons(text, reason):
    assert booking.cancel_reason(text) == reason


def test_offer_falls_back_to_next_free_slots_when_the_wish_is_full(redis_client):
    config, content = get_calendar(), get_content()
    book = AppointmentBook(redis_client, config)
    offer = booking.make_offer(content, config, book, "beratung", ["mitte"], Wish(dates=(dt.date(2026, 11, 28),)), NOW)
    assert offer.intro.startswith("Zu Ihrem Wunsch (Samstag, 28.11.2026) ist leider nichts frei")
    assert len(offer.slots) == 3


def test_offer_for_an_hour_outside_the_hours_says_so_and_offers_the_nearest(redis_client):
    config, content = get_calendar(), get_content()
    book = AppointmentBook(redis_client, config)
    offer = booking.make_offer(content, config, book, "antrag", ["mitte"],
                               Wish(dates=(dt.date(2026, 11, 25),), exact=dt.time(19, 0)), NOW)
    assert offer.intro.startswith("Um 19:00 Uhr ist am gewünschten Tag nichts frei")
    assert offer.slots[0].start == dt.datetime(2026, 11, 25, 11, 40)


def test_calendar_file_is_valid_icalendar():
    text = calendar_file("T-ABC@x", dt.datetime(2026, 11, 24, 10), dt.datetime(2026, 11, 24, 10, 30),
                         "Termin Jobcenter Musterstadt: Beratung, Vermittlung", "Marktplatz 1, 50667 Musterstadt",
                         "Buchungsnummer T-ABC. " + "Bitte mitbringen: Ausweis. " * 5, dt.datetime(2026, 11, 23, 9, tzinfo=dt.timezone.utc))
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "DTSTART;TZID=Europe/Berlin:20261124T100000" in lines
    assert "SUMMARY:Termin Jobcenter Musterstadt: Beratung\\, Vermittlung" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
