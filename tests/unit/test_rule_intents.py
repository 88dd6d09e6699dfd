"""Intents decided by a rule on the words (config.yml `rule_intents`), not by the classifier: the rule must
take every training example of its intent and none of any other intent (it is measured here instead of in
the NLU gate's cross-validation, like the safety rules in make test-safety)."""

from pathlib import Path

import yaml

from bot.language.nlu import rule_patterns

ROOT = Path(__file__).resolve().parents[2]


def _rules() -> dict:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    component = next(c for c in config["pipeline"] if c["name"].endswith("GermanIntentClassifier"))
    return rule_patterns(component["rule_intents"])


def _examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "data" / "nlu").rglob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                text = line.strip()[2:].strip()
                if "intent" in block and text:
                    found.append((block["intent"], text))
    return found


def test_each_rule_intent_takes_all_its_examples_and_no_other():
    rules = _rules()
    assert "privacy_request" in rules
    examples = _examples()
    for intent, rule in rules.items():
        own = [text for name, text in examples if name == intent]
        assert len(own) >= 50
        assert [text for text in own if not rule.search(text)] == []
        assert [(name, text) for name, text in examples if name != intent and rule.search(text)] == []


def test_privacy_rule_on_citizen_phrasings():
    rule = _rules()["privacy_request"]
    for text in ("welche daten habt ihr über mich gespeichert? ich will auskunft nach dsgvo",
                 "löscht bitte alle meine daten aus dem chat", "wer liest das hier mit?"):
        assert rule.search(text), text
    for text in ("ich habe eine beschäftigung aufgenommen", "liest hier ein mensch mit", "meine zugangsdaten gehen nicht",
                 "bitte löschen sie meine e-mail adresse aus den erinnerungen"):
        assert not rule.search(text), text
