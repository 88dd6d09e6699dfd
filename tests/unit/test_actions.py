"""The Rasa actions, run as the action server runs them (Tracker in, messages and events out)."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import ActionAnswer, ActionFallback, ActionHousingCosts, ActionInform, ActionOpeningHours


def user_event(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def run(action, text: str, intent: str, slots: dict | None = None, history: list[dict] | None = None):
    events = (history or []) + [user_event(text, intent)]
    tracker = Tracker(
        sender_id="test",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
    dispatcher = CollectingDispatcher()
    result = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in result if e.get("event") == "slot"}


def test_answer_action_sends_the_intent_answer_with_buttons():
    messages, slots = run(ActionAnswer(), "was bekomme ich an geld", "ask_benefit_amount")
    assert "563 €" in messages[0]["text"]
    assert {"title": "Mehrbedarfe", "payload": "/ask_additional_needs"} in messages[0]["buttons"]
    assert slots == {"pending_topic": None, "knowledge_context": {"topic": "benefit_amount"}}


def test_opening_hours_action_answers_the_asked_office_and_day():
    messages, slots = run(ActionOpeningHours(), "hat nord donnerstags nachmittags offen", "ask_opening_hours")
    assert messages[0]["text"].startswith("Ja, Geschäftsstelle Nord")
    assert slots["pending_topic"] == "opening_hours"
    assert slots["knowledge_context"] == {"topic": "opening_hours", "office": "nord", "weekday": 3,
                                          "daypart": "nachmittags"}


def test_opening_hours_follow_up_with_just_an_office_name():
    messages, _ = run(ActionInform(), "und süd?", "inform", slots={"pending_topic": "opening_hours"})
    assert "Geschäftsstelle Süd" in messages[0]["text"] and "07:30" in messages[0]["text"]


def test_housing_costs_asks_for_missing_values_and_completes_on_inform():
    messages, slots = run(ActionHousingCosts(), "ist meine miete von 520 euro zu hoch", "ask_housing_costs")
    assert messages[0]["text"].startswith("Für wie viele Personen")
    assert slots == {"kdu_persons": None, "kdu_rent": 520.0, "kdu_warm": None, "pending_topic": "kdu",
                     "knowledge_context": {"topic": "kdu"}}
    messages, slots = run(ActionInform(), "3 personen", "inform", slots=slots)
    assert "um 52 € über dem Richtwert" in messages[0]["text"]
    assert slots["pending_topic"] is None


def test_inform_without_context_but_with_rent_and_persons_checks_the_rent():
    messages, _ = run(ActionInform(), "2 personen 300 euro", "inform")
    assert "innerhalb des Richtwerts" in messages[0]["text"]


def test_inform_without_any_context_asks_what_it_is_about():
    messages, _ = run(ActionInform(), "nord", "inform")
    assert messages[0]["text"].startswith("Danke für Ihre Angabe.") and messages[0]["buttons"]


def test_button_payload_is_not_parsed_as_words():
    messages, _ = run(ActionOpeningHours(), "/ask_opening_hours", "ask_opening_hours")
    assert "Öffnungszeiten der Geschäftsstellen" in messages[0]["text"]


def test_second_miss_in_a_row_offers_a_person():
    messages, _ = run(ActionFallback(), "blubb", "nlu_fallback")
    assert "anders formulieren" in messages[0]["text"]
    messages, _ = run(ActionFallback(), "blabla", "nlu_fallback", history=[user_event("blubb", "nlu_fallback")])
    assert "Service Center" in messages[0]["text"]
    assert messages[0]["buttons"] == [{"title": "Mit einem Menschen sprechen", "payload": "/request_human"}]


def test_a_miss_after_an_understood_message_starts_counting_again():
    history = [user_event("blubb", "nlu_fallback"), user_event("hallo", "greet")]
    messages, _ = run(ActionFallback(), "blabla", "nlu_fallback", history=history)
    assert "anders formulieren" in messages[0]["text"]


def test_second_out_of_scope_message_in_a_row_offers_a_person():
    messages, _ = run(ActionAnswer(), "wie wird das wetter", "out_of_scope")
    assert messages[0]["text"].startswith("Dazu kann ich Ihnen leider nichts sagen")
    messages, _ = run(ActionAnswer(), "und fussball?", "out_of_scope", history=[user_event("wetter?", "out_of_scope")])
    assert "Service Center" in messages[0]["text"]


def test_inform_without_context_and_without_any_value_is_a_miss():
    messages, _ = run(ActionInform(), "xqzv blorp", "inform")
    assert "anders formulieren" in messages[0]["text"]
    messages, _ = run(ActionInform(), "fnord", "inform", history=[user_event("xqzv blorp", "inform")])
    assert "Service Center" in messages[0]["text"]


def test_inform_with_a_rent_amount_and_rent_word_checks_the_rent():
    messages, slots = run(ActionInform(), "miete 400 euro ok?", "inform")
    assert messages[0]["text"].startswith("Für wie viele Personen") and slots["kdu_rent"] == 400.0
