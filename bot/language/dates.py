"""German appointment wishes in free text: "nächsten Dienstag vormittags", "am 3.12. um 10",
"so früh wie möglich", "übermorgen nach 14 Uhr".

Common colloquial forms are parsed here (dateparser gets several of them wrong, e.g. it reads
"freitag 9 uhr" as a past date); other expressions ("3. Dezember", "in zwei Wochen") go to
`dateparser` and are accepted only when they land in the future. Impossible or past dates and
impossible times give a `WishError` with a problem code: its text for the citizen is `appointments.wish_<code>`
of content/texts.yml, which this bottom layer cannot read; `bot.appointments.booking.wish_error_text()`
looks it up.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import dateparser

from bot.language.formatting import WEEKDAY_NAMES
from bot.language.formatting import date as format_date
from bot.language.textparse import find_day, normalise
from bot.language.time_words import in_german

ASAP_WORDS = ("so frueh wie moeglich", "so schnell wie moeglich", "schnellstmoeglich", "naechstmoeglich",
              "egal wann", "wann immer", "moeglichst bald", "asap", "zeitnah", "sofort", "egal", "beliebig",
              "irgendwann", "ist mir egal")
MONTHS = {"januar": 1, "jan": 1, "jaenner": 1, "februar": 2, "feb": 2, "maerz": 3, "mrz": 3, "april": 4, "apr": 4,
          "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9,
          "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12}
NUMBER_WORDS = {"eins": 1, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieben": 7,
                "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14,
                "fuenfzehn": 15, "sechzehn": 16, "siebzehn": 17}


@dataclass(frozen=True)
class Wish:
    """What the citizen asked for; empty fields mean "no constraint"."""

    dates: tuple[dt.date, ...] = ()
    earliest: dt.time | None = None
    latest: dt.time | None = None
    exact: dt.time | None = None
    asap: bool = False
    not_weekdays: tuple[int, ...] = ()  # "nur nicht freitags"

    def describe(self, today: dt.date | None = None) -> str:
        parts = []
        if len(self.dates) == 1 and self.dates[0] == today:
            parts.append("heute")
        elif len(self.dates) == 1:
            day = self.dates[0]
            parts.append(f"{WEEKDAY_NAMES[day.weekday()]}, {format_date(day)}")
        elif self.dates:
            parts.append(f"{format_date(self.dates[0])} bis {format_date(self.dates[-1])}")
        if self.exact:
            parts.append(f"um {self.exact:%H:%M} Uhr")
        elif self.earliest and self.latest:
            parts.append(f"zwischen {self.earliest:%H:%M} und {self.latest:%H:%M} Uhr")
        elif self.earliest:
            parts.append(f"ab {self.earliest:%H:%M} Uhr")
        elif self.latest:
            parts.append(f"bis {self.latest:%H:%M} Uhr")
        return " ".join(parts) or "so früh wie möglich"

    def has_time(self) -> bool:
        return bool(self.earliest or self.latest or self.exact)

    def says_something(self) -> bool:
        """Whether the wish constrains anything (a day, a time, "so früh wie möglich", a day to avoid)."""
        return bool(self.dates or self.has_time() or self.asap or self.not_weekdays)

    def refine(self, newer: Wish) -> Wish:
        """A later wish refines this one: a new day keeps the time of day ("nachmittags" + "lieber Mittwoch" =
        Wednesday afternoon), a new time keeps the days; what the newer one says wins."""
        if newer.has_time():
            earliest, latest, exact = newer.earliest, newer.latest, newer.exact
        else:
            earliest, latest, exact = self.earliest, self.latest, self.exact
        return Wish(dates=newer.dates or self.dates, earliest=earliest, latest=latest, exact=exact,
                    asap=newer.asap and not newer.dates and not newer.has_time(),
                    not_weekdays=tuple(sorted({*self.not_weekdays, *newer.not_weekdays})))


# Problem codes of a WishError; the citizen's text is appointments.wish_<code> in content/texts.yml.
INVALID_TIME, DATE_IMPOSSIBLE, DATE_PAST, NOT_UNDERSTOOD, EMPTY_RANGE = (
    "invalid_time", "date_impossible", "date_past", "not_understood", "empty_range")

@dataclass(frozen=True)
class WishError:
    """Why a wish cannot be used: `code` (see above) and the values of its text's placeholders."""

    code: str
    values: dict[str, str] = field(default_factory=dict)


def _time(hour: int, minute: int = 0) -> dt.time | WishError:
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return WishError(INVALID_TIME, {"time": f"{hour}:{minute:02d}"})
    return dt.time(hour, minute)


def _parse_times(text: str) -> dict[str, dt.time] | WishError:
    result: dict[str, dt.time] = {}
    hour = r"(\d{1,2})(?:[:.](\d{2}))?"
    # "nicht vor 10" is "ab 10", "nicht nach 14 uhr" is "bis 14"
    text = re.sub(r"\bnicht (?:vor|frueher als)\b", "ab", re.sub(r"\bnicht (?:nach|spaeter als)\b", "bis", text))
    for kind, pattern in (
        ("earliest", rf"\b(?:nach|ab|spaeter als|fruehestens) {hour}(?: ?uhr)?\b"),
        ("latest", rf"\b(?:vor|bis|spaetestens|frueher als) {hour}(?: ?uhr)?\b"),
        ("exact", rf"\b(?:um|gegen) {hour}(?: ?uhr)?\b|\b{hour} ?uhr\b|\b(\d{{1,2}}):(\d{{2}})\b"),
    ):
        match = re.search(pattern, text)
        if match:
            groups = [g for g in match.groups() if g is not None]
            value = _time(int(groups[0]), int(groups[1]) if len(groups) > 1 else 0)
            if isinstance(value, WishError):
                return value
            result[kind] = value
            text = text[: match.start()] + " " + text[match.end():]
    half = re.search(r"\bhalb (\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\b", text)
    if "exact" not in result and half:
        hour_value = int(half.group(1)) if half.group(1).isdigit() else NUMBER_WORDS[half.group(1)]
        hour_value = hour_value - 1 if hour_value >= 8 else hour_value + 11
        if 0 <= hour_value <= 23:
            result["exact"] = dt.time(hour_value, 30)
    if "exact" not in result:
        for word, hour_value in NUMBER_WORDS.items():
            if re.search(rf"\bum {word}\b", text):
                result["exact"] = dt.time(hour_value if hour_value >= 7 else hour_value + 12)
    if re.search(r"\b(vormittags?|morgens|fruehmorgens)\b", text):
        result.setdefault("latest", dt.time(12, 0))
    if re.search(r"\b(nachmittags?|mittags)\b", text):
        result.setdefault("earliest", dt.time(12, 0))
    return result


def _explicit_date(text: str, today: dt.date) -> dt.date | WishError | None:
    match = re.search(r"\b(\d{1,2})\.\s?(\d{1,2})\.?(?:\s?(\d{2,4}))?(?!\d)", text)
    month_name = re.search(r"\b(\d{1,2})\.?\s?(" + "|".join(MONTHS) + r")\b\.?(?:\s?(\d{4}))?", text)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        shown = f"{day:02d}.{month:02d}."
    elif month_name:
        day, month, year = int(month_name.group(1)), MONTHS[month_name.group(2)], month_name.group(3)
        shown = f"{day:02d}.{month:02d}."
    else:
        return None
    if year is not None:
        year_value = int(year) + (2000 if len(year) == 2 else 0)
        try:
            value = dt.date(year_value, month, day)
        except ValueError:
            return WishError(DATE_IMPOSSIBLE, {"date": f"{shown}{year_value}"})
        if value < today:
            return WishError(DATE_PAST, {"date": format_date(value)})
        return value
    for year_value in (today.year, today.year + 1):
        try:
            value = dt.date(year_value, month, day)
        except ValueError:
            if not (month == 2 and day == 29):
                return WishError(DATE_IMPOSSIBLE, {"date": shown})
            continue
        if value >= today:
            return value
    return WishError(DATE_IMPOSSIBLE, {"date": shown})


def _relative_dates(text: str, today: dt.date, anchor: dt.date | None = None) -> tuple[dt.date, ...] | None:
    """`anchor`: a day wished before; a bare weekday then means that day's week ("dienstag", then "oder
    donnerstag" is the Thursday after that Tuesday), unless that is past."""
    words = text.split()
    weeks = re.search(r"\b(?:in|so|ca|etwa|ungefaehr)\s+(?:(?:so|ca\.?|etwa|ungefaehr)\s+)?(\d|eine?r?|zwei|drei|vier)\s+wochen?\b",
                      text)
    if weeks:  # "so in 2 wochen": the working days around that day
        count = {"ein": 1, "eine": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4}.get(weeks.group(1))
        target = today + dt.timedelta(weeks=count or int(weeks.group(1)))
        around = (target + dt.timedelta(days=d) for d in range(-2, 3))
        return tuple(d for d in around if d.weekday() < 5)
    if "uebernaechste woche" in text:
        monday = today + dt.timedelta(days=14 - today.weekday())
        return tuple(monday + dt.timedelta(days=i) for i in range(5))
    if "naechste woche" in text or "kommende woche" in text:
        monday = today + dt.timedelta(days=7 - today.weekday())
        day = find_day(text, today)
        if day is not None and day.date is None and day.weekday < 5:  # "nächste woche dienstag"
            return (monday + dt.timedelta(days=day.weekday),)
        return tuple(monday + dt.timedelta(days=i) for i in range(5))
    if "diese woche" in text:
        return tuple(today + dt.timedelta(days=i) for i in range(0, 5 - today.weekday())) or None
    month = re.search(r"\b(?:(ab|im|anfang|mitte|ende)\s+)?(" + "|".join(m for m in MONTHS if len(m) > 3) + r")\b", text)
    if month and not re.search(r"\d\.?\s*" + month.group(2), text):  # "ab januar", not "3. januar"
        number = MONTHS[month.group(2)]
        year = today.year if number >= today.month else today.year + 1
        first = dt.date(year, number, 1)
        last = (dt.date(year + (number == 12), number % 12 + 1, 1) - dt.timedelta(days=1)).day
        span = {"anfang": (1, 10), "mitte": (10, 20), "ende": (20, last)}.get(month.group(1) or "", (1, last))
        days = (first.replace(day=d) for d in range(span[0], span[1] + 1))
        return tuple(d for d in days if d >= today and d.weekday() < 5) or None
    day_only = re.search(r"\bam (\d{1,2})\.(?!\s?\d)", text)
    if day_only and 1 <= int(day_only.group(1)) <= 31:  # "am 10." is the next 10th
        wanted = int(day_only.group(1))
        for offset in range(0, 62):
            candidate = today + dt.timedelta(days=offset)
            if candidate.day == wanted:
                return (candidate,)
    day = find_day(text, today)
    if day is None:
        return None
    if day.date is not None:
        return (day.date,)
    qualified = any(w.startswith(("naechst", "uebernaechst", "kommend", "dies")) for w in words)
    if anchor is not None and not qualified:
        in_week = anchor + dt.timedelta(days=day.weekday - anchor.weekday())
        if in_week > today:
            return (in_week,)
    ahead = (day.weekday - today.weekday()) % 7 or 7
    target = today + dt.timedelta(days=ahead)
    if "uebernaechste" in words or "uebernaechsten" in words:
        target += dt.timedelta(days=7)
    return (target,)


_NEGATED_DAY = re.compile(r"\b(?:nicht|ausser|auser|ausgenommen|kein(?:en)?)\s+(?:am\s+|an\s+|den\s+|die\s+)?"
                          r"(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)(?:s|e|en)?\b")
# "freitag geht nicht", "montags kann ich nicht", "dienstag ist schlecht"
_DAY_RULED_OUT = re.compile(r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)(?:s|e|en)?\s+"
                            r"(?:(?:geht|passt|klappt|kann ich)(?: (?:bei )?(?:mir|es|ich|leider|aber|da))*"
                            r" (?:nicht|nich|ne|nie)|(?:ist|waere|waer) (?:leider |eher |ganz )?schlecht)\b")
_WEEKDAY_INDEX = {"montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4, "samstag": 5, "sonntag": 6}


def parse_wish(text: str, now: dt.datetime, anchor: dt.date | None = None) -> Wish | WishError:
    """`anchor`: the first day of an earlier wish of the same booking (see `_relative_dates`)."""
    today = now.date()
    norm = normalise(in_german(text))  # "tomorrow morning", "завтра зранку" (time_words.py)
    not_weekdays = tuple(sorted({_WEEKDAY_INDEX[m.group(1)] for m in (*_NEGATED_DAY.finditer(norm),
                                                                      *_DAY_RULED_OUT.finditer(norm))}))
    norm = _DAY_RULED_OUT.sub(" ", _NEGATED_DAY.sub(" ", norm))
    without_dates = re.sub(r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?", " ", norm)
    times = _parse_times(without_dates)
    if isinstance(times, WishError):
        return times
    asap = any(phrase in norm for phrase in ASAP_WORDS)
    explicit = _explicit_date(norm, today)
    if isinstance(explicit, WishError):
        return explicit
    dates: tuple[dt.date, ...] | None = (explicit,) if explicit else _relative_dates(norm, today, anchor)
    if dates is None and not asap and not times and not not_weekdays:
        parsed = dateparser.parse(text, languages=["de"],
                                  settings={"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                                            "DATE_ORDER": "DMY"})
        if parsed and parsed.date() >= today:
            dates = (parsed.date(),)
    if dates is None and not asap and not times and not not_weekdays:
        return WishError(NOT_UNDERSTOOD)
    earliest, latest = times.get("earliest"), times.get("latest")
    if earliest and latest and earliest >= latest:
        return WishError(EMPTY_RANGE)
    if not_weekdays and dates:
        dates = tuple(d for d in dates if d.weekday() not in not_weekdays)
    return Wish(dates=dates or (), earliest=earliest, latest=latest, exact=times.get("exact"), asap=asap,
                not_weekdays=not_weekdays)


def time_window(text: str) -> str | None:
    """When a citizen wants to be called, in words ("bitte nicht vor 10 uhr" -> "ab 10:00 Uhr", "nur
    vormittags" -> "bis 12:00 Uhr"), or None when the message names no time."""
    norm = re.sub(r"\b\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?", " ", normalise(text))
    # "zwischen 9 und 12 uhr": from the first to the second
    norm = re.sub(r"\bzwischen (\d{1,2}(?:[:.]\d{2})?)(?: uhr)? und (\d{1,2}(?:[:.]\d{2})?)\b", r"ab \1 bis \2", norm)
    times = _parse_times(norm)
    if isinstance(times, WishError) or not times:
        return None
    window = Wish(earliest=times.get("earliest"), latest=times.get("latest"), exact=times.get("exact"))
    if window.earliest and window.latest and window.earliest >= window.latest:
        return None
    return window.describe()


WISH_SEPARATOR = " | "  # between the wishes of one booking, oldest first, as the form keeps them


def parse_wishes(text: str, now: dt.datetime) -> Wish | WishError:
    """The wishes of one booking in order (joined with WISH_SEPARATOR), each refining the one before; an
    earlier wish that no longer parses (a day now past) is skipped, the last one decides about errors."""
    pieces = [p for p in text.split(WISH_SEPARATOR) if p.strip()]
    result: Wish | None = None
    for index, piece in enumerate(pieces):
        anchor = result.dates[0] if result is not None and result.dates else None
        parsed = parse_wish(piece, now, anchor)
        if isinstance(parsed, WishError):
            if index == len(pieces) - 1:
                return parsed
            continue
        result = parsed if result is None else result.refine(parsed)
    return result if result is not None else parse_wish(text, now)
