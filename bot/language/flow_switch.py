"""Rasa dialogue policy: a flow (form) started by what the conversation just offered or by a change of mind.

Two things citizens do that the rules (one intent, one form) miss:

- **An offered flow accepted in words**: after "Möchten Sie jetzt auch einen Termin vereinbaren?" with the button
  [Termin vereinbaren], "ja termin" is that booking, although "termin" alone reads like any appointment intent
  (the classifier said "check_appointment"). When the last reply offered exactly one flow (a button whose payload
  is a flow's intent) and the message starts with a yes, that flow starts.
- **A change of mind inside a flow**: "ach nee, doch lieber verschieben auf nächste woche" while the cancellation
  asks for the reason is the move, not a reason. When the NLU is sure (`min_confidence`) of another flow's intent
  and the message says it changes its mind ("doch", "lieber", "stattdessen", …), that flow starts; the values
  collected (identification, the appointment) stay.

`flows` (config): intent -> the form it starts. Above RulePolicy, like the other dialogue policies.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.language.textparse import normalise

YES = re.compile(r"^\s*(ja+|jo|jep|jup|yes|ok|okay|gern|gerne|genau|klar|bitte|gut)\b")
CHANGE_OF_MIND = re.compile(r"\b(doch|lieber|stattdessen|eigentlich|besser|ach|nee|ne|nein|anders|umentschieden)\b")
AFFIRM = "affirm"


def offered_intents(buttons: list[dict[str, Any]]) -> list[str]:
    """The intents behind the buttons of a reply ("/book_appointment" -> "book_appointment")."""
    payloads = (str(b.get("payload") or "") for b in buttons)
    return [p[1:].split("{")[0] for p in payloads if p.startswith("/")]


def next_action(latest_action: str | None, intent: str | None, confidence: float, active_loop: str | None,
                flows: dict[str, str], min_confidence: float, text: str, offered: list[str]) -> str | None:
    """The form to start, or None to leave the decision to the other policies."""
    if latest_action != ACTION_LISTEN_NAME or not intent:
        return None
    norm = normalise(text)
    if active_loop in flows.values():
        wanted = flows.get(intent)
        if wanted and wanted != active_loop and confidence >= min_confidence and CHANGE_OF_MIND.search(norm):
            return wanted
        return None
    if active_loop:
        return None
    accepted = [flows[i] for i in dict.fromkeys(offered) if i in flows]
    if len(accepted) == 1 and YES.search(norm) and (intent in flows or intent == AFFIRM):
        return accepted[0]
    return None


def last_offer(tracker: DialogueStateTracker) -> list[str]:
    """The intents offered by buttons in the replies to the message before the latest one."""
    seen_user = False
    buttons: list[dict[str, Any]] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            if seen_user:
                break
            seen_user = True
        elif isinstance(event, BotUttered) and seen_user:
            buttons += (event.data or {}).get("buttons") or []
    return offered_intents(buttons)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FlowSwitchPolicy(Policy):  # type: ignore[misc, unused-ignore]  # Rasa ships no type information: Policy is Any
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7, "min_confidence": 0.8, "flows": {}}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None, **kwargs: Any) -> PolicyPrediction:
        intent = tracker.latest_message.intent if tracker.latest_message else {}
        text = (tracker.latest_message.text if tracker.latest_message else "") or ""
        flows: dict[str, str] = dict(self.config.get("flows") or {})
        latest = tracker.latest_action_name
        offered = last_offer(tracker) if latest == ACTION_LISTEN_NAME and not tracker.active_loop_name else []
        action = next_action(latest, intent.get("name"), float(intent.get("confidence") or 0.0),
                             tracker.active_loop_name, flows, float(self.config["min_confidence"]), text, offered)
        probabilities = self._default_predictions(domain)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        # marked like a form's own next step, as RulePolicy marks the active form's (else that one would win)
        return self._prediction(probabilities, is_no_user_prediction=True)
