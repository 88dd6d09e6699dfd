"""Values a citizen gives without being asked: "termin beratung nord, 12345BG0000002 geb 1.2.1979".

Forms ask for one value at a time, but citizens put everything into one message, often the first one.
`identification()` finds a BG-/Kundennummer and a date of birth anywhere in a message, written or spoken
("eins zwei drei vier fünf b g null null …", "erster zweiter neunzehnhundertneunundsiebzig"), and returns
the rest of the text without them, so that the other values (office, day, time) are looked for in the rest
and a date of birth is never mistaken for an appointment date. `without_values()` is the text with every
number-like value removed, for deciding what a message is *about*.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DIGIT_WORDS = {"null": "0", "eins": "1", "ein": "1", "eine": "1", "zwei": "2", "zwo": "2", "drei": "3", "vier": "4",
               "fuenf": "5", "fünf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9"}
_UNITS = {"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "fünf": 5, "sechs": 6, "sieben": 7,
          "acht": 8, "neun": 9}
_TEENS = {"zehn": 10, "elf": 11, "zwoelf": 12, "zwölf": 12, "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15,
          "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19}
_TENS = {"zwanzig": 20, "dreissig": 30, "dreißig": 30, "vierzig": 40, "fuenfzig": 50, "fünfzig": 50, "sechzig": 60,
         "siebzig": 70, "achtzig": 80, "neunzig": 90}
_ORDINAL_STEMS = {"erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fuenft": 5, "fünft": 5, "sechst": 6, "siebt": 7,
                  "sieben": 7, "acht": 8, "neunt": 9, "zehnt": 10, "elft": 11, "zwoelft": 12, "zwölft": 12}
MONTH_NAMES = {"januar": 1, "jan": 1, "jaenner": 1, "jänner": 1, "februar": 2, "feb": 2, "maerz": 3, "märz": 3,
               "april": 4, "mai": 5, "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10,
               "november": 11, "dezember": 12}

BG_NUMBER = re.compile(r"(?<![\d])(\d{5})\s*-?\s*b\s*\.?\s*g\s*\.?\s*-?\s*((?:\d\s?){6}\d)(?!\d)", re.IGNORECASE)
CUSTOMER_NUMBER = re.compile(r"(?<![\w])(\d{3})\s*-?\s*([a-z])\s*-?\s*((?:\d\s?){5}\d)(?!\d)", re.IGNORECASE)
_DATE = re.compile(r"(?<![\d.])(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})(?![\d]|[./-]\d)")
_DATE_MONTH_NAME = re.compile(r"(?<![\d.])(\d{1,2})\.?\s*(" + "|".join(MONTH_NAMES) + r")\.?\s*(\d{4})(?!\d)",
                              re.IGNORECASE)
_BIRTH_CUE = re.compile(r"\b(geb(?:oren)?|geb\.|geburtsdatum|geburtstag|gebdatum|geb\.?-?datum|jahrgang)\b\.?:?",
                        re.IGNORECASE)
_NUMBER_CUE = re.compile(r"\b(?:meine\s+)?(?:bg|kunden)?-?\s*(?:nummer|nr)\b\.?:?(?:\s+ist)?|\bbg-nr\.?:?",
                         re.IGNORECASE)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+49|0)[\d\s/-]{6,}\d")
_ANY_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*\.?")
# when: weekdays, dayparts, clock words; values too, not what a message is about
_WHEN = re.compile(r"\b(?:am\s+|um\s+|ab\s+)?(?:montags?|dienstags?|mittwochs?|donnerstags?|freitags?|samstags?|sonntags?|"
                   r"vormittags?|nachmittags?|morgens|abends|mittags|uhr|viertel nach|viertel vor|halb)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Identification:
    """What a message says about who the citizen is, and the text without it."""

    number: str | None
    birth_date: dt.date | None
    birth_date_text: str | None  # the date as written, for the form's validation
    rest: str


def _compound(word: str) -> int | None:
    """'neunundsiebzig' -> 79, 'neunzehn' -> 19, 'zwanzig' -> 20 (0–99), else None."""
    if word in _TEENS:
        return _TEENS[word]
    if word in _TENS:
        return _TENS[word]
    if word in _UNITS:
        return _UNITS[word]
    if word == "null":
        return 0
    match = re.fullmatch(r"(ein|zwei|drei|vier|fuenf|fünf|sechs|sieben|acht|neun)und(" + "|".join(_TENS) + ")", word)
    if match:
        return _UNITS[match.group(1)] + _TENS[match.group(2)]
    return None


def _spoken_year(word: str) -> int | None:
    """'neunzehnhundertneunundsiebzig' -> 1979, 'zweitausendeins' -> 2001."""
    match = re.fullmatch(r"neunzehnhundert(\w*)", word)
    if match:
        rest = _compound(match.group(1)) if match.group(1) else 0
        return None if rest is None else 1900 + rest
    match = re.fullmatch(r"zweitausend(\w*)", word)
    if match:
        rest = _compound(match.group(1)) if match.group(1) else 0
        return None if rest is None else 2000 + rest
    return None


def _spoken_ordinal(word: str) -> int | None:
    """'erster' -> 1, 'zwölften' -> 12, 'dreiundzwanzigsten' -> 23, 'dreißigster' -> 30."""
    for ending in ("en", "er", "em", "es", "e"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[: -len(ending)]
            if base in _ORDINAL_STEMS:
                return _ORDINAL_STEMS[base]
            for suffix in ("st", "t"):
                value = _compound(base[: -len(suffix)]) if base.endswith(suffix) else None
                if value is not None and 1 <= value <= 31:
                    return value
    return None


def spoken_to_written(text: str) -> str:
    """Spoken numbers as a recogniser writes them, in digits: runs of digit words become one number
    ("eins zwei drei vier fünf b g null null …" -> "12345bg00…"), ordinals and years become dates
    ("erster zweiter neunzehnhundertneunundsiebzig" -> "1.2.1979"). Other words stay as they are."""
    text = re.sub(r"\b([a-zA-Z]) wie \w+", r"\1", text)  # "b wie berta g wie gustav"
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        raw = words[i]
        word = raw.lower().strip(",;!?")
        # a run of single digits and the letters b, g (a spoken BG-Nummer or phone number)
        starts_run = word in DIGIT_WORDS or (word in _TEENS and i + 1 < len(words)
                                             and words[i + 1].lower().strip(",;!?.") in DIGIT_WORDS)
        if starts_run or (word in ("b", "g", "be", "ge") and out and out[-1][-1:].isdigit()):
            run = []
            while i < len(words):
                token = words[i].lower().strip(",;!?.")
                if token in DIGIT_WORDS:
                    run.append(DIGIT_WORDS[token])
                elif token in _TEENS and (not run or run[-1][-1:].isdigit()):
                    run.append(str(_TEENS[token]))
                elif token in ("b", "be"):
                    run.append("b")
                elif token in ("g", "ge") and run and run[-1] == "b":
                    run.append("g")
                elif token.isdigit():
                    run.append(token)
                else:
                    break
                i += 1
            if len("".join(run)) >= 3:
                out.append("".join(run))
            else:
                out.append(" ".join(words[i - len(run):i]))
            continue
        day = _spoken_ordinal(word)
        if day is not None and i + 1 < len(words):
            following = words[i + 1].lower().strip(",;!?.")
            month = _spoken_ordinal(following) or MONTH_NAMES.get(following)
            third = words[i + 2].lower().strip(",;!?.") if i + 2 < len(words) else ""
            year = _spoken_year(third)
            short = _compound(third) if year is None and third else None  # "fünfundachtzig" -> 85
            if month is not None and 1 <= month <= 12 and (year is not None or short is not None):
                out.append(f"{day}.{month}.{year if year is not None else f'{short:02d}'}")
                i += 3
                continue
        year = _spoken_year(word)
        out.append(str(year) if year is not None else raw)
        i += 1
    return " ".join(out)


def _letter_o_as_zero(match: re.Match[str]) -> str:
    return match.group(0).replace("o", "0").replace("O", "0")


def _number_in(text: str) -> tuple[str, tuple[int, int]] | None:
    text = re.sub(r"(?<=bg)[0-9oO ]{7,9}", _letter_o_as_zero, text, flags=re.IGNORECASE)  # "12345BGOOOOOO1"
    match = BG_NUMBER.search(text)
    if match:
        return match.group(1) + "BG" + re.sub(r"\s", "", match.group(2)), match.span()
    match = CUSTOMER_NUMBER.search(text)
    if match:
        return match.group(1) + match.group(2).upper() + re.sub(r"\s", "", match.group(3)), match.span()
    return None


def find_number(text: str) -> str | None:
    """A BG-Nummer (12345BG0000001) or Kundennummer (123A456789) in free text, written or spoken, normalised."""
    found = _number_in(spoken_to_written(text))
    return found[0] if found else None


def _date_value(day: int, month: int, year: int, today: dt.date) -> dt.date | None:
    if year < 100:
        year += 1900 if year > today.year % 100 else 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, today: dt.date) -> dt.date | None:
    """The first complete date in a message: "1.2.1979", "01-02-79", "1. februar 1979", spoken dates too."""
    written = spoken_to_written(text)
    found = []
    for pattern in (_DATE, _DATE_MONTH_NAME):
        match = pattern.search(written)
        if match:
            month_group = match.group(2)
            month = int(month_group) if month_group.isdigit() else MONTH_NAMES[month_group.lower()]
            value = _date_value(int(match.group(1)), month, int(match.group(3)), today)
            if value is not None:
                found.append((match.start(), value))
    return min(found)[1] if found else None


def _birth_date_in(text: str, today: dt.date) -> tuple[dt.date, str, tuple[int, int]] | None:
    """A date with a year that a citizen's birth can have (at least 14 years ago), or any past date after a
    cue word ("geb. 1.2.2015" for a child is still a birth date when announced as one)."""
    candidates: list[tuple[dt.date, str, tuple[int, int]]] = []
    for pattern in (_DATE, _DATE_MONTH_NAME):
        for match in pattern.finditer(text):
            month_group = match.group(2)
            month = int(month_group) if month_group.isdigit() else MONTH_NAMES[month_group.lower()]
            value = _date_value(int(match.group(1)), month, int(match.group(3)), today)
            if value is not None:
                candidates.append((value, match.group(0), match.span()))
    for value, written, span in candidates:
        cue = _BIRTH_CUE.search(text[max(0, span[0] - 25):span[0]])
        adult = dt.date(1900, 1, 1) <= value <= today.replace(year=today.year - 14)
        if adult or (cue and value <= today):
            return value, written, span
    return None


def identification(text: str, today: dt.date) -> Identification:
    """The BG-/Kundennummer and the date of birth in a message (written or spoken), and the rest of it."""
    written = spoken_to_written(text)
    number_found = _number_in(written)
    rest = written
    number = None
    if number_found:
        number, (start, end) = number_found
        rest = rest[:start] + " " + rest[end:]
    birth = _birth_date_in(rest, today)
    birth_date = birth_text = None
    if birth:
        birth_date, birth_text, (start, end) = birth
        rest = rest[:start] + " " + rest[end:]
    if number or birth:
        rest = _NUMBER_CUE.sub(" ", _BIRTH_CUE.sub(" ", rest))
    rest = re.sub(r"\s+([,.;])", r"\1", re.sub(r"\s+", " ", rest)).strip(" ,;")
    return Identification(number, birth_date, birth_text, rest)


_GONE = "\x00"  # where a value was taken out
# Words that only introduced a value taken out ("vom 7.12. bis 12.12.", "handy 0171 …"): nothing is left to say.
_VALUE_CUE = re.compile(r"\b(vom|von|ab|bis|bis zum|bis zur|am|zum|den|dem|um|handy|mobil|tel|telefon|"
                        r"telefonnummer|handynummer|nummer|nr|mail|e-mail|email)\b[.:]?\s*" + _GONE, re.IGNORECASE)


def without_values(text: str) -> str:
    """The message without numbers, dates, IBANs, e-mail addresses and phone numbers, and without the words
    that only introduced them: what it is about."""
    text = spoken_to_written(text)
    for pattern in (_EMAIL, _IBAN, BG_NUMBER, CUSTOMER_NUMBER, _PHONE, _DATE_MONTH_NAME, _DATE, _ANY_NUMBER, _WHEN):
        text = pattern.sub(f" {_GONE} ", text)
    while (shorter := _VALUE_CUE.sub(_GONE, text)) != text:
        text = shorter
    text = _NUMBER_CUE.sub(" ", _BIRTH_CUE.sub(" ", text.replace(_GONE, " ")))
    return re.sub(r"\s+", " ", text).strip(" ,.;:-")


def find_phone(text: str) -> str | None:
    """A phone number written or spoken in a message ("0171 2345678", "null eins sieben eins …"), as written."""
    match = _PHONE.search(spoken_to_written(text))
    return match.group(0).strip() if match else None


def find_email(text: str) -> str | None:
    """An e-mail address in a message."""
    match = _EMAIL.search(text)
    return match.group(0).rstrip(".") if match else None


_FIRST_APPLICATION = re.compile(r"\b(noch nie|nie) (buergergeld|geld|leistungen)|\berst(mal)? (beantragen|antrag)|"
                                r"\berstantrag|\bneu(en)? antrag|\bnoch keine?n? (antrag|bescheid|leistungen)|"
                                r"\bnoch nicht (angemeldet|im bezug|beantragt)")
_NO_NUMBER = re.compile(r"\b(keine|kein|ohne) (bg|bg-?nummer|nummer|kundennummer|kunden-?nr)|\b(nummer|die|sie|das)\b.{0,20}"
                        r"\b(nicht (mehr )?(zur hand|parat|da|dabei|griffbereit)|vergessen|verloren|weiss ich nicht|"
                        r"finde ich nicht)|\b(weiss|kenne|finde) (meine|die) (bg-?)?nummer nicht|\bhab(e)? ich (grad |gerade |"
                        r"jetzt )?(nicht|keine)\b|\bweiss (ich )?nicht\b")


def says_no_number(text: str) -> str | None:
    """Whether an answer to "Wie lautet Ihre BG-Nummer?" says there is none: "first_application" (never had
    Bürgergeld, applying now), "unknown" (forgotten, not at hand), or None."""
    norm = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    if _FIRST_APPLICATION.search(norm):
        return "first_application"
    if _NO_NUMBER.search(norm):
        return "unknown"
    return None


_FILLER = set("""ich bin ist sind war mein meine meinen meiner meines der die das den dem des am um im in an auf bitte
und oder mit von vom zu zur zum es er sie wir ihr ja nein ne nee nr nummer tel telefon handy mail email e-mail iban
geboren geb geburtsdatum geburtstag seit ab bis hier so noch auch hallo hi danke gerne gern kontoinhaber inhaber
lautet heisse heiße name mir mich uns euch ist's""".split())


def request_words(text: str) -> int:
    """How many words of a message say something beyond values and filler ("meine iban ist" says nothing,
    "ich will einen termin absagen" says three things)."""
    return sum(1 for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in _FILLER and len(w) > 1)


_NAME_CUE = re.compile(r"\b(?:ich bin|bin|ich hei(?:ß|ss)e|hei(?:ß|ss)e|mein name ist|name ist|name:?)\s+"
                       r"([a-zäöüß]+(?:[ -][a-zäöüß]+){0,2})", re.IGNORECASE)
_LEADING_NAME = re.compile(r"^\s*([a-zäöüß]+[ -][a-zäöüß]+)\s*(?:,|\d|geb)", re.IGNORECASE)
_NOT_NAME = set("""geboren geb geburtsdatum handy tel telefon und mit am im in der die das ein eine erst neu noch nicht
gerade grad hier ja nein termin kunde kundin arbeitslos krank schwanger umgezogen alleinerziehend""".split())


def find_name(text: str) -> str | None:
    """A person's name said in a message ("bin lisa mustermann geboren …", "Lisa Muster, 14.03.1995"),
    capitalised, or None. Only two or three words that are no ordinary words of a sentence."""
    match = _NAME_CUE.search(text) or _LEADING_NAME.search(text)
    if not match:
        return None
    words = []
    for word in re.split(r"\s+", match.group(1)):
        if word.lower() in _NOT_NAME:
            break
        words.append(word)
    if len(words) < 2:
        return None
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words)
