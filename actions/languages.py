"""The citizen asked for a language or for the languages the assistant speaks (intent set_language).

The `language` slot is already set when this runs (bot/languages/policy.py): the answer is in the new
language. A message that named a language confirms the switch; one that did not ("welche Sprachen sprechen
Sie?") lists the languages, with one button each.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import message_text
from bot.languages.detect import language_rule
from bot.languages.registry import get_catalog


def language_buttons() -> list[dict[str, str]]:
    catalog = get_catalog()
    return [{"title": language.native, "payload": f'/set_language{{"language": "{code}"}}'}
            for code, language in catalog.languages.items()]


def named_language(tracker: Tracker) -> str | None:
    """The language the latest message asked for (a button's entity or a request phrase), None if none."""
    entities = (tracker.latest_message or {}).get("entities") or []
    chosen = next((str(e.get("value")) for e in entities if e.get("entity") == "language"), None)
    return chosen or language_rule().requested(message_text(tracker))


class ActionSetLanguage(Action):
    def name(self) -> str:
        return "action_set_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[dict[str, Any]]:
        catalog = get_catalog()
        code = tracker.get_slot("language") or catalog.default
        language = catalog.languages.get(code) or catalog.languages[catalog.default]
        if named_language(tracker):
            dispatcher.utter_message(text=catalog.line(code, "switched", language=language.native))
        else:
            names = ", ".join(lang.native for lang in catalog.languages.values())
            dispatcher.utter_message(text=catalog.line(code, "languages", languages=names),
                                     buttons=language_buttons())
        return []
