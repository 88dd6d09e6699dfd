"""Helpers shared by the actions: sending a Reply or a content template, reading the current message, local time."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.content import Button, get_content
from bot.core.clock import TIMEZONE, now, now_local  # noqa: F401  (one clock for actions and channels)
from bot.knowledge.answers import Reply, template


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)


def say(dispatcher: CollectingDispatcher, key: str, buttons: tuple[Button, ...] = (), **values: Any) -> None:
    """Send the content template `key` (content/answers.yml) filled with `values`."""
    send(dispatcher, Reply(template(get_content(), key, **values), buttons))


def message_text(tracker: Tracker) -> str:
    """The citizen's words; a button click ("/ask_contact") counts as no words."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def current_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def learn(tracker: Tracker, reason: str) -> None:
    """Keep the citizen's message for the editors' review when the assistant did not understand it
    or was unsure (redacted; see bot/editor/learning.py). Never disturbs the conversation."""
    import logging

    import redis

    from bot.core.redis_server import redis_client
    from bot.editor.learning import UNSURE_BELOW, LearningInbox

    message = tracker.latest_message or {}
    intent = message.get("intent") or {}
    confidence = float(intent.get("confidence") or 0.0)
    if intent.get("name") == "out_of_scope":  # the assistant cannot help with it: worth a look
        reason = "fallback"
    if reason == "unsure" and confidence >= UNSURE_BELOW:
        return
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") not in ("nlu_fallback", None)]
    guess = intent.get("name") if intent.get("name") != "nlu_fallback" else (ranking[0]["name"] if ranking else "")
    names = tuple(n for n in [tracker.get_slot("customer_name")] if n)
    try:
        LearningInbox(redis_client()).collect(message_text(tracker), reason, guess or "", confidence, names)
    except (redis.RedisError, ValueError) as error:  # Redis down, bad REDIS_URL or stored item: still answer
        logging.getLogger(__name__).warning("learning inbox unavailable: %s", type(error).__name__)
