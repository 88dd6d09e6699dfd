"""Finding field values inside a longer message: the opening message of a declaration ("bin am 1.12.
umgezogen, lindenweg 5, 50667 musterstadt") or an answer that also says something else.

The parsers of bot/declarations/fields.py read one whole answer and explain what is wrong with it; the
finders here look for a value somewhere in a text and return None when there is none (never a hint: a
validation message is only for the value that was asked for). Everything is plain regular expressions
on short texts: a few microseconds per message.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.declarations import fields as parse
from bot.identity.registry import find_number
from bot.language.dates import MONTHS
from bot.language.textparse import normalise

_WORD = r"[A-Za-zÄÖÜäöüßğışçéèáàŞİĞÇ]"
_STREET_SUFFIX = re.compile(r"(stra(ss|ß)e|str\.?|weg|allee|platz|gasse|ring|damm|ufer|chaussee|pfad|steig|markt|"
                            r"hof|berg|feld|garten|park|wall|graben|tor|kamp|siedlung|zeile|promenade)$", re.I)
_BARE_SUFFIX = re.compile(r"(stra(ss|ß)e|str\.?|weg|allee|platz|gasse|ring|damm|ufer|chaussee)$", re.I)
ADDRESS = re.compile(
    rf"(?P<street>(?:{_WORD}[\w.'-]*\s+){{0,2}}?{_WORD}[\w.'-]*)\s*(?P<no>\b\d{{1,4}}\s?[a-zA-Z]?\b)\s*,?\s*"
    rf"(?P<plz>\b\d{{5}})\s+(?P<city>{_WORD}[\w-]*)")
IBAN_LIKE = re.compile(r"\b[A-Za-z]{2}\s?\d{2}(?:\s?[A-Za-z0-9]){10,30}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*\w")
PHONE = re.compile(r"(?<![\w.])(?<!\d\s)(?:\+\d{2}|0)\d{2,5}[ /-]?\d[\d /-]{3,}\d(?![\w.])")
_SPOKEN_DIGIT = r"(?:null|eins|zwei|zwo|drei|vier|f(?:ü|ue)nf|sechs|sieben|acht|neun|\d)"
# a BG-Nummer or Kundennummer read out digit by digit ("eins zwei drei vier fünf b g null ...")
_SPOKEN_NUMBER = re.compile(rf"(?i)\b(?:{_SPOKEN_DIGIT}\s+){{3,5}}(?:b\s*g|[a-z])(?:\s+{_SPOKEN_DIGIT}\b){{5,8}}")
_SPOKEN_BIRTH = re.compile(r"(?i)\b(?:geboren|geb\.?|geburtsdatum|geburtstag)(?:\s+(?:am|ist|der|den))?"
                           r"(?:\s+[a-zäöüß]+){1,3}")
_CLAUSE = re.compile(r"\s*[;,!?]\s*|(?<!\d)\.(?:\s+|$)|:\s+|\s+(?:-|–)\s+")
_BIRTH_DATE = re.compile(r"\b(?:geb\.?|geboren(?: am)?|geburtsdatum)?\s*\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d{2}\b", re.I)
# Words that are not part of a name (a clause of two or three other words is taken as a person's name).
STOP = set("""ich du er sie es wir ihr mein meine meiner meinem meinen dein sein seine bin bist ist sind war waren hab habe
hat haben hatte ein eine einen einem einer der die das den dem des und oder aber am im an in auf aus bei mit nach von vom
zu zum zur fuer für ab bis seit wegen weil da dass nicht kein keine noch schon auch nur so ja nein bitte danke hallo
guten tag neue neuer neues neu adresse anschrift wohnung umzug umgezogen konto iban bank bankverbindung nr nummer geb
geboren kontoinhaber inhaber inhaberin baby kind sohn tochter mann frau freundin freund partner partnerin heute morgen
gestern jetzt melden mitteilen möchte moechte will wollte muss brauche brauch gibt gekündigt gekuendigt job arbeit
euro monat woche wochen tage termin""".split())
_LEGAL = {"gmbh": "GmbH", "ag": "AG", "kg": "KG", "ug": "UG", "ohg": "OHG", "gbr": "GbR", "se": "SE", "co": "Co",
          "co.": "Co.", "e.v.": "e. V.", "drv": "DRV", "aok": "AOK", "tk": "TK", "dhl": "DHL", "dm": "dm"}
_NOT_NAMES = {"mir", "uns", "euch", "ihnen", "ihm", "ihr", "meiner", "meinem", "meinen", "meiner mutter", "mich"}


def title(text: str) -> str:
    """'bäckerei schmidt gmbh' -> 'Bäckerei Schmidt GmbH' (words already capitalised stay as they are)."""
    words = []
    for word in text.split():
        lower = word.lower()
        if lower in _LEGAL:
            words.append(_LEGAL[lower])
        elif lower in ("und", "von", "der", "die", "das", "am", "im", "an", "zu", "zum", "zur", "&"):
            words.append(lower if words else lower.capitalize())
        elif word[:1].islower():
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
        else:
            words.append(word)
    return " ".join(words)


def strip_identity(text: str) -> str:
    """The message without BG-/Kundennummer and date of birth (never a field value)."""
    number = find_number(text)
    if number:
        text = re.sub(r"(?i)\b(bg-?nr\.?|bg-?nummer|kundennummer|nr\.?|nummer)\s*:?\s*$", "", text)
        text = re.sub(r"(?i)\b\d{5}\s*-?\s*bg\s*-?\s*[\dO]{3}\s*[\dO]{4}\b|\b\d{3}\s*-?\s*[a-z]\s*-?\s*\d{6}\b", " ",
                      text)
    text = _BIRTH_DATE.sub(" ", text)
    text = _SPOKEN_NUMBER.sub(" ", text)  # "eins zwei drei vier fünf b g null ..." (voice)
    text = _SPOKEN_BIRTH.sub(" ", text)  # "geboren dreißigster elfter neunzehnhundertneunzig"
    text = re.sub(r"(?i)\b(?:nr\.?|nummer|bg-?nr\.?|kundennummer|geb\.?|geboren)(?=\s*(?:[,.]|$))", " ", text)
    return re.sub(r"\s+([,.])", r"\1", re.sub(r"[ \t]+", " ", text)).strip(" ,")


def clauses(text: str) -> list[str]:
    """The parts of a message between commas, semicolons and sentence ends (dates such as 1.12. stay whole)."""
    return [c.strip() for c in _CLAUSE.split(text) if c and c.strip()]


# ----------------------------------------------------------------------------- typed values


def find_iban(text: str) -> parse.Value | None:
    for match in IBAN_LIKE.finditer(text):
        result = parse.iban(text[match.start():])
        if isinstance(result, parse.Value):
            return result
    return None


_DIGIT_WORDS = {"null": "0", "eins": "1", "zwei": "2", "zwo": "2", "drei": "3", "vier": "4", "fuenf": "5", "fünf": "5",
                "sechs": "6", "sieben": "7", "acht": "8", "neun": "9"}


def spoken_digits(text: str) -> str:
    """'lindenweg fünf fünf null sechs sechs sieben musterstadt' -> 'lindenweg 5 50667 musterstadt' (voice)."""
    words = [_DIGIT_WORDS.get(w.lower(), w) for w in text.split()]
    joined = re.sub(r"\b\d(?: \d\b)+", lambda m: m.group(0).replace(" ", ""), " ".join(words))
    return re.sub(r"\b(\d{1,3})(\d{5})\b(?=\s+[^\W\d_])", r"\1 \2", joined)


def find_address(text: str) -> parse.Value | None:
    return split_address(text)[1]


def split_address(text: str) -> tuple[str, parse.Value | None]:
    """The words before the address (e.g. a name), and the clean address."""
    if any(w.lower() in _DIGIT_WORDS for w in text.split()):
        text = spoken_digits(text)
    match = ADDRESS.search(text)
    if not match:
        return text, None
    value = _address(match)
    if value is None:
        return text, None
    words = match.group("street").split()
    kept = len(value.text.split(",")[0].split()) - 1  # street words kept (without the number)
    before = (text[:match.start()] + " " + " ".join(words[:len(words) - kept])).split()
    while before and before[-1].strip(",").lower() in STOP:
        before.pop()
    return " ".join(before).strip(" ,"), value


def _address(match: re.Match[str]) -> parse.Value | None:
    if match.group("no").startswith("0") or len(match.group("city")) < 3:
        return None
    words = match.group("street").split()
    if len(re.sub(r"\W", "", words[-1])) < 3:
        return None
    keep = [words[-1]]
    if len(words) >= 2 and (_BARE_SUFFIX.fullmatch(words[-1]) and words[-2].lower() not in STOP
                            or words[-2].lower() in ("am", "im", "an", "auf", "zum", "zur", "alte", "alter")):
        keep.insert(0, words[-2])
    if not (_STREET_SUFFIX.search(keep[-1]) or len(keep) > 1 or keep[-1][:1].isupper()):
        if keep[-1].lower() in STOP:
            return None
    street = title(" ".join(keep))
    number = re.sub(r"\s+", "", match.group("no"))
    shown = f"{street} {number}, {match.group('plz')} {title(match.group('city'))}"
    return parse.Value(shown, shown)


def replace_house_number(address: str, text: str) -> str | None:
    """'hausnummer ist 14' applied to 'Rosenstraße 12, 50733 Musterstadt'."""
    norm = normalise(text)
    number = re.search(r"\b(?:hausnummer|hausnr|nummer)\s*(?:ist|lautet|=)?\s*(\d{1,4}\s?[a-z]?)\b", norm)
    plz = re.search(r"\b(?:plz|postleitzahl)\s*(?:ist|lautet)?\s*(\d{5})\b", norm)
    match = ADDRESS.search(address)
    if not match or not (number or plz):
        return None
    result = address
    if number:
        result = result[:match.start("no")] + number.group(1).replace(" ", "") + result[match.end("no"):]
    if plz:
        result = re.sub(r"\b\d{5}\b", plz.group(1), result)
    return result


def find_contact(text: str) -> parse.Value | None:
    found = EMAIL.search(text) or PHONE.search(IBAN_LIKE.sub(" ", text))
    if not found:
        return None
    value = found.group(0).strip()
    return parse.Value(value, value)


def find_amount(text: str, cue: str = "") -> parse.Value | None:
    """An amount with € / euro, or a plain number in a clause with the cue (e.g. 'netto warens 240')."""
    for clause in clauses(text):
        norm = normalise(clause)
        cue_match = re.search(cue, norm) if cue else None
        if cue and not cue_match:
            continue
        if cue_match:  # the number after the cue ("ausgezahlt wurden 410 und brutto 520 euro")
            after = re.search(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?![\d]|\.\d)",
                              norm[cue_match.end():])
            if after and not re.match(r"\s*(stunden|std|wochen?|tage?n?)\b", norm[cue_match.end() + after.end():]):
                result = parse.amount(after.group(0))
                if isinstance(result, parse.Value):
                    return result
        if re.search(r"(€|\beur\b|\beuro\b)", norm) or cue:
            norm = re.sub(r"\b\d+\s*(stunden|std|h|wochen?|tage?n?|jahre?n?|bewerbungen)\b", " ", norm)
            norm = re.sub(r"\b\d{1,2}\.\d{1,2}\.(\d{2,4})?", " ", norm)
            result = parse.amount(norm.rstrip(". "))
            if isinstance(result, parse.Value):
                return result
    return None


def find_hours(text: str) -> parse.Value | None:
    norm = normalise(text)
    match = re.search(r"\b(\d{1,2}(?:[.,]\d)?)\s*(?:stunden|std\.?|h)\b", norm)
    if not match:
        spoken = re.search(r"\b([a-z]+)\s+stunden\b", norm)  # "zwanzig stunden"
        number = parse.number_word(spoken.group(1)) if spoken else None
        if not number:
            return None
        result = parse.hours_per_week(str(number))
        return result if isinstance(result, parse.Value) else None
    result = parse.hours_per_week(match.group(1))
    return result if isinstance(result, parse.Value) else None


def find_count(text: str) -> parse.Value | None:
    match = re.search(r"\b(\d{1,3})\s*(?:bewerbung\w*|geschrieben|stueck|mal beworben|beworben)\b", normalise(text))
    if not match or not 0 < int(match.group(1)) < 1000:
        return None
    return parse.Value(int(match.group(1)), match.group(1))


# ----------------------------------------------------------------------------- free text in the citizen's words

_EMPLOYER = re.compile(
    r"\b(?:bei|firma|arbeitgeber(?:\s+ist)?)\s+(?:der|dem|den|die|das|einer|einem)?\s*(?:firma\s+)?"
    r"(?P<name>[^\s,;:!?][^,;:!?]*?)(?=\s*(?:[,;:!?]|\.(?:\s|$)|$|\s(?:als|ab|zum|zur|seit|fuer|für|und|am|bis|mit|in|"
    r"im|vom|von|gekuendigt|gekündigt|angefangen|anfangen|arbeiten|arbeite|beginnen|beginne|bekommen)\b))", re.I)


def find_employer(text: str) -> parse.Value | None:
    for match in _EMPLOYER.finditer(text):
        name = match.group("name").strip()
        if not name or name.lower() in _NOT_NAMES or name[:1].isdigit() or len(name) > 80:
            continue
        if name.lower().split()[0] in ("mir", "uns", "meiner", "meinem", "der", "einem", "ihnen"):
            continue
        shown = title(name)
        return parse.Value(shown, shown)
    return None


def _name(words: list[str]) -> str | None:
    words = [w for w in words if w]
    if not 2 <= len(words) <= 3:
        return None
    if any(not re.fullmatch(rf"{_WORD}+(-{_WORD}+)?", w) or w.lower() in STOP for w in words):
        return None
    return title(" ".join(words))


def find_person(text: str, cue: str = "") -> parse.Value | None:
    """A person's name: after the cue ('kontoinhaber max mustermann'), or a clause that is only a name
    ('..., leon mustermann, ...'); a date of birth right after it is kept with it."""
    if cue:
        match = re.search(rf"(?i)(?:{cue})\s*(?:ist|:)?\s*(?P<rest>[^,;:!?.]+)", text)
        if not match:
            return None
        words = []
        for word in match.group("rest").split():
            if word.lower() in STOP or not re.fullmatch(rf"{_WORD}+(-{_WORD}+)?", word):
                break
            words.append(word)
        name = _name(words[:3])
        return parse.Value(name, name) if name else None
    for clause in clauses(text):
        name = _name(clause.split())
        if name:
            return parse.Value(name, name)
    return None


def find_clause(text: str, cue: str, start_at_cue: bool = False) -> parse.Value | None:
    """The clause that contains the cue, in the citizen's words (from the cue on when `start_at_cue`)."""
    for clause in clauses(text):
        match = re.search(cue, clause, re.I)
        if match:
            value = clause[match.start():] if start_at_cue else clause
            value = value.strip()
            if sum(ch.isalpha() for ch in value) >= 3:
                return parse.Value(value, value)
    return None


_DESTINATION = re.compile(rf"(?i)\b(?:nach|in die|in den|ins|in|auf die)\s+(?P<place>{_WORD}[\w-]+)")
_NOT_PLACES = {"hause", "urlaub", "der", "die", "das", "meiner", "meinem", "meine", "ihrer", "zukunft", "zeit",
               "woche", "reha", "kur", "klinik", "krankenhaus"}


def find_destination(text: str) -> parse.Value | None:
    for match in _DESTINATION.finditer(text):
        place = match.group("place")
        if place.lower() not in _NOT_PLACES and place.lower() not in STOP:
            shown = title(place)
            return parse.Value(shown, shown)
    return None


def find_month(text: str, today: dt.date) -> parse.Value | None:
    """'im november' -> 'November 2026' (the last such month, income is reported afterwards)."""
    norm = normalise(text)
    names = "|".join(sorted((m for m in MONTHS if len(m) > 3), key=len, reverse=True))
    match = re.search(rf"\b({names})\b(?:\s+(\d{{4}}))?", norm)
    if not match:
        return None
    month = MONTHS[match.group(1)]
    year = int(match.group(2)) if match.group(2) else today.year if month <= today.month else today.year - 1
    label = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"][month - 1]
    shown = f"{label} {year}"
    return parse.Value(shown, shown)


def is_substantial(text: str) -> bool:
    """Does a message say more than the request itself (a description worth keeping)?"""
    words = re.findall(r"\w+", text)
    return len(words) >= 10 or (len(words) >= 5 and bool(re.search(r"\d", text)))
