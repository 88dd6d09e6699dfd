"""The expectation checker of the conversation corpus: one turn's expectations against what was observed.

Pure functions on plain data (no server, no Redis), so the checker itself is unit-tested on handmade
replies (tests/unit/test_conversation_checks.py). The keys are those of tests/conversations/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

NEXT_STEP = re.compile(r"(?i)(kann ich (ihnen )?(sonst|noch|weiter)|sonst noch|noch etwas|weitere[sn]? (frage|anliegen)"
                       r"|möchten sie (jetzt|auch|noch))")
GOODBYE = re.compile(r"(?i)auf wiedersehen|auf wiederhören|tschüss")
KEYS = ("says", "not_says", "first_says", "asks_for", "not_asks_for", "slots", "buttons", "not_buttons", "case",
        "handover", "next_step", "in_language")
MIN_LETTERS = 15  # shorter messages (a time, a name, a number) say nothing about their language


def language_of(text: str) -> str:
    """The language a bot message is written in (lingua over the supported languages), German terms in
    brackets ("(Bürgergeld)"), quoted examples, names and addresses ("Geschäftsstelle Nord, Nordring 25") and
    values left out; "" for a message with too few letters."""
    from bot.language.detection import Detector, language_words

    words = language_words(re.sub(r"\([^)]*\)|„[^“]*“|“[^”]*”|\{[^}]*\}", " ", text))
    if sum(ch.isalpha() for ch in words) < MIN_LETTERS:
        return ""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = Detector(("de", "uk", "ru", "ar", "tr", "en"))
    guesses = _DETECTOR.guesses(words)
    return guesses[0].language if guesses else ""


_DETECTOR: Any = None


@dataclass
class Observed:
    """What one turn produced: the bot's messages, the tracker after the turn, the cases created in the
    turn (raw CaseStore dicts) and the conversation's handover state (bot | queued | agent)."""

    messages: list[dict] = field(default_factory=list)
    slots: dict[str, Any] = field(default_factory=dict)
    new_cases: list[dict] = field(default_factory=list)
    handover: str = "bot"

    @property
    def texts(self) -> list[str]:
        return [m["text"] for m in self.messages if m.get("text")]

    @property
    def reply(self) -> str:
        return "\n".join(self.texts)

    @property
    def button_titles(self) -> list[str]:
        return [str(b.get("title", "")) for m in self.messages for b in (m.get("buttons") or [])]

    @property
    def requested_slot(self) -> str | None:
        return self.slots.get("requested_slot")


@dataclass
class Failure:
    key: str
    expected: Any
    got: Any

    def short(self, width: int = 70) -> str:
        return f"{self.key}: expected {_short(self.expected, width)} | got {_short(self.got, width)}"


def _short(value: Any, width: int) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def check_turn(expect: dict, seen: Observed) -> list[Failure]:
    """All failed expectations of a turn (empty: the turn passes). Unknown keys fail, so a typo in the
    corpus is not silently a pass."""
    failures: list[Failure] = []
    reply = seen.reply
    for key, wanted in expect.items():
        if key == "says":
            failures += [Failure(key, p, reply or "(no reply)") for p in _as_list(wanted) if not re.search(p, reply)]
        elif key == "not_says":
            failures += [Failure(key, f"not /{p}/", reply) for p in _as_list(wanted) if re.search(p, reply)]
        elif key == "first_says":
            first = seen.texts[0] if seen.texts else ""
            if not re.search(wanted, first):
                failures.append(Failure(key, wanted, first or "(no reply)"))
        elif key == "asks_for":
            if seen.requested_slot != wanted:
                failures.append(Failure(key, wanted, seen.requested_slot))
        elif key == "not_asks_for":
            if seen.requested_slot in _as_list(wanted):
                failures.append(Failure(key, f"not {wanted}", seen.requested_slot))
        elif key == "slots":
            for slot, value in wanted.items():
                actual = seen.slots.get(slot)
                if value is None:
                    if actual not in (None, [], ""):
                        failures.append(Failure(f"slots.{slot}", None, actual))
                elif actual is None or not re.fullmatch(str(value), str(actual)):
                    failures.append(Failure(f"slots.{slot}", value, actual))
        elif key == "buttons":
            titles = seen.button_titles
            failures += [Failure(key, p, titles) for p in _as_list(wanted)
                         if not any(re.search(p, t) for t in titles)]
        elif key == "not_buttons":
            titles = seen.button_titles
            failures += [Failure(key, f"not /{p}/", titles) for p in _as_list(wanted)
                         if any(re.search(p, t) for t in titles)]
        elif key == "case":
            failures += check_case(wanted, seen.new_cases)
        elif key == "handover":
            queued = seen.handover in ("queued", "agent")
            if wanted not in ("queued", "none"):
                failures.append(Failure(key, wanted, "unknown handover value"))
            elif (wanted == "queued") != queued:
                failures.append(Failure(key, wanted, seen.handover))
        elif key == "in_language":  # every message of the reply is in that language (ls: German)
            expected = "de" if wanted == "ls" else wanted
            for text in seen.texts:
                found = language_of(text)
                if found and found != expected:
                    failures.append(Failure(key, wanted, f"{found}: {text}"))
        elif key == "next_step":
            last = seen.texts[-1] if seen.texts else ""
            offers = bool(NEXT_STEP.search(last)) and not any(GOODBYE.search(t) for t in seen.texts)
            if offers != bool(wanted):
                failures.append(Failure(key, wanted, last or "(no reply)"))
        else:
            failures.append(Failure(key, "a known expectation key", "unknown key"))
    return failures


def case_problems(wanted: dict, case: dict) -> list[Failure]:
    """Why `case` (a raw CaseStore dict) is not the wanted case; empty when it is."""
    problems: list[Failure] = []
    fields = case.get("fields") or {}
    if "kind" in wanted and case.get("kind") != wanted["kind"]:
        problems.append(Failure("case.kind", wanted["kind"], case.get("kind")))
    for key, pattern in (wanted.get("fields") or {}).items():
        text = fields.get(key)
        if text is None or not re.search(str(pattern), str(text)):
            problems.append(Failure(f"case.fields.{key}", pattern, text))
    for key, pattern in (wanted.get("fields_not") or {}).items():
        text = fields.get(key)
        if text is not None and re.search(str(pattern), str(text)):
            problems.append(Failure(f"case.fields_not.{key}", f"not /{pattern}/", text))
    if "customer" in wanted and case.get("customer") != wanted["customer"]:
        problems.append(Failure("case.customer", wanted["customer"], case.get("customer")))
    if "identified" in wanted:
        if wanted["identified"]:
            if not case.get("customer"):
                problems.append(Failure("case.identified", True, case.get("customer")))
        else:
            texts = [str(case.get("summary", ""))] + [str(v) for k, v in fields.items() if k != "werte"]
            marked = any(re.search(r"(?i)nicht identifiziert", t) for t in texts)
            if case.get("customer") or not marked:
                problems.append(Failure("case.identified", "no customer, marked 'nicht identifiziert'",
                                        f"customer={case.get('customer')}, summary={case.get('summary', '')}"))
    if "priority" in wanted and case.get("priority") != wanted["priority"]:
        problems.append(Failure("case.priority", wanted["priority"], case.get("priority")))
    return problems


def check_case(wanted: dict | None, new_cases: list[dict]) -> list[Failure]:
    """`case: null`: no case created in the turn; otherwise one created case must satisfy every key.
    With several candidates, the failures of the closest one (same kind, fewest problems) are reported."""
    if wanted is None:
        return [Failure("case", None, [c.get("kind") for c in new_cases])] if new_cases else []
    if not new_cases:
        return [Failure("case", f"a case {wanted.get('kind', '')}".strip(), "no case created in this turn")]
    best: list[Failure] | None = None
    for case in new_cases:
        problems = case_problems(wanted, case)
        if not problems:
            return []
        if best is None or len(problems) < len(best):
            best = problems
    assert best is not None
    return best
