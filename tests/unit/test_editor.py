"""Editor tools: the checks find each planted problem, the learning inbox redacts and groups, and
assigned messages become valid training data in the right file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.editor import checks
from bot.editor.learning import LearningInbox, write_examples
from tests.conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for folder in ("content", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def edit(project: Path, file: str, old: str, new: str) -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def messages(project: Path) -> list[str]:
    return [str(p) for p in checks.run_checks(project)]


def test_the_shipped_project_passes():
    assert checks.run_checks(ROOT) == []


def test_same_example_under_two_intents_is_found_with_both_places(project):
    edit(project, "data/nlu/de/flows.yml", "    - ich brauche einen termin\n",
         "    - ich brauche einen termin\n    - Oeffnungszeiten!\n")
    found = [m for m in messages(project) if "steht auch unter" in m]
    assert found and found[0].startswith("data/nlu/")
    assert "„ask_opening_hours“" in found[0] and "„book_appointment“" in found[0] and "Zeile" in found[0]


def test_too_few_examples_intent_without_rule_and_without_answer_are_found(project):
    text = (project / "data/nlu/de/general_and_faq.yml").read_text(encoding="utf-8")
    (project / "data/nlu/de/general_and_faq.yml").write_text(
        text + "- intent: ask_weather\n  examples: |\n    - wie wird das wetter\n    - regnet es morgen\n",
        encoding="utf-8")
    edit(project, "domain.yml", "  - request_certificate\n", "  - request_certificate\n  - ask_weather\n")
    found = messages(project)
    assert any("„ask_weather“ hat nur 2 Beispiele" in m for m in found)
    assert any("„ask_weather“ hat keine Regel" in m and m.startswith("domain.yml, Zeile ") for m in found)
    assert any("„ask_weather“ hat keine Antwort" in m for m in found)


def test_unused_text_and_broken_link_are_found(project):
    edit(project, "content/answers.yml", "templates:\n", "templates:\n  alter_hinweis: \"Gibt es nicht mehr.\"\n")
    edit(project, "content/documents.yml", 'url: "{website}/formulare/anlage-kdu.pdf"', 'url: "htps//kaputt de/kdu.pdf"')
    edit(project, "content/documents.yml", 'url: "{website}/formulare/mehrbedarf.pdf"',
         'url: "https://www.jobcenter-musterstadt/mehrbedarf.pdf"')
    found = messages(project)
    assert any("„alter_hinweis“ wird nirgends verwendet" in m for m in found)
    assert any("Link" in m and "jobcenter-musterstadt/mehrbedarf" in m and "documents.yml, Zeile" in m for m in found)


@pytest.mark.parametrize("example, kind", [
    ("meine iban ist DE44500105175407324931", "IBAN"),
    ("ruf mich an unter 0171 2345678", "Telefon"),
    ("meine bg nummer ist 54321BG0000123", "BG-Nummer"),
    ("schreiben sie an erika.beispiel@gmail.com", "E-Mail"),
    ("123B456789 geboren am 12.08.1985", "Kundennummer"),
])
def test_real_looking_personal_data_in_examples_is_found(project, example, kind):
    edit(project, "data/nlu/de/flows.yml", "    - ich brauche einen termin\n", f"    - ich brauche einen termin\n    - {example}\n")
    assert any(f"({kind}" in m or f", {kind}" in m for m in messages(project) if "personenbezogene" in m)


def test_fictional_values_by_convention_are_fine(project):
    for example in ("meine bg nummer ist 12345BG0000123", "iban DE89 3704 0044 0532 0130 00", "0123 4567890",
                    "max@example.org", "geboren am 01.02.1979"):
        edit(project, "data/nlu/de/flows.yml", "    - ich brauche einen termin\n",
             f"    - ich brauche einen termin\n    - {example}\n")
    assert not [m for m in messages(project) if "personenbezogene" in m]


def test_learning_inbox_redacts_counts_and_groups(redis_client):
    inbox = LearningInbox(redis_client)
    first = inbox.collect("Mein Name ist Erika Beispiel, BG 54321BG0000123, kann ich Möbel beantragen?", "fallback",
                          "ask_additional_needs", 0.21)
    assert inbox.collect("Mein Name ist Erika Beispiel, BG 54321BG0000123, kann ich Möbel beantragen?",
                         "fallback") == first
    inbox.collect("kann ich möbel beantragen", "unsure", "ask_additional_needs", 0.4)
    inbox.collect("wie wird das wetter morgen", "fallback", "out_of_scope", 0.1)
    items = {i["id"]: i for i in inbox.items()}
    assert "54321BG0000123" not in items[first]["text"] and "Erika" not in items[first]["text"]
    assert items[first]["count"] == 2
    groups = inbox.groups()
    assert len(groups) == 2 and groups[0]["suggestion"] == "ask_additional_needs" and len(groups[0]["items"]) == 2


def test_assigned_messages_become_valid_training_data_in_the_right_file(project, redis_client):
    from rasa.shared.nlu.training_data.loading import load_data

    folder = project / "data" / "nlu" / "de"
    path = write_examples("ask_additional_needs", ["Mein Name ist [Name], BG [BG-Nummer], kann ich Möbel beantragen?"],
                          folder)
    assert path.name == "general_and_faq.yml"
    data = load_data(str(folder))
    texts = {m.get("text"): m.get("intent") for m in data.intent_examples}
    added = "Mein Name ist Max Mustermann, BG 12345BG0000001, kann ich Möbel beantragen?"
    assert texts[added] == "ask_additional_needs"  # fictional values instead of placeholders
    assert checks.check_examples(checks.read_examples(project), checks.allowed_values(project)) == []
    new_intent = write_examples("ask_weather", ["wie wird das wetter"], folder)
    assert new_intent.name == "learned.yml"
    assert {m.get("text"): m.get("intent") for m in load_data(str(folder)).intent_examples}["wie wird das wetter"] \
        == "ask_weather"
