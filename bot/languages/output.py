"""What goes out in a conversation that is not German: a German text (no translation yet) gets one line
before it, in the citizen's language, saying so (content/languages/<code>.yml `lines.fallback`).

Which texts are German is decided on the text itself (lingua, `detect`), not on the keys: a text written
in code or a translation that is missing is caught the same way. Names and terms in brackets
("(Bürgergeld)") do not make a translated text German. Leichte Sprache is German: no line.
"""

from __future__ import annotations

import re
from typing import Any

from bot.language.detection import language_words
from bot.languages.detect import language_rule, script_of
from bot.languages.registry import GERMAN, get_catalog

MIN_LETTERS = 25  # shorter texts ("Öffnungszeiten", a list of times) are not judged
GERMAN_SURE = 0.9


_NAMED = re.compile(r"\([^)]*\)|„[^“]*“|\"[^\"]*\"|“[^”]*”|«[^»]*»")


def looks_german(text: str) -> bool:
    """A text surely German: without terms in brackets ("(Bürgergeld)"), quoted examples, names and values."""
    words = language_words(_NAMED.sub(" ", text))
    if sum(ch.isalpha() for ch in words) < MIN_LETTERS or script_of(words) != "latin":
        return False
    guesses = language_rule().detector.guesses(words)
    return bool(guesses) and guesses[0].language == GERMAN and guesses[0].confidence >= GERMAN_SURE


def with_fallback_note(responses: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    """`responses` (the action server's) with the fallback line before the first German text."""
    if language == GERMAN:
        return responses
    catalog = get_catalog()
    if catalog.languages.get(language, None) is None or catalog.languages[language].variant_of:
        return responses
    for index, response in enumerate(responses):
        text = response.get("text")
        if isinstance(text, str) and looks_german(text):
            note = catalog.line(language, "fallback")
            if note and language in catalog.translations:
                changed = dict(response, text=f"{note}\n\n{text}")
                return [*responses[:index], changed, *responses[index + 1:]]
            return responses
    return responses
