"""Consent to be contacted (give / withdraw) and the dialogue of an outgoing call.

Consent: `contact_consent` ("erinnern Sie mich per E-Mail", "keine Anrufe mehr") opens the consent form (identification first); the work
is done by bot/outbound/consent.py. Outgoing call: the voice gateway starts the conversation of a call that the
citizen answered; the citizen confirms the date of
birth, hears the message of the campaign (bot/outbound) and can go on with the usual flows. The gateway
opens the conversation with `/greet{"outbound_id": ...}`; the answer to greet hands over to
`start_outbound_call`, which checks that this call belongs to that contact.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointments import AskFromContent, IdentifyingFormValidation, identified, say
from actions.common import current_intent, message_text, now_local, send
from bot.appointments import booking
from bot.appointments.store import get_book
from bot.content import Button, get_content
from bot.identity.registry import MAX_ATTEMPTS, find_birth_date, get_registry
from bot.knowledge.answers import Reply, fill
from bot.outbound.config import get_outbound
from bot.outbound.consent import (
    ConsentStore,
    channels_in,
    channels_text,
    normalise_email,
    normalise_phone,
    wants_withdrawal,
)
from bot.outbound.store import OutboundStore

CONSENT_SLOTS = ["consent_action", "consent_channel", "consent_phone", "consent_email", "consent_confirm"]
CHANNEL_BUTTONS = (Button("Telefon", "Telefon", raw=True), Button("E-Mail", "E-Mail", raw=True),
                   Button("Beides", "Beides", raw=True))


def _consent() -> ConsentStore:
    return ConsentStore(get_book().redis)


def _outbound() -> OutboundStore:
    return OutboundStore(get_book().redis)


def _chosen(tracker: Tracker) -> tuple[str, ...]:
    value = tracker.get_slot("consent_channel") or ""
    return tuple(c for c in ("phone", "email") if c in value.split(","))


def _via(tracker: Tracker) -> str:
    channel = (tracker.get_latest_input_channel() or "").lower()
    return "Telefon" if channel == "voice" else "Chat"


def wording(channel: str, address: str) -> str:
    config = get_outbound()
    return fill(get_content(), config.consent_wording[channel], {"address": address})[0]


# ----------------------------------------------------------------------------- consent


class ActionStartConsent(Action):
    """Before the consent form: give or withdraw, and the channels already named ("keine Anrufe mehr")."""

    def name(self) -> str:
        return "action_start_consent"

    async def run(self, dispatcher, tracker, domain):
        action = "withdraw" if wants_withdrawal(message_text(tracker)) else "give"
        channels = channels_in(message_text(tracker))
        return [*(SlotSet(s, None) for s in CONSENT_SLOTS), SlotSet("flow_aborted", None), SlotSet("id_failed", None),
                SlotSet("consent_action", action), SlotSet("consent_channel", ",".join(channels) or None)]


class ValidateConsentForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_consent_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        chosen = _chosen(tracker)
        if tracker.get_slot("consent_action") == "withdraw":
            return [s for s in slots if s not in ("consent_phone", "consent_email", "consent_confirm")]
        return [s for s in slots if not (s == "consent_phone" and "phone" not in chosen)
                and not (s == "consent_email" and "email" not in chosen)]

    async def validate_consent_channel(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        if value is None:
            return {}
        if aborted := self._aborted(value, dispatcher):
            return {"consent_channel": None, **aborted}
        channels = channels_in(str(value)) if "," not in str(value) else tuple(str(value).split(","))
        if not channels:
            say(dispatcher, "consent_invalid_channel", CHANNEL_BUTTONS)
            return {"consent_channel": None}
        return {"consent_channel": ",".join(channels)}

    async def validate_consent_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        return self._parse_answer("consent_phone", value, dispatcher, normalise_phone, "consent_invalid_phone")

    async def validate_consent_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        return self._parse_answer("consent_email", value, dispatcher, normalise_email, "consent_invalid_email")

    async def validate_consent_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        if aborted := self._aborted(value, dispatcher):
            return {"consent_confirm": None, **aborted}
        answer = booking.yes_or_no(str(value))
        if answer is None:
            say(dispatcher, "confirm_unclear")
            return {"consent_confirm": None}
        return {"consent_confirm": "ja" if answer else "nein"}


class ActionAskConsentChannel(Action):
    def name(self) -> str:
        return "action_ask_consent_channel"

    async def run(self, dispatcher, tracker, domain):
        key = "ask_consent_withdraw_channel" if tracker.get_slot("consent_action") == "withdraw" else "ask_consent_channel"
        say(dispatcher, key, CHANNEL_BUTTONS)
        return []


class ActionAskConsentPhone(AskFromContent):
    def name(self) -> str:
        return "action_ask_consent_phone"


class ActionAskConsentEmail(AskFromContent):
    def name(self) -> str:
        return "action_ask_consent_email"


class ActionAskConsentConfirm(Action):
    def name(self) -> str:
        return "action_ask_consent_confirm"

    async def run(self, dispatcher, tracker, domain):
        texts = [wording(c, tracker.get_slot(f"consent_{c}") or "") for c in _chosen(tracker)]
        say(dispatcher, "ask_consent_confirm", (Button("Ja, einverstanden", "ja", raw=True),
                                                Button("Nein", "nein", raw=True)),
            wording="\n".join(f"„{t}“" for t in texts))
        return []


class ActionSubmitConsent(Action):
    def name(self) -> str:
        return "action_submit_consent"

    async def run(self, dispatcher, tracker, domain):
        events = [SlotSet(s, None) for s in CONSENT_SLOTS] + [SlotSet("flow_aborted", None)]
        customer = tracker.get_slot("customer_id")
        if tracker.get_slot("id_failed"):
            say(dispatcher, "id_failed", (Button("Mit einem Menschen sprechen", "request_human"),))
            return events + [SlotSet("id_failed", None)]
        if tracker.get_slot("flow_aborted") or not customer:
            say(dispatcher, "consent_aborted")
            return events
        store, now, chosen = _consent(), now_local(), _chosen(tracker)
        if tracker.get_slot("consent_action") == "withdraw":
            withdrawn = [c for c in chosen if store.withdraw(customer, c, now, _via(tracker), tracker.sender_id)]
            if withdrawn:
                say(dispatcher, "consent_withdrawn", channels=channels_text(withdrawn))
            missing = [c for c in chosen if c not in withdrawn]
            if missing:
                say(dispatcher, "consent_none_to_withdraw", channels=channels_text(missing))
            return events
        if tracker.get_slot("consent_confirm") != "ja":
            say(dispatcher, "consent_declined")
            return events
        version = get_outbound().consent_version
        for channel in chosen:
            address = tracker.get_slot(f"consent_{channel}") or ""
            store.grant(customer, channel, address, wording(channel, address), version, now, _via(tracker),
                        tracker.sender_id)
        say(dispatcher, "consent_saved", channels=channels_text(chosen))
        return events


# ----------------------------------------------------------------------------- outgoing call


def start_outbound_call(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """First turn of an answered outgoing call (the gateway sends /greet{"outbound_id": ...}): greet without
    saying anything personal, then the outbound form asks for the date of birth. None: not a call start."""
    wanted = next((e.get("value") for e in tracker.latest_message.get("entities", [])
                   if e.get("entity") == "outbound_id"), None)
    if not wanted:
        return None
    contact = _outbound().contact_for_sender(tracker.sender_id)
    texts = get_outbound().call_texts
    if contact is None or contact.id != wanted or contact.status != "calling":
        send(dispatcher, Reply(fill(get_content(), texts["call_ended"])[0]))
        return [SlotSet("outbound_id", None)]
    send(dispatcher, Reply(fill(get_content(), texts["call_greeting"], {"name": contact.name})[0]))
    return [SlotSet("outbound_id", contact.id), SlotSet("flow_aborted", None), SlotSet("id_failed", None),
            SlotSet("id_attempts", 0), SlotSet("id_birth_date", None), SlotSet("customer_id", None),
            FollowupAction("outbound_form")]


class AskOutboundBirthDate(Action):
    def name(self) -> str:
        return "action_ask_outbound_form_id_birth_date"

    async def run(self, dispatcher, tracker, domain):
        from bot.identity import guard as identity

        identity.expect_birth_date(_outbound().redis, tracker.sender_id)  # the answer is shielded
        send(dispatcher, Reply(fill(get_content(), get_outbound().call_texts["call_ask_birth_date"])[0]))
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
            _consent().withdraw(contact.customer, "phone", now, "Telefon (Anruf des Jobcenters)", tracker.sender_id)
            store.record(contact, now, "Einwilligung widerrufen", "im Anruf, vor der Nachricht", False, "no_consent")
            say(dispatcher, "consent_withdrawn", channels=channels_text(["phone"]))
            return {"id_birth_date": None, "flow_aborted": True}
        from actions.appointments import refused
        from bot.identity import guard as identity

        text = identity.reveal(store.redis, tracker.sender_id, str(value or ""))
        customer = get_registry().find(contact.customer)
        guard = identity.IdentityGuard(store.redis)
        if refusal := guard.refusal(contact.customer):
            return {**refused(dispatcher, refusal), "id_failed": True}
        birth_date = find_birth_date(text, now.date())
        if customer is not None and birth_date == customer.birth_date:
            return identified(customer, tracker)
        if birth_date is not None and (refusal := guard.failed(contact.customer)):
            return {**refused(dispatcher, refusal), "id_failed": True}
        attempts = int(tracker.get_slot("id_attempts") or 0) + 1
        if attempts >= MAX_ATTEMPTS:
            return {"id_birth_date": None, "id_attempts": attempts, "id_failed": True}
        say(dispatcher, "outbound_birth_date_mismatch", attempt=attempts, max=MAX_ATTEMPTS)
        return {"id_birth_date": None, "id_attempts": attempts}


class ActionOutboundMessage(Action):
    """After the date of birth: the campaign's message and what the citizen can do next."""

    def name(self) -> str:
        return "action_outbound_message"

    async def run(self, dispatcher, tracker, domain):
        store, now, texts = _outbound(), now_local(), get_outbound().call_texts
        contact = store.contact(tracker.get_slot("outbound_id") or "")
        reset = [SlotSet("flow_aborted", None), SlotSet("id_failed", None), SlotSet("id_birth_date", None)]
        if contact is None or tracker.get_slot("flow_aborted"):
            return reset + [SlotSet("outbound_id", None)]
        if tracker.get_slot("id_failed") or not tracker.get_slot("customer_id"):
            store.record(contact, now, "Person nicht bestätigt", "Geburtsdatum nicht bestätigt", False, "not_confirmed")
            send(dispatcher, Reply(fill(get_content(), texts["call_not_confirmed"])[0]))
            return reset + [SlotSet("outbound_id", None)]
        store.record(contact, now, "Nachricht übermittelt", "Person am Telefon bestätigt", False, "delivered")
        buttons: tuple[Button, ...] = ()
        if contact.kind == "reminder":
            buttons = (Button("Ich komme", "affirm"), Button("Termin verschieben", "reschedule_appointment"),
                       Button("Termin absagen", "cancel_appointment"))
        elif contact.kind == "cancellation":
            buttons = (Button("Ja, neuen Termin", "book_appointment"), Button("Nein", "deny"))
        send(dispatcher, Reply(contact.phone_text, buttons))
        return reset + [SlotSet("outbound_pending", contact.kind if contact.kind == "reminder" else None)]


def confirm_outbound_reminder(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict] | None:
    """"Ich komme" after a reminder call: record the confirmation (used by the affirm answer)."""
    if tracker.get_slot("outbound_pending") != "reminder":
        return None
    store = _outbound()
    contact = store.contact(tracker.get_slot("outbound_id") or "")
    if contact is not None:
        store.record(contact, now_local(), "Termin bestätigt", "", False, "confirmed")
    send(dispatcher, Reply(fill(get_content(), get_outbound().call_texts["call_confirmed_appointment"])[0]))
    return [SlotSet("outbound_pending", None)]
