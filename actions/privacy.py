"""Data protection in the conversation: questions about what is stored and who reads are answered; a request
for Auskunft (Art. 15 DSGVO) or Löschung (Art. 17) is taken after identification as a case `datenschutz` for
the team (the decisions and the retention rules stay with the Jobcenter's data protection officer).
Without a BG-Nummer the citizen gets the written way (no dead end)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, now_local, say
from actions.identification import NO_NUMBER, IdentifyingFormValidation, say_id_failed
from bot.cases.store import CaseStore
from bot.core.redis_server import redis_client
from bot.privacy.requests import privacy_topic

PRIVACY_SLOTS = ("privacy_kind", "privacy_text")


class ActionStartPrivacy(Action):
    """A request (Auskunft, Löschung) opens the identification; a question is answered at once."""

    def name(self) -> str:
        return "action_start_privacy"

    async def run(self, dispatcher, tracker, domain):
        text = message_text(tracker)
        topic = privacy_topic(text, tracker.get_latest_input_channel() or "")
        if topic in ("auskunft", "loeschung"):
            say(dispatcher, f"privacy_{topic}_intro")
            return [SlotSet("privacy_kind", topic), SlotSet("privacy_text", text[:500]), SlotSet("flow_aborted", None),
                    SlotSet("id_failed", None), SlotSet("appointment_result", None)]
        say(dispatcher, f"privacy_{topic}")
        return [SlotSet("privacy_kind", None), SlotSet("privacy_text", None)]


class ValidatePrivacyForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_privacy_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        if not tracker.get_slot("privacy_kind"):
            return []  # a question, answered already
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    def without_number(self, reason: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        say(dispatcher, "privacy_no_number")
        return {"id_number": None, "flow_aborted": True, "appointment_result": NO_NUMBER}


class ActionSubmitPrivacy(Action):
    def name(self) -> str:
        return "action_submit_privacy"

    async def run(self, dispatcher, tracker, domain):
        reset = [SlotSet(s, None) for s in PRIVACY_SLOTS] + [SlotSet("flow_aborted", None),
                                                              SlotSet("appointment_result", None)]
        kind, customer = tracker.get_slot("privacy_kind"), tracker.get_slot("customer_id")
        if not kind:
            return reset
        if tracker.get_slot("id_failed"):
            say_id_failed(dispatcher)
            return [*reset, SlotSet("id_failed", None)]
        if tracker.get_slot("flow_aborted") or not customer:
            if tracker.get_slot("appointment_result") != NO_NUMBER:
                say(dispatcher, "appt_aborted")
            return reset
        label = {"auskunft": "Auskunft (Art. 15 DSGVO)", "loeschung": "Löschung (Art. 17 DSGVO)"}[kind]
        case = CaseStore(redis_client()).create(
            "datenschutz", {"anliegen": label, "originaltext": tracker.get_slot("privacy_text") or ""}, now_local(),
            customer=customer, idempotency_key=f"privacy:{tracker.sender_id}:{kind}",
            office=tracker.get_slot("customer_office") or "", channel=tracker.get_latest_input_channel() or "",
            summary=f"Datenschutz: {label}")
        say(dispatcher, f"privacy_{kind}_done", case=case)
        say(dispatcher, "anything_else")
        return reset
