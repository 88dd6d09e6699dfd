"""Rasa dialogue policy: a crisis or a threat is answered first, in every state.

Rasa's RulePolicy always gives an active form the next turn, so a form would validate "ich will nicht
mehr leben" as a BG-Nummer. This policy outranks it (higher priority, and like the form's own
prediction it does not depend on featurised user input): after a citizen message whose intent is
`crisis` or `threat` it predicts that answer, whatever form is open; the answer closes the form
(the values collected so far stay in their slots) and the bot then listens. A clear request for a
person leaves an appointment or consent form the same way.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

# intent -> the action that answers it before anything else
FIRST = {"crisis": "action_crisis", "threat": "action_threat"}
# Asking for a person also leaves a form (never a BG-Nummer or a date), when the NLU is sure; the
# declaration form handles it itself (it says what was not sent yet), the callback form is the way to one.
PERSON_INTENT, PERSON_ACTION, PERSON_CONFIDENCE = "request_human", "action_handover", 0.8
PERSON_HANDLED_BY_FORM = ("declaration_form", "callback_form")
LISTEN: str = ACTION_LISTEN_NAME  # typed: Rasa ships no type information, so its constants are Any


def next_action(latest_action: str | None, intent: str | None, active_loop: str | None = None,
                confidence: float = 0.0) -> str | None:
    """The action this policy insists on, or None to leave the decision to the other policies."""
    if latest_action == ACTION_LISTEN_NAME and intent in FIRST:
        return FIRST[intent]
    if (latest_action == ACTION_LISTEN_NAME and intent == PERSON_INTENT and confidence >= PERSON_CONFIDENCE
            and active_loop and active_loop not in PERSON_HANDLED_BY_FORM):
        return PERSON_ACTION
    if latest_action in FIRST.values():
        return LISTEN
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafetyPolicy(Policy):  # type: ignore[misc, unused-ignore]  # Rasa ships no type information: Policy is Any
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"priority": 7}  # above RulePolicy (6)

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None, **kwargs: Any) -> PolicyPrediction:
        intent = tracker.latest_message.intent if tracker.latest_message else {}
        action = next_action(tracker.latest_action_name, intent.get("name"), tracker.active_loop_name,
                             float(intent.get("confidence") or 0.0))
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)
