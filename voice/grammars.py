"""What can be said where: Vosk grammars for structured answers.

While the dialogue waits for a number, a date, yes/no or one of the offered options, the recogniser is
restricted to the words that can be said there (a Vosk grammar: a small word list decoded instead of the
whole language model, faster and far harder to mishear). Words a model does not know are left out
(`Model.find_word`); "[unk]" stays in every grammar so that anything else comes out as unknown, and
an utterance that is mostly unknown is decoded again with open recognition (voice/asr.py).

Only models with a dynamic graph (Gr.fst and HCLr.fst, as the small Vosk models have) take grammars; with
any other model recognition stays open.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from voice import models
from voice.speech_text import NUMBER_WORDS, SPOKEN_ORDINALS

UNKNOWN = "[unk]"
DIGITS = sorted(set(NUMBER_WORDS) | {"hundert", "tausend", "neunzehnhundert", "zweitausend"}
                | {f"{unit}und{tens}" for unit in ("ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun")
                   for tens in ("zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig")}
                | {"vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"})
LETTERS = ["b", "g", "be", "ge", "a", "wie", "berta", "gustav", "anton"]
FILLERS = ["äh", "ähm", "meine", "nummer", "ist", "lautet", "die", "der", "und", "noch", "mal", "bitte", "nein",
           "ja", "abbrechen", "mensch", "mitarbeiter"]
ORDINALS = ["erster", "ersten", "zweiter", "zweiten", "dritter", "dritten", "vierter", "vierten", "fünfter", "fünften",
            "sechster", "sechsten", "siebter", "siebten", "achter", "achten", "neunter", "neunten", "zehnter",
            "zehnten", "elfter", "zwölfter", "dreizehnter", "vierzehnter", "fünfzehnter", "sechzehnter",
            "siebzehnter", "achtzehnter", "neunzehnter", "zwanzigster", "einundzwanzigster", "zweiundzwanzigster",
            "dreiundzwanzigster", "vierundzwanzigster", "fünfundzwanzigster", "sechsundzwanzigster",
            "siebenundzwanzigster", "achtundzwanzigster", "neunundzwanzigster", "dreißigster",
            "einunddreißigster"]
MONTHS = ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november",
          "dezember", "geboren", "am", "im", "neunzehnhundert"]
YES_NO = ["ja", "nein", "genau", "richtig", "stimmt", "falsch", "nicht", "das", "korrekt", "gerne", "okay", "nee",
          "bitte", "noch", "einmal", "abbrechen", "mensch"]
CHOICES = ["den", "die", "das", "nummer", "option", "termin", "letzten", "nehme", "ich", "bitte", "ja", "nein",
           *SPOKEN_ORDINALS]

KIND_WORDS: dict[str, list[str]] = {
    "number": [*DIGITS, *LETTERS, *FILLERS],
    "phone": [*DIGITS, *FILLERS, "plus", "vorwahl"],
    "date": [*DIGITS, *ORDINALS, *MONTHS, *FILLERS],
    "yes_no": YES_NO,
}
_WORD = re.compile(r"[a-zäöüß]+")


def words_for(expect: str, buttons: list[dict] | None = None) -> list[str]:
    """The words that can be said for an expected answer; [] means open recognition."""
    if expect in KIND_WORDS:
        return KIND_WORDS[expect]
    if expect == "options" and buttons:
        said = [word for button in buttons for word in _WORD.findall(str(button.get("title", "")).lower())]
        return [*CHOICES, *DIGITS, *said]
    return []


@lru_cache(maxsize=256)
def grammar(words: tuple[str, ...]) -> str | None:
    """The Vosk grammar (a JSON list) of the words the loaded model knows, or None when it knows fewer than
    two of them or cannot take grammars (then recognition stays open)."""
    if not words or not models.takes_grammar():
        return None
    known = [word for word in dict.fromkeys(words) if models.knows(word)]
    if len(known) < 2:
        return None
    return json.dumps(known + ([UNKNOWN] if models.knows(UNKNOWN) else []), ensure_ascii=False)


def doubtful(result: dict, min_confidence: float) -> bool:
    """A grammar result that is better decoded again openly: nothing, mostly words outside the grammar, or
    words the recogniser was unsure of (mean word confidence below `min_confidence`)."""
    words = result.get("result") or []
    if not words:
        return True
    unknown = sum(word.get("word") == UNKNOWN for word in words)
    confidence = sum(float(word.get("conf", 0.0)) for word in words) / len(words)
    return unknown * 2 >= len(words) or confidence < min_confidence
