"""Yes, no and "stop" in every supported language: "так", "evet", "نعم", "yes please", "ні", "iptal".

The German forms have their own patterns (bot/appointments/booking.py); these are the other languages'
words (content/languages/<code>.yml `words:`), asked when the German patterns find nothing. A message
counts when it starts with one of the words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.languages.registry import get_catalog

_PUNCTUATION = re.compile(r"[^\w\s]+")


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return " " + " ".join(_PUNCTUATION.sub(" ", text).split()) + " "


@lru_cache(maxsize=1)
def _tables() -> dict[str, tuple[str, ...]]:
    tables: dict[str, list[str]] = {"yes": [], "no": [], "abort": []}
    for translations in get_catalog().translations.values():
        for key, words in translations.words.items():
            tables.setdefault(key, []).extend(_folded(w).strip() for w in words if _folded(w).strip())
    return {key: tuple(sorted(set(words), key=len, reverse=True)) for key, words in tables.items()}


def starts_with(text: str, key: str) -> bool:
    folded = _folded(text)
    return any(folded.startswith(f" {word} ") for word in _tables().get(key, ()))


def yes_or_no(text: str) -> bool | None:
    """True for a yes, False for a no in any supported language; None when neither (or both)."""
    yes, no = starts_with(text, "yes"), starts_with(text, "no")
    return None if yes == no else yes


def is_abort(text: str) -> bool:
    folded = _folded(text)
    return any(f" {word} " in folded for word in _tables().get("abort", ()))
