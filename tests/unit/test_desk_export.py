"""Desk exports (CSV for spreadsheets, XML per case for the e-file), German labels, and the desk's own
records (display names, "Meine Gespräche", notes, canned responses)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest

from bot.desk.export import BOM, case_xml, cases_csv, safe_cell
from bot.desk.labels import PRIORITIES, STATUSES, desk_labels, field_label, field_value, label, readable_date

KINDS = {"rueckruf": "Rückrufbitte", "krankmeldung": "Krankmeldung"}
OFFICES = {"nord": "Geschäftsstelle Nord"}


def case(**changes) -> dict:
    base = {"id": "V-2026-000001", "kind": "rueckruf", "status": "in_bearbeitung", "priority": "urgent",
            "customer": "12345BG0000001", "office": "nord", "assignee": "=HYPERLINK(\"http://x\")",
            "created_at": "2026-11-29T09:24:42", "channel": "webchat", "summary": "Rückruf wegen Zahlung",
            "fields": {"kontakt": "+49 221 123456", "thema": "ask_payment", "wunschzeit": "vormittags"},
            "notes": [{"text": "@SUM(A1)", "by": "anna", "at": "2026-11-29T10:00:00"}],
            "history": [{"change": "status", "value": "in_bearbeitung", "by": "anna", "at": "2026-11-29T10:00:00"}],
            "transcript": ["Bürger/in: Grüße aus Köln"]}
    return {**base, **changes}


def rows(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM):]), delimiter=";"))


@pytest.mark.parametrize("dangerous", ["=1+1", "+49 221", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_quoted(dangerous):
    assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("Köln") == "Köln" and safe_cell(None) == ""


def test_csv_has_bom_german_columns_labels_and_one_column_per_field():
    table = rows(cases_csv([case(), case(id="V-2026-000002", kind="krankmeldung", status="neu", priority="normal",
                                         fields={"zeitraum": "23.11.2026 bis 25.11.2026"}, notes=[])], KINDS, OFFICES))
    header = table[0]
    assert header[:4] == ["Vorgang", "Art", "Status", "Priorität"]
    assert "Kontakt" in header and "Thema" in header and "Wunschzeit" in header and "Zeitraum" in header
    first = dict(zip(header, table[1]))
    assert first["Art"] == "Rückrufbitte" and first["Status"] == "in Bearbeitung" and first["Priorität"] == "dringend"
    assert first["Geschäftsstelle"] == "Geschäftsstelle Nord" and first["Kanal"] == "Chat"
    assert first["Erstellt am"] == "29.11.2026 09:24"
    assert first["Thema"] == "Zahlung / Auszahlung"  # a code in a field gets its label too
    assert first["Kontakt"] == "'+49 221 123456"
    second = dict(zip(header, table[2]))
    assert second["Zeitraum"] == "23.11.2026 bis 25.11.2026" and second["Kontakt"] == ""
    assert "{" not in "".join(table[1])  # no JSON blob


def test_no_csv_cell_starts_with_a_formula_character():
    text = cases_csv([case(summary="-Abzug", fields={"grund": "=cmd|' /C calc'!A0"})], KINDS, OFFICES)
    for row in rows(text):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "Grüße aus Köln" in text  # umlauts as they are


def test_xml_export_is_well_formed_with_codes_and_labels():
    document = ET.fromstring(case_xml(case(summary="Steuer\x01zeichen"), [{"number": 1, "name": "AU.pdf",
                                                                            "type": "application/pdf", "size": 1234}],
                                      KINDS, OFFICES))
    assert document.tag == "vorgang" and document.get("id") == "V-2026-000001"
    assert document.find("art").text == "Rückrufbitte" and document.find("art").get("code") == "rueckruf"
    assert document.find("erstellt").text == "29.11.2026 09:24"
    angaben = {a.get("schluessel"): (a.get("bezeichnung"), a.text) for a in document.find("angaben")}
    assert angaben["thema"] == ("Thema", "Zahlung / Auszahlung")
    assert document.find("anhaenge/anhang").text == "AU.pdf"
    assert document.find("zusammenfassung").text == "Steuerzeichen"


def test_every_code_has_a_german_label():
    labels = desk_labels()
    for code in ("crisis", "urgent", "high", "normal"):
        assert label(PRIORITIES, code) != code or code == "normal"
    assert label(STATUSES, "in_bearbeitung") == "in Bearbeitung"
    assert labels["topics"]["request_human"] == "Wunsch nach einer Person"
    assert labels["channels"]["rest"] != "rest" and labels["channels"]["voice"] == "Anruf"
    assert field_label("zeitraum") == "Zeitraum" and field_label("some_key") == "Some key"
    assert field_value("thema", "inform") == "Angabe / Auskunft" and label({}, "neu_code") == "neu code"


def test_every_domain_intent_has_a_topic_label():
    from bot import PROJECT_ROOT
    from bot.content import domain_intents

    missing = set(domain_intents(PROJECT_ROOT)) - set(desk_labels()["topics"])
    assert not missing


def test_dates_read_as_berlin_time():
    assert readable_date("2026-11-29T09:24:42") == "29.11.2026 09:24"
    assert readable_date("2026-07-01T08:00:00+00:00") == "01.07.2026 10:00"
    assert readable_date(dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc)) == "02.01.2026 04:04"
    assert readable_date("") == "" and readable_date("kein Datum") == "kein Datum"


def test_citizens_read_the_display_name_never_the_login(redis_client, tmp_path):
    from bot.desk.accounts import Accounts
    from bot.handover.state import Handover

    accounts = Accounts(tmp_path / "users.json")
    accounts.add("sschmidt", "agent", "pw", display="Frau Schmidt")
    accounts.add("tmeier", "agent", "pw")
    with pytest.raises(ValueError):
        accounts.add("x", "agent", "pw", display="Frau \u202eSchmidt")
    handover = Handover(redis_client)
    handover.enqueue("c1")
    assert handover.claim("c1", "sschmidt", accounts.display_name("sschmidt"))[0]
    line = handover.transcript("c1")[-1]
    assert line["text"] == "Frau Schmidt hat das Gespräch übernommen." and "sschmidt" not in line["text"]
    assert handover.release("c1", "sschmidt", display=accounts.display_name("sschmidt"))
    handover.enqueue("c2")
    handover.claim("c2", "tmeier", accounts.display_name("tmeier"))
    assert handover.transcript("c2")[-1]["text"] == "Das Service Center hat das Gespräch übernommen."


def test_my_conversations_follow_the_handover_state(redis_client):
    from bot.desk.worklist import Worklist
    from bot.handover.state import Handover

    handover = Handover(redis_client)
    work = Worklist(redis_client, handover)
    for minute, sender in enumerate(("c", "a", "b")):
        handover.enqueue(sender, topic="ask_payment", customer="12345BG0000001")
        handover.claim(sender, "anna")
        work.took("anna", sender, {"topic": "ask_payment", "claimed_at": f"2026-11-29T10:0{minute}:00"})
    handover.add_line("b", "citizen", "Hallo?")
    assert [c["sender"] for c in work.mine("anna")] == ["c", "a", "b"]  # in the order they were taken
    assert handover.release("c", "anna")
    mine = {c["sender"]: c for c in work.mine("anna")}
    assert set(mine) == {"a", "b"} and mine["b"]["last_text"] == "Hallo?" and mine["b"]["citizen_ids"]
    assert work.mine("ben") == []
    note = work.add_note("a", "anna", "Kundin ruft morgen zurück")
    assert work.notes("a") == [note]


def test_canned_responses_have_unique_shortcuts(redis_client):
    from bot.desk.worklist import CannedResponses

    store = CannedResponses(redis_client)
    seeded = store.all([("Moment", "moment", "Einen Moment bitte.")])
    assert [e["shortcut"] for e in seeded] == ["moment"]
    with pytest.raises(ValueError):
        store.save("", "Anderer", "moment", "Text")
    with pytest.raises(ValueError):
        store.save("", "Leer", "", " ")
    entry = store.save("", "Unterlagen", "unterlagen", "Bitte senden Sie uns die Unterlagen.")
    changed = store.save(entry["id"], "Unterlagen", "ul", "Neu")
    assert changed["id"] == entry["id"] and len(store.all()) == 2
    assert store.delete(entry["id"]) and len(store.all()) == 1
