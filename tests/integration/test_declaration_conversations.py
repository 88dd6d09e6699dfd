"""Declarations end to end over REST: the trained model, the real action server and Redis.
Every declaration type, corrections, aborts, identification, a repeated "ja" and the case it leaves."""

from __future__ import annotations

import json

import pytest
import redis

from tests.content_texts import said
from tests.integration.test_appointment_conversations import Conversation

MAX = ("12345BG0000002", "01.02.1979")


def case_of(assistant, answer: str, marker: str = "Nummer") -> dict:
    case_id = next(w.strip(".:,") for w in answer.split(marker, 1)[1].split() if w.strip(".:,").startswith("V-"))
    client = redis.Redis.from_url(assistant.redis_url, decode_responses=True)
    return {"id": case_id, **json.loads(client.hget(f"case:{case_id}", "data"))}


def identify(chat: Conversation, who=MAX) -> str:
    chat.say(who[0])
    return chat.say(who[1])


CONVERSATIONS = [
    # (first message, answers after identification (None: no identification), expected text, case kind, fields)
    ("Ich bin umgezogen", ["Lindenweg 5, 50667 Musterstadt", "am 1.12.", "ja"], "Veränderungsmitteilung ist unter",
     "veraenderung", {"neue_adresse": "Lindenweg 5, 50667 Musterstadt"}),
    ("ich habe eine neue bankverbindung", ["DE89 3704 0044 0532 0130 00", "Max Mustermann", "ja, absenden"],
     "Veränderungsmitteilung ist unter", "veraenderung", {"iban": "DE89 3704 0044 0532 0130 00"}),
    ("ich habe ab nächsten monat einen neuen job", ["Bäckerei Schmidt", "1.12.", "25 Stunden",
                                                    "weiß ich nicht", "ja"],
     "Ihre Meldung ist unter", "arbeit", {"arbeitgeber": "Bäckerei Schmidt", "lohn": "keine Angabe"}),
    ("ich möchte mein einkommen melden", ["Minijob", "November 2026", "538 €", "538 €", "ja"],
     "Einkommensmeldung ist unter", "einkommen", {"betrag": "538 €"}),
    ("ich bin krank geschrieben", ["vom 23.11. bis 27.11.", "ja, liegt vor", "ja"], "Krankmeldung ist unter der",
     "krankmeldung", {"zeitraum": "23.11.2026 bis 27.11.2026"}),
    ("ich brauche mehr zeit für die unterlagen, fristverlängerung bitte",
     ["Aufforderung zur Mitwirkung vom 10.11.", "30.11.", "15.12.", "Ich warte noch auf Unterlagen der Bank", "ja"],
     "Fristverlängerung ist unter", "fristverlaengerung", {"bis": "15.12.2026"}),
    ("ich möchte meine bewerbungen nachweisen", ["Eigene Bewerbungen", "4", "Vier Bewerbungen als Lagerhelfer", "ja"],
     "Rückmeldung ist unter", "eigenbemuehungen", {"anzahl": "4"}),
    ("ich möchte auf bürgergeld verzichten", ["ja", "ganz", "1.1.27", "keine Angabe", "ja"],
     "Verzichtserklärung ist unter", "verzicht", {"umfang": "ganz"}),
    ("ich brauche eine leistungsbescheinigung für meinen vermieter", ["per Post", "ja"],
     "Anforderung ist unter", "bescheinigung", {"bescheinigung": "Leistungsbescheinigung"}),
    ("ich möchte mich beschweren", None, None, None, None),  # anonymous types: see below
]


@pytest.mark.parametrize("first, answers, expected, kind, fields", [c for c in CONVERSATIONS if c[1]])
def test_identified_declarations_become_cases(assistant, first, answers, expected, kind, fields):
    chat = Conversation(assistant)
    asked = chat.say(first)
    assert "BG-Nummer" in asked  # identification first
    identify(chat)
    for answer in answers:
        said = chat.say(answer)
    assert expected in said, said
    case = case_of(assistant, said)
    assert case["kind"] == kind and case["customer"] == MAX[0] and case["office"] == "nord"
    assert case["fields"].items() >= fields.items()
    assert any(line.startswith("Bürger/in: ") for line in case["transcript"])
    assert not any(MAX[1] in line for line in case["transcript"])  # the date of birth stays out


@pytest.mark.parametrize("first, answers, expected, kind", [
    ("ich möchte mich beschweren", ["Bearbeitungsdauer", "Seit sechs Wochen keine Antwort auf meinen Antrag", "ja",
                                    "0171 2345678", "ja"], "Beschwerde ist unter", "beschwerde"),
    ("ich möchte ein lob aussprechen", ["Frau Weber in Nord hat mir sehr geholfen", "ja"], "Lob ist unter", "lob"),
    ("ich will schwarzarbeit melden", ["Der Nachbar im 2. Stock arbeitet schwarz als Maler", "ja", "ja"],
     "Hinweis ist unter", "missbrauch"),
])
def test_anonymous_declarations_need_no_identification(assistant, first, answers, expected, kind):
    chat = Conversation(assistant, index=1)
    assert "BG-Nummer" not in chat.say(first)
    for answer in answers:
        said = chat.say(answer)
    assert expected in said
    case = case_of(assistant, said)
    assert case["kind"] == kind and case["customer"] is None


def test_absence_standard_case_is_approved_in_the_chat(assistant):
    client = redis.Redis.from_url(assistant.redis_url, decode_responses=True)
    client.delete("absence:12345BG0000003")
    chat = Conversation(assistant)
    assert "Zustimmung" in chat.say("ich möchte verreisen")
    identify(chat, ("12345BG0000003", "30.11.1990"))
    chat.say("vom 1.12. bis 21.12.")
    chat.say("nach Hamburg zu meiner Schwester")
    summary = chat.say("keine Angabe")
    listed = said("declarations.summary", summary)
    assert listed and "01.12.2026 bis 21.12.2026" in listed["lines"]
    done = chat.say("ja")
    assert "genehmigt" in done and "21 Tage" in done
    assert client.hget("absence:12345BG0000003", "2026") == "21"
    # the year is used up: the next request is forwarded, and the citizen is told why
    chat.say("ich fahre nochmal weg")
    chat.say("vom 27.12. bis 29.12.")
    chat.say("Köln")
    chat.say("keine Angabe")
    forwarded = chat.say("ja")
    assert "zur Entscheidung weitergeleitet" in forwarded and "noch 0 von 21" in forwarded


def test_correction_abort_and_a_repeated_yes_create_exactly_one_case(assistant):
    client = redis.Redis.from_url(assistant.redis_url, decode_responses=True)
    chat = Conversation(assistant, index=1)
    chat.say("neue iban")
    identify(chat)
    assert said("declarations.iban_checksum", chat.say("DE89 3704 0044 0532 0130 01")) is not None
    chat.say("DE89 3704 0044 0532 0130 00")
    chat.say("Max Mustermann")
    assert "Was möchten Sie korrigieren" in chat.say("korrigieren")
    assert "Wer ist Kontoinhaberin" in chat.say("Kontoinhaber/in")
    summary = chat.say("Max und Lisa Mustermann")
    assert "Max und Lisa Mustermann" in summary
    before = client.zcard("cases:index")
    done = chat.say("ja")
    chat.say("ja")  # a double click
    assert client.zcard("cases:index") == before + 1
    assert case_of(assistant, done)["fields"]["kontoinhaber"] == "Max und Lisa Mustermann"

    chat.say("ich bin umgezogen")
    chat.say("Lindenweg 5, 50667 Musterstadt")
    aborted = chat.say("abbrechen")
    assert "nichts gesendet" in aborted and client.zcard("cases:index") == before + 1


def test_documents_as_link_or_by_post_with_identification(assistant):
    chat = Conversation(assistant)
    assert "Versand" not in chat.say("ich brauche das formular veränderungsmitteilung")
    link = chat.say("als Link")
    assert "veraenderungsmitteilung.pdf" in link and "BG-Nummer" not in link
    assert "BG-Nummer" in chat.say("bitte eine kopie von meinem bescheid")  # copies only by post, identified
    assert "Welchen Bescheid" in identify(chat)
    assert said("declarations.summary", chat.say("Bewilligungsbescheid vom 3.11.")) is not None
    done = chat.say("ja")
    assert "per Post" in done and case_of(assistant, done)["kind"] == "unterlagen"


def test_waiving_stops_calmly_when_the_citizen_says_no(assistant):
    chat = Conversation(assistant, index=1)
    intro = chat.say("ich will kein bürgergeld mehr")
    identify(chat)
    assert "Kranken- und Pflegeversicherung" in intro + chat.last[0]["text"]
    assert "ändert sich nichts" in chat.say("nein")


def test_three_wrong_identifications_end_the_declaration_with_a_way_forward(assistant):
    chat = Conversation(assistant)
    chat.say("ich bin umgezogen")
    for attempt in (1, 2):
        chat.say("12345BG0000002")
        assert f"Versuch {attempt} von 3" in chat.say("02.02.1979")
    chat.say("12345BG0000002")
    failed = chat.say("03.03.1979")
    assert "nicht identifizieren" in failed


def test_a_threat_inside_a_declaration_is_never_filed_as_an_answer(assistant):
    client = redis.Redis.from_url(assistant.redis_url, decode_responses=True)
    chat = Conversation(assistant)
    chat.say("ich möchte mich beschweren")
    chat.say("Verhalten von Mitarbeitenden")
    answer = chat.say("wenn das so weitergeht bringe ich meinen sachbearbeiter um")
    assert "Ich nehme Ihre Nachricht ernst" in answer and said("declarations.summary", answer) is None
    newest = client.zrevrange("cases:index", 0, 0)[0]
    case = json.loads(client.hget(f"case:{newest}", "data"))
    assert case["kind"] == "drohung" and case["priority"] == "urgent"
    assert "Kontakt" not in chat.say("wann hat nord offen")  # the complaint dialogue has ended


def test_asking_for_a_person_inside_a_declaration_hands_over(assistant):
    chat = Conversation(assistant, index=1)
    chat.say("ich möchte ein lob aussprechen")
    answer = chat.say("ich möchte lieber mit einem menschen sprechen")
    assert "noch nicht gesendet" in answer
    # REST has no live chat: the person calls back (the web chat gets the live queue, see test_handover)
    assert "Rückrufbitte" in answer
