"""Answers in declaration dialogues: IBAN checksum, dates, periods (also across New Year), amounts."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.content import say
from bot.declarations import fields
from bot.declarations.fields import Invalid, Value

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize("text, stored", [
    ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    ("de89-3704-0044-0532-0130-00", "DE89370400440532013000"),
    ("Meine neue IBAN ist DE02120300000000202051, danke", "DE02120300000000202051"),
    ("AT611904300234573201", "AT611904300234573201"),
    ("NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
])
def test_valid_ibans_are_normalised(text, stored):
    parsed = fields.iban(text)
    assert isinstance(parsed, Value) and parsed.value == stored
    assert parsed.text.replace(" ", "") == stored


@pytest.mark.parametrize("text, hint, values", [
    ("DE89 3704 0044 0532 0130 01", "iban_checksum", {}),   # one digit wrong
    ("DE98 3704 0044 0532 0130 00", "iban_checksum", {}),   # check digits swapped
    ("DE89 3704 0044 0532 0130 0", "iban_wrong_length", {"country": "DE", "expected": 22, "given": 21}),
    ("1234567890", "iban_missing", {}),
    ("weiß ich nicht", "iban_missing", {}),
])
def test_wrong_ibans_get_a_precise_hint(text, hint, values):
    assert fields.iban(text) == Invalid(say(f"declarations.{hint}", **values))


@pytest.mark.parametrize("text, start, end", [
    ("vom 1.12. bis 14.12.", "2026-12-01", "2026-12-14"),
    ("1.12.-14.12.", "2026-12-01", "2026-12-14"),
    ("28.12. bis 5.1.", "2026-12-28", "2027-01-05"),            # across New Year
    ("vom 28. bis 5. Januar", "2026-12-28", "2027-01-05"),
    ("vom 20. bis 27. Dezember", "2026-12-20", "2026-12-27"),
    ("ab morgen für 2 Wochen", "2026-11-25", "2026-12-08"),
    ("ab 1.12. eine Woche", "2026-12-01", "2026-12-07"),
    ("01.03.2027 bis 21.03.2027", "2027-03-01", "2027-03-21"),
    ("seit gestern bis Freitag", "2026-11-23", "2026-11-27"),
])
def test_periods(text, start, end):
    parsed = fields.period_answer(text, TODAY)
    assert isinstance(parsed, Value), parsed
    assert parsed.value == {"von": start, "bis": end}


@pytest.mark.parametrize("text, hint, values", [
    ("vom 10.12. bis 5.12.", "period_end_before_start", {"start": "10.12.2026", "end": "05.12.2026"}),
    ("31.2. bis 4.3.", "date_impossible", {"date": "31.02."}),
    ("irgendwann im Winter", "period_not_understood", {}),
    ("", "period_not_understood", {}),
])
def test_impossible_periods_are_refused(text, hint, values):
    assert fields.period_answer(text, TODAY) == Invalid(say(f"declarations.{hint}", **values))


@pytest.mark.parametrize("text, expected", [
    ("15.12.", "2026-12-15"), ("morgen", "2026-11-25"), ("1. Dezember", "2026-12-01"), ("3.1.27", "2027-01-03"),
    ("letzten Montag", "2026-11-23"), ("in zwei Wochen", "2026-12-08"), ("29.02.2028", "2028-02-29"),
])
def test_dates(text, expected):
    parsed = fields.date_answer(text, TODAY)
    assert isinstance(parsed, Value) and parsed.value == expected


@pytest.mark.parametrize("text", ["31.02.", "29.02.2027", "32.1.", "blabla"])
def test_impossible_dates_are_refused(text):
    assert isinstance(fields.date_answer(text, TODAY), Invalid)


def test_date_bounds():
    too_early = fields.date_answer("20.11.", TODAY, "future", not_before=TODAY)
    assert too_early == Invalid(say("declarations.date_too_early", date="20.11.2026", earliest="24.11.2026"))


@pytest.mark.parametrize("text, value", [("450", 450.0), ("1.200,50 Euro", 1200.5), ("ca. 800 € brutto", 800.0)])
def test_amounts(text, value):
    parsed = fields.amount(text)
    assert isinstance(parsed, Value) and parsed.value == value


@pytest.mark.parametrize("text", ["nix", "0 €", "-5 €", "9999999 €"])
def test_wrong_amounts(text):
    assert isinstance(fields.amount(text), Invalid)


def test_address_needs_postcode_and_street():
    assert isinstance(fields.address("Lindenweg 5, 50667 Musterstadt"), Value)
    assert isinstance(fields.address("Musterstadt"), Invalid)


def test_free_text_limits():
    assert isinstance(fields.free_text("?!"), Invalid)
    assert isinstance(fields.free_text("x" * 1001), Invalid)
    assert fields.free_text("  zu   viele  Leerzeichen ").value == "zu viele Leerzeichen"
