"""Actions that answer general questions from the content files."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import current_intent, learn, message_text, now, send
from bot.content import get_content
from bot.knowledge import answers as knowledge
from bot.language.dialogue import consecutive_misses, is_miss

KDU = "kdu"
OPENING_HOURS = "opening_hours"
CONTACT = "contact"


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
        if intent == "out_of_scope" and consecutive_misses(tracker.events) >= 2:
            reply = knowledge.fallback(content, 2)  # second miss in a row: offer a person
        else:
            reply = knowledge.answer_for_intent(content, intent) or knowledge.fallback(content, 1)
        send(dispatcher, reply)
        return [SlotSet("pending_topic", None)]


class ActionOpeningHours(Action):
    def name(self) -> str:
        return "action_opening_hours"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        send(dispatcher, knowledge.opening_hours(get_content(), message_text(tracker), now()))
        return [SlotSet("pending_topic", OPENING_HOURS)]


class ActionContact(Action):
    def name(self) -> str:
        return "action_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
        send(dispatcher, knowledge.contact(get_content(), message_text(tracker)))
        return [SlotSet("pending_topic", CONTACT)]


def _housing_costs(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
    persons = tracker.get_slot("kdu_persons")
    outcome = knowledge.housing_costs(
        get_content(),
        message_text(tracker),
        persons=int(persons) if persons else None,
        rent=tracker.get_slot("kdu_rent"),
    )
    send(dispatcher, outcome.reply)
    return [
        SlotSet("kdu_persons", outcome.persons),
        SlotSet("kdu_rent", outcome.rent),
        SlotSet("pending_topic", KDU if outcome.waiting_for_input else None),
    ]


class ActionHousingCosts(Action):
    """Checks whether a rent is angemessen, or explains the KdU limits."""

    def name(self) -> str:
        return "action_housing_costs"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "unsure")
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
