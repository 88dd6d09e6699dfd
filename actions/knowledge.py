"""Actions that answer general questions from the content files.

The choice of answer (follow-ups, several questions, questions filed under an unrelated intent) is made by
`bot.knowledge.topics.respond`; these actions pass the tracker's values in and send what it returns.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.appointment_replies import answer_follow_up
from actions.common import current_intent, learn, message_text, now, say, send
from bot.content import Content, get_content
from bot.content import say as say_text
from bot.declarations import after
from bot.declarations.catalogue import get_catalogue
from bot.declarations.document_requests import asks_for_document, wants_to_report_here
from bot.handover.conversation import asks_when_called, recorded_callback
from bot.handover.routing import asks_for_callback
from bot.knowledge import answers as knowledge
from bot.knowledge import topics
from bot.knowledge.context import Context
from bot.language.dialogue import consecutive_misses, is_miss
from bot.language.vocabulary import is_noise

KDU = "kdu"
OPENING_HOURS = "opening_hours"
CONTACT = "contact"
CONTEXT_SLOT = "knowledge_context"

log = logging.getLogger(__name__)


def _closing_days() -> frozenset[dt.date]:
    """Extra closing days of content/calendar.yml (public holidays are known to bot.knowledge itself)."""
    try:
        from bot.appointments.calendar import get_calendar

        return frozenset(get_calendar().closing_days)
    except Exception as error:  # noqa: BLE001  (a broken calendar must not stop the answer)
        log.warning("closing days unavailable: %s", type(error).__name__)
        return frozenset()


def _last_bot_text(tracker: Tracker) -> str:
    for event in reversed(tracker.events or []):
        if event.get("event") == "bot" and event.get("text"):
            return str(event["text"])
    return ""


def _pending_topic(context: Context) -> str | None:
    if context.topic in ("opening_hours", "service_center", "hotline"):
        return OPENING_HOURS
    if context.topic == CONTACT:
        return CONTACT
    return None


def answer_in_context(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> list[dict[str, Any]] | None:
    """Answer with `topics.respond`; None when the action's usual answer for the intent is right.
    "Wann ruft ihr an?" after a callback request repeats the wished time."""
    content = get_content()
    callback = recorded_callback(tracker.events or [])
    if callback is not None and asks_when_called(message_text(tracker)):
        say(dispatcher, "callback_when", contact=callback[0], time=callback[1])
        return [SlotSet("pending_topic", None)]
    context = Context.from_slot(tracker.get_slot(CONTEXT_SLOT))
    if context.topic == after.TOPIC and after.asks_what_next(message_text(tracker)):
        reply = after.answer(context.detail, get_catalogue(), content)
        if reply is not None:  # "muss ich noch was machen?" right after a declaration: for that declaration
            send(dispatcher, topics.with_next_step(content, reply))
            return [SlotSet("pending_topic", None)]
    turn = topics.respond(
        content,
        message_text(tracker),
        intent,
        Context.from_slot(tracker.get_slot(CONTEXT_SLOT)),
        now(),
        _closing_days(),
        offered_help=topics.offers_further_help(_last_bot_text(tracker)),
    )
    return _say_turn(dispatcher, tracker, content, turn)


def _say_turn(dispatcher: CollectingDispatcher, tracker: Tracker, content: Content,
              turn: topics.Turn | None) -> list[dict[str, Any]] | None:
    """Send what `topics` decided (the rent check when it only found the topic) and keep its context."""
    if turn is None:
        return None
    if turn.reply is None:
        return _housing_costs(dispatcher, tracker)
    send(dispatcher, topics.finish(content, turn))
    return [SlotSet(CONTEXT_SLOT, turn.context.to_slot()), SlotSet("pending_topic", _pending_topic(turn.context))]


def answer_instead_of_request(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """For the declaration flows (`ActionStartDeclaration`): a general question the NLU filed as a declaration or request
    is answered (events to return), or None when it is a request after all. See
    `bot.knowledge.topics.question_instead_of_request`."""
    content = get_content()
    turn = topics.question_instead_of_request(content, message_text(tracker),
                                              Context.from_slot(tracker.get_slot(CONTEXT_SLOT)), now(), _closing_days())
    return _say_turn(dispatcher, tracker, content, turn)


def documents_instead_of_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]] | None:
    """A topic question that asks for the topic's form, PDF or link ("antrag für klassenfahrt als link"): the
    documents request starts (events to return), or None when the message is a question after all."""
    from actions.declarations import start_document_request  # actions.declarations imports this module

    if not asks_for_document(message_text(tracker), get_catalogue()):
        return None
    return start_document_request(dispatcher, tracker)


def report_here_instead_of_answer(dispatcher: CollectingDispatcher, tracker: Tracker,
                                  intent: str) -> list[dict[str, Any]] | None:
    """After the link to a form the chat can take instead (the Veränderungsmitteilung), "ja" or "kann ich das
    auch gleich hier melden" starts that declaration (events to return); None otherwise."""
    from actions.declarations import start_declaration  # actions.declarations imports this module

    context = Context.from_slot(tracker.get_slot(CONTEXT_SLOT))
    if context.topic != "documents" or not context.offer or context.offer not in get_catalogue().declarations:
        return None
    if intent != "affirm" and not wants_to_report_here(message_text(tracker)):
        return None
    dispatcher.utter_message(text=say_text("declarations.report_here_start", get_content()))
    return [SlotSet(CONTEXT_SLOT, None), *start_declaration(dispatcher, tracker, context.offer),
            FollowupAction("declaration_form")]

# answers to intents a wish to be called back is often taken for ("bitte um rückmeldung per mail, … antrag")
CALLBACK_INTENTS = frozenset({"ask_case_status", "nlu_fallback", "out_of_scope", "help", "ask_contact", "inform"})
# intents a question about the citizen's own appointment is often taken for ("und was soll ich mitbringen")
FOLLOW_UP_INTENTS = frozenset({"help", "out_of_scope", "ask_application", "deny"})


class ActionAnswer(Action):
    """Answers an intent with its text from content/answers.yml."""

    def name(self) -> str:
        return "action_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        content = get_content()
        intent = current_intent(tracker)
        if intent in ("affirm", "greet"):
            from actions.outbound import confirm_outbound_reminder, start_outbound_call

            handle = confirm_outbound_reminder if intent == "affirm" else start_outbound_call
            if (events := handle(dispatcher, tracker)) is not None:
                return events
        if intent in CALLBACK_INTENTS and asks_for_callback(message_text(tracker)):
            from actions.handover import start_callback  # actions.handover imports knowledge answers

            return start_callback(dispatcher, tracker)
        if (events := report_here_instead_of_answer(dispatcher, tracker, intent)) is not None:
            return events
        if intent in topics.KNOWLEDGE_INTENTS and (events := documents_instead_of_answer(dispatcher, tracker)) is not None:
            return events
        if intent in FOLLOW_UP_INTENTS and answer_follow_up(dispatcher, tracker):
            return [SlotSet("pending_topic", None), SlotSet(CONTEXT_SLOT, None)]  # about the citizen's appointment
        if (events := answer_in_context(dispatcher, tracker, intent)) is not None:
            return events
        if intent == "out_of_scope" and is_noise(message_text(tracker)):
            # typed noise ("blubb xyz") was not understood; it is no topic the assistant does not cover
            misses = consecutive_misses(tracker.events)
            reply = knowledge.fallback(content, misses, len(message_text(tracker)))
        elif intent == "out_of_scope" and consecutive_misses(tracker.events) >= 2:
            reply = knowledge.fallback(content, 2)  # second miss in a row: offer a person
        else:
            reply = knowledge.answer_for_intent(content, intent) or knowledge.fallback(content, 1)
        send(dispatcher, reply)
        return [SlotSet("pending_topic", None), SlotSet(CONTEXT_SLOT, None)]


class ActionOpeningHours(Action):
    def name(self) -> str:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        return answer_in_context(dispatcher, tracker, "ask_opening_hours") or []


class ActionContact(Action):
    def name(self) -> str:
        return "action_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        return answer_in_context(dispatcher, tracker, "ask_contact") or []


def _housing_costs(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    content = get_content()
    persons = tracker.get_slot("kdu_persons")
    rent = tracker.get_slot("kdu_rent")
    waiting = tracker.get_slot("pending_topic") == KDU
    outcome = knowledge.housing_costs(
        content,
        message_text(tracker),
        persons=int(persons) if persons else None,
        rent=rent,
        expecting_persons=waiting and (persons is None or rent is None),
        warm_rent=tracker.get_slot("kdu_warm") if waiting else None,
    )
    reply = outcome.reply if outcome.waiting_for_input else topics.with_next_step(content, outcome.reply)
    send(dispatcher, reply)
    return [
        SlotSet("kdu_persons", outcome.persons),
        SlotSet("kdu_rent", outcome.rent),
        SlotSet("kdu_warm", outcome.warm),
        SlotSet("pending_topic", KDU if outcome.waiting_for_input else None),
        SlotSet(CONTEXT_SLOT, Context(KDU).to_slot()),
    ]


class ActionHousingCosts(Action):
    """Checks whether a rent is angemessen, or explains the KdU limits."""

    def name(self) -> str:
        return "action_housing_costs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        if (events := documents_instead_of_answer(dispatcher, tracker)) is not None:
            return events
        if (events := answer_in_context(dispatcher, tracker, "ask_housing_costs")) is not None:
            return events
        return _housing_costs(dispatcher, tracker)


class ActionInform(Action):
    """A short answer ("Nord", "3 Personen, 520 €") continues the topic the assistant asked about."""

    def name(self) -> str:
        return "action_inform"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        content = get_content()
        text = message_text(tracker)
        topic = tracker.get_slot("pending_topic")
        if asks_for_callback(text):
            from actions.handover import start_callback

            return start_callback(dispatcher, tracker)
        if (events := answer_in_context(dispatcher, tracker, "inform")) is not None:
            return events
        if topic == KDU or (topic is None and knowledge.looks_like_rent_question(text)):
            return _housing_costs(dispatcher, tracker)
        if topic == OPENING_HOURS:
            send(dispatcher, knowledge.opening_hours(content, text, now()))
            return []
        if topic == CONTACT:
            send(dispatcher, knowledge.contact(content, text))
            return []
        if is_miss("inform", text):  # no topic and nothing usable: treat like not understood
            send(dispatcher, knowledge.fallback(content, consecutive_misses(tracker.events), len(text)))
            return []
        send(dispatcher, knowledge.answer_for_intent(content, "inform") or knowledge.fallback(content, 1))
        return []
