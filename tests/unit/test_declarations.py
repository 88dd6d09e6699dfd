"""Declaration dialogues without Rasa: every declaration type end to end, corrections, aborts,
identification rules, the catalogue's checks for editors, and submission into real Redis cases."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.appointments.calendar import candidate_slots, get_calendar
from bot.appointments.store import AppointmentBook
from bot.cases.store import CaseStore
from bot.content import get_content, say
from bot.declarations import flow
from bot.declarations.catalogue import ContentError, get_catalogue, load_catalogue
from bot.declarations.submit import Submitter, link_reply, submit
from tests.conftest import ROOT
from tests.content_texts import is_text

TODAY = dt.date(2026, 11, 24)
NOW = dt.datetime(2026, 11, 24, 10, 0)


def walk(intent: str, first: str, answers: list[str]) -> tuple[dict, list[str]]:
    """Run the dialogue; return the final state and everything the assistant said."""
    catalogue, content = get_catalogue(), get_content()
    declaration = catalogue.declarations[intent]
    state = flow.new_state(declaration, first, catalogue)
    said = []
    for text in answers:
        assert state["stage"] not in ("send", "aborted", "link"), f"dialogue ended before {text!r}"
        said.append(flow.prompt(declaration, state, catalogue, content).text)
        step = flow.answer(declaration, state, text, TODAY, catalogue, content)
        said.extend(step.messages)
        state = step.state
    return state, said


def texts(state: dict) -> dict[str, str]:
    return {k: v["text"] for k, v in state["fields"].items()}


EVERY_TYPE = [
    ("report_change", "ich bin umgezogen", ["Lindenweg 5, 50667 Musterstadt", "1.12.", "ja"],
     {"art": "Umzug / neue Adresse", "umzugsdatum": "01.12.2026"}),
    ("report_change", "", ["Bedarfsgemeinschaft", "Geburt", "Lena Mustermann, 20.11.2026", "20.11.", "ja"],
     {"bg_art": "Geburt", "bg_datum": "20.11.2026"}),
    ("report_change", "neue bankverbindung", ["DE89 3704 0044 0532 0130 00", "Erika Mustermann", "ja"],
     {"iban": "DE89 3704 0044 0532 0130 00"}),
    ("report_change", "", ["Rente", "Altersrente von der Deutschen Rentenversicherung", "weiß ich nicht", "1.1.27", "ja"],
     {"leistung_betrag": "keine Angabe", "leistung_ab": "01.01.2027"}),
    ("report_employment", "ich habe einen neuen job", ["Bäckerei Schmidt", "1.12.", "20 Stunden", "1.400 €", "ja"],
     {"art": "Arbeit beginnt", "stunden": "20 Stunden pro Woche", "lohn": "1.400 €"}),
    ("report_employment", "mir wurde gekündigt", ["Spedition Kurz", "31.12.", "ja"], {"art": "Arbeit endet"}),
    ("report_income", "", ["Weihnachtsgeld", "November 2026", "300 €", "keine Angabe", "ja"],
     {"betrag": "300 €", "netto": "keine Angabe"}),
    ("report_absence", "", ["vom 1.12. bis 14.12.", "Hamburg", "0171 2345678", "ja"],
     {"zeitraum": "01.12.2026 bis 14.12.2026", "erreichbar": "0171 2345678"}),
    ("report_sick", "", ["vom 23.11. bis 27.11.", "ja", "ja"], {"bescheinigung": "ja, liegt vor"}),
    ("request_deadline_extension", "", ["Mitwirkung vom 10.11.", "30.11.", "15.12.", "Ich bin im Krankenhaus", "ja"],
     {"bis": "15.12.2026"}),
    ("report_activity", "", ["Bewerbungen", "5", "Bewerbungen bei Aldi, Lidl und Rewe, zwei Absagen", "ja"],
     {"anzahl": "5"}),
    ("waive_benefits", "", ["ja", "ganz", "1.1.27", "keine Angabe", "ja"], {"umfang": "ganz", "grund": "keine Angabe"}),
    ("submit_complaint", "", ["Erreichbarkeit", "Niemand geht ans Telefon", "nein", "ja"], {"antwort": "nein"}),
    ("give_praise", "", ["Frau Weber in Nord war sehr hilfsbereit", "ja"], {}),
    ("report_misuse", "", ["Mein Nachbar arbeitet schwarz auf dem Bau", "nein", "nachbar@example.org", "ja"],
     {"kontakt": "nachbar@example.org"}),
    ("request_documents", "", ["Kopie eines Bescheids", "Bescheid vom 3.11.", "ja"], {"dokument": "Kopie eines Bescheids"}),
    ("request_certificate", "ich brauche eine p-konto bescheinigung", ["per Post", "ja"],
     {"bescheinigung": "P-Konto-Bescheinigung"}),
]


@pytest.mark.parametrize("intent, first, answers, expected", EVERY_TYPE)
def test_every_declaration_type_reaches_the_send_step(intent, first, answers, expected):
    state, said = walk(intent, first, answers)
    assert state["stage"] == "send"
    assert any(s.startswith("Bitte prüfen Sie Ihre Angaben") for s in said)  # summary before sending
    assert texts(state).items() >= expected.items()


def test_first_message_fills_a_choice_and_conditional_fields_follow_it():
    catalogue = get_catalogue()
    declaration = catalogue.declarations["report_change"]
    state = flow.new_state(declaration, "Ich habe eine neue IBAN", catalogue)
    assert texts(state) == {"art": "Bankverbindung"}
    assert flow.pending(declaration, state, catalogue).key == "iban"


def test_a_wrong_answer_is_asked_again_with_a_hint_and_nothing_is_lost():
    state, said = walk("report_change", "neue bankverbindung", ["DE89 3704 0044 0532 0130 01"])
    assert said[-1] == say("declarations.iban_checksum") and state["stage"] == "fields" and texts(state) == {"art": "Bankverbindung"}


def test_correction_from_the_summary_asks_only_that_field_again():
    state, said = walk("report_change", "ich bin umgezogen",
                       ["Lindenweg 5, 50667 Musterstadt", "1.12.", "korrigieren", "Neue Anschrift",
                        "Lindenweg 7, 50667 Musterstadt"])
    assert said[-1] == "Wie lautet Ihre neue Anschrift (Straße, Hausnummer, Postleitzahl, Ort)?"
    assert state["stage"] == "confirm" and texts(state)["neue_adresse"] == "Lindenweg 7, 50667 Musterstadt"
    assert texts(state)["umzugsdatum"] == "01.12.2026"


def test_correcting_the_kind_of_change_drops_answers_that_no_longer_apply():
    catalogue = get_catalogue()
    state, _ = walk("report_change", "ich bin umgezogen",
                    ["Lindenweg 5, 50667 Musterstadt", "1.12.", "Art der Änderung ist falsch", "Bankverbindung",
                     "DE89 3704 0044 0532 0130 00", "Erika Mustermann"])
    assert state["stage"] == "confirm"
    kept = flow.answers(catalogue.declarations["report_change"], state, catalogue)
    assert set(kept) == {"art", "iban", "kontoinhaber"}


@pytest.mark.parametrize("abort_at", [0, 1, 3])
def test_abort_at_any_point_sends_nothing(abort_at):
    answers = ["Lindenweg 5, 50667 Musterstadt", "1.12.", "korrigieren"][:abort_at] + ["abbrechen"]
    state, _ = walk("report_change", "ich bin umgezogen", answers)
    assert state["stage"] == "aborted"


def test_a_long_text_containing_the_word_stop_is_an_answer_not_an_abort():
    long_text = "Der Mitarbeiter sagte nur stopp und legte auf, obwohl ich seit Wochen auf eine Antwort warte."
    state, _ = walk("submit_complaint", "", ["Verhalten", long_text])
    assert state["stage"] == "fields" and texts(state)["beschreibung"] == long_text


def test_waiving_needs_the_confirmation_and_a_no_ends_calmly():
    state, said = walk("waive_benefits", "", ["nein"])
    assert state["stage"] == "aborted" and "ändert sich nichts" in state["message"]
    assert "Kranken- und Pflegeversicherung" in get_catalogue().declarations["waive_benefits"].intro


def test_a_document_as_link_needs_no_identification_and_no_case():
    catalogue = get_catalogue()
    declaration = catalogue.declarations["request_documents"]
    state, _ = walk("request_documents", "ich brauche die anlage kdu", ["als Link"])
    assert state["stage"] == "link" and not flow.needs_identification(declaration, state, catalogue)
    reply = link_reply(declaration, state, catalogue, get_content())
    assert "anlage-kdu.pdf" in reply.text and "{" not in reply.text


def test_post_delivery_and_bescheid_copies_need_identification():
    catalogue = get_catalogue()
    declaration = catalogue.declarations["request_documents"]
    state, _ = walk("request_documents", "veränderungsmitteilung", ["per Post"])
    assert flow.needs_identification(declaration, state, catalogue)
    copy, _ = walk("request_documents", "", ["Kopie eines Bescheids"])
    assert flow.needs_identification(declaration, copy, catalogue)
    assert "lieferung" not in [f.key for f in flow.applicable(declaration, copy, catalogue)]  # post only


def test_misuse_reports_and_praise_stay_anonymous():
    catalogue = get_catalogue()
    for intent in ("report_misuse", "give_praise", "submit_complaint"):
        declaration = catalogue.declarations[intent]
        assert not flow.needs_identification(declaration, flow.new_state(declaration, "", catalogue), catalogue)


# ----------------------------------------------------------------------------- submission (real Redis)


@pytest.fixture
def book(redis_client):
    return AppointmentBook(redis_client, get_calendar())


def send(intent, first, answers, client, book, customer="12345BG0000002", office="nord"):
    state, _ = walk(intent, first, answers)
    catalogue = get_catalogue()
    who = Submitter(customer, office, "rest", ("Bürger/in: test",))
    return state, submit(catalogue.declarations[intent], state, catalogue, get_content(), client, book, who, NOW)


def test_submission_creates_one_structured_case_even_when_sent_twice(redis_client, book):
    state, replies = send("report_change", "neue bankverbindung", ["DE89 3704 0044 0532 0130 00", "Max M.", "ja"],
                          redis_client, book)
    case_id = replies[0].text.split("Nummer ")[1].split()[0]
    again = submit(get_catalogue().declarations["report_change"], state, get_catalogue(), get_content(),
                   redis_client, book, Submitter("12345BG0000002", "nord", "rest"), NOW)
    assert case_id in again[0].text
    assert redis_client.zcard("cases:index") == 1
    case = CaseStore(redis_client).raw(case_id)
    assert case["kind"] == "veraenderung" and case["customer"] == "12345BG0000002" and case["office"] == "nord"
    assert case["fields"]["iban"] == "DE89 3704 0044 0532 0130 00"
    assert case["fields"]["werte"]["iban"] == "DE89370400440532013000"
    assert case["transcript"] == ["Bürger/in: test"] and case["status"] == "neu"


def test_absence_standard_case_is_approved_and_the_days_are_booked(redis_client, book):
    _, replies = send("report_absence", "", ["vom 1.12. bis 21.12.", "Hamburg", "keine Angabe", "ja"],
                      redis_client, book)
    assert "genehmigt" in replies[0].text and "21 Tage" in replies[0].text and "22.12.2026" in replies[0].text
    case = CaseStore(redis_client).raw(replies[0].text.split("Nummer: ")[1].split(".")[0])
    assert case["status"] == "erledigt" and case["fields"]["entscheidung"].startswith("genehmigt")
    assert redis_client.hget("absence:12345BG0000002", "2026") == b"21"
    _, second = send("report_absence", "", ["vom 27.12. bis 28.12.", "Köln", "keine Angabe", "ja"], redis_client, book)
    assert "weitergeleitet" in second[0].text and "noch 0 von 21" in second[0].text


def test_absence_with_an_appointment_inside_is_forwarded(redis_client, book):
    slot = next(s for s in candidate_slots(get_calendar(), ["nord"], "beratung", NOW, lambda day: False)
                if s.start.date() > TODAY)
    assert book.book("12345BG0000002", slot, NOW).ok
    start = slot.start.date()
    period = f"vom {start:%d.%m.%Y} bis {start + dt.timedelta(days=3):%d.%m.%Y}"
    _, replies = send("report_absence", "", [period, "Berlin", "keine Angabe", "ja"], redis_client, book)
    assert "weitergeleitet" in replies[0].text and "Termin am" in replies[0].text
    assert redis_client.hget("absence:12345BG0000002", str(start.year)) is None


def test_sick_note_points_out_appointments_in_that_time(redis_client, book):
    slot = next(s for s in candidate_slots(get_calendar(), ["nord"], "beratung", NOW, lambda day: False)
                if s.start.date() > TODAY)
    assert book.book("12345BG0000002", slot, NOW).ok
    period = f"vom {TODAY:%d.%m.%Y} bis {slot.start.date() + dt.timedelta(days=1):%d.%m.%Y}"
    _, replies = send("report_sick", "", [period, "nein", "ja"], redis_client, book)
    assert "Krankmeldung ist unter der Nummer" in replies[0].text
    listed = is_text("declarations.sick_appointments", replies[1].text)
    assert listed and f"Buchungsnummer {book.upcoming('12345BG0000002', NOW)[0].ref}" in listed["appointments"]
    assert replies[1].buttons[0].intent == "cancel_appointment"


def test_deadline_extensions_and_waivers_go_to_the_top_of_the_inbox(redis_client, book):
    send("give_praise", "", ["Sehr nette Beratung in Nord", "ja"], redis_client, book, customer=None, office="")
    send("request_deadline_extension", "", ["Mitwirkung vom 10.11.", "30.11.", "15.12.", "krank", "ja"],
         redis_client, book)
    listed = CaseStore(redis_client).search()
    assert [c["kind"] for c in listed] == ["fristverlaengerung", "lob"]
    assert listed[1]["customer"] is None


# ----------------------------------------------------------------------------- editor checks


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path


def planted(project: Path, file: str, old: str, new: str) -> list[str]:
    path = project / "content" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_catalogue(project)
    return [str(p) for p in error.value.problems]


@pytest.mark.parametrize("file, old, new, expected", [
    ("declarations.yml", "        type: iban", "        type: kontonummer", "Unbekannter Typ „kontonummer“"),
    ("declarations.yml", "when: {art: [umzug]}", "when: {art: [umzug, reise]}", "„reise“ ist keine Antwort von „art“"),
    ("declarations.yml", "  give_praise:", "  give_praises:", "„give_praises“ ist kein Intent"),
    ("declarations.yml", "{case} beim\n", "{fall} beim\n", "Unbekannter Platzhalter „{fall}“"),
    ("declarations.yml", "    identify: never\n", "    identify: manchmal\n", "always, never oder post"),
    ("declarations.yml", "        after: frist", "        after: grund", "„after“ muss auf ein vorher"),
    ("declarations.yml", "    kind: lob\n", "    kind: beschwerde\n", "„beschwerde“ ist mehrfach vergeben"),
    ("documents.yml", "    post_only: true\n", "", "Bitte „url“ oder „refer“ angeben"),
])
def test_editor_mistakes_are_reported_with_file_and_line(project, file, old, new, expected):
    found = planted(project, file, old, new)
    assert any(expected in p and p.startswith(f"content/{file}, Zeile ") for p in found), found


def test_shipped_catalogue_covers_every_declaration_intent():
    from bot.content import DECLARATION_INTENTS

    assert set(get_catalogue().declarations) == DECLARATION_INTENTS
