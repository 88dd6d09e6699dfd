"""Which language is a message in, and which language does the conversation continue in? (no content needed:
the supported languages are given; bot/languages/detect.py builds the project's rule from content/languages/)

`detect(text)` asks lingua (lingua-language-detector: statistical models shipped in the wheel, no network),
restricted to the supported languages. `next_language(current, text)` is the conversation rule:

- an explicit request wins: "english please", "auf Deutsch bitte", "leichte Sprache", "türkçe lütfen"
  (the request phrases of content/languages/languages.yml and each language's `ask_*` phrases);
- a message in Arabic script is Arabic; Cyrillic is Ukrainian or Russian (lingua decides between the two,
  and keeps the current one of them when it is unsure);
- a message in Latin script changes the language only when it has at least MIN_WORDS words and lingua is
  at least MIN_CONFIDENCE sure: "ok", "ja", "termin", "hallo", a BG-Nummer or a date keep the language;
- German while the conversation is in Leichte Sprache stays Leichte Sprache (a variant of German).

Measured on the German training data (tests/unit/test_languages.py): no German example moves a German
conversation to another language.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MIN_WORDS = 3
MIN_CONFIDENCE = 0.7
CYRILLIC_SURE = 0.7
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")
# values that say nothing about the language: BG-Nummern, IBANs, e-mail and web addresses, numbers
_VALUES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[A-Z]{2}\d{2}[A-Z0-9 ]{10,30}\b|\b\d+[A-Za-z]{0,3}\d*\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Guess:
    language: str
    confidence: float


class Detector:
    """lingua, restricted to `codes` (those lingua knows), built on first use and shared by threads."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = tuple(codes)
        self._detector: Any = None
        self._lock = threading.Lock()

    def _build(self) -> Any:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

        languages = []
        for code in self.codes:
            try:
                languages.append(Language.from_iso_code_639_1(IsoCode639_1.from_str(code)))
            except ValueError:
                continue  # a variant like Leichte Sprache ("ls") is not a language lingua tells apart
        return LanguageDetectorBuilder.from_languages(*languages).build() if len(languages) >= 2 else None

    def guesses(self, text: str) -> list[Guess]:
        if self._detector is None:
            with self._lock:
                if self._detector is None:
                    self._detector = self._build() or False
        if not self._detector:
            return []
        return [Guess(v.language.iso_code_639_1.name.lower(), float(v.value))
                for v in self._detector.compute_language_confidence_values(text)]


def clean(text: str) -> str:
    """The words of a message without values (numbers, addresses, IBANs) and button payloads."""
    text = unicodedata.normalize("NFC", text or "")
    if text.startswith("/"):
        return ""
    return " ".join(_VALUES.sub(" ", text).split())


# Words every language's citizens write in German: they say nothing about the language of the message.
LOANWORDS = frozenset("""jobcenter job center termin termine termins bescheid bürgergeld buergergeld burgergeld miete
nebenkosten sachbearbeiter sachbearbeiterin arbeitsvermittler arbeitsvermittlerin weiterbewilligungsantrag wba
krankmeldung kontoauszüge kontoauszuge bg nummer bg-nummer geschäftsstelle nord süd sud mitte hartz amt""".split())
_CAPITALISED_INSIDE = re.compile(r"(?<=[^\s.!?]\s)[A-ZÄÖÜ][\wäöüß-]*")


def language_words(text: str) -> str:
    """The words of a message that tell its language: without values, without names and nouns capitalised
    inside a sentence ("Lindenweg", "Musterstadt") and without the German words everybody uses ("termin")."""
    words = _CAPITALISED_INSIDE.sub(" ", clean(text))
    return " ".join(w for w in words.split() if w.strip(".,;:!?()\"'").casefold() not in LOANWORDS)


def script_of(text: str) -> str:
    """'arabic', 'cyrillic', 'latin' (the majority of letters) or '' (no letters)."""
    counts = {"arabic": len(_ARABIC.findall(text)), "cyrillic": len(_CYRILLIC.findall(text)),
              "latin": len(_LATIN.findall(text))}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ""


def _phrase(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase.casefold()) + r"(?!\w)")


class LanguageRule:
    """`next_language(current, text)` for the supported languages and their request phrases."""

    def __init__(self, supported: dict[str, str], requests: dict[str, list[str]]) -> None:
        """supported: code -> base code ("" for a language, "de" for Leichte Sprache);
        requests: code -> phrases that ask for that language."""
        self.supported = supported
        self.detector = Detector(code for code, base in supported.items() if not base)
        self._requests = [(code, _phrase(p)) for code, phrases in requests.items() if code in supported
                          for p in sorted(phrases, key=len, reverse=True) if p.strip()]

    def requested(self, text: str) -> str | None:
        """The language a message asks for ("english please" -> "en"), None when it asks for none."""
        folded = unicodedata.normalize("NFC", text or "").casefold()
        if len(folded) > 300:  # a request to switch is short; a long message is about something else
            return None
        hits = {code for code, pattern in self._requests if pattern.search(folded)}
        if len(hits) == 1:
            return hits.pop()
        if "ls" in hits:  # "leichte sprache auf deutsch": the variant is the more precise wish
            return "ls"
        return None

    def detected(self, text: str, current: str) -> str | None:
        """The language the words of `text` are surely in, None when they do not say."""
        words = language_words(text)
        script = script_of(words)
        if not script:
            return None
        guesses = [g for g in self.detector.guesses(words) if g.language in self.supported]
        if script == "arabic":
            return "ar" if "ar" in self.supported else None
        if script == "cyrillic":
            cyrillic = [g for g in guesses if g.language in ("uk", "ru")]
            if not cyrillic:
                return None
            if current in ("uk", "ru") and cyrillic[0].confidence < CYRILLIC_SURE:
                return current
            return cyrillic[0].language
        latin = [g for g in guesses if g.language not in ("uk", "ru", "ar")]
        if len(words.split()) < MIN_WORDS or not latin or latin[0].confidence < MIN_CONFIDENCE:
            return None
        return latin[0].language

    def next_language(self, current: str | None, text: str) -> str:
        """The conversation's language after `text` (see the module docstring)."""
        now = current if current in self.supported else "de"
        asked = self.requested(text)
        if asked:
            return asked
        found = self.detected(text, now)
        if found is None or found == now:
            return now
        if self.supported.get(now) == found:  # German words in a Leichte Sprache conversation
            return now
        return found
