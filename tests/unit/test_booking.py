"""Understanding answers in the appointment dialogue, offers, calendar files."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.appointments import booking
from bot.appointments.calendar import Slot, get_calendar
from bot.appointments.ics import calendar_file
from bot.appointments.store import AppointmentBook, Booking
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
                                          ("Kinderbetreuung", "Kinderbetreuung"),
                                          # a described reason is kept in the citizen's words
                                          ("keine betreuung fuer mein kind", "keine betreuung fuer mein kind"),
                                          ("mein sohn hat eine op, ich muss mit", "mein sohn hat eine op, ich muss mit"),
                                          ("der grund: die kita hat streik", "die kita hat streik"),
                                          ("mein auto ist kaputt", "mein auto ist kaputt")])
def test_cancel_reasons(text, reason):
    assert booking.cancel_reason(text) == reason


@pytest.mark.parametrize("reason, own", [("krank", True), ("bin seit gestern erkältet", True),
                                         ("mein sohn hat eine op, ich muss mit ins krankenhaus", False),
                                         ("Kinderbetreuung", False)])
def test_sick_note_only_for_own_illness(reason, own):
    assert booking.own_illness(reason) is own


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


# ----------------------------------------------------------------- decisions of the booking, moving and cancelling forms


def bookings() -> list[Booking]:
    return [Booking(f"T-{i}", "12345BG0000001", s.office, s.type, s.start, s.end, "booked", f"tok{i}", s.id)
            for i, s in enumerate(slots()[1:], start=1)]


@pytest.mark.parametrize("text, picked", [("T-2", "T-2"), ("die t-1 bitte", "T-1"), ("den zweiten", "T-2"),
                                          ("donnerstag", "T-2"), ("nein", False), ("hmm", None)])
def test_which_appointment_an_answer_means(text, picked):
    assert booking.pick_booking(text, bookings(), get_calendar(), NOW) == picked


def test_a_yes_picks_the_only_appointment():
    assert booking.pick_booking("ja", bookings()[:1], get_calendar(), NOW) == "T-1"
    assert booking.pick_booking("ja", bookings(), get_calendar(), NOW) is None  # two: which one?


def test_confirmation_yes_no_new_wish_or_unclear():
    assert booking.confirmation("ja, passt", NOW) is True
    assert booking.confirmation("nein", NOW) is False
    assert booking.confirmation("vielleicht", NOW) is None
    wish = booking.confirmation("lieber am donnerstag", NOW)
    assert isinstance(wish, Wish) and wish.dates == (dt.date(2026, 11, 26),)


def test_wish_again_or_the_earliest_slots():
    assert booking.wish_or_asap(None, NOW).asap and booking.wish_or_asap("übermorgen", NOW).dates
    assert booking.wish_or_asap("donnerstag", NOW).dates == (dt.date(2026, 11, 26),)


def test_offices_chosen_or_all():
    content = get_content()
    assert booking.offices_for(content, "nord") == ["nord"]
    assert booking.offices_for(content, "egal") == booking.offices_for(content, None) == list(content.offices)
    assert booking.office_answer(content, "ist mir egal") == "egal"
    assert booking.office_answer(content, "hmm") is None


def test_cancellation_case_and_sick_note_hint():
    record = bookings()[0]  # Tuesday 24.11. 08:30
    fields, summary = booking.cancellation_case(record, "krank", dt.date(2026, 11, 23))
    assert fields == {"buchung": "T-1", "termin": "2026-11-24T08:30", "terminart": "beratung", "grund": "krank",
                      "kurzfristig": True}
    assert summary == "Terminabsage 24.11.2026 08:30, Grund: krank"
    assert booking.cancellation_case(record, "sonstiges", dt.date(2026, 11, 20))[0]["kurzfristig"] is False
    assert booking.sick_note_hint(record, "krank", dt.date(2026, 11, 20))
    assert booking.sick_note_hint(record, "sonstiges", dt.date(2026, 11, 23))
    assert not booking.sick_note_hint(record, "sonstiges", dt.date(2026, 11, 20))
    assert not booking.sick_note_hint(record, "hab endlich nen job", dt.date(2026, 11, 23))


def test_confirmation_values_and_list():
    content, config = get_content(), get_calendar()
    record = bookings()[0]
    short = booking.confirmation_values(content, config, record, directions=False)
    assert set(short) == {"ref", "slot", "ics_url"} and short["ref"] == "T-1" and short["ics_url"].endswith("tok1")
    full = booking.confirmation_values(content, config, record, directions=True)
    assert full["address"].startswith(content.offices["mitte"].name) and full["bring"]
    lines = booking.appointment_list(content, bookings()).splitlines()
    assert len(lines) == 2 and lines[0].startswith("• ") and lines[0].endswith("(Buchungsnummer T-1)")


def test_an_ended_flow_says_so_unless_already_explained():
    assert booking.tell_aborted(None, {"slots": []}, "morgen")
    assert booking.tell_aborted(None, None, None)  # ended before a wish
    assert not booking.tell_aborted(None, None, "morgen")  # no offer: the search said why
    assert not booking.tell_aborted("duplicate", {"slots": []}, "morgen")


def test_a_new_appointment_after_a_cancellation_is_of_the_cancelled_kind():
    import dataclasses

    cancelled = dataclasses.replace(bookings()[0], status="cancelled")
    assert booking.replacement_type("kann ich gleich nen neuen machen für dienstag", cancelled) == cancelled.type
    assert booking.replacement_type("dann brauch ich wieder einen termin", cancelled) == cancelled.type
    assert booking.replacement_type("ich brauche einen termin", cancelled) is None  # no replacement asked for
    assert booking.replacement_type("nen neuen bitte", bookings()[0]) is None  # still booked: nothing replaced
    assert booking.replacement_type("nen neuen bitte", None) is None


@pytest.mark.parametrize("text, kind", [("wo muss ich da hin", "where"), ("wie lautet die adresse", "where"),
                                        ("und was soll ich mitbringen", "bring"),
                                        ("was muss ich dabei haben?", "bring"), ("hab ich nen termin", None),
                                        ("wann ist der termin", None), ("und wenn ich doch nicht kann?", "cant_come"),
                                        ("was mach ich falls mir was dazwischen kommt", "cant_come")])
def test_questions_about_a_known_appointment(text, kind):
    assert booking.follow_up_question(text) == kind
