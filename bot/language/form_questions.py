"""Rasa dialogue policy: a clear question asked inside a form is answered, then the form goes on.

Rasa's RulePolicy gives an open form every message, so "kurze frage noch, wie teuer darf ne wohnung für 2
personen sein" while the booking waits for a day would be read as a (wrong) wish. When the NLU is sure
(`confidence`) that a message is one of the questions (intents starting with `ask_`), this policy predicts
the action that answers it; after that answer it predicts the form again, which repeats its open question
(Rasa does not validate a form's input after another action ran). The values collected stay.

Above RulePolicy, below the safety policy (a crisis still comes first).
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

QUESTION_PREFIX = "ask_"
QUESTION_WORDS = frozenset("""was wie wann wo wer warum wieso weshalb welche welcher welches wieviel wie viel kann
koennt könnt darf muss gibt gibts habt hat haben ist sind bekomme bekommt krieg krieg ich zahlt zahlen""".split())


def looks_like_question(text: str) -> bool:
    """A message that asks something ("kurze frage noch, wie teuer darf …?"), not a one-word answer ("Antrag")."""
    words = text.lower().replace(",", " ").split()
    return "?" in text or bool(words) and (words[0] in QUESTION_WORDS or len(words) >= 5 and any(
        w in QUESTION_WORDS for w in words))
DEFAULT_ANSWER = "action_answer"
NUMBER_SLOTS = frozenset({"id_number", "id_birth_date", "guest_contact", "callback_contact", "consent_phone"})


def next_action(latest_action: str | None, intent: str | None, confidence: float, active_loop: str | None,
                answers: dict[str, str], min_confidence: float, answered_before: str | None,
                text: str = "", requested: str | None = None) -> str | None:
    """The action this policy insists on, or None to leave the decision to the other policies.
    `answered_before`: the action that ran last if it was one of the answers (then the form goes on).
    While a number is asked for, a message with digits is an answer ("meine nummer ist 4711")."""
    if not active_loop:
        return None
    if latest_action == ACTION_LISTEN_NAME and intent and intent.startswith(QUESTION_PREFIX) \
            and confidence >= min_confidence and looks_like_question(text) \
            and not (requested in NUMBER_SLOTS and any(c.isdigit() for c in text)):
        return answers.get(intent, DEFAULT_ANSWER)
    if answered_before is not None:
        return active_loop
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class QuestionInFormPolicy(Policy):  # type: ignore[misc, unused-ignore]  # Rasa ships no type information: Policy is Any
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # above RulePolicy (6), like SafetyPolicy (7; never both: that one acts on crisis and threat only);
        # answers: intent -> the action that answers it (others: action_answer)
        return {"priority": 7, "min_confidence": 0.8, "answers": {}, "forms": []}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: dict[str, Any] | None = None, **kwargs: Any) -> PolicyPrediction:
        intent = tracker.latest_message.intent if tracker.latest_message else {}
        answers: dict[str, str] = dict(self.config.get("answers") or {})
        loop = tracker.active_loop_name
        forms = self.config.get("forms") or []
        if forms and loop not in forms:
            loop = None
        latest = tracker.latest_action_name
        answered = latest if latest in {*answers.values(), DEFAULT_ANSWER} else None
        text = (tracker.latest_message.text if tracker.latest_message else "") or ""
        action = next_action(latest, intent.get("name"), float(intent.get("confidence") or 0.0), loop, answers,
                             float(self.config["min_confidence"]), answered, text, tracker.get_slot("requested_slot"))
        probabilities = self._default_predictions(domain)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)  # like a form's own next step
