"""German appointment wishes: the phrases citizens use, month and year ends, impossible input."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.appointments.booking import wish_error_text
from bot.content import say
from bot.language.dates import WISH_SEPARATOR, Wish, WishError, parse_wish, parse_wishes

MONDAY = dt.datetime(2026, 11, 23, 9, 0)


def wish(text: str, now: dt.datetime = MONDAY) -> Wish:
    result = parse_wish(text, now)
    assert isinstance(result, Wish), result
    return result


def test_next_tuesday_mornings():
    w = wish("nächsten Dienstag vormittags")
    assert w.dates == (dt.date(2026, 11, 24),) and w.latest == dt.time(12) and w.earliest is None


def test_date_with_hour():
    w = wish("am 3.12. um 10")
    assert w.dates == (dt.date(2026, 12, 3),) and w.exact == dt.time(10)


def test_as_soon_as_possible():
    w = wish("so früh wie möglich")
    assert w.asap and not w.dates and w.latest is None


def test_day_after_tomorrow_after_two_pm():
    w = wish("übermorgen nach 14 Uhr")
    assert w.dates == (dt.date(2026, 11, 25),) and w.earliest == dt.time(14)


def test_without_umlauts_and_lower_case():
    assert wish("uebermorgen nachmittags").dates == (dt.date(2026, 11, 25),)
    assert wish("naechsten donnerstag um halb elf").exact == dt.time(10, 30)


def test_tomorrow_across_the_month_end():
    assert wish("morgen", dt.datetime(2026, 11, 30, 9)).dates == (dt.date(2026, 12, 1),)


def test_day_after_tomorrow_across_the_year_end():
    assert wish("übermorgen", dt.datetime(2026, 12, 31, 9)).dates == (dt.date(2027, 1, 2),)


def test_date_without_year_that_has_passed_means_next_year():
    assert wish("am 2.1.", dt.datetime(2026, 12, 20, 9)).dates == (dt.date(2027, 1, 2),)


def test_next_week_is_monday_to_friday():
    assert wish("nächste Woche").dates == tuple(dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(5))


def test_weekday_named_today_means_next_week():
    assert wish("montag").dates == (dt.date(2026, 11, 30),)


def test_month_name():
    assert wish("am 3. Dezember").dates == (dt.date(2026, 12, 3),)


def test_fallback_to_dateparser_for_relative_phrases():
    # "in zwei wochen" / "so 2 wochen": the working days around that day (a citizen means "roughly then")
    assert wish("in zwei wochen").dates == tuple(dt.date(2026, 12, d) for d in (7, 8, 9))


@pytest.mark.parametrize("text, code, values", [
    ("31.02.", "date_impossible", {"date": "31.02."}),
    ("am 30.2.2027", "date_impossible", {"date": "30.02.2027"}),
    ("am 1.11.2025", "date_past", {"date": "01.11.2025"}),
    ("um 25 uhr", "invalid_time", {"time": "25:00"}),
    ("nach 14 vor 10", "empty_range", {}),
    ("blablub", "not_understood", {}),
])
def test_bad_wishes_get_a_german_explanation(text, code, values):
    result = parse_wish(text, MONDAY)
    assert result == WishError(code, values)
    assert wish_error_text(result) == say(f"appointments.wish_{code}", **values)


def test_leap_day_is_valid_in_a_leap_year():
    assert wish("am 29.2.", dt.datetime(2027, 12, 1, 9)).dates == (dt.date(2028, 2, 29),)


WEDNESDAY = dt.datetime(2026, 12, 2, 10, 15)


def wishes(*texts: str, now: dt.datetime = WEDNESDAY) -> Wish:
    result = parse_wishes(WISH_SEPARATOR.join(texts), now)
    assert isinstance(result, Wish), result
    return result


def test_a_weekday_ruled_out_in_words_is_not_the_wished_day():
    w = wish("freitag geht nicht, also donnerstag 15 uhr", WEDNESDAY)
    assert w.dates == (dt.date(2026, 12, 3),) and w.exact == dt.time(15) and w.not_weekdays == (4,)
    assert wish("montags kann ich leider nicht", WEDNESDAY).not_weekdays == (0,)
    assert wish("dienstag ist schlecht, lieber mittwoch", WEDNESDAY).dates == (dt.date(2026, 12, 9),)


def test_a_second_weekday_means_the_week_of_the_first_wish():
    # "dienstag" (08.12.), then "oder donnerstag": the Thursday of that week, not tomorrow
    assert wishes("dienstag", "oder donnerstag geht auch aber nur nachmittags").dates == (dt.date(2026, 12, 10),)
    assert wishes("dienstag", "lieber montag").dates == (dt.date(2026, 12, 7),)
    assert wishes("am 15.12.", "oder donnerstag").dates == (dt.date(2026, 12, 17),)


def test_a_second_weekday_whose_week_day_is_past_is_the_next_one():
    assert wishes("morgen", "lieber montag").dates == (dt.date(2026, 12, 7),)


@pytest.mark.parametrize("text, window", [
    ("ja ihr dürft mich anrufen aber bitte nicht vor 10 uhr, 0171 2345678", "ab 10:00 Uhr"),
    ("am besten nur vormittags", "bis 12:00 Uhr"),
    ("zwischen 9 und 12 uhr", "zwischen 09:00 und 12:00 Uhr"),
    ("ja gerne, 0171 2345678", None),
])
def test_when_a_citizen_wants_to_be_called(text, window):
    from bot.language.dates import time_window

    assert time_window(text) == window


def test_a_weekday_of_next_week():
    assert wish("für nächste woche dienstag", WEDNESDAY).dates == (dt.date(2026, 12, 8),)
    assert len(wish("nächste woche nachmittags", WEDNESDAY).dates) == 5
