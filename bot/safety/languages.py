"""The safety check for messages in the other supported languages (Ukrainian, Arabic, Turkish, Russian,
English): one pattern table per language in bot/safety/data/languages/<code>.yml.

The German rules (`rules.py`) read a folded Latin form of the text and cannot see Cyrillic or Arabic
letters; these patterns are searched in the message after Unicode NFC normalisation and `casefold()`. Every
language's patterns are searched in every message (a Russian word in a Ukrainian message still counts).
Each language's `not_threat` idioms ("this queue is killing me", "I'll take you to court") are cut out of
the message first (only those words: "I'll sue you and then kill you" still counts); then, in the order of
`detect.assess`: crisis, threat, acute need. Measured per language on tests/safety/languages/<code>.yml (`python -m bot.safety.evaluate`,
tests/unit/test_safety_languages.py): every crisis found, no everyday message taken for a threat.
Patterns are code: every change goes through review and that test.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

FOLDER = Path(__file__).parent / "data" / "languages"
KINDS = ("crisis", "threat", "urgent_need", "not_threat")


@dataclass(frozen=True)
class Table:
    language: str
    patterns: dict[str, re.Pattern[str] | None]

    def search(self, kind: str, text: str) -> bool:
        pattern = self.patterns.get(kind)
        return bool(pattern and pattern.search(text))


def load_table(path: Path) -> Table:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    patterns: dict[str, re.Pattern[str] | None] = {}
    for kind in KINDS:
        alternatives = [str(p) for p in data.get(kind) or [] if str(p).strip()]
        patterns[kind] = re.compile("|".join(f"(?:{p})" for p in alternatives)) if alternatives else None
    return Table(str(data.get("language") or path.stem), patterns)


@lru_cache(maxsize=1)
def tables() -> tuple[Table, ...]:
    return tuple(load_table(path) for path in sorted(FOLDER.glob("*.yml")))


# Arabic vowel marks and the stretching tatweel ("انتحـــار"), and the dot that casefold() leaves after a
# Turkish capital İ ("İNTİHAR" -> "i̇ntihar"): not part of the words the patterns spell
_MARKS = re.compile("[\u064B-\u0652\u0640\u0307]")


def prepared(text: str) -> str:
    return " " + " ".join(_MARKS.sub("", unicodedata.normalize("NFC", text).casefold()).split()) + " "


def assess_other_languages(text: str) -> str:
    """'crisis', 'threat', 'urgent_need' or '' for the other languages' patterns."""
    prepared_text = prepared(text[:5000])
    rest = prepared_text
    for table in tables():  # idioms ("this queue is killing me", "бьет тревогу") are cut out, the rest counts
        pattern = table.patterns.get("not_threat")
        rest = pattern.sub(" ", rest) if pattern else rest
    if any(t.search("crisis", rest) for t in tables()):
        return "crisis"
    if any(t.search("threat", rest) for t in tables()):
        return "threat"
    if any(t.search("urgent_need", prepared_text) for t in tables()):
        return "urgent_need"
    return ""
