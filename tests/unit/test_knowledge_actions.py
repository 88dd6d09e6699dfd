"""The knowledge actions with context: the slot `knowledge_context` carries office, day and topic to the next
message, unsure messages are still answered when they are clear follow-ups, and answers offer further help."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import ActionAnswer, ActionContact, ActionFallback, ActionHousingCosts, ActionInform, ActionOpeningHours
from actions.knowledge import answer_instead_of_request


def tracker(text: str, intent: str, slots: dict | None = None, bot_said: str = "") -> Tracker:
    events = ([{"event": "bot", "text": bot_said}] if bot_said else []) + [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}]
    return Tracker(sender_id="test", slots=slots or {}, latest_message={"text": text, "intent": {"name": intent,
                   "confidence": 0.9}}, events=events, paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def run(action, text: str, intent: str, slots: dict | None = None, bot_said: str = ""):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(action.run(dispatcher, tracker(text, intent, slots, bot_said), {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in result if e.get("event") == "slot"}


def test_context_slot_carries_the_office_to_the_follow_up():
    _, slots = run(ActionOpeningHours(), "wann hat die geschäftsstelle nord offen", "ask_opening_hours")
    assert slots["knowledge_context"] == {"topic": "opening_hours", "office": "nord"}
    messages, _ = run(ActionInform(), "und am samstag?", "inform", slots)
    assert "Geschäftsstelle Nord hat am Samstag" in messages[0]["text"] and "Süd" not in messages[0]["text"]


def test_contact_follow_up_from_the_slot():
    _, slots = run(ActionContact(), "tel nummer von süd", "ask_contact")
    messages, _ = run(ActionContact(), "und die email", "ask_contact", slots)
    assert "jobcenter-musterstadt.sued@jobcenter-ge.de" in messages[0]["text"]


def test_unsure_follow_up_is_answered_instead_of_asking_to_rephrase():
    _, slots = run(ActionOpeningHours(), "öffnungszeiten mitte", "ask_opening_hours")
    messages, _ = run(ActionFallback(), "und wie komm ich da hin", "nlu_fallback", slots)
    assert "Straßenbahn" in messages[0]["text"]


def test_knowledge_answers_end_with_the_offer_and_no_after_it_is_a_goodbye():
    messages, slots = run(ActionAnswer(), "wann kommt das geld", "ask_payment")
    assert messages[0]["text"].endswith("Kann ich Ihnen sonst noch helfen?")
    messages, _ = run(ActionAnswer(), "nein danke das wars", "deny", slots, bot_said=messages[0]["text"])
    assert messages[0]["text"].startswith("Auf Wiedersehen")
    messages, _ = run(ActionAnswer(), "nein", "deny")
    assert "Auf Wiedersehen" not in messages[0]["text"]


def test_out_of_scope_follow_up_on_assets():
    _, slots = run(ActionAnswer(), "was darf ich an vermögen haben", "ask_assets")
    messages, _ = run(ActionAnswer(), "und auto?", "out_of_scope", slots)
    assert "Auto" in messages[0]["text"] and "leider nichts sagen" not in messages[0]["text"]


def test_rent_check_remembers_the_household_size_given_after_the_table():
    _, slots = run(ActionHousingCosts(), "wie teuer darf meine miete sein", "ask_housing_costs")
    messages, slots = run(ActionInform(), "wir sind 4", "inform", slots)
    assert "552 €" in messages[0]["text"] and slots["kdu_persons"] == 4
    messages, slots = run(ActionInform(), "und 560 euro?", "inform", slots)
    assert "um 8 € über" in messages[0]["text"] and messages[0]["text"].endswith("Kann ich Ihnen sonst noch helfen?")


def test_question_filed_as_a_request_is_answered_by_the_helper():
    dispatcher = CollectingDispatcher()
    events = answer_instead_of_request(dispatcher, tracker("hat süd gerade offen", "request_deadline_extension"))
    assert events is not None and "Geschäftsstelle Süd" in dispatcher.messages[0]["text"]
    dispatcher = CollectingDispatcher()
    assert answer_instead_of_request(dispatcher, tracker("neue iban 12345BG0000001 12.08.1985", "report_change")) is None
    assert dispatcher.messages == []


def test_a_declaration_started_by_a_general_question_answers_it_and_ends_silently():
    from actions.declarations import ActionStartDeclaration

    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionStartDeclaration().run(
        dispatcher, tracker("mein job endet ende januar, wo meld ich mich arbeitslos?", "report_employment"), {}))
    assert "Agentur für Arbeit" in dispatcher.messages[0]["text"]
    state = next(e["value"] for e in events if e.get("name") == "decl_state")
    assert state["stage"] == "aborted" and state["silent"]
