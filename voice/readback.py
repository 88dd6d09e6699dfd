"""Identification values on the phone: keyed in (DTMF), read back in groups, confirmed or corrected.

A BG-Nummer or a birth date heard or keyed while the dialogue asks for it is not passed on at once: the
caller hears it back in groups ("eins zwei drei vier fünf, B G, null null null, null null null eins.
Stimmt das?") and confirms with "ja" (or key 1); "nein" (or key 2) asks again, and a new value in the
answer ("nein, eins zwei drei …") is read back in its place. Only a confirmed value goes to the dialogue,
in its written form. A crisis or threat is never held back (bot/safety).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import say
from bot.core.clock import today
from bot.identity.registry import find_birth_date, find_number
from voice.speech_text import MONTHS, NO, YES

VALUE_KINDS = ("number", "date")
DIGIT_NAMES = ["null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"]
_KEYS_BG = re.compile(r"^\d{12}$")  # a BG-Nummer keyed without its letters: 5 + 7 digits
_KEYS_DATE = re.compile(r"^\d{8}$")


def keyed(kind: str, keys: str) -> str:
    """What keypad digits mean where the dialogue asks for `kind`: twelve digits are a BG-Nummer
    (12345 + BG + 7 digits), eight a birth date (TTMMJJJJ -> TT.MM.JJJJ); otherwise the digits as they are."""
    if kind == "number" and _KEYS_BG.match(keys):
        return f"{keys[:5]}BG{keys[5:]}"
    if kind == "date" and _KEYS_DATE.match(keys):
        return f"{keys[:2]}.{keys[2:4]}.{keys[4:]}"
    return keys


def _digits(text: str) -> str:
    return " ".join(DIGIT_NAMES[int(d)] for d in text)


def spoken_groups(kind: str, value: str) -> str:
    """A value as it is read back: digits one by one in groups of at most four, letters spelled."""
    if kind == "date":
        day, month, year = value.split(".")
        return f"{int(day)}. {MONTHS[int(month) - 1]} {year}"
    parts = re.findall(r"\d+|[A-Za-z]+", value)
    groups = []
    for part in parts:
        if part.isdigit():
            size = 5 if len(part) == 5 else 3 if len(part) in (3, 6, 7) else 4
            if len(part) == 7:
                groups += [_digits(part[:3]), _digits(part[3:])]
            else:
                groups += [_digits(part[i:i + size]) for i in range(0, len(part), size)]
        else:
            groups.append(" ".join(part.upper()))
    return ", ".join(groups)


def value_in(kind: str, text: str) -> str | None:
    """The written value of `kind` in recognised or keyed words, or None."""
    if kind == "number":
        return find_number(text)
    if kind == "date":
        found = find_birth_date(text, today())
        return found.strftime("%d.%m.%Y") if found else None
    return None


@dataclass(frozen=True)
class Step:
    """What the call does with an utterance during identification."""

    say: str = ""  # speak this (and wait for the answer)
    send: str | None = None  # pass this to the dialogue
    expect: str = ""  # what the next utterance answers ("confirm" while a read-back waits)


class ReadBack:
    def __init__(self, phone: bool) -> None:
        self.phone = phone  # keys 1/2 are offered on phone lines
        self.kind = ""
        self.value: str | None = None  # waiting for confirmation

    @property
    def waiting(self) -> bool:
        return self.value is not None

    def _ask(self, kind: str, value: str) -> Step:
        self.kind, self.value = kind, value
        text = say("voice.read_back", value=spoken_groups(kind, value))
        return Step(say=f"{text} {say('voice.read_back_keys')}" if self.phone else text, expect="confirm")

    def heard(self, expect: str, words: str, keys: bool = False) -> Step:
        """The caller's words (or keyed digits) while the dialogue expects `expect`."""
        if self.value is None:
            if expect not in VALUE_KINDS:
                return Step(send=words)
            value = value_in(expect, keyed(expect, words) if keys else words)
            return self._ask(expect, value) if value else Step(send=words)
        kind, value = self.kind, self.value
        if keys and words in ("1", "2"):
            words = "ja" if words == "1" else "nein"
        corrected = value_in(kind, keyed(kind, words) if keys else words)
        if corrected and corrected != value:
            return self._ask(kind, corrected)
        if YES.match(words) or corrected == value:
            self.value = None
            return Step(send=value)
        self.value = None
        if NO.match(words):
            return Step(say=say(f"voice.read_back_again_{kind}"), expect=kind)
        return Step(send=words)  # something else entirely: the dialogue answers it
