import datetime as dt

import pytest

from bot.language import textparse

MONDAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "text, weekday",
    [("donnerstags", 3), ("am Do", 3), ("FREITAG", 4), ("montagmorgen", 0), ("mitwoch", 2), ("heute", 0),
     ("morgen", 1), ("übermorgen", 2), ("uebermorgen", 2)],
)
def test_days(text, weekday):
    assert textparse.find_day(text, MONDAY).weekday == weekday


def test_tomorrow_across_the_year_end_has_the_right_date():
    assert textparse.find_day("morgen", dt.date(2026, 12, 31)).date == dt.date(2027, 1, 1)


def test_guten_morgen_is_not_tomorrow():
    assert textparse.find_day("guten morgen, wann habt ihr offen", MONDAY) is None


@pytest.mark.parametrize(
    "text, persons",
    [("3 personen", 3), ("zu viert", 4), ("4-personen-haushalt", 4), ("fuer mich allein", 1), ("drei personen", 3),
     ("wir sind 2 Leute", 2)],
)
def test_persons(text, persons):
    assert textparse.find_persons(text) == persons


@pytest.mark.parametrize(
    "text, amount",
    [("520 €", 520.0), ("520,50 euro", 520.5), ("1.200 eur", 1200.0), ("€ 480", 480.0), ("miete 468.01 €", 468.01)],
)
def test_amounts(text, amount):
    assert textparse.find_amount(text) == amount


def test_bare_number_is_taken_as_rent_but_not_the_household_size():
    assert textparse.find_rent("3 personen 520", persons=3) == 520.0


def test_office_aliases_match_without_umlauts():
    aliases = {"sued": ("süd", "sued"), "nord": ("nord",)}
    assert textparse.find_office("geschaeftsstelle sued", aliases) == "sued"
    assert textparse.find_office("Süd bitte", aliases) == "sued"
    assert textparse.find_office("egal", aliases) is None
