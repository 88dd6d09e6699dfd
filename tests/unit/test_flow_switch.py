"""Starting a flow that the conversation offered, or another one after a change of mind (bot/language/flow_switch.py)."""

from __future__ import annotations

from bot.language.flow_switch import next_action, offered_intents

FLOWS = {"book_appointment": "booking_form", "reschedule_appointment": "reschedule_form",
         "cancel_appointment": "cancel_form", "check_appointment": "lookup_form"}


def decide(text: str, intent: str, confidence: float = 0.9, loop: str | None = None,
           offered: list[str] | None = None, latest: str = "action_listen") -> str | None:
    return next_action(latest, intent, confidence, loop, FLOWS, 0.8, text, offered or [])


def test_an_offered_booking_accepted_in_words_starts_the_booking():
    assert decide("ja termin", "check_appointment", 0.69, offered=["book_appointment", "ask_contact"]) == "booking_form"
    assert decide("gerne", "affirm", offered=["book_appointment"]) == "booking_form"


def test_no_offer_or_no_yes_leaves_the_decision_to_the_rules():
    assert decide("ja termin", "check_appointment") is None
    assert decide("hab ich einen termin", "check_appointment", offered=["book_appointment"]) is None
    assert decide("ja", "affirm", offered=["reschedule_appointment", "cancel_appointment"]) is None  # two offers


def test_a_change_of_mind_inside_a_flow_starts_the_other_flow():
    assert decide("ach nee doch lieber verschieben auf nächste woche", "reschedule_appointment", 0.93,
                  loop="cancel_form") == "reschedule_form"


def test_inside_a_flow_a_sure_intent_without_a_change_of_mind_stays_in_the_flow():
    assert decide("verschieben", "reschedule_appointment", 0.95, loop="cancel_form") is None
    assert decide("doch lieber verschieben", "reschedule_appointment", 0.5, loop="cancel_form") is None
    assert decide("doch lieber absagen", "cancel_appointment", 0.95, loop="cancel_form") is None  # same flow
    assert decide("doch lieber verschieben", "reschedule_appointment", 0.95, loop="cancel_form",
                  latest="action_opening_hours") is None


def test_button_payloads_name_their_intents():
    assert offered_intents([{"payload": "/book_appointment"}, {"payload": "ja"},
                            {"payload": '/ask_contact{"office": "nord"}'}]) == ["book_appointment", "ask_contact"]
