"""Declarations that listen: values found in any message (the first one, or an answer to another question),
dates in words, corrections at the summary, clean records with the citizen's words beside them, several
documents, notes and next steps, and declarations without BG-Nummer. No Rasa: bot/declarations only."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.appointments.calendar import get_calendar
from bot.appointments.store import AppointmentBook
from bot.cases.store import CaseStore
from bot.content import get_content, say
from bot.declarations import extract, flow
from bot.declarations import fields as parse
from bot.declarations.catalogue import get_catalogue
from bot.declarations.submit import Submitter, link_reply, next_step, submit

TODAY = dt.date(2026, 12, 2)  # a Wednesday
NOW = dt.datetime(2026, 12, 2, 10, 15)


def start(intent: str, first: str) -> dict:
    catalogue = get_catalogue()
    return flow.new_state(catalogue.declarations[intent], first, catalogue, TODAY, get_content())


def reply(intent: str, state: dict, text: str) -> flow.Step:
    catalogue = get_catalogue()
    return flow.answer(catalogue.declarations[intent], state, text, TODAY, catalogue, get_content())


def prompt(intent: str, state: dict) -> str:
    catalogue = get_catalogue()
    return flow.prompt(catalogue.declarations[intent], state, catalogue, get_content()).text


def texts(state: dict) -> dict[str, str]:
    return {k: v["text"] for k, v in state["fields"].items()}


# ----------------------------------------------------------------------------- finders


def test_identification_is_never_a_field_value():
    text = extract.strip_identity("neue iban DE89370400440532013000, 12345BG0000003 geb. 30.11.1990")
    assert "12345" not in text and "1990" not in text and "DE89370400440532013000" in text


def test_an_address_is_found_and_cleaned_whatever_surrounds_it():
    for text in ("wohne jetzt in der ahornallee 12a 50999 musterstadt, das hab ich ja schon gesagt",
                 "Ahornallee 12a, 50999 Musterstadt", "neue anschrift ist ahornallee 12 a, 50999 musterstadt"):
        found = extract.find_address(text)
        assert found is not None and found.text.replace("12 a", "12a") in ("Ahornallee 12a, 50999 Musterstadt",)
    assert extract.find_address("kölner straße 3 50667 musterstadt").text == "Kölner Straße 3, 50667 Musterstadt"
    assert extract.find_address("12345BG0000002 01.02.1979") is None


def test_a_spoken_address_becomes_digits():
    found = extract.find_address("ahornallee drei fünf null neun neun neun musterstadt")
    assert found is not None and found.text == "Ahornallee 3, 50999 Musterstadt"


def test_a_house_number_or_postcode_is_replaced_alone():
    assert extract.replace_house_number("Ahornallee 12, 50999 Musterstadt", "nein die hausnummer ist 21") == \
        "Ahornallee 21, 50999 Musterstadt"
    assert extract.replace_house_number("Ahornallee 12, 50999 Musterstadt", "plz ist 50998") == \
        "Ahornallee 12, 50998 Musterstadt"


def test_employer_person_month_and_amounts_in_a_long_message():
    assert extract.find_employer("fange am 5.1. an bei der spedition kurz gmbh als fahrer").text == \
        "Spedition Kurz GmbH"
    assert extract.find_employer("meine tochter zieht bei mir ein") is None
    assert extract.find_person("das konto läuft auf inhaberin erika mustermann, danke",
                               "kontoinhaber(in)?|inhaber(in)?").text == "Erika Mustermann"
    assert extract.find_month("lohn für oktober", TODAY).text == "Oktober 2026"
    assert extract.find_amount("ausgezahlt wurden 410 und brutto 520 euro", "netto|ausgezahlt").value == 410
    assert extract.find_amount("25 stunden die woche") is None


# ----------------------------------------------------------------------------- dates in words


@pytest.mark.parametrize("text, expected", [
    ("zum ersten des nächsten monats", dt.date(2027, 1, 1)),
    ("ab dem 15. des nächsten monats", dt.date(2027, 1, 15)),
    ("ab januar", dt.date(2027, 1, 1)),
    ("ende des monats", dt.date(2026, 12, 31)),
    ("mitte februar", dt.date(2027, 2, 15)),
    ("am zwanzigsten dezember", dt.date(2026, 12, 20)),
    ("seit letztem freitag", dt.date(2026, 11, 27)),
    ("nächste woche freitag", dt.date(2026, 12, 11)),
])
def test_dates_in_words(text, expected):
    assert parse.parse_date(text, TODAY, "near", loose=False) == expected


def test_a_relative_date_counts_from_the_earlier_date():
    assert parse.parse_date("so 3 wochen mehr", TODAY, "future", base=dt.date(2026, 12, 10)) == dt.date(2026, 12, 31)
    assert parse.parse_date("seit 2 wochen", TODAY, loose=False) == dt.date(2026, 11, 18)


def test_a_period_with_only_an_end_starts_today():
    assert parse.period_answer("krank bis freitag", TODAY).value == {"von": "2026-12-02", "bis": "2026-12-04"}


def test_a_street_number_is_no_date_in_a_longer_message():
    assert parse.parse_date("ahornallee 12", TODAY, loose=False) is None


# ----------------------------------------------------------------------------- values from the first message


def test_a_move_said_in_one_message_goes_to_the_summary():
    state = start("report_change", "ziehe am 20.12. um in die ahornallee 12, 50999 musterstadt 12345BG0000001 12.08.1985")
    assert state["stage"] == "confirm"
    assert texts(state) == {"art": "Umzug / neue Adresse", "neue_adresse": "Ahornallee 12, 50999 Musterstadt",
                            "umzugsdatum": "20.12.2026"}
    assert "Ahornallee 12, 50999 Musterstadt" in prompt("report_change", state)


def test_what_was_taken_is_said_before_the_next_question():
    state = start("report_employment", "hab ab 1. januar einen job bei der spedition kurz")
    assert texts(state)["arbeitgeber"] == "Spedition Kurz" and texts(state)["datum"] == "01.01.2027"
    text = prompt("report_employment", state)
    assert "Spedition Kurz" in text and text.endswith("Wie viele Stunden pro Woche arbeiten Sie? Wenn Sie es nicht "
                                                      "wissen, schreiben Sie „weiß ich nicht“.")


def test_two_dates_are_told_apart_by_their_words():
    state = start("request_deadline_extension", "der brief vom 3.11. hat frist bis 9.12., ich brauche bis zum 23.12. "
                                                "weil ich im krankenhaus bin")
    assert texts(state)["frist"] == "09.12.2026" and texts(state)["bis"] == "23.12.2026"
    assert texts(state)["grund"] == "weil ich im krankenhaus bin"
    assert "brief vom 3.11." in texts(state)["schreiben"]


def test_brutto_and_netto_in_one_message():
    state = start("report_income", "im oktober 300 euro urlaubsgeld, netto 230")
    assert texts(state)["betrag"] == "300 €" and texts(state)["netto"] == "230 €" and texts(state)["monat"] == "Oktober 2026"


def test_a_short_request_is_no_description_but_a_detailed_one_is():
    assert "details" not in start("report_activity", "kurs ist vorbei")["fields"]
    state = start("report_activity", "ich habe mich 4 mal beworben, bei rewe, lidl, aldi und dm, alles noch offen")
    assert texts(state)["anzahl"] == "4" and "rewe" in texts(state)["details"]


def test_a_second_kind_of_change_is_announced_and_offered_afterwards():
    state = start("report_change", "bin umgezogen und habe auch ein neues konto")
    assert texts(state)["art"] == "Umzug / neue Adresse" and state["also"] == ["Bankverbindung"]
    assert "Bankverbindung" in prompt("report_change", state)
    offer = next_step(get_content(), state)
    assert "Bankverbindung" in offer.text and offer.buttons
    assert start("report_activity", "vermittlungsvorschlag von dhl, hab mich beworben").get("also") is None


# ----------------------------------------------------------------------------- later answers


def test_an_answer_that_holds_another_value_fills_it_too():
    state = start("report_change", "wir haben uns getrennt, er ist ausgezogen")
    step = reply("report_change", state, "jan muster, seit dem 30.11.")
    assert texts(step.state)["bg_person"] == "jan muster" and texts(step.state)["bg_datum"] == "30.11.2026"
    assert step.state["stage"] == "confirm"


def test_no_hint_for_a_value_that_was_not_asked_and_the_question_is_repeated():
    state = start("report_change", "neues konto")
    step = reply("report_change", state, "inhaberin ist erika mustermann")
    assert step.messages == [] and texts(step.state)["kontoinhaber"] == "Erika Mustermann"
    assert flow.pending(get_catalogue().declarations["report_change"], step.state, get_catalogue()).key == "iban"


def test_i_myself_as_account_holder_is_the_customer():
    state = start("report_change", "neue iban DE89370400440532013000")
    step = reply("report_change", {**state, "customer_name": "Erika Mustermann"}, "ich selbst")
    assert texts(step.state)["kontoinhaber"] == "Erika Mustermann"


def test_an_address_with_chatter_is_stored_clean_with_the_words_beside_it():
    state = start("report_change", "ich bin umgezogen")
    step = reply("report_change", state, "ahornallee 12 50999 musterstadt wie schon gesagt")
    entry = step.state["fields"]["neue_adresse"]
    assert entry["text"] == "Ahornallee 12, 50999 Musterstadt" and "wie schon gesagt" in entry["original"]


def test_a_date_in_words_is_said_back():
    state = start("report_change", "umzug ahornallee 12, 50999 musterstadt")
    step = reply("report_change", state, "zum ersten des nächsten monats")
    assert step.messages == [say("declarations.understood", label="Umzug am", value="01.01.2027")]


def test_more_about_what_happened_goes_to_the_description():
    state = start("submit_complaint", "der mitarbeiter am schalter hat mich vor allen leuten unfreundlich angeschnauzt")
    assert "angeschnauzt" in texts(state)["beschreibung"]
    step = reply("submit_complaint", state, "er hat auch einfach aufgelegt als ich anrief")
    assert "aufgelegt" in texts(step.state)["beschreibung"]
    assert step.messages == [say("declarations.added_to_description")]


def test_an_answer_opens_a_field_and_fills_it():
    state = start("submit_complaint", "ich warte seit 8 wochen auf eine antwort zu meinem antrag, das ist zu lange")
    step = reply("submit_complaint", state, "ja gern, an erika@example.org")
    assert texts(step.state)["kontakt"] == "erika@example.org" and step.state["stage"] == "confirm"


def test_not_wanting_the_declaration_ends_it_with_what_helps():
    state = start("submit_complaint", "beschwerde")
    step = reply("submit_complaint", state, "nein keine beschwerde, wo bleibt meine zahlung")
    assert step.state["stage"] == "aborted" and "0221 9876-0" in step.state["message"]


def test_doch_nicht_answers_the_confirmation():
    step = reply("waive_benefits", start("waive_benefits", "verzichten"), "dann doch nicht")
    assert step.state["stage"] == "aborted" and "ändert sich nichts" in step.state["message"]


# ----------------------------------------------------------------------------- corrections


def confirmed_move() -> dict:
    state = start("report_change", "umzug am 20.12. in die ahornallee 12, 50999 musterstadt")
    assert state["stage"] == "confirm"
    return state


def test_a_bare_no_at_the_summary_asks_what_to_change():
    step = reply("report_change", confirmed_move(), "nein")
    assert step.state["stage"] == "correct" and prompt("report_change", step.state) == say("declarations.correct_which")


def test_no_with_a_value_changes_just_that_field():
    step = reply("report_change", confirmed_move(), "nein, die hausnummer ist 14")
    assert step.state["stage"] == "confirm"
    assert texts(step.state)["neue_adresse"] == "Ahornallee 14, 50999 Musterstadt"
    assert texts(step.state)["umzugsdatum"] == "20.12.2026"
    step = reply("report_change", step.state, "falsch, datum ist der 22.")
    assert texts(step.state)["umzugsdatum"] == "22.12.2026" and step.state["stage"] == "confirm"


def test_a_new_iban_at_the_summary_replaces_the_old_one():
    state = start("report_change", "neue bankverbindung DE89 3704 0044 0532 0130 00, kontoinhaber erika mustermann")
    step = reply("report_change", state, "nein, die IBAN ist DE77100100100123456789")
    assert texts(step.state)["iban"] == "DE77 1001 0010 0123 4567 89"
    assert texts(step.state)["kontoinhaber"] == "Erika Mustermann"
    assert reply("report_change", step.state, "jetzt stimmt es so").state["stage"] == "send"


# ----------------------------------------------------------------------------- documents


def test_several_documents_in_one_request_get_all_links():
    catalogue = get_catalogue()
    declaration = catalogue.declarations["request_documents"]
    state = start("request_documents", "formulare")
    step = reply("request_documents", state, "beides, wba und die anlage kdu")
    assert "Weiterbewilligungsantrag" in prompt("request_documents", step.state)
    step = reply("request_documents", step.state, "als Link")
    assert step.state["stage"] == "link"
    links = link_reply(declaration, step.state, catalogue, get_content()).text
    assert "weiterbewilligungsantrag.pdf" in links and "anlage-kdu.pdf" in links


def test_document_and_delivery_in_one_message_is_a_link_at_once():
    assert start("request_documents", "den link zum merkblatt bitte")["stage"] == "link"
    assert start("request_documents", "anlage kdu per mail schicken")["stage"] == "link"


def test_a_form_of_another_office_is_referred():
    state = start("request_documents", "formular für kindergeld")
    assert state["stage"] == "aborted" and "Familienkasse" in state["message"]


def test_a_leaflet_in_another_language_explains_that_german_is_binding():
    state = start("request_documents", "merkblatt auf englisch")
    assert "deutschen" in prompt("request_documents", state)


# ----------------------------------------------------------------------------- without BG-Nummer


@pytest.mark.parametrize("text, reason", [("hab keine kundennummer", "none"), ("ich weiss sie nicht", "forgotten"),
                                          ("ich will erst beantragen, noch nie bürgergeld bekommen", "none"),
                                          ("12345BG0000001", None)])
def test_no_number_is_recognised(text, reason):
    assert flow.no_number(text) == reason


def test_a_certificate_needs_identification():
    catalogue = get_catalogue()
    assert not flow.may_go_unidentified(catalogue.declarations["request_certificate"], {"fields": {}}, catalogue)
    assert flow.may_go_unidentified(catalogue.declarations["report_change"], {"fields": {}}, catalogue)


def test_without_number_the_case_is_marked_not_identified(redis_client):
    client = redis_client
    catalogue, content = get_catalogue(), get_content()
    declaration = catalogue.declarations["report_change"]
    state = flow.unidentified(start("report_change", "ich bin umgezogen, ahornallee 12 50999 musterstadt"))
    assert not flow.needs_identification(declaration, state, catalogue)
    assert prompt("report_change", state) == say("declarations.unidentified_ask")
    state = reply("report_change", state, "erika mustermann 0171 2345678").state
    state = reply("report_change", state, "am 1.12. hab ich doch schon gesagt").state
    assert state["stage"] == "confirm"
    state = reply("report_change", state, "ja").state
    book = AppointmentBook(client, get_calendar())
    replies = submit(declaration, state, catalogue, content, client, book, Submitter(None, "", "rest"), NOW)
    case = CaseStore(client).search()[0]
    assert case["customer"] is None and "nicht identifiziert" in case["summary"]
    assert case["fields"]["identifizierung"] == "nicht identifiziert"
    assert case["fields"]["person"].startswith("erika mustermann")
    assert case["fields"]["originaltext"]["umzugsdatum"].startswith("am 1.12.")
    assert any("nicht identifiziert" in r.text for r in replies)


def test_notes_follow_the_answers(redis_client):
    client = redis_client
    catalogue, content = get_catalogue(), get_content()
    declaration = catalogue.declarations["report_change"]
    state = start("report_change", "ich bin schwanger und möchte das melden, 15. woche")
    state = reply("report_change", state, "seit august").state
    state = reply("report_change", state, "ja").state
    book = AppointmentBook(client, get_calendar())
    replies = submit(declaration, state, catalogue, content, client, book, Submitter("12345BG0000001", "mitte", "rest"),
                     NOW)
    assert any("Mehrbedarf" in r.text and "17" in r.text for r in replies)


# ----------------------------------------------------------------------------- notes that change the way


def test_another_persons_illness_is_no_sick_note_of_ones_own():
    state = start("report_sick", "mein sohn muss operiert werden, ich muss mit ins krankenhaus")
    assert state["stage"] == "aborted" and "Termin" in state["message"] and not state["fields"]
    assert start("report_sick", "ich bin krank, mein mann bringt die au vorbei")["stage"] == "fields"


def test_work_found_while_waiving_offers_the_employment_report_instead():
    catalogue = get_catalogue()
    state = start("waive_benefits", "verzichten")
    for text in ("ja", "ganz", "ab februar", "habe eine neue stelle"):
        state = reply("waive_benefits", state, text).state
    summary = flow.prompt(catalogue.declarations["waive_benefits"], state, catalogue, get_content())
    offer = next(b for b in summary.buttons if "Arbeitsaufnahme" in b.title)
    switched = reply("waive_benefits", state, offer.payload).state
    assert switched["intent"] == "report_employment" and switched["stage"] == "fields" and not switched["fields"]


def test_a_person_without_number_is_recorded_with_a_clean_address():
    catalogue = get_catalogue()
    state = flow.unidentified(start("request_documents", "hauptantrag per post"))
    assert flow.prompt(catalogue.declarations["request_documents"], state, catalogue, get_content()).text == \
        say("declarations.unidentified_ask_post")
    state = reply("request_documents", state, "lea muster ahornallee drei fünf null neun neun neun musterstadt").state
    assert texts(state)["person"] == "lea muster, Ahornallee 3, 50999 Musterstadt" and state["stage"] == "confirm"


# ----------------------------------------------------------------------------- voice


def test_a_spoken_number_and_birth_date_are_no_values():
    text = extract.strip_identity("neue adresse, meine nummer ist eins zwei drei vier fünf b g null null null null "
                                  "null null eins geboren zwölfter august neunzehnhundertfünfundachtzig")
    assert "null" not in text and "august" not in text
    assert start("report_change", "umgezogen, nummer eins zwei drei vier fünf b g null null null null null null eins "
                                  "geboren zwölfter august neunzehnhundertfünfundachtzig")["fields"].keys() == {"art"}


@pytest.mark.parametrize("word, value", [("tausend", 1000), ("zwoelfhundert", 1200), ("vierhundertfuenfzig", 450),
                                         ("zweitausendfuenfhundert", 2500), ("einundzwanzig", 21), ("geld", None)])
def test_number_words(word, value):
    assert parse.number_word(word) == value


def test_spoken_hours_and_amount():
    state = start("report_employment", "ich arbeite ab dem ersten januar bei rewe, zwanzig stunden")
    assert texts(state)["stunden"] == "20 Stunden pro Woche" and texts(state)["datum"] == "01.01.2027"
    assert texts(reply("report_employment", state, "so ungefähr tausend euro").state)["lohn"] == "1.000 €"


def test_a_wrong_value_for_the_question_gets_its_hint_even_with_other_values():
    state = start("report_change", "neues konto")
    step = reply("report_change", state, "DE89 3704 0044 0532 0130 01, inhaberin erika mustermann")
    assert step.messages == [say("declarations.iban_checksum")]
    assert texts(step.state)["kontoinhaber"] == "Erika Mustermann" and "iban" not in step.state["fields"]


def test_an_appointment_wished_as_well_is_offered_after_the_declaration():
    state = start("report_change", "bin umgezogen und brauche auch einen termin wegen der miete")
    assert state["also"] == ["Termin"] and "Termin" in prompt("report_change", state)
    offer = next_step(get_content(), state)
    assert offer.buttons[0].payload == "/book_appointment"
    assert "also" not in start("report_change", "umgezogen, und den termin muss ich auch absagen")


def test_a_description_mentioning_a_report_is_no_refusal():
    state = start("submit_complaint", "beschwerde über die dauer")
    step = reply("submit_complaint", state, "ich habe keine meldung bekommen, obwohl ich seit wochen warte")
    assert step.state["stage"] == "fields" and "keine meldung" in texts(step.state)["beschreibung"]


def test_a_misunderstanding_is_no_forgotten_number():
    assert flow.no_number("ich habe nicht verstanden was sie mit der frage meinen, können sie das erklären") is None
    assert flow.no_number("hab ich nicht zur hand") == "forgotten"


def test_the_citizens_words_are_kept_without_the_date_of_birth():
    state = start("report_change", "umgezogen")
    step = reply("report_change", state, "ahornallee 12, 50999 musterstadt, 12345BG0000001 12.08.1985")
    assert "1985" not in step.state["fields"]["neue_adresse"]["original"]


def test_a_yes_with_a_change_changes_and_asks_again():
    step = reply("report_change", confirmed_move(), "ja, aber die hausnummer ist 14")
    assert step.state["stage"] == "confirm" and texts(step.state)["neue_adresse"].startswith("Ahornallee 14")
    assert reply("report_change", confirmed_move(), "ja aber da stimmt was nicht").state["stage"] == "correct"
