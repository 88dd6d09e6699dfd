"""Turn-taking: how long the caller may pause before their turn counts as finished.

A short wait (`VOICE_END_SILENCE_MS`) when what was heard so far is complete, a long one
(`VOICE_END_SILENCE_LONG_MS`) when the caller is plainly in the middle of something: the partial
transcript ends in a digit, a number word, a spelled letter, a hesitation ("äh") or a word that needs a
continuation ("und", "meine Nummer ist"), or the question asked for a number or a date that is not
complete yet (BG-Nummer, birth date: people read them out in groups with pauses). Chosen values and their
measurement: docs/voice.md "Turn-taking".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voice.speech_text import NUMBER_WORDS, SPOKEN_ORDINALS

HESITATIONS = {"äh", "ähm", "öh", "öhm", "hm", "hmm", "em", "ehm", "also", "moment", "warte", "sekunde"}
CONTINUES = {"und", "oder", "aber", "weil", "dass", "wenn", "mit", "am", "um", "im", "von", "vom", "bis", "zum", "zur",
             "für", "ist", "lautet", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "mein", "meine",
             "meinen", "nummer", "geboren", "neunzehnhundert", "zweitausend"}
LETTERS = {"b", "g", "be", "ge", "bg", "a"}
MONTHS = {"januar", "jänner", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "dezember"}
NUMBER_KINDS = {"number", "date", "phone"}
_WORD = re.compile(r"[\wäöüß]+", re.IGNORECASE)


def _numeric(word: str) -> bool:
    return word.isdigit() or word in NUMBER_WORDS or word in SPOKEN_ORDINALS or word.endswith(
        ("zig", "hundert", "tausend", "zehn", "ßig")) or word in MONTHS


@dataclass(frozen=True)
class EndOfTurn:
    short: float  # seconds of trailing silence that end a complete utterance
    long: float  # seconds while the caller is mid-number or mid-sentence

    def wait(self, partial: str, expect: str = "", complete: bool = False) -> float:
        """The trailing silence that ends the turn now. `expect` is what the question asked for
        ("number", "date", "phone", "yes_no", "options" or ""); `complete` says that a value of that kind was
        already recognised in `partial`."""
        words = _WORD.findall(partial.lower())
        if not words:
            return self.long if expect in NUMBER_KINDS else self.short
        last = words[-1]
        if last in HESITATIONS or last in CONTINUES or last in LETTERS:
            return self.long
        if expect in NUMBER_KINDS and not complete:
            return self.long
        if _numeric(last) and not complete:
            return self.long
        return self.short
