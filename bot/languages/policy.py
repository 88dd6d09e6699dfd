"""Rasa dialogue policy that keeps the `language` slot: the conversation's language after each message.

It never chooses an action (all its probabilities are 0); it only returns a SlotSet event, which Rasa applies
whichever policy wins, before the next action runs (so the action already answers in the new language).

- a button or the widget's switcher sends `/set_language{"language": "uk"}`: that language;
- the first message of a conversation starts from the widget's `metadata.language` (the browser's language,
  when supported), else the default of content/languages/languages.yml;
- then `detect.next_language` (explicit requests, script, lingua with a minimum length and confidence);
- a phone call stays German (the speech models are German; bot/channels/voice.py).
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.languages.detect import language_rule

SLOT = "language"
GERMAN_ONLY_CHANNELS = ("voice",)


def decide(current: str | None, text: str, entities: list[dict[str, Any]], metadata: dict[str, Any],
           channel: str | None) -> str:
    """The conversation's language after a message (see the module docstring)."""
    rule = language_rule()
    if channel in GERMAN_ONLY_CHANNELS:
        return "de"
    chosen = next((str(e.get("value")) for e in entities if e.get("entity") == SLOT), None)
    if chosen in rule.supported:
        return chosen
    if current not in rule.supported:
        wished = str((metadata or {}).get(SLOT) or "")
        current = wished if wished in rule.supported else "de"
    return rule.next_language(current, text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(Policy):  # type: ignore[misc, unused-ignore]  # Rasa ships no type information: Policy is Any
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 0}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the detector's models load when the model loads, not during a citizen's first message (about a second)
        language_rule().detector.guesses("Guten Tag, ich brauche einen Termin.")

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None, **kwargs: Any) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        message = tracker.latest_message
        if tracker.latest_action_name != ACTION_LISTEN_NAME or message is None or message.text is None:
            return self._prediction(probabilities)
        if SLOT not in tracker.slots:
            return self._prediction(probabilities)
        current = tracker.get_slot(SLOT)
        language = decide(current, message.text, list(message.entities or []), dict(message.metadata or {}),
                          tracker.get_latest_input_channel())
        events = [SlotSet(SLOT, language)] if language != current else []
        return self._prediction(probabilities, events=events)
