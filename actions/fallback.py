"""The assistant did not understand: ask to rephrase, then offer a person.

A message the NLU was unsure about may still be a clear follow-up ("und wie komm ich da hin") or a rent
question; `actions.knowledge.answer_in_context` answers those first."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import learn, message_text, send
from actions.knowledge import CONTEXT_SLOT, answer_in_context
from bot.content import get_content
from bot.knowledge import answers as knowledge
from bot.language.dialogue import consecutive_misses


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "fallback")
        if (events := answer_in_context(dispatcher, tracker, "nlu_fallback")) is not None:
            return events
        misses = consecutive_misses(tracker.events)
        send(dispatcher, knowledge.fallback(get_content(), misses, len(message_text(tracker))))
        return [SlotSet("pending_topic", None), SlotSet(CONTEXT_SLOT, None)]
