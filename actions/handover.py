"""Handing a conversation to a person: the live queue for the web chat within service hours,
otherwise a callback request that becomes a case. Threats go to the top and alert supervisors."""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, now_local, say, send
from actions.forms import FlowFormValidation
from bot.appointments.booking import is_abort
from bot.cases.store import CaseStore
from bot.content import Button, get_content
from bot.core.redis_server import redis_client
from bot.declarations.fields import EMAIL, PHONE
from bot.handover import conversation
from bot.handover.routing import LIVE_CHANNELS, callback_opening, live_queue_available, wait_estimate_minutes
from bot.handover.state import Handover
from bot.knowledge import answers as knowledge
from bot.language import values
from bot.language.dates import Wish, parse_wish
from bot.language.formatting import WEEKDAY_NAMES
from bot.language.formatting import date as format_date
from bot.language.textparse import normalise

logger = logging.getLogger(__name__)


def topic_and_summary(tracker: Tracker, matter_only: bool = False) -> tuple[str, str]:
    """The citizen's last topic and a short summary for the agent's queue entry (or a callback case)."""
    return conversation.topic_and_summary(tracker.events, tracker.get_slot("customer_name"), matter_only)


URGENT = "urgent_need"


def urgent_case(tracker: Tracker) -> str:
    """The conversation's Notlage case (opened by action_urgent_need; opened here if it is missing)."""
    from bot.safety.response import open_urgent_case

    return open_urgent_case(redis_client(), sender=tracker.sender_id, channel=tracker.get_latest_input_channel() or "",
                            text=tracker.latest_message.get("text") or "", now=now_local(),
                            customer=tracker.get_slot("customer_id"), office=tracker.get_slot("customer_office") or "")


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, priority: str) -> list[dict[str, Any]]:
    content = get_content()
    _learn_from_handover(tracker)
    handover = Handover(redis_client())
    channel = tracker.get_latest_input_channel()
    agents = len(handover.agents_online())
    if channel in LIVE_CHANNELS and live_queue_available(content, now_local(), agents):
        topic, summary = topic_and_summary(tracker)
        handover.enqueue(tracker.sender_id, priority=priority, topic=topic, summary=summary, channel=channel,
                         customer=tracker.get_slot("customer_id") or "")
        position = handover.position(tracker.sender_id) or 1
        say(dispatcher, "handover_queued", position=position, minutes=wait_estimate_minutes(position, agents))
        return []
    if conversation.asks_for_caseworker(message_text(tracker)):
        # nobody can put the citizen through to their caseworker: an appointment with them, or a callback
        say(dispatcher, "handover_caseworker", (Button("Termin vereinbaren", "book_appointment"),
                                                Button("Rückruf vereinbaren", "/request_human")))
        return []
    say(dispatcher, "handover_callback_intro", hours=knowledge.compact_week(content.service_center.hours))
    return [FollowupAction("callback_form")]


def start_callback(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    """The citizen asked to be called or written back ("rufen sie mich an 0171 …"): the callback form, which takes
    contact and time from this message too."""
    from actions.safety import close_open_form

    say(dispatcher, "callback_wish_intro", hours=knowledge.compact_week(get_content().service_center.hours))
    return close_open_form(tracker) + [FollowupAction("callback_form")]


def _learn_from_handover(tracker: Tracker) -> None:
    """The citizen's last messages before asking for a person, for the editors' review (redacted)."""
    from bot.editor.learning import LearningInbox

    names = tuple(n for n in [tracker.get_slot("customer_name")] if n)
    try:
        inbox = LearningInbox(redis_client())
        for text, intent in conversation.for_review(tracker.events):
            inbox.collect(text, "handover", intent, 0.0, names)
    except Exception as error:  # noqa: BLE001 - the review copy must never block a handover
        logger.warning("handover: messages not kept for review (%s)", type(error).__name__)


class ActionHandover(Action):
    def name(self) -> str:
        return "action_handover"

    async def run(self, dispatcher, tracker, domain):
        from actions.safety import close_open_form

        # asked inside a form (bot/safety/policy.py): that form ends, its values stay
        return close_open_form(tracker) + hand_over(dispatcher, tracker, "normal")


def report_threat(dispatcher: CollectingDispatcher, tracker: Tracker) -> str:
    """A calm answer, an urgent case, an immediate supervisor alert and the top of the queue."""
    content = get_content()
    reply = knowledge.answer_for_intent(content, "threat")
    assert reply is not None  # content/answers.yml has one; without it, send() used to fail here the same way
    send(dispatcher, reply)
    text = tracker.latest_message.get("text") or ""
    client = redis_client()
    case_id = CaseStore(client).create(
        "drohung", {"nachricht": text[:2000], "kanal": tracker.get_latest_input_channel() or ""}, now_local(),
        customer=tracker.get_slot("customer_id"), priority="urgent",
        idempotency_key=f"threat:{tracker.sender_id}:{len(tracker.events)}", summary="Drohung im Chat",
        office=tracker.get_slot("customer_office") or "", channel=tracker.get_latest_input_channel() or "")
    Handover(client).publish({"type": "supervisor_alert", "sender": tracker.sender_id, "case": case_id,
                              "text": text[:300]})
    handover = Handover(client)
    if tracker.get_latest_input_channel() in LIVE_CHANNELS and live_queue_available(
            content, now_local(), len(handover.agents_online())):
        topic, summary = topic_and_summary(tracker)
        handover.enqueue(tracker.sender_id, priority="urgent", topic="threat", summary=summary,
                         channel=tracker.get_latest_input_channel())
    return case_id


class ActionThreat(Action):
    def name(self) -> str:
        return "action_threat"

    async def run(self, dispatcher, tracker, domain):
        from actions.safety import close_open_form

        report_threat(dispatcher, tracker)
        return close_open_form(tracker)


class ValidateCallbackForm(FlowFormValidation):
    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        return [] if tracker.get_slot("flow_aborted") else domain_slots

    def volunteered(self, tracker: Tracker, text: str) -> dict[str, Any]:
        """Phone number or e-mail address and the time for the call, whenever they are said
        ("rückruf bitte 0171 2345678 montag nachmittag")."""
        contact = values.find_email(text) or values.find_phone(text)
        wish = parse_wish(text, now_local())
        when = None
        if isinstance(wish, Wish) and wish.says_something() or re.search(
                r"\b(vormittags?|nachmittags?|morgens|abends|egal wann|jederzeit|immer)\b", normalise(text)):
            when = callback_time_words(text, contact)
        return {"callback_contact": contact, "callback_time": when}

    async def validate_callback_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: dict) -> dict[str, Any]:
        text = values.spoken_to_written(str(value))
        if is_abort(text):
            return {"callback_contact": None, "flow_aborted": True}
        if found := EMAIL.search(text) or PHONE.search(text):
            return {"callback_contact": found.group(0).strip()}
        if tracker.get_slot("callback_reason") == URGENT and not conversation.tried_contact(text):
            # no money today and no contact given ("ich will mein geld"): the case exists already; what helps
            # today is said again instead of a format hint
            say(dispatcher, "callback_urgent_reminder", case=urgent_case(tracker))
            return {"callback_contact": None}
        say(dispatcher, "callback_invalid_contact")
        return {"callback_contact": None}

    async def validate_callback_time(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: dict) -> dict[str, Any]:
        if is_abort(str(value)):
            return {"callback_time": None, "flow_aborted": True}
        return {"callback_time": str(value).strip()[:200] or None}


def callback_time_words(text: str, contact: str | None) -> str:
    """The part of a message that says when to call: the message without the contact and the request words."""
    rest = text.replace(contact, " ") if contact else text
    rest = re.sub(r"(?i)\b(bitte|rückruf|rueckruf|ruft?|rufen sie|mich|an|unter|meine|nummer|ist|handy|tel\.?|telefon|"
                  r"e-?mail|mail|per|es geht um|wegen)\b", " ", rest)
    return re.sub(r"\s+", " ", rest).strip(" ,.;:-")[:200]


class ActionAskCallbackContact(Action):
    def name(self) -> str:
        return "action_ask_callback_contact"

    async def run(self, dispatcher, tracker, domain):
        urgent = tracker.get_slot("callback_reason") == URGENT
        asked_before = conversation.asked_before(tracker.events, "callback_form")
        say(dispatcher, "ask_callback_contact_again" if urgent and asked_before else "ask_callback_contact")
        return []


class ActionAskCallbackTime(Action):
    def name(self) -> str:
        return "action_ask_callback_time"

    async def run(self, dispatcher, tracker, domain):
        say(dispatcher, "ask_callback_time", (Button("so bald wie möglich", "so bald wie möglich", raw=True),
                                              Button("vormittags", "vormittags", raw=True),
                                              Button("nachmittags", "nachmittags", raw=True)))
        return []


class ActionSubmitCallback(Action):
    def name(self) -> str:
        return "action_submit_callback"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("flow_aborted"):
            if tracker.get_slot("callback_reason") == URGENT:
                say(dispatcher, "callback_urgent_no_contact", case=urgent_case(tracker))
            else:
                say(dispatcher, "callback_aborted")
            return [SlotSet("callback_contact", None), SlotSet("callback_time", None), SlotSet("flow_aborted", None),
                    SlotSet("callback_reason", None)]
        topic, summary = topic_and_summary(tracker, matter_only=True)
        contact, when = tracker.get_slot("callback_contact"), tracker.get_slot("callback_time")
        case = conversation.callback_case(topic, summary, contact, when, tracker.get_slot("callback_reason"))
        if case.kind == "notlage":  # opened with the first answer (actions/safety.py): the contact completes it
            case_id = urgent_case(tracker)
            CaseStore(redis_client()).add_fields(case_id, case.fields, "assistent", now_local())
        else:
            case_id = CaseStore(redis_client()).create(
                case.kind, case.fields, now_local(), customer=tracker.get_slot("customer_id"), priority=case.priority,
                idempotency_key=f"callback:{tracker.sender_id}:{contact}:{when}", summary=case.summary,
                office=tracker.get_slot("customer_office") or "", channel=tracker.get_latest_input_channel() or "")
        say(dispatcher, "callback_done", case=case_id, contact=contact, time=when)
        if opening := callback_opening(get_content(), when, now_local().replace(tzinfo=None)):
            day, start = opening
            say(dispatcher, "callback_next_opening", day=f"{WEEKDAY_NAMES[day.weekday()]}, {format_date(day)}",
                time=f"{start:%H:%M}")
        say(dispatcher, "anything_else")
        return [SlotSet("callback_contact", None), SlotSet("callback_time", None), SlotSet("callback_reason", None)]
