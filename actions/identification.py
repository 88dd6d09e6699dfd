"""Identification, the one step shared by every form that needs to know who the citizen is: BG- or
Kundennummer plus date of birth (appointments, declarations, consent), or the date of birth alone for a
customer already known (the outgoing call). The decisions are in bot/identity/check.py; the limits across
conversations in bot/identity/guard.py (3 attempts per conversation, locks per number and per address).

The date of birth is checked, never stored or read back: the channel shields the answer (`expect_birth_date`)
and the slot only ever holds "geprüft". The identification expires after 30 minutes without use.
"""

from __future__ import annotations

import re
from abc import ABC
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import now_local, say
from actions.forms import AskFromContent, FlowFormValidation
from bot.content import Button
from bot.core.redis_server import redis_client
from bot.identity import check
from bot.identity import guard as identity
from bot.identity.guard import link_conversation
from bot.identity.registry import MAX_ATTEMPTS, Customer, find_birth_date, find_number, get_registry
from bot.language import values

ID_SLOTS = ("id_number", "id_birth_date")
WHY_BIRTH_DATE = re.compile(r"(?i)\b(wieso|warum|weshalb|wozu|wofür|wofuer)\b")
NO_NUMBER = "no_number"  # `appointment_result` of a flow that ended because the citizen has no number at hand
CUSTOMER_SLOTS = ("customer_id", "customer_name", "customer_office")


def identified(customer: Customer, tracker: Tracker) -> dict[str, Any]:
    """Slots of an identified conversation, linked to the person (Auskunft, Löschung)."""
    client = redis_client()
    link_conversation(client, customer.id, tracker.sender_id)
    identity.IdentityGuard(client).succeeded(customer.id)
    identity.mark_identified(client, tracker.sender_id, customer.id)
    return {"id_birth_date": "geprüft", "customer_id": customer.id, "customer_name": customer.name,
            "customer_office": customer.office, "id_attempts": 0}


def client_address(tracker: Tracker) -> str:
    """The citizen's address as the channel saw it (behind a trusted proxy: the real client)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return str(metadata.get("client") or "") if isinstance(metadata, dict) else ""


def expired_identification(tracker: Tracker) -> list[dict[str, Any]]:
    """Slot resets when the conversation's identification has expired (or was ended by a hand-back)."""
    customer = tracker.get_slot("customer_id")
    if not customer or identity.still_identified(redis_client(), tracker.sender_id, customer):
        return []
    return [SlotSet(name, None) for name in CUSTOMER_SLOTS]


def refused(dispatcher: CollectingDispatcher, refusal: identity.Refusal) -> dict[str, Any]:
    """Tell the citizen why identification is paused and how to reach a person; the flow ends."""
    if refusal.reason == "wait":
        say(dispatcher, "id_wait", seconds=refusal.seconds)
        return {"id_number": None, "id_birth_date": None}
    say(dispatcher, "id_locked", minutes=refusal.minutes)
    return {"id_number": None, "id_birth_date": None, "id_failed": True}


def say_id_failed(dispatcher: CollectingDispatcher) -> None:
    """The end of a flow after too many wrong answers: a person can help."""
    say(dispatcher, "id_failed", (Button("Mit einem Menschen sprechen", "request_human"),))


def expect_birth_date(tracker: Tracker) -> None:
    """The next answer is a date of birth: the channel keeps it out of the tracker."""
    identity.expect_birth_date(redis_client(), tracker.sender_id)


def _attempts(tracker: Tracker) -> int:
    return int(tracker.get_slot("id_attempts") or 0)


def check_number_and_birth_date(dispatcher: CollectingDispatcher, tracker: Tracker, answer: str) -> dict[str, Any]:
    """The date of birth for the number in `id_number`: slot updates, and what the citizen hears."""
    client = redis_client()
    result = check.by_number(identity.IdentityGuard(client), get_registry(), tracker.get_slot("id_number") or "",
                             client_address(tracker), answer, now_local().date(), _attempts(tracker))
    if result.outcome == "invalid":
        say(dispatcher, "id_invalid_birth_date")
        return {"id_birth_date": None}
    if result.outcome == "refused":
        assert result.refusal is not None
        attempts = {} if result.attempts is None else {"id_attempts": result.attempts}
        return {**refused(dispatcher, result.refusal), **attempts}
    if result.outcome == "failed":
        return {"id_number": None, "id_birth_date": None, "id_attempts": result.attempts, "id_failed": True}
    if result.outcome == "mismatch":  # the number stays: a new date, or a corrected number, may follow
        say(dispatcher, "id_mismatch", attempt=result.attempts, max=MAX_ATTEMPTS)
        return {"id_birth_date": None, "id_attempts": result.attempts}
    assert result.customer is not None
    say(dispatcher, "id_ok", name=result.customer.name)
    return identified(result.customer, tracker)


def check_known_birth_date(dispatcher: CollectingDispatcher, tracker: Tracker, customer_key: str,
                           value: Any) -> dict[str, Any]:
    """The date of birth of a customer already known (the outgoing call): slot updates and messages."""
    client = redis_client()
    answer = identity.reveal(client, tracker.sender_id, str(value or ""))  # the real answer behind [Geburtsdatum]
    result = check.known_customer(identity.IdentityGuard(client), customer_key, get_registry().find(customer_key),
                                  answer, now_local().date(), _attempts(tracker))
    if result.outcome == "refused":
        assert result.refusal is not None
        return {**refused(dispatcher, result.refusal), "id_failed": True}
    if result.outcome == "identified":
        assert result.customer is not None
        return identified(result.customer, tracker)
    if result.outcome == "failed":
        return {"id_birth_date": None, "id_attempts": result.attempts, "id_failed": True}
    say(dispatcher, "outbound_birth_date_mismatch", attempt=result.attempts, max=MAX_ATTEMPTS)
    return {"id_birth_date": None, "id_attempts": result.attempts}


class IdentifyingFormValidation(FlowFormValidation, ABC):
    """A form that starts with identification (skipped while the conversation is identified), then asks for
    its own slots; identification that failed or an abort word ends the form."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        expired = expired_identification(tracker)
        for event in expired:  # the form decides on the current state: ask for identification again
            tracker.slots[event["name"]] = None
        return [*expired, *await super().run(dispatcher, tracker, domain)]

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: dict) -> list[str]:
        if tracker.get_slot("flow_aborted") or tracker.get_slot("id_failed"):
            return []
        if tracker.get_slot("customer_id"):
            return [s for s in domain_slots if s not in ID_SLOTS]
        return domain_slots

    def volunteered(self, tracker: Tracker, text: str) -> dict[str, Any]:
        """Number and date of birth from any message, and what the form's own slots find in the rest of it.
        A date of birth without a number is kept aside (out of the tracker) until the number comes."""
        found = values.identification(text, now_local().date())
        given: dict[str, Any] = {}
        if not tracker.get_slot("customer_id"):
            if found.number:
                given["id_number"] = found.number
            # the number slot holds this very message while it is the one asked for: no number known yet
            known = tracker.get_slot("id_number") if tracker.get_slot("requested_slot") != "id_number" else None
            if found.birth_date_text and (found.number or known):
                given["id_birth_date"] = found.birth_date_text
            elif found.birth_date_text and tracker.get_slot("requested_slot") != "id_birth_date":
                identity.keep_birth_date(redis_client(), tracker.sender_id, found.birth_date_text)
        return {**given, **self.volunteered_in_rest(tracker, found.rest)}

    def without_number(self, reason: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """No BG-Nummer ("hab ich nicht zur hand", a first application): no loop of questions. Where the number
        is, what to do instead, and a callback offered; the flow ends without the "abgebrochen" line.
        A form that can go on without a number (a declaration marked "nicht identifiziert") overrides this."""
        say(dispatcher, f"id_no_number_{reason}", (Button("Rückruf vereinbaren", "/request_human"),))
        return {"id_number": None, "flow_aborted": True, "appointment_result": NO_NUMBER}

    def replaced(self, tracker: Tracker, found: dict[str, Any]) -> set[str]:
        """Another number than the one given before corrects it ("nein, richtig ist 12345BG0000003")."""
        if found.get("id_number") and tracker.get_slot("id_number") not in (None, found["id_number"]):
            return {"id_number"}
        return set()

    def volunteered_in_rest(self, tracker: Tracker, rest: str) -> dict[str, Any]:
        """The form's own values in the message without number and date of birth."""
        return {}

    async def validate_id_number(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict) -> dict[str, Any]:
        if not find_number(str(value)) and (missing := values.says_no_number(str(value))):
            return self.without_number(missing, dispatcher, tracker)
        if not find_number(str(value)) and find_birth_date(str(value), now_local().date()) \
                and not re.search(r"\d{5}", str(value)):  # a date of birth, not a mistyped number with one
            say(dispatcher, "id_birth_date_first")  # kept aside by volunteered(); the number is still missing
            return {"id_number": None}
        result = self._parse_answer("id_number", value, dispatcher, find_number, "id_invalid_number")
        if result.get("id_number") and tracker.get_slot("id_birth_date") is None:
            kept = identity.take_birth_date(redis_client(), tracker.sender_id)
            if kept:  # the date of birth came first: check it now instead of asking for it
                tracker.slots["id_number"] = result["id_number"]
                return {**result, **check_number_and_birth_date(dispatcher, tracker, kept)}
        return result

    async def validate_id_birth_date(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        answer = identity.reveal(redis_client(), tracker.sender_id, str(value))  # the real answer behind [Geburtsdatum]
        if WHY_BIRTH_DATE.search(answer) and find_birth_date(answer, now_local().date()) is None:
            say(dispatcher, "id_why_birth_date")
            return {"id_birth_date": None}
        if aborted := self._aborted(answer, dispatcher):
            return {"id_birth_date": None, **aborted}
        number = find_number(answer)
        if number and find_birth_date(answer, now_local().date()) is None:
            return {"id_birth_date": None}  # a (corrected) number instead of the date: taken as the number
        if number and number != tracker.get_slot("id_number"):  # a corrected number with the date
            tracker.slots["id_number"] = number
            return {"id_number": number, **check_number_and_birth_date(dispatcher, tracker, answer)}
        return check_number_and_birth_date(dispatcher, tracker, answer)


class AskIdNumber(AskFromContent):
    def name(self) -> str:
        return "action_ask_id_number"


class AskIdBirthDate(AskFromContent):
    def name(self) -> str:
        return "action_ask_id_birth_date"

    async def run(self, dispatcher, tracker, domain):
        expect_birth_date(tracker)  # the answer is shielded
        return await super().run(dispatcher, tracker, domain)
