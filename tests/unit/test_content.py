"""Content files load, and each kind of editor mistake is reported with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import ContentError, load_content
from tests.conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def replace(project: Path, file: str, old: str, new: str) -> int:
    """Edit a content file; return the 1-based line of the edit."""
    path = project / "content" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {file}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def problems(project: Path) -> list[str]:
    with pytest.raises(ContentError) as error:
        load_content(project)
    return [str(p) for p in error.value.problems]


def test_shipped_content_is_valid():
    content = load_content(ROOT)
    assert set(content.offices) == {"mitte", "nord", "sued"}
    assert content.figures["regelbedarf_1"].value == 563
    assert content.kdu.limit_for(3).rent == 468.0


def test_yaml_syntax_error_names_file_and_line(project):
    line = replace(project, "kdu.yml", "  3: {rent: 468.00, size_m2: 75}", "  3: {rent: 468.00, size_m2: 75")
    found = problems(project)
    assert len(found) == 1
    assert found[0].startswith("content/kdu.yml, Zeile ")
    assert "YAML-Syntaxfehler" in found[0]
    assert abs(int(found[0].split("Zeile ")[1].split(":")[0]) - line) <= 1


def test_wrong_time_format_names_line_and_value(project):
    line = replace(project, "jobcenter.yml", "      freitag: 08:00-12:00\n    directions: Buslinie", "      freitag: 8 bis 12\n    directions: Buslinie")
    found = problems(project)
    assert found == [f"content/jobcenter.yml, Zeile {line}: „offices.nord.hours.freitag“: „8 bis 12“ ist keine Zeitspanne im Format HH:MM-HH:MM."]


def test_misspelled_weekday_is_reported(project):
    replace(project, "jobcenter.yml", "      donnerstag: 08:00-12:00, 14:00-18:00\n      freitag: 08:00-12:00\n    directions: Buslinie",
            "      donerstag: 08:00-12:00, 14:00-18:00\n      freitag: 08:00-12:00\n    directions: Buslinie")
    assert any("„donerstag“ ist kein Wochentag" in p for p in problems(project))


def test_figure_that_is_not_a_number_is_reported(project):
    line = replace(project, "figures.yml", "regelbedarf_1: {value: 563,", "regelbedarf_1: {value: 563 Euro,")
    found = problems(project)
    assert found == [f"content/figures.yml, Zeile {line}: „figures.regelbedarf_1.value“: „563 Euro“ ist keine Zahl (Dezimalpunkt verwenden, z. B. 605.85)."]


def test_missing_stand_date_is_reported(project):
    replace(project, "figures.yml", "sofortzuschlag: {value: 25, unit: eur, stand: 2026-01-01,", "sofortzuschlag: {value: 25, unit: eur,")
    assert any("Pflichtangabe „stand“ fehlt" in p and "figures.yml" in p for p in problems(project))


def test_unknown_placeholder_in_answer_is_reported(project):
    replace(project, "answers.yml", "{regelbedarf_2}", "{regelbedarf_22}")
    found = problems(project)
    assert len(found) == 1 and "answers.yml" in found[0] and "{regelbedarf_22}" in found[0]


def test_button_to_unknown_intent_is_reported(project):
    replace(project, "answers.yml", "intent: ask_benefit_amount}\n      - {title: Vermögen", "intent: ask_money}\n      - {title: Vermögen")
    assert any("Unbekanntes Intent „ask_money“" in p for p in problems(project))


def test_missing_answer_for_an_intent_is_reported(project):
    replace(project, "answers.yml", "  thank:\n    text: Gern geschehen! Kann ich noch etwas für Sie tun?\n", "")
    assert any("Für das Intent „thank“ fehlt eine Antwort" in p for p in problems(project))


def test_kdu_table_with_gap_and_falling_rent_is_reported(project):
    replace(project, "kdu.yml", "  3: {rent: 468.00, size_m2: 75}\n", "")
    replace(project, "kdu.yml", "  5: {rent: 605.85", "  5: {rent: 105.85")
    found = problems(project)
    assert any("lückenlos" in p for p in found)
    assert any("steigen" in p for p in found)


def test_typo_in_key_is_reported(project):
    line = replace(project, "kdu.yml", "per_further_person:", "per_futher_person:")
    found = problems(project)
    assert f"content/kdu.yml, Zeile {line}: Unbekannter Eintrag „per_futher_person“" in found[0] or any(
        f"Zeile {line}: Unbekannter Eintrag „per_futher_person“" in p for p in found
    )


def test_several_problems_are_reported_together(project):
    replace(project, "figures.yml", "unit: percent, stand: 2026-01-01, label: \"Minderung", "unit: prozent, stand: 2026-01-01, label: \"Minderung")
    replace(project, "jobcenter.yml", "phone: 0221 9876-100", "phone:")
    found = problems(project)
    assert len(found) == 2
    assert {p.split(",")[0] for p in found} == {"content/figures.yml", "content/jobcenter.yml"}


def test_missing_file_is_reported(project):
    (project / "content" / "kdu.yml").unlink()
    assert problems(project) == ["content/kdu.yml, Zeile 1: Datei fehlt."]


def test_command_line_check_fails_on_broken_content(project, capsys):
    from bot.editor.content_check import main

    replace(project, "kdu.yml", "stand: 2026-01-01", "stand: 1.1.2026")
    assert main([str(project)]) == 1
    assert "content/kdu.yml, Zeile" in capsys.readouterr().err
    shutil.copy(ROOT / "content" / "kdu.yml", project / "content" / "kdu.yml")
    assert main([str(project)]) == 0


def test_legal_pages_are_required_and_must_be_web_addresses(project):
    assert load_content(project).legal["impressum"].startswith("https://")
    replace(project, "jobcenter.yml", "  impressum: https://www.jobcenter-musterstadt.de/impressum\n",
            "  impressum: javascript:alert(1)\n")
    replace(project, "jobcenter.yml", "  barrierefreiheit: https://www.jobcenter-musterstadt.de/barrierefreiheit\n", "")
    found = problems(project)
    assert len(found) == 2
    assert "„javascript:alert(1)“ ist keine Adresse" in found[0] or "„javascript:alert(1)“ ist keine Adresse" in found[1]
    assert any("barrierefreiheit" in p for p in found)
