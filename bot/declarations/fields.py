"""Understanding one answer in a declaration dialogue: dates, periods, IBANs, amounts, hours,
addresses, contacts, yes/no and free text, each with a German hint when the answer does not fit
(the hints are texts of content/texts.yml, section `declarations`).

Every parser returns either a `Value` (what is stored, and how it is shown back to the citizen)
or an `Invalid` with the message that asks again. No Rasa here: see bot/declarations/catalogue.py for the
dialogue and actions/declarations.py for the Rasa glue.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import dateparser

from bot.appointments.booking import yes_or_no
from bot.content import say
from bot.language.dates import MONTHS, NUMBER_WORDS
from bot.language.formatting import date as format_date
from bot.language.formatting import euro
from bot.language.textparse import find_amount, find_day, normalise
from bot.language.time_words import in_german

MAX_TEXT = 1000
PHONE = re.compile(r"(\+?\d[\d /()-]{5,}\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SKIP = re.compile(r"\b(ueberspringen|weiss (ich )?(noch )?nich?t?|weiss nich|keine ahnung|keine angabe|unbekannt|"
                  r"moechte ich nicht (sagen|angeben)|nicht bekannt|noch nicht bekannt|egal|k\.?\s?a\.?)\b")
# Lengths of IBANs in the countries German Jobcenter customers most often bank in (ISO 13616 registry).
IBAN_LENGTHS = {"DE": 22, "AT": 20, "NL": 18, "BE": 16, "FR": 27, "PL": 28, "IT": 27, "ES": 24, "LU": 20,
                "CH": 21, "DK": 18, "CZ": 24, "RO": 24, "BG": 22, "HR": 21, "GR": 27, "PT": 25, "HU": 28,
                "LT": 20, "LV": 21, "EE": 20, "SE": 24, "FI": 18, "IE": 22, "SK": 24, "SI": 19, "TR": 26,
                "GB": 22, "LI": 21, "NO": 15, "MT": 31, "CY": 28}


@dataclass(frozen=True)
class Value:
    value: Any  # JSON-serialisable: stored in the case
    text: str  # shown in the summary


@dataclass(frozen=True)
class Invalid:
    message: str


Parsed = Value | Invalid


def hint(key: str, **values: object) -> Invalid:
    """The hint `declarations.<key>` of content/texts.yml that asks again."""
    return Invalid(say(f"declarations.{key}", None, **values))


def is_skip(text: str) -> bool:
    return bool(SKIP.search(normalise(text)))


# ----------------------------------------------------------------------------- text, yes/no


def free_text(text: str, min_letters: int = 2) -> Parsed:
    cleaned = " ".join(text.split())
    if sum(ch.isalpha() for ch in cleaned) < min_letters:
        return hint("text_too_short")
    if len(cleaned) > MAX_TEXT:
        return hint("text_too_long", max=MAX_TEXT)
    return Value(cleaned, cleaned)


def yes_no(text: str) -> Parsed:
    answer = yes_or_no(text)
    if answer is None:
        return hint("yes_no")
    return Value(answer, "ja" if answer else "nein")


# ----------------------------------------------------------------------------- money and numbers


_UNIT_WORDS = {"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8,
               "neun": 9}
_TEENS = {"zehn": 10, "elf": 11, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15, "sechzehn": 16,
          "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_TENS = {"zwanzig": 20, "dreissig": 30, "vierzig": 40, "fuenfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
         "neunzig": 90}


def _below_hundred(word: str) -> int | None:
    if not word:
        return 0
    if word in _UNIT_WORDS:
        return _UNIT_WORDS[word]
    if word in _TEENS:
        return _TEENS[word]
    for tens, value in _TENS.items():
        if word == tens:
            return value
        if word.endswith("und" + tens) and word[:-len("und" + tens)] in _UNIT_WORDS:
            return value + _UNIT_WORDS[word[:-len("und" + tens)]]
    return None


def _below_thousand(word: str) -> int | None:
    if "hundert" in word:
        head, _, rest = word.partition("hundert")
        hundreds = 1 if head in ("", "ein") else _below_hundred(head)
        low = _below_hundred(rest)
        return None if hundreds is None or low is None else hundreds * 100 + low
    return _below_hundred(word)


def number_word(word: str) -> int | None:
    """A number written as one German word, up to 9999: 'tausend', 'zwoelfhundert', 'vierhundertfuenfzig'."""
    word = normalise(word).replace(" ", "")
    if "tausend" in word:
        head, _, rest = word.partition("tausend")
        thousands = 1 if head in ("", "ein") else _below_hundred(head)
        low = _below_thousand(rest)
        return None if not thousands or low is None else thousands * 1000 + low
    value = _below_thousand(word)
    return value or None


def amount(text: str) -> Parsed:
    value = find_amount(text)
    if value is None:  # spoken: "so ungefaehr tausend euro"
        spoken = [number_word(w) for w in normalise(text).split() if len(w) > 3]
        found = [v for v in spoken if v]
        if len(found) == 1 and ("euro" in normalise(text) or len(normalise(text).split()) <= 3 or found[0] >= 100):
            value = float(found[0])
    if value is None:
        plain = re.findall(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?![\d.])", normalise(text))
        if len(plain) == 1:
            whole, cents = plain[0]
            value = float(f"{int(whole.replace('.', ''))}.{(cents or '0').ljust(2, '0')}")
    if value is None:
        return hint("amount_missing")
    if value <= 0 or value > 100_000:
        return hint("amount_implausible")
    return Value(value, euro(value))


def hours_per_week(text: str) -> Parsed:
    norm = normalise(text)
    match = re.search(r"\b(\d{1,2}(?:[.,]\d)?)\b", norm)
    value: float | None
    if match:
        value = float(match.group(1).replace(",", "."))
    else:
        words = [NUMBER_WORDS.get(w) for w in norm.split()]
        value = next((float(w) for w in words if w), None)
        if value is None and "zwanzig" in norm:
            value = 20.0 + next((float(n) for w, n in NUMBER_WORDS.items() if norm.startswith(w + "und")), 0.0)
        if value is None and "dreissig" in norm:
            value = 30.0
        if value is None and "vierzig" in norm:
            value = 40.0
    if value is None or not 0 < value <= 60:
        return hint("hours_invalid")
    shown = f"{value:g}".replace(".", ",")
    return Value(value, f"{shown} Stunden pro Woche")


# ----------------------------------------------------------------------------- IBAN


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 check: known length for the country and mod-97 checksum equal to 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    if IBAN_LENGTHS.get(iban[:2], len(iban)) != len(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97 == 1


def iban(text: str) -> Parsed:
    candidate = re.sub(r"[\s.-]", "", text.upper())
    match = re.search(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", candidate)
    if not match:
        return hint("iban_missing")
    found = match.group(0)
    expected = IBAN_LENGTHS.get(found[:2])
    if expected and len(found) > expected and iban_is_valid(found[:expected]):
        found = found[:expected]  # words typed after the IBAN ("... danke")
    if found[:2] in IBAN_LENGTHS and len(found) != IBAN_LENGTHS[found[:2]]:
        return hint("iban_wrong_length", country=found[:2], expected=IBAN_LENGTHS[found[:2]], given=len(found))
    if not iban_is_valid(found):
        return hint("iban_checksum")
    grouped = " ".join(found[i:i + 4] for i in range(0, len(found), 4))
    return Value(found, grouped)


# ----------------------------------------------------------------------------- contact, address


def contact(text: str) -> Parsed:
    found = EMAIL.search(text) or PHONE.search(text)
    if not found:
        return hint("contact_missing")
    value = found.group(0).strip()
    return Value(value, value)


def address(text: str) -> Parsed:
    cleaned = " ".join(text.split())
    if not re.search(r"\b\d{5}\b", cleaned) or not re.search(r"[A-Za-zÄÖÜäöüß]{3,}.*\d", cleaned):
        return hint("address_incomplete")
    if len(cleaned) > 200:
        return hint("address_too_long")
    return Value(cleaned, cleaned)


# ----------------------------------------------------------------------------- dates

_NUMERIC = re.compile(r"\b(\d{1,2})\.\s?(\d{1,2})\.?(?:\s?(\d{4}|\d{2}))?(?![\d])")
_NAMED = re.compile(r"\b(\d{1,2})\.?\s?(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?(?:\s?(\d{4}))?")
_DAY_ONLY = re.compile(r"^\s*(?:am|vom|von|ab|seit|den|dem)?\s*(?:dem|den)?\s*(\d{1,2})\.?\s*$")


def _pick_year(month: int, day: int, today: dt.date, prefer: str) -> dt.date | None:
    """A date without year: the next one (future), the last one (past) or the nearest (near)."""
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    # A date just behind (or ahead of) the expected side is most likely a mistake about the year:
    # keep it, so that the bounds can say "liegt in der Vergangenheit" instead of jumping a year.
    recent = [c for c in candidates if abs((c - today).days) <= 60]
    if prefer == "future":
        return next((c for c in candidates if c >= today), candidates[-1]) if not recent else recent[0]
    if prefer == "past":
        return next((c for c in reversed(candidates) if c <= today), candidates[0]) if not recent else recent[-1]
    return min(candidates, key=lambda c: (abs((c - today).days), c < today))


_ORDINAL_STEMS = {"ers": 1, "zwei": 2, "drit": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieb": 7, "sieben": 7, "ach": 8,
                  "neun": 9, "zehn": 10, "elf": 11, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15,
                  "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzigs": 20, "dreissigs": 30}
_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9}
_ORDINAL = re.compile(r"\b(?:(ein|zwei|drei|vier|fuenf|sechs|sieben|acht|neun)und)?(zwanzigs|dreissigs|ers|zwei|drit|"
                      r"vier|fuenf|sechs|sieben|sieb|ach|neun|zehn|elf|zwoelf|dreizehn|vierzehn|fuenfzehn|sechzehn|"
                      r"siebzehn|achtzehn|neunzehn)te[nrsm]?\b")
_MONTH_NAMES = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
_NEXT = r"(?:naechsten|kommenden|folgenden)"
_THIS = r"(?:diese[ns]?|laufenden|aktuellen)"
_REL_MONTH = re.compile(rf"\b(?:(\d{{1,2}})\.?|(anfang|mitte|ende))\s*(?:des\s+)?(?:({_NEXT})|{_THIS}|)\s*monats?\b"
                        rf"|\bmonats(anfang|mitte|ende)\b")
_PART_OF_MONTH = re.compile(rf"\b(anfang|mitte|ende)\s+({_MONTH_NAMES})\b(?:\s+(\d{{4}}))?")
_MONTH_ONLY = re.compile(rf"\b(?:ab|im|zum|seit|bis|ende|anfang)?\s*({_MONTH_NAMES})\b(?:\s+(\d{{4}}))?")
_RELATIVE = re.compile(r"\b(?:in|so|noch|ca\.?|etwa|ungefaehr|um)?\s*(\d{1,2}|eine[nm]?|zwei|drei|vier|fuenf|sechs|"
                       r"sieben|acht|neun|zehn)\s+(tage?n?|wochen?|monate?n?)\b")


def spoken_ordinals(norm: str) -> str:
    """'am ersten dezember' -> 'am 1. dezember', 'fuenfzehnten' -> '15.' (voice and written-out dates)."""
    def number(match: re.Match[str]) -> str:
        value = _ORDINAL_STEMS[match.group(2)] + (_UNITS[match.group(1)] if match.group(1) else 0)
        return f"{value}." if 1 <= value <= 31 else match.group(0)
    return _ORDINAL.sub(number, norm)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _in_month(first: dt.date, part: str | None, day: int | None = None) -> dt.date | Invalid:
    if day is not None:
        try:
            return first.replace(day=day)
        except ValueError:
            return hint("day_not_in_month", day=day)
    if part == "ende":
        return _month_end(first)
    if part == "mitte":
        return first.replace(day=15)
    return first


def _month_year(month: int, today: dt.date, prefer: str, year: str | None) -> dt.date:
    if year:
        return dt.date(int(year), month, 1)
    this = dt.date(today.year, month, 1)
    if prefer == "past":
        return this if this <= today else this.replace(year=today.year - 1)
    if prefer == "future":
        return this if (this.year, this.month) >= (today.year, today.month) else this.replace(year=today.year + 1)
    ahead = this if this >= today.replace(day=1) else this.replace(year=today.year + 1)
    behind = this if this <= today else this.replace(year=today.year - 1)
    return ahead if (ahead - today).days <= (today - behind).days else behind


def _relative(norm: str, base: dt.date) -> dt.date | None:
    """'so 2 wochen (mehr)', 'in 10 tagen', 'einen monat': counted from `base`."""
    match = _RELATIVE.search(norm)
    if not match:
        return None
    sign = -1 if re.search(r"\b(vor|seit)\s*$", norm[:match.start()]) else 1
    word = match.group(1)
    count = int(word) if word.isdigit() else 1 if word.startswith("ein") else NUMBER_WORDS.get(word, 0)
    unit = match.group(2)
    if unit.startswith("monat"):
        month = base.month - 1 + count
        first = dt.date(base.year + month // 12, month % 12 + 1, 1)
        if sign < 0:
            month = base.month - 1 - count
            first = dt.date(base.year + month // 12, month % 12 + 1, 1)
        return first.replace(day=min(base.day, _month_end(first).day))
    return base + sign * dt.timedelta(days=count * (7 if unit.startswith("woche") else 1))


def parse_date(text: str, today: dt.date, prefer: str = "near", month_hint: int | None = None,
               year_hint: int | None = None, base: dt.date | None = None,
               loose: bool = True) -> dt.date | Invalid | None:
    """One date in free German text; None when there is none, Invalid when it cannot exist. `base`: the date
    that "2 Wochen mehr" counts from (default today); `loose`: also try dateparser's guesses (for an answer
    to a date question, not for a date looked for in a longer message)."""
    norm = spoken_ordinals(normalise(in_german(text)))  # "tomorrow", "завтра" (bot/language/time_words.py)
    match = _NUMERIC.search(norm)
    named = _NAMED.search(norm)
    day_only = _DAY_ONLY.match(norm) if month_hint else None
    if match or named or day_only:
        if match:
            day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        elif named:
            day, month, year = int(named.group(1)), MONTHS[named.group(2)], named.group(3)
        else:
            assert day_only is not None and month_hint is not None  # day_only is only matched with a month hint
            day, month, year = int(day_only.group(1)), month_hint, None
        shown = f"{day:02d}.{month:02d}."
        if year is not None:
            year_value = int(year) + (2000 if len(year) == 2 else 0)
            try:
                return dt.date(year_value, month, day)
            except ValueError:
                return hint("date_impossible", date=f"{shown}{year_value}")
        if year_hint is not None:
            try:
                return dt.date(year_hint, month, day)
            except ValueError:
                return hint("date_impossible", date=f"{shown}{year_hint}")
        picked = _pick_year(month, day, today, prefer)
        return picked or hint("date_impossible", date=shown)
    relative_month = _REL_MONTH.search(norm)
    if relative_month and (relative_month.group(1) or relative_month.group(2) or relative_month.group(4)):
        first = today.replace(day=1)
        if relative_month.group(3):
            first = _next_month(first)
        number = int(relative_month.group(1)) if relative_month.group(1) else None
        return _in_month(first, relative_month.group(2) or relative_month.group(4), number)
    part = _PART_OF_MONTH.search(norm)
    if part:
        return _in_month(_month_year(MONTHS[part.group(2)], today, prefer, part.group(3)), part.group(1))
    month_only = _MONTH_ONLY.search(norm)
    if month_only:
        return _month_year(MONTHS[month_only.group(1)], today, prefer, month_only.group(2))
    words = norm.split()
    if "vorgestern" in words:
        return today - dt.timedelta(days=2)
    if "gestern" in words:
        return today - dt.timedelta(days=1)
    day_ref = find_day(norm, today)
    if day_ref is not None:
        if day_ref.date is not None:
            return day_ref.date
        past = prefer == "past" or any(w in words for w in ("seit", "letzten", "letzter", "letztem", "letzte",
                                                             "vergangenen", "vergangenem", "war"))
        if any(w in words for w in ("naechsten", "naechste", "kommenden", "bis", "ab")):
            past = False
        if past:
            return today - dt.timedelta(days=(today.weekday() - day_ref.weekday) % 7 or 7) if (
                today.weekday() != day_ref.weekday) or "letzten" in words else today
        ahead = today + dt.timedelta(days=(day_ref.weekday - today.weekday()) % 7 or 7)
        if re.search(r"\b(naechste|kommende)\s+woche\b", norm) and ahead.isocalendar()[1] == today.isocalendar()[1]:
            ahead += dt.timedelta(days=7)  # "nächste Woche Freitag" is not this Friday
        return ahead
    relative = _relative(norm, base or today)
    if relative is not None:
        return relative
    if not loose:
        return None
    parsed = dateparser.parse(text, languages=["de"], settings={
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time(12)), "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past" if prefer == "past" else "future", "REQUIRE_PARTS": ["day"]})
    if parsed:
        return parsed.date()
    return None


def date_answer(text: str, today: dt.date, prefer: str = "near", not_before: dt.date | None = None,
                not_after: dt.date | None = None, base: dt.date | None = None) -> Parsed:
    found = parse_date(text, today, prefer, base=base)
    if found is None:
        return hint("date_not_understood")
    if isinstance(found, Invalid):
        return found
    if not_before and found < not_before:
        return hint("date_too_early", date=format_date(found), earliest=format_date(not_before))
    if not_after and found > not_after:
        return hint("date_too_late", date=format_date(found), latest=format_date(not_after))
    return Value(found.isoformat(), format_date(found))


_COUNT_WORDS = {**NUMBER_WORDS, "eine": 1, "einen": 1}
_DURATION = re.compile(r"\b(?:fuer\s+)?(\d{1,2}|" + "|".join(_COUNT_WORDS) + r")\s+(tage?n?|wochen?)\b")
_SEPARATOR = re.compile(r"\s+bis\s+(?:zum\s+|einschliesslich\s+)?|\s*[-–]\s*(?=\d)|\s+-\s+")


def _same_or_previous_month(day: int, end: dt.date) -> dt.date | Invalid:
    for month_start in (end.replace(day=1), (end.replace(day=1) - dt.timedelta(days=1)).replace(day=1)):
        try:
            candidate = month_start.replace(day=day)
        except ValueError:
            continue
        if candidate <= end:
            return candidate
    return hint("day_not_in_month", day=day)


def _next_on_or_after(value: dt.date, start: dt.date) -> dt.date | None:
    for year in (start.year, start.year + 1):
        try:
            candidate = value.replace(year=year)
        except ValueError:
            continue
        if candidate >= start:
            return candidate
    return None


def period_answer(text: str, today: dt.date, prefer: str = "near", max_days: int = 366) -> Parsed:
    """A period: "vom 1. bis 14. März", "1.12.-14.12.", "ab morgen für 2 Wochen", "28.12. bis 5.1."; the other
    languages' connectors ("1.12. to 5.12.", "з 1.12. по 5.12.") read as "bis"."""
    norm = normalise(in_german(text))
    start: dt.date | Invalid | None
    end: dt.date | Invalid | None
    duration = _DURATION.search(norm)
    parts = _SEPARATOR.split(norm, maxsplit=1)
    if len(parts) == 2 and not duration:
        first, second = parts
        end = parse_date(second, today, "future" if prefer != "past" else "near")
        if isinstance(end, Invalid):
            return end
        if end is None:
            return hint("period_not_understood")
        day_only = _DAY_ONLY.match(first)
        if day_only:  # "vom 20. bis 27. Dezember", "vom 28. bis 5. Januar"
            start = _same_or_previous_month(int(day_only.group(1)), end)
        else:
            start = parse_date(first, today, prefer, loose=False)
        if isinstance(start, Invalid):
            return start
        if start is None and not re.search(r"\d", first):  # "krankgeschrieben bis freitag": from today
            start = today
        if start is None:
            return hint("period_not_understood")
        explicit_year = bool(re.search(r"\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{4}", second))
        if end < start and end.month < start.month and not explicit_year:  # "28.12. bis 5.1.": next year
            end = _next_on_or_after(end, start)
            if end is None:
                return hint("period_end_impossible")
    elif duration:
        start = parse_date(norm[:duration.start()] or "heute", today, prefer)
        if isinstance(start, Invalid):
            return start
        if start is None:
            start = today if re.search(r"\b(ab jetzt|ab sofort|heute)\b", norm) else None
        if start is None:
            return hint("period_start_missing")
        count_word = duration.group(1)
        count = int(count_word) if count_word.isdigit() else _COUNT_WORDS[count_word]
        days = count * 7 if duration.group(2).startswith("woche") else count
        end = start + dt.timedelta(days=days - 1)
    else:
        return hint("period_not_understood")
    if end < start:
        return hint("period_end_before_start", end=format_date(end), start=format_date(start))
    if (end - start).days + 1 > max_days:
        return hint("period_too_long", max_days=max_days)
    return Value({"von": start.isoformat(), "bis": end.isoformat()},
                 f"{format_date(start)} bis {format_date(end)}")
