"""Consent to be contacted (give / withdraw): `contact_consent` ("erinnern Sie mich per E-Mail", "keine Anrufe
mehr") opens the consent form, identification first (actions/identification.py); the decisions and the
proof are in bot/outbound/consent.py."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, now_local, say
from actions.forms import AskFromContent
from actions.identification import NO_NUMBER, IdentifyingFormValidation, say_id_failed
from bot.appointments import booking
from bot.content import Button, get_content
from bot.core.redis_server import redis_client
from bot.knowledge.answers import template
from bot.language import values
from bot.language.dates import time_window
from bot.outbound.call import consent_wording
from bot.outbound.config import get_outbound
from bot.outbound.consent import (
    ConsentStore,
    channel_answer,
    channels_in,
    channels_text,
    chosen_channels,
    consent_questions,
    given_via,
    normalise_email,
    normalise_phone,
    wants_withdrawal,
    withdraw_all,
)

CONSENT_SLOTS = ["consent_action", "consent_channel", "consent_phone", "consent_email", "consent_confirm"]
CHANNEL_BUTTONS = (Button("Telefon", "Telefon", raw=True), Button("E-Mail", "E-Mail", raw=True),
                   Button("Beides", "Beides", raw=True))


def national(address: str) -> str:
    """A phone number as citizens write it (+49221123456 -> 0221123456); e-mail addresses as they are."""
    return "0" + address[3:] if address.startswith("+49") else address


def call_time_wish(tracker: Tracker) -> str | None:
    """When the citizen wants to be called ("aber bitte nicht vor 10 uhr"), said anywhere since the consent
    started; the latest wish counts. Kept with the consent's wording."""
    started = False  # the message that started the consent comes before action_start_consent
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_start_consent":
            started = True
        elif event.get("event") == "user":
            text = str(event.get("text") or "")
            rest = values.identification(text, now_local().date()).rest if not text.startswith("/") else ""
            if window := time_window(rest):
                return window
            if started:
                return None
    return None


def wording_with_time(channel: str, address: str, window: str | None) -> str:
    """The consent's wording for a channel; for calls with the citizen's wished time appended."""
    wording = consent_wording(channel, national(address))
    return f"{wording} {template(get_content(), 'consent_call_time', window=window)}" \
        if window and channel == "phone" else wording


def _chosen(tracker: Tracker) -> tuple[str, ...]:
    return chosen_channels(tracker.get_slot("consent_channel"))


class ActionStartConsent(Action):
    """Before the consent form: give or withdraw, and the channels already named ("keine Anrufe mehr")."""

    def name(self) -> str:
        return "action_start_consent"

    async def run(self, dispatcher, tracker, domain):
        if re.search(r"\b(sms|whatsapp|textnachricht|kurznachricht)\b", message_text(tracker), re.IGNORECASE):
            say(dispatcher, "consent_no_sms")
        action = "withdraw" if wants_withdrawal(message_text(tracker)) else "give"
        channels = channels_in(message_text(tracker))
        return [*(SlotSet(s, None) for s in CONSENT_SLOTS), SlotSet("flow_aborted", None), SlotSet("id_failed", None),
                SlotSet("consent_action", action), SlotSet("consent_channel", ",".join(channels) or None)]


class ValidateConsentForm(IdentifyingFormValidation):
    def name(self) -> str:
        return "validate_consent_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        slots = await super().required_slots(domain_slots, dispatcher, tracker, domain)
        return consent_questions(slots, tracker.get_slot("consent_action"), _chosen(tracker))

    def volunteered_in_rest(self, tracker: Tracker, rest: str) -> dict[str, Any]:
        """The channel, the phone number and the e-mail address, whenever they are said."""
        phone, email = values.find_phone(rest), values.find_email(rest)
        channels = channels_in(rest) or tuple(c for c, v in (("phone", phone), ("email", email)) if v)
        return {"consent_channel": ",".join(channels) or None, "consent_phone": phone, "consent_email": email}

    async def validate_consent_channel(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        if value is None:
            return {}
        if aborted := self._aborted(value, dispatcher):
            return {"consent_channel": None, **aborted}
        channels = channel_answer(str(value))
        if channels is None:
            say(dispatcher, "consent_invalid_channel", CHANNEL_BUTTONS)
        return {"consent_channel": channels}

    async def validate_consent_phone(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        return self._parse_answer("consent_phone", value, dispatcher,
                                  lambda text: normalise_phone(values.spoken_to_written(text)), "consent_invalid_phone")

    async def validate_consent_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        return self._parse_answer("consent_email", value, dispatcher, normalise_email, "consent_invalid_email")

    async def validate_consent_confirm(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: dict) -> dict[str, Any]:
        answer = booking.yes_or_no(str(value))
        if answer is False:  # "nein doch nicht" declines (and says so), it does not just abort
            return {"consent_confirm": "nein"}
        if aborted := self._aborted(value, dispatcher):
            return {"consent_confirm": None, **aborted}
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
        window = call_time_wish(tracker)
        texts = [wording_with_time(c, tracker.get_slot(f"consent_{c}") or "", window) for c in _chosen(tracker)]
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
            say_id_failed(dispatcher)
            return events + [SlotSet("id_failed", None)]
        if tracker.get_slot("flow_aborted") or not customer:
            if tracker.get_slot("appointment_result") != NO_NUMBER:  # that ending was explained already
                say(dispatcher, "consent_aborted")
            return events + [SlotSet("appointment_result", None)]
        store, now, chosen = ConsentStore(redis_client()), now_local(), _chosen(tracker)
        via = given_via(tracker.get_latest_input_channel())
        if tracker.get_slot("consent_action") == "withdraw":
            withdrawn, missing = withdraw_all(store, customer, chosen, now, via, tracker.sender_id)
            if withdrawn:
                say(dispatcher, "consent_withdrawn", channels=channels_text(withdrawn))
            if missing:
                say(dispatcher, "consent_none_to_withdraw", channels=channels_text(missing))
            return events
        if tracker.get_slot("consent_confirm") != "ja":
            say(dispatcher, "consent_declined")
            return events
        version, window = get_outbound().consent_version, call_time_wish(tracker)
        for channel in chosen:
            address = tracker.get_slot(f"consent_{channel}") or ""
            store.grant(customer, channel, address, wording_with_time(channel, address, window), version, now, via,
                        tracker.sender_id)
        say(dispatcher, "consent_saved", channels=channels_text(chosen))
        return events
