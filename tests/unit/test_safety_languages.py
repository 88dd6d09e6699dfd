"""The safety check in the other languages (bot/safety/languages.py), measured on the labelled sets
tests/safety/languages/<code>.yml: every crisis is found, no everyday message is taken for a crisis or a
threat; and the other languages' patterns never fire on the German training examples of other intents."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.safety.detect import assess
from bot.safety.languages import assess_other_languages

SETS = sorted(glob.glob(str(PROJECT_ROOT / "tests" / "safety" / "languages" / "*.yml")))
EXPECTED = {"crisis": "crisis", "threat": "threat", "no_money": "urgent_need", "none": "none"}


def messages(path: str) -> list[tuple[str, str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [(m["label"], str(m["text"])) for m in data["messages"]]


@pytest.mark.parametrize("path", SETS, ids=[Path(p).stem for p in SETS])
def test_every_crisis_is_found_and_no_everyday_message_alarms(path: str) -> None:
    found = [(label, assess(text).kind, text) for label, text in messages(path)]
    missed_crisis = [t for label, kind, t in found if label == "crisis" and kind != "crisis"]
    false_alarm = [t for label, kind, t in found if label == "none" and kind in ("crisis", "threat")]
    threats = [kind == "threat" for label, kind, _ in found if label == "threat"]
    assert len([1 for label, _, _ in found if label == "crisis"]) >= 25
    assert missed_crisis == []
    assert false_alarm == []
    assert sum(threats) / len(threats) >= 0.9


def test_the_other_languages_patterns_stay_quiet_on_german_everyday_messages() -> None:
    quiet = {"crisis", "threat", "threat_possible", "urgent_need", "privacy_request"}
    alarms = []
    for path in sorted(glob.glob(str(PROJECT_ROOT / "data" / "nlu" / "de" / "*.yml"))):
        for block in yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]:
            if block.get("intent") in quiet:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:]
                if line.strip().startswith("- ") and assess_other_languages(text) in ("crisis", "threat"):
                    alarms.append(text)
    assert alarms == []
