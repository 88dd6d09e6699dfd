"""Text written for the screen, made speakable, and spoken answers mapped back to what a click sends.

`speakable(text, buttons)` turns dates, times, amounts, phone numbers, links and abbreviations
(z. B., SGB II, €, BG-Nummer) into words Piper pronounces correctly and reads the buttons out as
spoken options. `choose(spoken, buttons)` maps "ja", "den zweiten", "Nummer drei" or a button's title
to that button's payload; everything else goes to the dialogue as said, with number words as digits
("Donnerstag um zehn" -> "Donnerstag um 10").
"""

from __future__ import annotations

import re

from bot.content import Content, say

MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]
WEEKDAYS = {"Mo": "Montag", "Di": "Dienstag", "Mi": "Mittwoch", "Do": "Donnerstag", "Fr": "Freitag", "Sa": "Samstag",
            "So": "Sonntag"}
ORDINALS = ["erstens", "zweitens", "drittens", "viertens", "fünftens", "sechstens", "siebtens", "achtens",
            "neuntens", "zehntens"]
ABBREVIATIONS = [
    (r"\bz\.\s?B\.", "zum Beispiel"), (r"\bu\.\s?a\.", "unter anderem"), (r"\bd\.\s?h\.", "das heißt"),
    (r"\bggf\.", "gegebenenfalls"), (r"\bbzw\.", "beziehungsweise"), (r"\bca\.", "circa"), (r"\binkl\.", "inklusive"),
    (r"\bNr\.", "Nummer"), (r"\bmax\.", "maximal"), (r"\bmind\.", "mindestens"), (r"\busw\.", "und so weiter"),
    (r"\bTel\.", "Telefon"), (r"\bStr\.", "Straße"), (r"\bAbs\.", "Absatz"),
    (r"\bSGB II\b", "S G B zwei"), (r"\bSGB I\b", "S G B eins"), (r"\bSGB X\b", "S G B zehn"),
    (r"\bSGB III\b", "S G B drei"), (r"\bSGB\b", "S G B"), (r"\bBG-Nummer", "B G Nummer"), (r"\bBG\b", "B G"),
    (r"\bKdU\b", "Kosten der Unterkunft"), (r"\bAU\b", "A U"), (r"\bAU-Bescheinigung", "A U Bescheinigung"),
    (r"\bWBA\b", "Weiterbewilligungsantrag"), (r"\bBuT\b", "Bildung und Teilhabe"), (r"\bIBAN\b", "I BAN"),
    (r"\bVÄM\b", "Veränderungsmitteilung"), (r"\bEKS\b", "E K S"), (r"\bP-Konto", "P Konto"),
    (r"\bm²", " Quadratmeter"), (r"§§\s?", "Paragrafen "), (r"§\s?", "Paragraf "), (r"\bMo–Fr\b", "Montag bis Freitag"),
]
NUMBER_WORDS = {"null": 0, "eins": 1, "ein": 1, "eine": 1, "einen": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4,
                "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
                "zwölf": 12, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16,
                "siebzehn": 17, "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30, "dreissig": 30}
SPOKEN_ORDINALS = {"erste": 1, "ersten": 1, "erster": 1, "erstens": 1, "zweite": 2, "zweiten": 2, "zweiter": 2,
                   "zweitens": 2, "dritte": 3, "dritten": 3, "dritter": 3, "drittens": 3, "vierte": 4, "vierten": 4,
                   "fünfte": 5, "fünften": 5, "letzte": -1, "letzten": -1}
YES = re.compile(r"^\s*(ja|jawohl|genau|richtig|gerne?|okay|ok|stimmt|passt|einverstanden|bitte)\b", re.IGNORECASE)
NO = re.compile(r"^\s*(nein|nee|ne|nö|auf keinen fall|lieber nicht)\b", re.IGNORECASE)


def _date(match: re.Match) -> str:
    day, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return match.group(0)
    year = match.group(3)
    return f"{day}. {MONTHS[month - 1]}" + (f" {year}" if year else "")


def _time(match: re.Match) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    return f"{hour} Uhr" + (f" {minute}" if minute else "")


def _euro(match: re.Match) -> str:
    whole = match.group(1).replace(".", "")
    cents = match.group(2)
    return f"{int(whole)} Euro" + (f" {int(cents)}" if cents and int(cents) else "")


def _phone(match: re.Match) -> str:
    groups = [g for g in re.split(r"[ /-]+", match.group(0).replace("+", "plus ")) if g]
    return ", ".join(" ".join(g) if g.isdigit() else g for g in groups)


def speech_friendly(text: str) -> str:
    text = text.replace("„", "").replace("“", "").replace("\"", "").replace("•", ",").replace("–", " bis ")
    text = re.sub(r"https?://(?:www\.)?([\w.-]+)\S*", lambda m: m.group(1).replace(".", " Punkt "), text)
    text = re.sub(r"\b([\w.+-]+)@([\w-]+)\.([\w.]+)", lambda m: f"{m.group(1)} at {m.group(2)} Punkt {m.group(3)}", text)
    text = re.sub(r"\bjobcenter\.digital\b", "jobcenter Punkt digital", text)
    text = re.sub(r"\b(Mo|Di|Mi|Do|Fr|Sa|So)\b(?=\s+\d)", lambda m: WEEKDAYS[m.group(1)], text)
    text = re.sub(r"(?<![\d.])(\+?\d{3,5}[ /-]\d[\d -]{3,}\d)\b", _phone, text)
    text = re.sub(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})?", _date, text)
    text = re.sub(r"\b(\d{1,2}):(\d{2})(?:\s*Uhr)?", _time, text)
    text = re.sub(r"(\d{1,3}(?:\.\d{3})*|\d+)(?:,(\d{2}))?\s*€", _euro, text)
    text = text.replace("€", "Euro")
    for pattern, spoken in ABBREVIATIONS:
        text = re.sub(pattern, spoken, text)
    text = re.sub(r"(\d)\.(\d{3})\b", r"\1\2", text)  # 1.200 -> 1200
    text = re.sub(r"\s*\n+\s*", ". ", text)
    text = re.sub(r"\s{2,}", " ", text)
    return re.sub(r"\.\s*\.", ".", text).strip()


def _option_label(title: str) -> str:
    return re.sub(r"^\d+:\s*", "", title)


def speakable(text: str, buttons: list[dict] | None = None, content: Content | None = None) -> str:
    """The answer as it should be spoken, with the buttons as spoken options (the sentences around them:
    content/texts.yml, section `voice`; `content` defaults to the project's)."""
    spoken = speech_friendly(text)
    buttons = buttons or []
    titles = [b.get("title", "") for b in buttons]
    if not titles:
        return spoken
    if {t.lower() for t in titles} <= {"ja", "nein"}:
        return f"{spoken} {say('voice.say_yes_or_no', content)}"
    if any(re.match(r"^\d+:", t) for t in titles) or len(titles) > 3:
        options = ". ".join(f"{ORDINALS[i] if i < len(ORDINALS) else i + 1}: {speech_friendly(_option_label(t))}"
                            for i, t in enumerate(titles))
        return f"{spoken} {say('voice.say_numbered_option', content, options=options)}"
    if len(titles) == 1:
        return f"{spoken} {say('voice.say_options', content, options=speech_friendly(titles[0]))}"
    options = ", ".join(speech_friendly(t) for t in titles[:-1]) + f" oder {speech_friendly(titles[-1])}"
    return f"{spoken} {say('voice.say_options', content, options=options)}"


def digits_for_number_words(text: str) -> str:
    """'donnerstag um zehn' -> 'donnerstag um 10'; 'zweiundzwanzig' -> '22'."""
    def compound(match: re.Match) -> str:
        return str(NUMBER_WORDS[match.group(1)] + NUMBER_WORDS[match.group(2)])

    text = re.sub(r"\b(eins|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und(zwanzig|dreißig|dreissig)\b",
                  compound, text, flags=re.IGNORECASE)
    return re.sub(r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b",
                  lambda m: str(NUMBER_WORDS[m.group(1).lower()]), text, flags=re.IGNORECASE)


def choose(spoken: str, buttons: list[dict] | None) -> str:
    """What a click would have sent, if the caller picked a button; else the words for the dialogue."""
    text = spoken.strip()
    buttons = buttons or []
    lowered = text.lower()
    titles = [(b.get("title", ""), b.get("payload", "")) for b in buttons]
    if titles:
        for title, payload in titles:
            label = _option_label(title).lower()
            if lowered == title.lower() or lowered == label:
                return payload
        words = re.findall(r"[a-zäöüß0-9]+", lowered)
        for word in words:
            if word in SPOKEN_ORDINALS:
                index = SPOKEN_ORDINALS[word]
                return titles[index - 1 if index > 0 else -1][1] if index <= len(titles) else text
        numbered = re.match(r"^(?:nummer|option|termin)?\s*(\w+)$", lowered)
        if numbered and numbered.group(1) in NUMBER_WORDS or (numbered and numbered.group(1).isdigit()):
            value = NUMBER_WORDS.get(numbered.group(1)) or int(numbered.group(1))
            if 1 <= value <= len(titles):
                return titles[value - 1][1]
        yes_no = {t.lower(): p for t, p in titles}
        if YES.match(lowered) and "ja" in yes_no:
            return yes_no["ja"]
        if NO.match(lowered) and "nein" in yes_no:
            return yes_no["nein"]
        matching = [p for t, p in titles if len(_option_label(t)) > 3 and _option_label(t).lower() in lowered]
        if len(matching) == 1:
            return matching[0]
    return digits_for_number_words(text)
