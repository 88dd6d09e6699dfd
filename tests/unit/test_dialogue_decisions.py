"""Plain decisions of the consent, outgoing call, declaration and handover dialogues (the Rasa actions only
turn them into events and messages)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.declarations import flow
from bot.declarations.submit import transcript_excerpt
from bot.handover import conversation
from bot.outbound import consent
from bot.outbound.call import answered_call, next_steps
from bot.outbound.store import Contact

ALL = ["id_number", "id_birth_date", "consent_channel", "consent_phone", "consent_email", "consent_confirm"]


def test_consent_channels_kept_in_the_slot():
    assert consent.chosen_channels("email,phone") == ("phone", "email")
    assert consent.chosen_channels(None) == ()
    assert consent.channel_answer("per E-Mail bitte") == "email"
    assert consent.channel_answer("beides") == "phone,email"
    assert consent.channel_answer("phone,email") == "phone,email"  # the slot value itself (set before the form)
    assert consent.channel_answer("keine Ahnung") is None


def test_consent_questions_for_grant_and_withdrawal():
    assert consent.consent_questions(ALL, "give", ("email",)) == [
        "id_number", "id_birth_date", "consent_channel", "consent_email", "consent_confirm"]
    assert consent.consent_questions(ALL, "give", ("phone", "email")) == ALL
    assert consent.consent_questions(ALL, "withdraw", ("phone",)) == ["id_number", "id_birth_date", "consent_channel"]


def test_consent_given_via():
    assert consent.given_via("voice") == "Telefon"
    assert consent.given_via("webchat") == consent.given_via(None) == "Chat"


def test_withdraw_all_tells_withdrawn_from_missing(redis_client):
    store, now = consent.ConsentStore(redis_client), dt.datetime(2026, 11, 23, 9, 0)
    store.grant("12345BG0000001", "email", "erika@example.org", "Wortlaut", "1", now, "Chat")
    assert consent.withdraw_all(store, "12345BG0000001", ("phone", "email"), now, "Chat", "s1") == (["email"], ["phone"])


def contact(**changes) -> Contact:
    values = dict(id="C-1", campaign="K-1", customer="12345BG0000001", name="Erika Mustermann", kind="reminder",
                  channel="phone", address="+4915100000000", subject="", email_text="", phone_text="Hallo",
                  status="calling")
    values.update(changes)
    return Contact(**values)


def test_outgoing_call_belongs_to_the_contact_called_now():
    assert answered_call(contact(), "C-1")
    assert not answered_call(contact(), "C-2")
    assert not answered_call(contact(status="done"), "C-1")
    assert not answered_call(None, "C-1")
    assert [b.payload for b in next_steps("reminder")] == ["/affirm", "/reschedule_appointment", "/cancel_appointment"]
    assert len(next_steps("cancellation")) == 2 and next_steps("info") == ()


def test_declaration_interruptions():
    assert flow.interruption("threat", 0.7, "…") == "threat"
    assert flow.interruption("threat", 0.5, "…") is None
    assert flow.interruption("request_human", 0.9, "ich will einen Menschen") == "handover"
    assert flow.interruption("request_human", 0.9, "x" * 81) is None
    assert flow.interruption("inform", 0.99, "3") is None


def test_transcript_excerpt_leaves_out_the_date_of_birth():
    events = [{"event": "user", "text": "früher"}, {"event": "user", "text": "ich bin umgezogen"},
              {"event": "action", "name": "action_start_declaration"}, {"event": "bot", "text": "Ihre Nummer?"},
              {"event": "slot", "name": "requested_slot", "value": "id_birth_date"},
              {"event": "user", "text": "12.08.1985"}]
    assert transcript_excerpt(events) == ["Bürger/in: ich bin umgezogen", "Assistent: Ihre Nummer?",
                                          "Bürger/in: [Geburtsdatum, geprüft]"]


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def test_handover_topic_summary_and_review():
    events = [user("wann ist offen", "ask_opening_hours"), user("/affirm", "affirm"),
              user("mein geld fehlt", "ask_payment"), user("ja", "affirm"), user("mensch bitte", "request_human")]
    topic, summary = conversation.topic_and_summary(events, None)
    assert topic == "ask_payment"
    assert summary == "nicht identifiziert; mein geld fehlt | ja | mensch bitte"
    assert conversation.topic_and_summary(events, "Erika")[1].startswith("identifiziert: Erika; ")
    assert conversation.for_review(events) == [("mein geld fehlt", "ask_payment")]


def test_callback_case_says_what_the_call_is_about():
    """The answers given inside the callback form (number, time) are no topic and no summary of the matter."""
    events = [user("ich hab ne frage zu meiner nebenkostenabrechnung", "ask_housing_costs"),
              user("rückruf bitte", "request_human"), user("0171 2345678", "inform"), user("nachmittags", "inform")]
    topic, summary = conversation.topic_and_summary(events, None, matter_only=True)
    assert topic == "ask_housing_costs"
    assert summary == "nicht identifiziert; ich hab ne frage zu meiner nebenkostenabrechnung"
    only_answers = [user("0171 2345678", "inform")]
    assert conversation.topic_and_summary(only_answers, None, matter_only=True) == ("", "nicht identifiziert; "
                                                                                     "0171 2345678")


def test_callback_case_urgent_or_normal():
    normal = conversation.callback_case("ask_payment", "s", "0151", "vormittags", None)
    assert (normal.kind, normal.priority, normal.summary) == ("rueckruf", "normal", "Rückrufbitte: ask_payment")
    assert normal.fields == {"kontakt": "0151", "wunschzeit": "vormittags", "thema": "ask_payment", "verlauf": "s"}
    urgent = conversation.callback_case("", "s", "0151", "heute", "urgent_need")
    assert (urgent.kind, urgent.priority) == ("notlage", "high")


def test_a_form_question_is_a_repeat_only_after_a_message_that_did_not_start_the_form():
    from bot.handover.conversation import asked_before

    started_now = [{"event": "user", "text": "kein geld"}, {"event": "active_loop", "name": "callback_form"}]
    asked_again = [*started_now, {"event": "action", "name": "action_listen"}, {"event": "user", "text": "hm"}]
    assert not asked_before(started_now, "callback_form")
    assert asked_before(asked_again, "callback_form")


def test_only_digits_or_an_at_sign_are_an_attempt_at_a_contact():
    from bot.handover.conversation import tried_contact

    assert tried_contact("0171") and tried_contact("max@") and not tried_contact("ich will mein geld")


def test_a_slot_only_reset_at_the_start_of_a_flow_is_not_validated_as_an_answer():
    import asyncio

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.forms import FlowFormValidation

    class Validation(FlowFormValidation):
        def name(self) -> str:
            return "validate_test_form"

        async def validate_id_number(self, value, dispatcher, tracker, domain):
            dispatcher.utter_message(text="Das ist keine gültige Nummer.")
            return {"id_number": None}

    events = [{"event": "user", "text": "hab arbeit gefunden", "parse_data": {"intent": {"name": "x"}}},
              {"event": "slot", "name": "id_number", "value": None}]
    tracker = Tracker("t", {"id_number": None, "requested_slot": None}, {"text": "hab arbeit gefunden"}, events,
                      False, None, {"name": "test_form"}, "action_start_declaration")
    dispatcher = CollectingDispatcher()
    domain = {"forms": {"test_form": {"required_slots": ["id_number"]}}, "slots": {"id_number": {}}}
    asyncio.run(Validation().get_validation_events(dispatcher, tracker, domain))
    assert dispatcher.messages == []


@pytest.mark.parametrize("text, wanted", [
    ("kann ich mit meiner arbeitsvermittlerin frau schulz sprechen", True),
    ("ich will meinen sachbearbeiter sprechen", True),
    ("verbinden sie mich mit meinem zuständigen fallmanager", True),
    ("ich will mit einem menschen sprechen", False),
    ("verbinden sie mich bitte mit einem mitarbeiter", False),
])
def test_a_wish_for_ones_own_caseworker_is_recognised(text, wanted):
    from bot.handover.conversation import asks_for_caseworker

    assert asks_for_caseworker(text) is wanted


def test_the_callback_taken_earlier_is_found_after_its_slots_were_cleared():
    from bot.handover.conversation import asks_when_called, recorded_callback

    events = [{"event": "slot", "name": "callback_contact", "value": "0171 2345678"},
              {"event": "slot", "name": "callback_time", "value": "montag nachmittag"},
              {"event": "slot", "name": "callback_contact", "value": None},
              {"event": "slot", "name": "callback_time", "value": None}]
    assert recorded_callback(events) == ("0171 2345678", "montag nachmittag")
    assert recorded_callback(events[:1]) is None
    assert asks_when_called("und wann genau ruft ihr an?") and asks_when_called("wann meldet sich jemand")
    assert not asks_when_called("wann habt ihr offen")
