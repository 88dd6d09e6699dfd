"""Requests for forms, PDFs and links that the NLU filed under the topic's question, and what follows a link:
the post-only note, the offer to report in the chat instead of on the form, and where the form is handed in."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import ActionAnswer
from bot.content import get_content
from bot.declarations import flow
from bot.declarations.catalogue import ContentError, get_catalogue, load_catalogue
from bot.declarations.document_requests import asks_for_document, wants_to_report_here
from bot.declarations.submit import link_reply
from bot.knowledge import topics
from bot.knowledge.context import Context
from tests.conftest import ROOT

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize("message, document", [
    ("meine waschmaschine ist kaputt gibts dafür ein formular, link bitte", "abweichende_leistungen"),
    ("antrag für klassenfahrt von meinem sohn als link", "bildung_teilhabe"),
    ("wo krieg ich das formular damit ich die fahrtkosten zum vorstellungsgespräch wieder bekomme", "vermittlungsbudget"),
    ("kann ich meinen bewilligungsbescheid als pdf bekommen", "bescheid_kopie"),
    ("gibt es den antrag auf mehrbedarf irgendwo zum runterladen?", "mehrbedarf"),
])
def test_a_named_document_asked_for_as_form_or_link_is_a_document_request(message, document):
    assert [d.key for d in asks_for_document(message, get_catalogue())] == [document]


@pytest.mark.parametrize("message", [
    "was zahlt das jobcenter bei klassenfahrten",  # a question about the topic, no form asked for
    "meine waschmaschine ist kaputt, zahlt das jobcenter eine neue?",
    "wo geb ich das formular für die veränderungsmitteilung ab",  # handing in a form one has
    "wie fülle ich die anlage kdu aus",
    "kann ich den weiterbewilligungsantrag als pdf hochladen",
    "jobcenter app download",  # no document of the catalogue
])
def test_questions_about_a_topic_or_a_form_in_hand_are_not_document_requests(message):
    assert asks_for_document(message, get_catalogue()) == []


def test_a_post_only_document_wished_as_pdf_is_noted_as_post_only():
    catalogue = get_catalogue()
    declaration = catalogue.declarations["request_documents"]
    state = flow.new_state(declaration, "kann ich meinen bewilligungsbescheid als pdf bekommen", catalogue, TODAY,
                           get_content())
    assert "lieferung" not in state["fields"] and "lieferung" not in state["noted"]
    assert any("nur per Post" in note for note in state["notes"])
    assert flow.delivery(declaration, state, catalogue) == "post"


def test_the_link_to_the_change_form_offers_to_report_here_and_other_links_do_not():
    catalogue, content = get_catalogue(), get_content()
    declaration = catalogue.declarations["request_documents"]
    change = flow.new_state(declaration, "väm formular link", catalogue, TODAY, content)
    reply = link_reply(declaration, change, catalogue, content)
    assert "veraenderungsmitteilung.pdf" in reply.text and "hier im Chat" in reply.text
    assert [b.payload for b in reply.buttons] == ["/report_change"]
    renewal = flow.new_state(declaration, "link zum weiterbewilligungsantrag", catalogue, TODAY, content)
    assert link_reply(declaration, renewal, catalogue, content).buttons == ()


@pytest.mark.parametrize("message, expected", [
    ("kann ich das nicht auch gleich hier melden", True),
    ("geht das auch direkt im chat zu melden?", True),
    ("wo geb ich das ab", False),
    ("danke", False),
])
def test_wants_to_report_here(message, expected):
    assert wants_to_report_here(message) is expected


def test_a_document_pointing_to_an_unknown_declaration_is_a_content_error(tmp_path: Path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    path = tmp_path / "content" / "documents.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("declaration: report_change", "declaration: report_nothing"),
                    encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_catalogue(tmp_path)
    assert any("report_nothing" in str(p) for p in error.value.problems)


def test_where_to_hand_in_after_a_link_names_the_upload_and_the_office():
    content = get_content()
    turn = topics.respond(content, "danke, und wo geb ich das ab", "thank", Context("documents"),
                          dt.datetime(2026, 12, 2, 10, 15))
    assert turn is not None and turn.reply is not None
    assert "jobcenter.digital" in turn.reply.text and "Briefkasten Ihrer Geschäftsstelle" in turn.reply.text
    assert topics.respond(content, "danke, und wo geb ich das ab", "thank", Context(),
                          dt.datetime(2026, 12, 2, 10, 15)) is None  # without a form sent: the usual thanks


def tracker(text: str, intent: str, slots: dict | None = None) -> Tracker:
    return Tracker(sender_id="test", slots=slots or {}, latest_message={"text": text, "intent": {"name": intent,
                   "confidence": 0.9}}, events=[{"event": "user", "text": text}], paused=False, followup_action=None,
                   active_loop={}, latest_action_name="action_listen")


def run(text: str, intent: str, slots: dict | None = None) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionAnswer().run(dispatcher, tracker(text, intent, slots), {}))
    return dispatcher.messages, events


def test_a_form_asked_for_under_a_topic_question_starts_the_documents_request():
    _, events = run("antrag für klassenfahrt von meinem sohn als link", "ask_education_participation")
    state = next(e["value"] for e in events if e.get("name") == "decl_state")
    assert state["intent"] == "request_documents" and state["stage"] == "link"
    assert {"event": "followup", "name": "declaration_form"} in [{k: e.get(k) for k in ("event", "name")}
                                                                  for e in events]


def test_the_topic_question_itself_is_still_answered():
    messages, events = run("was zahlt das jobcenter bei klassenfahrten", "ask_education_participation")
    assert "Klassenfahrten" in messages[0]["text"] and not any(e.get("event") == "followup" for e in events)


def test_yes_after_the_change_form_link_starts_the_change_report():
    slots = {"knowledge_context": {"topic": "documents", "offer": "report_change"}}
    messages, events = run("ja", "affirm", slots)
    assert messages[0]["text"] == "Ja, gern."
    state = next(e["value"] for e in events if e.get("name") == "decl_state")
    assert state["intent"] == "report_change"
    assert any(e.get("event") == "followup" and e.get("name") == "declaration_form" for e in events)
    _, events = run("ja", "affirm", {"knowledge_context": {"topic": "documents"}})  # no offer made: no report
    assert not any(e.get("event") == "followup" for e in events)
