"""German formatting of amounts, dates and figures for citizen-facing text."""

from __future__ import annotations

import datetime as dt

WEEKDAYS = ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"]
WEEKDAY_NAMES = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
WEEKDAY_SHORT = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]


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
    singular, plural = {
        "days": ("Tag", "Tage"),
        "months": ("Monat", "Monate"),
        "hours": ("Stunde", "Stunden"),
    }[unit]
    return f"{number(float(value))} {singular if float(value) == 1 else plural}"


def persons(count: int) -> str:
    return "1 Person" if count == 1 else f"{count} Personen"
