"""The dialogue of an outgoing call: the voice gateway starts the conversation of a call that the citizen
answered; the citizen confirms the date of birth (actions/identification.py), hears the message of the
campaign (bot/outbound) and can go on with the usual flows. The gateway opens the conversation with
`/greet{"outbound_id": ...}`; the answer to greet hands over to `start_outbound_call`, which checks that this
call belongs to that contact. Consent to be contacted is in actions/consent.py.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_intent, now_local, say, send
from actions.identification import check_known_birth_date, expect_birth_date
from bot.core.redis_server import redis_client
from bot.knowledge.answers import Reply
from bot.outbound.call import answered_call, call_text, next_steps
from bot.outbound.consent import ConsentStore, channels_text, wants_withdrawal
from bot.outbound.store import OutboundStore


def _outbound() -> OutboundStore:
    return OutboundStore(redis_client())


def start_outbound_call(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """First turn of an answered outgoing call (the gateway sends /greet{"outbound_id": ...}): greet without
    saying anything personal, then the outbound form asks for the date of birth. None: not a call start."""
    wanted = next((e.get("value") for e in tracker.latest_message.get("entities", [])
                   if e.get("entity") == "outbound_id"), None)
    if not wanted:
        return None
    contact = _outbound().contact_for_sender(tracker.sender_id)
    if contact is None or not answered_call(contact, wanted):
        send(dispatcher, Reply(call_text("call_ended")))
        return [SlotSet("outbound_id", None)]
    send(dispatcher, Reply(call_text("call_greeting", name=contact.name)))
    return [SlotSet("outbound_id", contact.id), SlotSet("flow_aborted", None), SlotSet("id_failed", None),
            SlotSet("id_attempts", 0), SlotSet("id_birth_date", None), SlotSet("customer_id", None),
            FollowupAction("outbound_form")]


class AskOutboundBirthDate(Action):
    def name(self) -> str:
        return "action_ask_outbound_form_id_birth_date"

    async def run(self, dispatcher, tracker, domain):
        expect_birth_date(tracker)  # the answer is shielded
        send(dispatcher, Reply(call_text("call_ask_birth_date")))
        return []


class ValidateOutboundForm(FormValidationAction):
    def name(self) -> str:
        return "validate_outbound_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        if tracker.get_slot("flow_aborted") or tracker.get_slot("id_failed") or not tracker.get_slot("outbound_id"):
            return []
        return domain_slots

    async def validate_id_birth_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        store, now = _outbound(), now_local()
        contact = store.contact(tracker.get_slot("outbound_id") or "")
        if contact is None:
            return {"id_birth_date": None, "flow_aborted": True}
        if current_intent(tracker) == "contact_consent" and wants_withdrawal(str(value or "")):
            # "rufen Sie mich nicht mehr an" before anything else: no more calls to this person
            ConsentStore(store.redis).withdraw(contact.customer, "phone", now, "Telefon (Anruf des Jobcenters)",
                                               tracker.sender_id)
            store.record(contact, now, "Einwilligung widerrufen", "im Anruf, vor der Nachricht", False, "no_consent")
            say(dispatcher, "consent_withdrawn", channels=channels_text(["phone"]))
            return {"id_birth_date": None, "flow_aborted": True}
        return check_known_birth_date(dispatcher, tracker, contact.customer, value)


class ActionOutboundMessage(Action):
    """After the date of birth: the campaign's message and what the citizen can do next."""

    def name(self) -> str:
        return "action_outbound_message"

    async def run(self, dispatcher, tracker, domain):
        store, now = _outbound(), now_local()
        contact = store.contact(tracker.get_slot("outbound_id") or "")
        reset = [SlotSet("flow_aborted", None), SlotSet("id_failed", None), SlotSet("id_birth_date", None)]
        if contact is None or tracker.get_slot("flow_aborted"):
            return reset + [SlotSet("outbound_id", None)]
        if tracker.get_slot("id_failed") or not tracker.get_slot("customer_id"):
            store.record(contact, now, "Person nicht bestätigt", "Geburtsdatum nicht bestätigt", False, "not_confirmed")
            send(dispatcher, Reply(call_text("call_not_confirmed")))
            return reset + [SlotSet("outbound_id", None)]
        store.record(contact, now, "Nachricht übermittelt", "Person am Telefon bestätigt", False, "delivered")
        send(dispatcher, Reply(contact.phone_text, next_steps(contact.kind)))
        return reset + [SlotSet("outbound_pending", contact.kind if contact.kind == "reminder" else None)]


def confirm_outbound_reminder(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """"Ich komme" after a reminder call: record the confirmation (used by the affirm answer)."""
    if tracker.get_slot("outbound_pending") != "reminder":
        return None
    store = _outbound()
    contact = store.contact(tracker.get_slot("outbound_id") or "")
    if contact is not None:
        store.record(contact, now_local(), "Termin bestätigt", "", False, "confirmed")
    send(dispatcher, Reply(call_text("call_confirmed_appointment")))
    return [SlotSet("outbound_pending", None)]
