"""Small German text understanding for computed answers: office, day, daypart, persons, amounts.

The NLU model decides *what* a message is about; these functions pick the details out of the
text ("Hat Nord donnerstags nachmittags offen?", "3 Personen, 520 € warm"). Citizens type without
umlauts and with typos, so matching works on a normalised form of the text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from bot.language.formatting import WEEKDAYS

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise(text: str) -> str:
    """Lower case, umlauts spelled out, punctuation to spaces (keeps digits, € and separators)."""
    text = text.lower().translate(_UMLAUTS)
    text = re.sub(r"[^a-z0-9€,.:/\- ]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text)


# ------------------------------------------------------------------------------ offices


def find_office(text: str, aliases: Mapping[str, Iterable[str]]) -> str | None:
    """Return the key of the office named in the text, or None. `aliases`: key -> names."""
    words = set(_words(normalise(text)))
    for key, names in aliases.items():
        for name in names:
            parts = _words(normalise(name))
            if parts and all(part in words for part in parts):
                return key
    return None


# ------------------------------------------------------------------------------ days

_DAY_STEMS = {
    0: ("montag", "mo"),
    1: ("dienstag", "di"),
    2: ("mittwoch", "mi"),
    3: ("donnerstag", "do", "donnerstg", "donerstag"),
    4: ("freitag", "fr"),
    5: ("samstag", "sa", "sonnabend"),
    6: ("sonntag", "so"),
}


@dataclass(frozen=True)
class DayRef:
    weekday: int
    date: dt.date | None = None  # set when the text names a concrete day ("heute", "morgen")


def find_day(text: str, today: dt.date) -> DayRef | None:
    words = _words(normalise(text))
    for word in words:
        if word == "heute":
            return DayRef(today.weekday(), today)
        if word == "uebermorgen":
            day = today + dt.timedelta(days=2)
            return DayRef(day.weekday(), day)
        if word == "morgen" and "morgens" not in words:
            # "morgen" is tomorrow, unless it is "morgen frueh"-style daypart usage ("am morgen").
            index = words.index(word)
            if index == 0 or words[index - 1] not in ("am", "den", "jeden", "guten"):
                day = today + dt.timedelta(days=1)
                return DayRef(day.weekday(), day)
    for word in words:
        for weekday, stems in _DAY_STEMS.items():
            full = stems[0]
            if word in stems[1:] and len(word) == 2:
                # Two-letter abbreviations only count when clearly meant as days ("do", "fr").
                if word in ("do", "mo", "mi", "di", "fr"):
                    return DayRef(weekday)
                continue
            if word.startswith(full) or word in stems[2:] or (len(word) >= 6 and _close(word, full)):
                return DayRef(weekday)
    return None


def _close(word: str, target: str) -> bool:
    """One typo (insert, delete or substitute) at most, for words like "donnerstags" vs "donerstags"."""
    word = word.rstrip("s")
    if abs(len(word) - len(target)) > 1:
        return False
    previous = list(range(len(target) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(target, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] <= 1


# ------------------------------------------------------------------------------ dayparts

DAYPARTS = {
    "vormittags": (dt.time(6, 0), dt.time(12, 0)),
    "mittags": (dt.time(12, 0), dt.time(14, 0)),
    "nachmittags": (dt.time(12, 0), dt.time(18, 0)),
    "abends": (dt.time(18, 0), dt.time(22, 0)),
}
_DAYPART_WORDS = {
    "vormittag": "vormittags",
    "morgens": "vormittags",
    "frueh": "vormittags",
    "nachmittag": "nachmittags",
    "nachmittage": "nachmittags",
    "nachm": "nachmittags",
    "mittag": "mittags",
    "abend": "abends",
    "spaet": "abends",
    "spaeter": "nachmittags",
}


@dataclass(frozen=True)
class Daypart:
    label: str  # "nachmittags", "um 15:00 Uhr"
    start: dt.time
    end: dt.time


def find_daypart(text: str) -> Daypart | None:
    norm = normalise(text)
    clock = re.search(r"\bum (\d{1,2})(?:[:.](\d{2}))?(?: ?uhr)?\b|\b(\d{1,2})(?:[:.](\d{2}))? ?uhr\b", norm)
    if clock:
        hour = int(clock.group(1) or clock.group(3))
        minute = int(clock.group(2) or clock.group(4) or 0)
        if hour < 24 and minute < 60:
            start = dt.time(hour, minute)
            end = (dt.datetime.combine(dt.date(2000, 1, 1), start) + dt.timedelta(minutes=1)).time()
            return Daypart(f"um {hour}:{minute:02d} Uhr", start, end)
    for word in _words(norm):
        stem = word if word in DAYPARTS else _DAYPART_WORDS.get(word)
        if stem is None and word.endswith("s") and word in DAYPARTS:
            stem = word
        if stem:
            start, end = DAYPARTS[stem]
            return Daypart(stem, start, end)
    return None


# ------------------------------------------------------------------------------ numbers

_NUMBER_WORDS = {
    "eine": 1, "einer": 1, "ein": 1, "allein": 1, "alleine": 1, "single": 1,
    "zwei": 2, "zweit": 2, "drei": 3, "dritt": 3, "vier": 4, "viert": 4, "fuenf": 5, "fuenft": 5,
    "sechs": 6, "sechst": 6, "sieben": 7, "siebt": 7, "acht": 8, "neun": 9, "zehn": 10,
}
_AMOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?:\.(\d{1,2}))?\s*(€|euro|eur|eu)(?![a-z])|"
    r"(€|euro)\s*(\d+)(?:[.,](\d{1,2}))?"
)
_PLAIN_NUMBER = re.compile(r"(?<![\d.,])-?\d+(?:[.,]\d+)?")


def find_persons(text: str) -> int | None:
    """Household size: '3 personen', 'zu dritt', '4-personen-haushalt', 'fuer mich allein'."""
    norm = normalise(text)
    match = re.search(r"(-?\d+)\s*-?\s*(?:personen|person|pers|leute|koepfe|koepfig|koepfigen)", norm)
    if match:
        return int(match.group(1))
    match = re.search(r"\bzu (zweit|dritt|viert|fuenft|sechst|siebt|\d+)\b", norm)
    if match:
        word = match.group(1)
        return int(word) if word.isdigit() else _NUMBER_WORDS[word]
    match = re.search(r"\b(eine|zwei|drei|vier|fuenf|sechs|sieben|acht|neun|zehn)\s*-?\s*(?:personen|person|leute)", norm)
    if match:
        return _NUMBER_WORDS[match.group(1)]
    if re.search(r"\b(fuer mich allein|fuer mich alleine|alleinstehend|single|ich allein|ich alleine|1 zimmer fuer mich|(wohne|lebe) (ganz )?allein\w*|allein (wohnend|lebend))\b", norm):
        return 1
    return None


def find_amount(text: str) -> float | None:
    """A money amount in euro: '520 €', '520,50 euro', '1.200 eur', '€ 480'."""
    norm = normalise(text)
    match = _AMOUNT.search(norm)
    if match:
        if match.group(1):
            whole = match.group(1).replace(".", "")
            cents = match.group(2) or match.group(3) or "0"
        else:
            whole, cents = match.group(6), match.group(7) or "0"
        value = float(f"{int(whole)}.{cents.ljust(2, '0')}")
        negative = norm[: match.start()].rstrip().endswith("-") or "minus" in norm[max(0, match.start() - 7): match.start()]
        return -value if negative else value
    return None


def find_rent(text: str, persons: int | None = None) -> float | None:
    """A rent amount: an explicit euro amount, else a bare number that is not the household size."""
    amount = find_amount(text)
    if amount is not None:
        return amount
    norm = normalise(text)
    norm = re.sub(r"\d+\s*-?\s*(?:personen|person|pers|leute|qm|m2|quadratmeter|zimmer)", " ", norm)
    numbers = [float(n.replace(",", ".")) for n in _PLAIN_NUMBER.findall(norm)]
    candidates = [n for n in numbers if n != persons and abs(n) >= 50]
    return candidates[0] if candidates else None


def mentions_warm_rent(text: str) -> bool:
    words = _words(normalise(text))
    return any(w in ("warm", "warmmiete", "warmmieten", "inklusive", "inkl") for w in words) and not any(
        w in ("kalt", "kaltmiete", "bruttokalt", "bruttokaltmiete") for w in words
    )


def mentions_any(text: str, words: Iterable[str]) -> bool:
    present = set(_words(normalise(text)))
    return any(w in present for w in words)


def parse_weekday_name(name: str) -> int:
    return WEEKDAYS.index(name)


# ------------------------------------------------------------------------------ follow-up questions
# (added for the knowledge answers: "jetzt", "am 25.12.", "wir sind 4", "mein Sohn ist 15")

_NOW_WORDS = ("jetzt", "gerade", "grad", "grade", "gerad", "momentan", "aktuell", "sofort", "jetz")


def mentions_now(text: str) -> bool:
    """Does the text ask about this very moment ("habt ihr jetzt grad offen", "hat süd gerade auf")?"""
    return mentions_any(text, _NOW_WORDS)


# Days citizens name instead of a date: fixed (month, day) or days after Easter Sunday.
_NAMED_FIXED = {"heiligabend": (12, 24), "heiligen abend": (12, 24), "silvester": (12, 31), "neujahr": (1, 1),
                "erster weihnachtstag": (12, 25), "1 weihnachtstag": (12, 25), "weihnachten": (12, 25),
                "zweiter weihnachtstag": (12, 26), "2 weihnachtstag": (12, 26), "tag der arbeit": (5, 1),
                "tag der deutschen einheit": (10, 3)}
_NAMED_EASTER = {"karfreitag": -2, "ostersonntag": 0, "ostern": 1, "ostermontag": 1, "himmelfahrt": 39,
                 "christi himmelfahrt": 39, "pfingsten": 50, "pfingstmontag": 50, "fronleichnam": 60}


def find_named_day(text: str, today: dt.date) -> dt.date | None:
    """"Heiligabend", "an silvester", "zweiter weihnachtstag", "ostermontag": the next such day from today."""
    from dateutil.easter import easter

    norm = " ".join(re.sub(r"[.]", " ", normalise(text)).split())
    for names, resolve in ((_NAMED_FIXED, lambda year, v: dt.date(year, *v)),
                           (_NAMED_EASTER, lambda year, v: easter(year) + dt.timedelta(days=v))):
        for name in sorted(names, key=len, reverse=True):  # "zweiter weihnachtstag" before "weihnachten"
            if re.search(rf"\b{name}\b", norm):
                for year in (today.year, today.year + 1):
                    day = resolve(year, names[name])
                    if day >= today:
                        return day
    return None


def mentions_between_the_years(text: str) -> bool:
    """"zwischen den Jahren": the working days between Christmas and New Year."""
    return bool(re.search(r"\bzwischen (den )?(jahren|feiertagen|weihnachten und (neujahr|silvester))\b",
                          normalise(text)))


def find_date(text: str, today: dt.date, reference: dt.date | None = None) -> dt.date | None:
    """A calendar date in the text: "am 25.12.", "25.12.2026", "am 3.1." (the next such date from today on),
    a named day ("Heiligabend", "Ostermontag"), or a bare day of the month ("und am 28.?") in the month of
    `reference` (or the current month)."""
    norm = normalise(text)
    named = find_named_day(text, today)
    if named is not None:
        return named
    match = re.search(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.?(?:\s?(\d{4}|\d{2})(?![\d.]))?", norm)
    if match:
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        years = [int(year) + (2000 if len(year) == 2 else 0)] if year else [today.year, today.year + 1]
        for year_value in years:
            try:
                value = dt.date(year_value, month, day)
            except ValueError:
                continue
            if value >= today or (year and value >= today - dt.timedelta(days=31)):
                return value
        return None
    match = re.search(r"\b(?:am|den|zum|ab)\s+(\d{1,2})\.?(?![\d.,:]|\s*(?:uhr|euro|€|personen|jahr))", norm)
    if match:
        base = reference or today
        day = int(match.group(1))
        for months_ahead in range(3):
            month_index = base.month - 1 + months_ahead
            try:
                value = dt.date(base.year + month_index // 12, month_index % 12 + 1, day)
            except ValueError:
                continue
            if value >= min(base, today):
                return value
    return None


_COUNT_WORDS = {"eins": 1, "einer": 1, "allein": 1, "alleine": 1, "zwei": 2, "zu zweit": 2, "drei": 3, "vier": 4,
                "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10}


def find_count(text: str) -> int | None:
    """A bare count given as an answer: "drei", "4", "wir sind 4", "zu viert" (1 to 99), else None."""
    persons = find_persons(text)
    if persons is not None:
        return persons
    norm = normalise(text).rstrip(".!? ")
    norm = re.sub(r"^(und |also |ok |okay |ja )?(wir sind |es sind |sind |insgesamt |nur )?", "", norm)
    if re.fullmatch(r"\d{1,2}", norm):
        return int(norm)
    return _COUNT_WORDS.get(norm)


_AGE_NUMBER_WORDS = {"null": 0, "eins": 1, "ein": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4,
                     "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwoelf": 12,
                     "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18}
_AGE_NUMBER = r"(?:\d{1,2}|" + "|".join(_AGE_NUMBER_WORDS) + r")"


def _age_value(word: str) -> int:
    return int(word) if word.isdigit() else _AGE_NUMBER_WORDS[word]


def find_ages(text: str) -> list[int]:
    """Ages of people in the text: "4 und 10 jahre", "kind mit acht jahren", "sohn der ist 15", "kind von 2",
    "tochter (4)". Only sensible ages (0 to 99) in the order given."""
    text = re.sub(r"\((\d{1,2}(?:\s*(?:,|und|u\.?|&)\s*\d{1,2})+)\)", r" \1 jahre ", text)  # "(3 und 8)"
    norm = normalise(re.sub(r"\((\d{1,2})\)", r" ist \1 ", text))
    match = re.search(rf"((?:{_AGE_NUMBER}\s*(?:,|und)\s*)*{_AGE_NUMBER})\s*(?:jahre|jahren|jahr|jaehrig\w*|j)\b", norm)
    if match:
        return [_age_value(word) for word in re.findall(_AGE_NUMBER, match.group(1))]
    for match in re.finditer(
        rf"\b(?:ist|wird|mit|von|alt)\s+({_AGE_NUMBER})\b(?!\s*(?:euro|€|personen|uhr|monat|kind))", norm
    ):
        if match.group(1) not in ("ein", "einem", "einen"):
            return [_age_value(match.group(1))]
    return []


_UNIT_WORDS = {"ein": 1, "eins": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieben": 7,
               "acht": 8, "neun": 9}
_TEEN_WORDS = {"zehn": 10, "elf": 11, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15, "sechzehn": 16,
               "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_TEN_WORDS = {"zwanzig": 20, "dreissig": 30, "vierzig": 40, "fuenfzig": 50, "sechzig": 60, "siebzig": 70,
              "achtzig": 80, "neunzig": 90}


def _below_hundred(word: str) -> int | None:
    if word == "":
        return 0
    for table in (_UNIT_WORDS, _TEEN_WORDS, _TEN_WORDS):
        if word in table:
            return table[word]
    unit, sep, ten = word.partition("und")
    if sep and unit in _UNIT_WORDS and ten in _TEN_WORDS:
        return _UNIT_WORDS[unit] + _TEN_WORDS[ten]
    return None


def number_from_words(word: str) -> int | None:
    """A German number written as one word, as speech recognition writes it: "dreihundertachtzig" -> 380,
    "tausendzweihundert" -> 1200, "achtundzwanzig" -> 28; None if it is no number word."""
    word = normalise(word).replace(" ", "")
    if not word or not word.isalpha():
        return None
    if "tausend" in word:
        left, _, right = word.partition("tausend")
        thousands = 1 if left in ("", "ein", "eins") else number_from_words(left)
        rest = number_from_words(right) if right else 0
        return None if thousands is None or rest is None or thousands >= 1000 else thousands * 1000 + rest
    if "hundert" in word:
        left, _, right = word.partition("hundert")
        hundreds = 1 if left in ("", "ein", "eins") else _UNIT_WORDS.get(left)
        rest = _below_hundred(right)
        return None if hundreds is None or rest is None else hundreds * 100 + rest
    return _below_hundred(word)


def find_spoken_amount(text: str) -> float | None:
    """A euro amount in number words: "dreihundertachtzig euro" -> 380.0."""
    words = _words(normalise(text))
    for word, following in zip(words, words[1:]):
        if following in ("euro", "eur"):
            value = number_from_words(word)
            if value:
                return float(value)
    return None
