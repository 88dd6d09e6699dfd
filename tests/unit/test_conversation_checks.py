"""The conversation corpus's expectation checker (tests/conversations/checks.py) on handmade replies:
every key passes on a right reply and fails on a wrong one."""

from __future__ import annotations

import pytest

from tests.conversations.checks import Observed, check_turn


def seen(*texts: str, buttons: tuple[str, ...] = (), slots: dict | None = None, cases: list[dict] | None = None,
         handover: str = "bot") -> Observed:
    messages = [{"text": t} for t in texts]
    if buttons:
        messages.append({"buttons": [{"title": b, "payload": f"/choose{{\"x\": \"{b}\"}}"} for b in buttons]})
    return Observed(messages, slots or {}, cases or [], handover)


CASE = {"id": "V-2026-000001", "kind": "veraenderung", "priority": "normal", "customer": "12345BG0000002",
        "summary": "Veränderung: Umzug / neue Adresse",
        "fields": {"art": "Umzug / neue Adresse", "ab": "01.12.2026", "neue_adresse": "Nordring 5, 50733 Musterstadt",
                   "werte": {"ab": "2026-12-01"}}}
UNIDENTIFIED = {**CASE, "customer": None, "summary": "Veränderung (nicht identifiziert): Umzug"}

# key -> (expectation, a right observation, a wrong observation)
CASES = {
    "says": ({"says": ["Max Mustermann", r"Geschäftsstelle Nord"]},
             seen("Hallo Max Mustermann.", "Ihr Termin: Geschäftsstelle Nord"), seen("Hallo Max Mustermann.")),
    "not_says": ({"not_says": ["(?i)BG-Nummer"]}, seen("Welcher Tag passt?"), seen("Ihre bg-nummer bitte")),
    "first_says": ({"first_says": "0800 111 0 111"}, seen("Telefonseelsorge 0800 111 0 111", "Termin?"),
                   seen("Termin?", "Telefonseelsorge 0800 111 0 111")),
    "asks_for": ({"asks_for": "appointment_choice"}, seen("?", slots={"requested_slot": "appointment_choice"}),
                 seen("?", slots={"requested_slot": "id_number"})),
    "asks_for null": ({"asks_for": None}, seen("ok", slots={"requested_slot": None}),
                      seen("?", slots={"requested_slot": "id_number"})),
    "not_asks_for": ({"not_asks_for": ["id_number", "id_birth_date"]},
                     seen("?", slots={"requested_slot": "appointment_wish"}),
                     seen("?", slots={"requested_slot": "id_birth_date"})),
    "slots": ({"slots": {"customer_id": "12345BG0000002", "appointment_office": "nord|mitte"}},
              seen("ok", slots={"customer_id": "12345BG0000002", "appointment_office": "nord"}),
              seen("ok", slots={"customer_id": "12345BG0000002X", "appointment_office": "nord"})),
    "slots null": ({"slots": {"customer_id": None}}, seen("ok", slots={"customer_id": None}),
                   seen("ok", slots={"customer_id": "12345BG0000001"})),
    "buttons": ({"buttons": [r"07\.12\. 14:00 Uhr"]}, seen("Wählen Sie", buttons=("Mo 07.12. 14:00 Uhr",)),
                seen("Wählen Sie", buttons=("Mo 07.12. 09:00 Uhr",))),
    "not_buttons": ({"not_buttons": ["(?i)nein"]}, seen("?", buttons=("Ja, absenden",)),
                    seen("?", buttons=("Ja", "Nein"))),
    "case": ({"case": {"kind": "veraenderung", "fields": {"ab": r"01\.12\.2026"}, "customer": "12345BG0000002",
                       "priority": "normal", "identified": True, "fields_not": {"neue_adresse": "(?i)hab ich"}}},
             seen("Vorgang V-2026-000001", cases=[CASE]),
             seen("Vorgang", cases=[{**CASE, "fields": {**CASE["fields"], "neue_adresse": "hab ich doch gesagt"}}])),
    "case kind": ({"case": {"kind": "arbeit"}}, seen("ok", cases=[{**CASE, "kind": "arbeit"}]),
                  seen("ok", cases=[CASE])),
    "case none created": ({"case": {"kind": "veraenderung"}}, seen("ok", cases=[CASE]), seen("ok")),
    "case null": ({"case": None}, seen("ok"), seen("ok", cases=[CASE])),
    "case unidentified": ({"case": {"kind": "veraenderung", "identified": False, "customer": None}},
                          seen("ok", cases=[UNIDENTIFIED]), seen("ok", cases=[{**UNIDENTIFIED, "summary": "Umzug"}])),
    "case priority": ({"case": {"kind": "veraenderung", "priority": "urgent"}},
                      seen("ok", cases=[{**CASE, "priority": "urgent"}]), seen("ok", cases=[CASE])),
    "handover queued": ({"handover": "queued"}, seen("Sie sind Nummer 1", handover="queued"),
                        seen("Rückruf", handover="bot")),
    "handover none": ({"handover": "none"}, seen("Rückruf"), seen("Warteschlange", handover="queued")),
    "in_language": ({"in_language": "uk"}, seen("Добрий день! Чим я можу Вам допомогти сьогодні?", "10:00"),
                    seen("Добрий день! Чим я можу Вам допомогти сьогодні?",
                         "Bitte nennen Sie Ihre BG-Nummer, sie steht auf jedem Bescheid.")),
    "next_step": ({"next_step": True}, seen("Erledigt.", "Kann ich sonst noch helfen?"),
                  seen("Kann ich sonst noch helfen?", "Auf Wiedersehen!")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_key_passes_on_a_right_reply_and_fails_on_a_wrong_one(name):
    expect, right, wrong = CASES[name]
    assert check_turn(expect, right) == []
    failures = check_turn(expect, wrong)
    assert failures and all(f.key.split(".")[0] in {k.split(".")[0] for k in expect} | {"case"} for f in failures)


def test_next_step_needs_the_offer_in_the_last_message():
    assert check_turn({"next_step": True}, seen("Kann ich sonst noch helfen?", "Ihr Termin ist gebucht."))


def test_a_case_matches_when_one_of_several_new_cases_fits():
    assert check_turn({"case": {"kind": "veraenderung"}}, seen("ok", cases=[{**CASE, "kind": "lob"}, CASE])) == []


def test_an_unknown_key_fails_instead_of_passing_silently():
    assert [f.key for f in check_turn({"sayz": ["x"]}, seen("x"))] == ["sayz"]


def test_failures_carry_what_was_expected_and_what_came():
    failure = check_turn({"says": ["Nord"]}, seen("Geschäftsstelle Süd"))[0]
    assert (failure.key, failure.expected, failure.got) == ("says", "Nord", "Geschäftsstelle Süd")
    assert "expected Nord" in failure.short()
