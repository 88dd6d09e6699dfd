"""The safety check: is a citizen's message a crisis, an acute lack of money, or a threat?

Runs on every citizen message, in every channel, before the intent decision (see `component.py`).
It is deliberately rule-based: a statistical intent model trained on a few dozen examples per class
confuses "ich bring mich um" with "ich bring euch um" and "was passiert wenn ..." with a threat, and
a crisis must never depend on a confidence threshold. The rules work on a folded form of the text
(lower case, umlauts and doubled letters collapsed, punctuation kept as sentence marks), so that
"Suizid", "suizied", "SUIZID!!" and "ich bringe mich um" / "ich bring mich umm" meet the same pattern.

Classes, in order of precedence (a message with a crisis and a threat is a crisis):
- `crisis`: suicidal thoughts or plans, self-harm, acute danger, violence at home, "ich kann nicht mehr";
- `threat`: a clear threat of violence or damage against staff, offices or the Jobcenter;
- `threat_possible`: a vague menace ("ihr werdet schon sehen") — reviewed by a supervisor, no alert;
- `urgent_need`: no money, food or power today, the payment has not arrived;
- `none`: everything else, including insults, complaints and worried questions about consequences.

Measured on the labelled set in tests/safety/ with `python -m bot.safety.evaluate` (figures in
docs/security.md). The patterns are code, not content: a mistake here can cost a life, so every change
goes through review and the gate in `make test`. The tables are in `rules.py` (crisis recall 100 %, threat false positives ≤ 1 %).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.safety import rules as _rules
from bot.safety.languages import assess_other_languages  # PRACTICAL_TROUBLE: raw text, not folded
from bot.safety.rules import (
    CRISIS_IDIOMS,
    CRISIS_PHRASES,
    EVERYDAY_LOSS,
    LEGAL_STEPS,
    THREAT_IDIOMS,
    THREAT_PHRASES,
    URGENT_NEED_PHRASES,
    VAGUE_MENACE,
    VIOLENCE_AT_HOME,
    WAIVER,
    fold,
)
from bot.safety.rules import MAX_CHARS as MAX_CHARS  # re-exported: the limit of the check

CRISIS, THREAT, THREAT_POSSIBLE, URGENT_NEED, NONE = "crisis", "threat", "threat_possible", "urgent_need", "none"
CLASSES = (CRISIS, THREAT, THREAT_POSSIBLE, URGENT_NEED, NONE)


@dataclass(frozen=True)
class Verdict:
    kind: str
    rule: str = ""  # the pattern group that decided (for tests and logs; never the citizen's words)

    @property
    def is_crisis(self) -> bool:
        return self.kind == CRISIS


def _crisis_hit(folded: str) -> str:
    """'violence', 'crisis' or '' for the first sentence that holds a crisis phrase."""
    for sentence in re.split(r" \. ", folded):
        for form in _variants(sentence):
            if VIOLENCE_AT_HOME.search(form):
                return "violence"
            if CRISIS_PHRASES.search(form) and not _only_idiom(form):
                return "crisis"
    return ""


def _variants(sentence: str) -> tuple[str, str]:
    """The sentence with its commas (for 'ich kann nicht mehr, ...') and without (for phrases that
    citizens split with a comma: 'weg, für immer')."""
    sentence = f" {sentence.strip()} "
    return sentence, re.sub(r"(?: ,)+", "", sentence)


def _only_idiom(sentence: str) -> bool:
    """True when every crisis phrase of the sentence is part of an idiom ('das bringt mich noch um')."""
    if not CRISIS_IDIOMS.search(sentence):
        return False
    return not CRISIS_PHRASES.search(CRISIS_IDIOMS.sub(" ", sentence))


def assess(text: str) -> Verdict:
    """The safety class of one citizen message (see the module docstring)."""
    if not text or text.startswith("/"):  # a button payload, not words
        return Verdict(NONE)
    with_commas = fold(text)
    if rule := _crisis_hit(with_commas):
        return Verdict(CRISIS, rule)
    if assess_other_languages(text) == CRISIS:  # a crisis in another language comes before a German threat
        return Verdict(CRISIS, "crisis_other_language")
    folded = re.sub(r"(?: ,)+", "", with_commas)
    if THREAT_PHRASES.search(THREAT_IDIOMS.sub(" ", folded)):
        return Verdict(THREAT, "threat")
    if VAGUE_MENACE.search(folded) and not LEGAL_STEPS.search(folded.replace(" nicht vor gericht", " ")):
        return Verdict(THREAT_POSSIBLE, "threat_possible")
    if URGENT_NEED_PHRASES.search(WAIVER.sub(" ", folded)):
        return Verdict(URGENT_NEED, "urgent_need")
    if other := assess_other_languages(text):  # Ukrainian, Arabic, Turkish, Russian, English (languages.py)
        return Verdict(other, f"{other}_other_language")
    return Verdict(NONE)


def everyday_loss(text: str) -> bool:
    """A forgotten number or a lost letter ("ich weiß meine Nummer nicht mehr") and little else: never a crisis
    by the model (a message that says more is still scored)."""
    folded = f" {fold(text)} "
    if not EVERYDAY_LOSS.search(folded):
        return False
    return len(re.findall(r"[a-z]+", EVERYDAY_LOSS.sub(" ", folded))) <= 4


def model_text(text: str) -> str:
    """The message as the safety model scores it: without a practical problem named with the crisis words
    ("weiß nicht mehr weiter mit den Rechnungen"), which the rules leave out too; every other word still counts."""
    return _rules.PRACTICAL_TROUBLE.sub(" ", text)


def must_be_seen(text: str) -> bool:
    """A crisis or a threat: never hidden from the safety check (see bot/identity/guard.py `shield`)."""
    return assess(text).kind in (CRISIS, THREAT)
