"""Formatting of amounts, dates and figures for citizen-facing text: German, and in a conversation in another
language (bot/language/current.py) the weekday names, units and persons in that language (babel's CLDR data);
numbers, amounts and dates keep the German form (they are what the citizen's letters say).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal, overload

from bot.language.current import current_language

WEEKDAYS = ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"]
_GERMAN_NAMES = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_GERMAN_SHORT = ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So")
_BABEL_LOCALES = {"uk": "uk", "ru": "ru", "tr": "tr", "ar": "ar", "en": "en"}


@lru_cache(maxsize=32)
def _day_names(language: str, width: Literal["abbreviated", "wide"]) -> tuple[str, ...]:
    from babel.dates import get_day_names

    names = get_day_names(width, locale=_BABEL_LOCALES[language])
    return tuple(str(names[i]) for i in range(7))


class _WeekdayNames(Sequence[str]):
    """Monday..Sunday (index 0..6) in the conversation's language."""

    def __init__(self, german: tuple[str, ...], width: Literal["abbreviated", "wide"]) -> None:
        self._german, self._width = german, width

    def _names(self) -> tuple[str, ...]:
        language = current_language()
        return _day_names(language, self._width) if language in _BABEL_LOCALES else self._german

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._names()[index]

    def __len__(self) -> int:
        return 7


WEEKDAY_NAMES: Sequence[str] = _WeekdayNames(_GERMAN_NAMES, "wide")
WEEKDAY_SHORT: Sequence[str] = _WeekdayNames(_GERMAN_SHORT, "abbreviated")


def number(value: float, decimals: int | None = None) -> str:
    """1234.5 -> '1.234,5'; whole numbers without decimals unless asked."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2 if round(value, 1) != value else 1
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def euro(value: float) -> str:
    """563 -> '563 €', 56.3 -> '56,30 €', 15000 -> '15.000 €'."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{number(value, decimals)} €"


def date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def clock(value: dt.time) -> str:
    return value.strftime("%H:%M")


def with_unit(value: float | str, unit: str) -> str:
    if unit == "text":
        return str(value)
    if unit == "eur":
        return euro(float(value))
    if unit == "percent":
        return f"{number(float(value))} %"
    if unit == "m2":
        return f"{number(float(value))} m²"
    language = current_language()
    if language in _BABEL_LOCALES:
        from babel.units import format_unit

        measure = {"days": "duration-day", "months": "duration-month", "hours": "duration-hour"}[unit]
        text = str(format_unit(float(value) if not float(value).is_integer() else int(float(value)), measure,
                               length="long", locale=_BABEL_LOCALES[language]))
        if "duration-" not in text:
            return text
        word = _UNITS.get(language, {}).get(unit)  # CLDR without a long unit name for this language
        return f"{number(float(value))} {word}" if word else f"{number(float(value))} {unit}"
    singular, plural = {
        "days": ("Tag", "Tage"),
        "months": ("Monat", "Monate"),
        "hours": ("Stunde", "Stunden"),
    }[unit]
    return f"{number(float(value))} {singular if float(value) == 1 else plural}"


_UNITS = {"tr": {"days": "gün", "months": "ay", "hours": "saat"}, "ar": {"days": "يوم", "months": "شهر", "hours": "ساعة"}}

# "1 Person" / "3 Personen" per language and CLDR plural category (babel's plural rules)
_PERSONS = {
    "uk": {"one": "{n} особа", "few": "{n} особи", "many": "{n} осіб", "other": "{n} особи"},
    "ru": {"one": "{n} человек", "few": "{n} человека", "many": "{n} человек", "other": "{n} человека"},
    "tr": {"one": "{n} kişi", "other": "{n} kişi"},
    "ar": {"zero": "{n} أشخاص", "one": "شخص واحد", "two": "شخصان", "few": "{n} أشخاص", "many": "{n} شخصًا",
           "other": "{n} شخص"},
    "en": {"one": "{n} person", "other": "{n} people"},
}


def persons(count: int) -> str:
    language = current_language()
    if language in _PERSONS:
        from babel import Locale

        form = Locale.parse(_BABEL_LOCALES[language]).plural_form(count)
        forms = _PERSONS[language]
        return (forms.get(form) or forms["other"]).format(n=count)
    return "1 Person" if count == 1 else f"{count} Personen"
