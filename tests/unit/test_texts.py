"""content/texts.yml: every text present, only its own placeholders, mistakes reported with file and line,
and an editor's change reaches what the assistant says."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.content import TEXT_FIELDS, ContentError, get_content, load_content, say
from tests.conftest import ROOT
from tests.unit.test_content import problems, replace


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


@pytest.fixture
def edited_content(project, monkeypatch):
    """The project's content replaced by the copy in `project` (CONTENT_DIR), for code that loads it itself."""
    monkeypatch.setenv("CONTENT_DIR", str(project / "content"))
    get_content.cache_clear()
    yield project
    monkeypatch.delenv("CONTENT_DIR")
    get_content.cache_clear()


def test_every_text_is_there():
    texts = load_content(ROOT).texts
    assert set(texts) == {f"{section}.{key}" for section, keys in TEXT_FIELDS.items() for key in keys}
    assert all(text.strip() for text in texts.values())


def test_placeholders_are_filled():
    assert say("declarations.iban_wrong_length", country="DE", expected=22, given=21).count("{") == 0
    assert "{country}" in say("declarations.iban_wrong_length")  # not given: left for the reader to notice


def test_missing_text_names_file_and_line(project):
    line = replace(project, "texts.yml", "  iban_checksum: >-\n", "  iban_pruefziffer: >-\n")
    found = problems(project)
    assert found[0].startswith(f"content/texts.yml, Zeile {line}: Unbekannter Eintrag „iban_pruefziffer“")
    assert any("„declarations“: Der Text „iban_checksum“ fehlt." in p and p.startswith("content/texts.yml, Zeile ")
               for p in found)


def test_unknown_placeholder_names_file_line_and_the_allowed_ones(project):
    line = replace(project, "texts.yml", "Die Nachricht ist zu lang (höchstens {max} Zeichen)",
                   "Die Nachricht ist zu lang (höchstens {maximum} Zeichen)")
    assert problems(project) == [
        f"content/texts.yml, Zeile {line - 1}: „channels.message_too_long“: Unbekannter Platzhalter „{{maximum}}“ "
        "(erlaubt: {max})."]


def test_missing_file_and_unknown_section_are_reported(project):
    replace(project, "texts.yml", "\nvoice:\n", "\nstimme:\n")
    found = problems(project)
    assert any("content/texts.yml" in p and "Unbekannter Eintrag „stimme“" in p for p in found)
    assert any("Pflichtangabe „voice“ fehlt" in p for p in found)
    (project / "content" / "texts.yml").unlink()
    assert problems(project) == ["content/texts.yml, Zeile 1: Datei fehlt."]


def test_command_line_check_reports_texts(project, capsys):
    from bot.editor.content_check import main

    replace(project, "texts.yml", "  yes_no: Bitte", "  ja_nein: Bitte")
    assert main([str(project)]) == 1
    err = capsys.readouterr().err
    assert "content/texts.yml, Zeile" in err and "„ja_nein“" in err and "Der Text „yes_no“ fehlt." in err


def test_an_editors_change_reaches_the_declaration_dialogue(edited_content):
    from bot.declarations import fields

    replace(edited_content, "texts.yml", "Die Prüfziffer dieser IBAN stimmt nicht",
            "Diese IBAN hat einen Tippfehler")
    assert fields.iban("DE89 3704 0044 0532 0130 01").message.startswith("Diese IBAN hat einen Tippfehler")
    replace(edited_content, "texts.yml", "Den {day}. gibt es in diesem Monat nicht.", "Einen {day}. hat der Monat nicht.")
    get_content.cache_clear()
    assert fields.period_answer("vom 30. bis 5. März", dt.date(2026, 11, 24)).message.startswith(
        "Einen 30. hat der Monat nicht.")


def test_an_editors_change_reaches_the_summary_and_the_phone(project):
    from bot.declarations import flow
    from bot.declarations.catalogue import get_catalogue
    from voice.speech_text import speakable

    replace(project, "texts.yml", "Soll ich das so absenden?", "Dürfen wir das so abschicken?")
    replace(project, "texts.yml", "say_yes_or_no: Bitte sagen Sie ja oder nein.", "say_yes_or_no: Sagen Sie ja oder nein.")
    content, catalogue = load_content(project), get_catalogue()
    declaration = catalogue.declarations["report_change"]
    state = {**flow.new_state(declaration, "neue bankverbindung", catalogue), "stage": "confirm"}
    summary = flow.prompt(declaration, state, catalogue, content).text
    assert summary.startswith("Bitte prüfen Sie Ihre Angaben (") and summary.endswith("Dürfen wir das so abschicken?")
    buttons = [{"title": "Ja", "payload": "ja"}, {"title": "Nein", "payload": "nein"}]
    assert speakable("Buchen?", buttons, content) == "Buchen? Sagen Sie ja oder nein."


def test_an_editors_change_reaches_the_appointment_wish(edited_content):
    from bot.appointments.booking import wish_error_text
    from bot.language.dates import parse_wish

    replace(edited_content, "texts.yml", "Den {date} gibt es nicht. Bitte nennen Sie ein anderes Datum.",
            "Am {date} geht es nicht, der Tag existiert nicht. Welcher Tag passt Ihnen?")
    error = parse_wish("am 31.02.", dt.datetime(2026, 11, 23, 9))
    assert wish_error_text(error) == \
        "Am 31.02. geht es nicht, der Tag existiert nicht. Welcher Tag passt Ihnen?"


def test_broken_texts_stop_loading(project):
    replace(project, "texts.yml", "  count_invalid: Bitte nennen Sie eine Zahl, zum Beispiel „5“.\n", "")
    with pytest.raises(ContentError):
        load_content(project)


def test_an_editors_change_reaches_what_the_desk_sends_the_citizen(edited_content, redis_url, redis_client, tmp_path):
    import asyncio
    import json

    from bot.desk.accounts import Accounts
    from bot.desk.server import Desk
    from bot.handover.state import EVENTS

    replace(edited_content, "texts.yml", "Sie schreiben jetzt wieder mit dem digitalen Assistenten.",
            "Ab jetzt antwortet wieder der digitale Assistent.")
    desk = Desk(redis_url, Accounts(tmp_path / "accounts.json"))
    session = {"user": "anna", "role": "agent", "office": "", "csrf": "t"}

    async def body(request):
        return {"sender": "citizen-1"}

    desk.require = lambda request, roles=None, csrf=True: session  # type: ignore[method-assign]
    desk.body = body  # type: ignore[method-assign]
    desk.handover.enqueue("citizen-1")
    assert desk.handover.claim("citizen-1", "anna")[0]
    events = redis_client.pubsub()
    events.subscribe(EVENTS)
    assert events.get_message(timeout=1)["type"] == "subscribe"
    asyncio.run(desk.handback(None))  # type: ignore[arg-type]
    sent = [json.loads(m["data"]) for m in iter(lambda: events.get_message(timeout=0.5), None)]
    expected = "Ab jetzt antwortet wieder der digitale Assistent. Fragen Sie gern weiter."
    assert expected == say("desk.back_to_bot")
    assert [e["line"]["text"] for e in sent if e["type"] == "to_citizen"] == [expected]
    assert desk.handover.transcript("citizen-1")[-1]["text"] == expected
