"""Rasa NLU component: the safety check decides before the intent classifier's guess counts.

Placed after the intent classifier and before the FallbackClassifier (config.yml). The safety classes
(crisis, urgent_need, threat, threat_possible) belong to this component alone:
- the rules of `detect.assess` find a crisis, a threat, a possible threat or an acute lack of money:
  that class becomes the intent with confidence 1.0, whatever the classifier said;
- otherwise this component's own model (TF-IDF and logistic regression like bot/language/nlu.py, trained on
  bot/safety/data/training.yml plus the safety intents of data/nlu and, as "none", a sample of every
  other intent's examples) may find a crisis (probability >= 0.45) or an acute need (>= 0.6) in a
  message of at least five words, so a crisis phrasing the rules miss still reaches a person, while
  one-word form answers such as "ich selbst" never do. Threats come from the rules only.
- the intent classifier's own guesses of the safety classes are dropped from its ranking (a guessed
  `threat` was the cause of worried questions and "ich" being answered as threats).
Keeping the safety examples out of the intent classifier keeps its topics as sharp as before. The
thresholds were chosen on the labelled sets in tests/safety/ (docs/security.md).

The same check therefore applies to every channel that goes through the NLU: web chat, REST, voice
and e-mail (which calls /model/parse).
"""

from __future__ import annotations

import logging
import random
from pathlib import Path
from typing import Any

import joblib
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language.nlu import LinearModel, build_pipeline, normalise_spelling
from bot.safety.detect import (
    CRISIS,
    NONE,
    THREAT,
    THREAT_POSSIBLE,
    URGENT_NEED,
    Verdict,
    assess,
    everyday_loss,
    model_text,
)

SAFETY_INTENTS = (CRISIS, THREAT, THREAT_POSSIBLE, URGENT_NEED)
MODEL_CLASSES = (CRISIS, URGENT_NEED)  # what the model may decide on its own; threats: rules only
EXAMPLES = Path(__file__).resolve().parent / "data" / "training.yml"
logger = logging.getLogger(__name__)


def decide(text: str, ranking: list[dict[str, Any]], keep_confidence: dict[str, float],
           min_words: int = 3, model_scores: dict[str, float] | None = None,
           verdict: Verdict | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The intent and ranking after the safety check (plain function, tested without Rasa).

    `ranking`: the intent classifier's; `model_scores`: this component's model's class probabilities;
    `verdict`: the rules' decision, if already made."""
    verdict = verdict or assess(text)
    kind, confidence = verdict.kind, 1.0
    if kind == NONE and model_scores and len(text.split()) >= min_words and not everyday_loss(text):
        for name in MODEL_CLASSES:
            score = float(model_scores.get(name, 0.0))
            if score >= keep_confidence.get(name, 1.0):
                kind, confidence = name, score
                break
    rest = [r for r in ranking if r.get("name") not in SAFETY_INTENTS]
    if kind != NONE:
        top = {"name": kind, "confidence": max(confidence, 0.99)}
        # the classifier's guesses stay visible, clearly behind (the FallbackClassifier must not see a tie)
        return top, [top, *({**r, "confidence": float(r.get("confidence") or 0) * 0.5} for r in rest)]
    if not rest:
        return {"name": None, "confidence": 0.0}, []
    return rest[0], rest


def training_examples(messages: list[tuple[str, str]], extra: Path = EXAMPLES, negatives: int = 4000,
                      seed: int = 7) -> tuple[list[str], list[str]]:
    """Texts and labels for the safety model: the safety intents' examples (NLU data and `extra`) and a
    seeded sample of every other intent's examples as "none"."""
    positives = [(t, i) for t, i in messages if i in SAFETY_INTENTS]
    others = [(t, NONE) for t, i in messages if i not in SAFETY_INTENTS]
    if extra.exists():
        data = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            intent = block.get("intent")
            for line in str(block.get("examples", "")).splitlines():
                line = line.strip()
                if line.startswith("- "):
                    (positives if intent in SAFETY_INTENTS else others).append(
                        (line[2:], intent if intent in SAFETY_INTENTS else NONE))
    random.Random(seed).shuffle(others)
    chosen = positives + others[:negatives]
    return [normalise_spelling(t) for t, _ in chosen], [label for _, label in chosen]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyCheck(GraphComponent):  # type: ignore[misc, unused-ignore]  # Rasa ships no type information
    MODEL_FILE = "safety_model.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"keep_confidence": {CRISIS: 0.45, URGENT_NEED: 0.6}, "min_words": 5, "negatives": 20000,
                "C": 30.0, "max_iter": 3000, "class_weight": None, "random_state": 42, "max_chars": 2000}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage | None = None,
                 resource: Resource | None = None, pipeline: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self.keep_confidence = {str(k): float(v) for k, v in self.config["keep_confidence"].items()}
        self.min_words = int(self.config["min_words"])
        self._model_storage, self._resource, self.pipeline = model_storage, resource, pipeline
        self._model = LinearModel(pipeline) if pipeline is not None else None

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SafetyCheck":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        messages = [(e.get(TEXT), e.get(INTENT)) for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        texts, labels = training_examples(messages, negatives=int(self.config["negatives"]))
        if len(set(labels)) < 2:
            logger.warning("SafetyCheck: no safety examples, the rules decide alone.")
            return self._resource
        self.pipeline = build_pipeline(self.config)
        self.pipeline.fit(texts, labels)
        self._model = LinearModel(self.pipeline)
        assert self._model_storage is not None  # Rasa's graph creates the component with a model storage (create)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.pipeline, directory / self.MODEL_FILE)
        return self._resource

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SafetyCheck":
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        if self._model is None or not texts:
            return [{} for _ in texts]
        prepared = [normalise_spelling(t[-int(self.config["max_chars"]):]) for t in texts]
        return [dict(zip(self._model.classes, map(float, row))) for row in self._model.predict_proba(prepared)]

    def process(self, messages: list[Message]) -> list[Message]:
        texts = [m.get(TEXT) or "" for m in messages]
        verdicts = [assess(t) for t in texts]
        # the model only decides for messages the rules left open and that are long enough: score just those
        open_ = [i for i, t in enumerate(texts) if len(t.split()) >= self.min_words and verdicts[i].kind == NONE]
        scored = dict(zip(open_, self.scores([model_text(texts[i]) for i in open_])))
        for index, message in enumerate(messages):
            ranking = list(message.get(INTENT_RANKING_KEY) or [])
            if not ranking and message.get(INTENT):
                ranking = [message.get(INTENT)]
            intent, ranking = decide(texts[index], ranking, self.keep_confidence, self.min_words, scored.get(index),
                                     verdicts[index])
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
