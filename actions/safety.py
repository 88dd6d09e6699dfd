"""Safety answers: a person in crisis, no money today, a possible threat (bot/safety/ does the work).

A crisis is answered before anything else, also while a form waits for a value (bot/safety/policy.py);
the answer closes that form, keeping what was collected in its slots."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text, now_local
from bot.core.redis_server import redis_client
from bot.safety.detect import assess
from bot.safety.response import handle_crisis, open_urgent_case, record_possible_threat, safety_text


def close_open_form(tracker: Tracker) -> list[dict[str, Any]]:
    """Events that end the form the citizen was in, without clearing its values."""
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


class ActionCrisis(Action):
    def name(self) -> str:
        return "action_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        text = message_text(tracker)
        outcome = handle_crisis(redis_client(), sender=tracker.sender_id,
                                channel=tracker.get_latest_input_channel() or "", text=text, now=now_local(),
                                violence=assess(text).rule == "violence", customer=tracker.get_slot("customer_id"),
                                office=tracker.get_slot("customer_office") or "")
        for message in outcome.messages:
            dispatcher.utter_message(text=message)
        return close_open_form(tracker)


class ActionUrgentNeed(Action):
    def name(self) -> str:
        return "action_urgent_need"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        case = open_urgent_case(redis_client(), sender=tracker.sender_id,
                                channel=tracker.get_latest_input_channel() or "", text=message_text(tracker),
                                now=now_local(), customer=tracker.get_slot("customer_id"),
                                office=tracker.get_slot("customer_office") or "")
        dispatcher.utter_message(text=safety_text("urgent_need", case=case))
        return [SlotSet("callback_reason", "urgent_need"), FollowupAction("callback_form")]


class ActionThreatPossible(Action):
    def name(self) -> str:
        return "action_threat_possible"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        record_possible_threat(redis_client(), sender=tracker.sender_id, channel=tracker.get_latest_input_channel() or "",
                               text=message_text(tracker), now=now_local(), customer=tracker.get_slot("customer_id"),
                               office=tracker.get_slot("customer_office") or "")
        dispatcher.utter_message(text=safety_text("threat_possible"))
        return []
