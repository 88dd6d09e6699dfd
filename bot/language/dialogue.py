"""Facts about the conversation so far, computed from the tracker's event list."""

from __future__ import annotations

import re
from typing import Any, Iterable

from bot.language.formatting import WEEKDAYS
from bot.language.textparse import normalise

# Words that make a short answer meaningful without digits.
VALUE_WORDS = {
    "mitte", "nord", "sued", "sud", "egal", "heute", "morgen", "uebermorgen", "vormittags", "nachmittags",
    "vormittag", "nachmittag", "frueh", "abends", "woche", "monat", "januar", "februar", "maerz", "april", "mai",
    "juni", "juli", "august", "september", "oktober", "november", "dezember", "allein", "alleine", "zweit",
    "dritt", "viert", "fuenft", "personen", "person", "kinder", "kind", "beratung", "antrag", "euro",
    "eins", "zwei", "drei", "vier", "fuenf", "sechs", "sieben", "acht", "neun", "zehn", "bg", "kundennummer",
}

# Messages the assistant could not help with: unsure NLU, or outside its topics.
MISUNDERSTOOD = {"nlu_fallback", "out_of_scope"}


def is_miss(intent: str | None, text: str) -> bool:
    """Not understood: unsure NLU, outside the topics, or an "inform" that carries no value at all
    (short gibberish tends to look like a short answer)."""
    if intent in MISUNDERSTOOD:
        return True
    return intent == "inform" and not has_value(text)


def has_value(text: str) -> bool:
    """Does a short answer contain anything the assistant can use (a number, a day, a name, ...)?"""
    norm = normalise(text)
    if re.search(r"\d", norm) or "@" in norm:
        return True
    words = set(re.findall(r"[a-z]+", norm))
    return bool(words & VALUE_WORDS) or any(w.startswith(d) for w in words for d in WEEKDAYS)


def consecutive_misses(events: Iterable[dict[str, Any]]) -> int:
    """How many of the latest user messages in a row the assistant did not understand."""
    count = 0
    for event in reversed(list(events)):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if not is_miss(intent, event.get("text") or ""):
            break
        count += 1
    return count
