"""Helpers shared by the actions: sending a Reply, reading the current message, local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.knowledge import Reply

TIMEZONE = ZoneInfo("Europe/Berlin")


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    buttons = [{"title": b.title, "payload": b.payload} for b in reply.buttons]
    dispatcher.utter_message(text=reply.text, buttons=buttons or None)


def message_text(tracker: Tracker) -> str:
    """The citizen's words; a button click ("/ask_contact") counts as no words."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def current_intent(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def now() -> dt.datetime:
    return dt.datetime.now(TIMEZONE)


def now_local() -> dt.datetime:
    """Local wall-clock time without tzinfo, as the calendar stores it."""
    return now().replace(tzinfo=None, microsecond=0)
