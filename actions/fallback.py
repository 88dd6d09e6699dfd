"""The assistant did not understand: ask to rephrase, then offer a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import learn, message_text, send
from bot.content import get_content
from bot.knowledge import answers as knowledge
from bot.language.dialogue import consecutive_misses


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        learn(tracker, "fallback")
        misses = consecutive_misses(tracker.events)
        send(dispatcher, knowledge.fallback(get_content(), misses, len(message_text(tracker))))
        return [SlotSet("pending_topic", None)]
