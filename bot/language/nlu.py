"""Custom Rasa NLU component: a German intent classifier for short, messy citizen messages.

`GermanIntentClassifier` normalises spelling variants (umlauts written as ae/oe/ue or dropped,
ß as ss, lower case), builds TF-IDF features of words (1–2 grams) and characters (2–5 grams within
words, 3–5 grams across word boundaries) and classifies with a regularised logistic regression. On this project's data it is both
more accurate and about 50 times faster to train than DIET on sparse features alone (figures in
docs/nlu.md), which keeps cross-validation in CI to a few minutes.

Very long messages are cut to their last `max_chars` characters: citizens tend to put the request
at the end, and the cost of classification stays bounded whatever is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, TypedDict

import joblib
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_union
from sklearn.preprocessing import normalize

from bot.language.values import identification, request_words, spoken_to_written, without_values

logger = logging.getLogger(__name__)

MAX_RULE_CHARS = 2000  # rule intents look at the start of a message (bounded cost for very long ones)
ANSWER_MARGIN = 0.1  # "inform" this close to the top: the message may be a request that carries values
CLEAR_REQUEST = 0.8  # a rest classified this surely is a request even when it is one word ("terminerinnerungen")
MIN_REQUEST_WORDS = 2  # words beyond values and filler that make a message a request (values.request_words)
INFORM = "inform"  # the intent of a bare value given as an answer ("Nord", "12345BG0000001")

_CHARS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "s", "é": "e", "è": "e"})
_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"), ("ss", "s"))


def normalise_spelling(text: str) -> str:
    """Map spelling variants to one form: 'Übernimmt', 'uebernimmt', 'ubernimmt' -> 'ubernimmt'."""
    text = text.lower().translate(_CHARS)
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return text


def build_pipeline(config: dict[str, Any]) -> Pipeline:
    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
        # Character n-grams across word boundaries catch split or joined words ("termin absagen",
        # "terminabsagen", "ab sagen").
        TfidfVectorizer(analyzer="char", ngram_range=(3, 5), sublinear_tf=True, min_df=2),
    )
    classifier = LogisticRegression(C=config["C"], max_iter=config["max_iter"], class_weight=config["class_weight"],
                                    random_state=config["random_state"])
    return Pipeline([("features", features), ("classifier", classifier)])


def rule_patterns(rule_intents: dict[str, list[str]]) -> dict[str, re.Pattern[str]]:
    """config `rule_intents` (intent -> alternatives) as one case-insensitive pattern per intent."""
    return {name: re.compile("(?i)(" + "|".join(alternatives) + ")") for name, alternatives in rule_intents.items()}


class FastTfidf:
    """The transform of a fitted TfidfVectorizer without scikit-learn's per-call bookkeeping (fitted checks,
    input validation, the `idf_` property that sums the idf diagonal matrix on every call: together more than
    half of its time per message, docs/performance.md). Same analyzer and vocabulary, same sublinear tf, idf and
    norm; equal to `TfidfVectorizer.transform` (tests/unit/test_perf.py)."""

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        tfidf = vectorizer._tfidf  # noqa: SLF001 - the fitted TfidfTransformer inside the vectorizer
        self.analyze = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.size = len(self.vocabulary)
        self.binary = bool(vectorizer.binary)
        self.sublinear = bool(tfidf.sublinear_tf)
        self.idf = np.asarray(tfidf.idf_, dtype=np.float64) if tfidf.use_idf else None
        self.norm = tfidf.norm

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        indptr: list[int] = [0]
        indices: list[int] = []
        values: list[int] = []
        for text in texts:
            counts: dict[int, int] = {}
            for feature in self.analyze(text):
                index = self.vocabulary.get(feature)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            row = sorted(counts)
            indices.extend(row)
            values.extend(1 if self.binary else counts[i] for i in row)
            indptr.append(len(indices))
        data = np.asarray(values, dtype=np.float64)
        columns = np.asarray(indices, dtype=np.int32)
        if self.sublinear:
            np.log(data, out=data)
            data += 1
        if self.idf is not None:
            data *= self.idf[columns]
        matrix = sp.csr_matrix((data, columns, np.asarray(indptr, dtype=np.int32)), shape=(len(texts), self.size))
        if self.norm:
            matrix = normalize(matrix, norm=self.norm, copy=False)
        return matrix


class FastFeatures:
    """A fitted FeatureUnion of TfidfVectorizers (`build_pipeline`), transformed with FastTfidf."""

    def __init__(self, union: Any) -> None:
        if union.transformer_weights or not all(isinstance(t, TfidfVectorizer) for _, t in union.transformer_list):
            raise ValueError("FastFeatures needs a plain union of TfidfVectorizers")
        self.parts = [FastTfidf(t) for _, t in union.transformer_list]

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        return sp.hstack([part.transform(texts) for part in self.parts], format="csr")


class LinearModel:
    """A fitted `build_pipeline` with fast probabilities, shared by the intent classifier and the safety
    check (bot/safety/component.py). scikit-learn's predict_proba multiplies the sparse features with the
    transposed (Fortran-ordered) coefficients, which copies the whole 70 000 x 44 matrix on every call:
    6 ms of the 7 ms a message cost (see docs/performance.md). The weights are made C-ordered once here."""

    def __init__(self, pipeline: Pipeline) -> None:
        classifier = pipeline.named_steps["classifier"]
        union = pipeline.named_steps["features"]
        try:
            self.features: Any = FastFeatures(union)
        except ValueError:  # another feature set (an older model): scikit-learn's own transform
            self.features = union
        self.classes = [str(c) for c in classifier.classes_]
        self.weights = np.ascontiguousarray(classifier.coef_.T)
        self.intercept = classifier.intercept_.copy()

    def predict_proba(self, texts: list[str]) -> npt.NDArray[np.float64]:
        """Same result as the pipeline's predict_proba (multinomial logistic regression), without the copy."""
        scores = self.features.transform(texts) @ self.weights + self.intercept
        if scores.shape[1] == 1:  # two classes: scikit-learn's binary form, expit(s) = softmax([0, s])
            scores = np.hstack([np.zeros_like(scores), scores])
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        probabilities: npt.NDArray[np.float64] = scores / scores.sum(axis=1, keepdims=True)
        return probabilities


class IntentScore(TypedDict):
    """One entry of Rasa's intent ranking."""

    name: str
    confidence: float


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class GermanIntentClassifier(GraphComponent, IntentClassifier):  # type: ignore[misc, unused-ignore]  # rasa ships no type information (reported only under --strict)
    MODEL_FILE = "german_intent_classifier.joblib"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"C": 60.0, "class_weight": None, "max_iter": 3000, "random_state": 42, "ranking_length": 10,
                "max_chars": 2000, "exclude_intents": [],
                # a message with values that looks like a bare answer is classified again without them
                "min_request_words": MIN_REQUEST_WORDS, "request_confidence": 0.5, "request_words": {},
                "rule_intents": {}}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 pipeline: Pipeline | None = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.pipeline = pipeline
        self._model: LinearModel | None = None
        self._rules = rule_patterns(self.config["rule_intents"])  # compiled once, not per message
        if pipeline is not None:
            self._prepare_weights()

    def _prepare_weights(self) -> None:
        self._model = LinearModel(self.pipeline)

    def predict_proba(self, texts: list[str]) -> npt.NDArray[np.float64]:
        assert self._model is not None  # set together with the pipeline; process() asks only when there is one
        return self._model.predict_proba(texts)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "GermanIntentClassifier":
        return cls(config, model_storage, resource)

    def _prepare(self, text: str) -> str:
        return normalise_spelling(text[-self.config["max_chars"]:])

    def train(self, training_data: TrainingData) -> Resource:
        # intents another component decides (config exclude_intents: the safety classes, bot/safety/) are
        # not learnt here, so that they take no probability mass from the topics
        excluded = set(self.config["exclude_intents"])
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)
                    and e.get(INTENT) not in excluded]
        if len({e.get(INTENT) for e in examples}) < 2:
            logger.warning("GermanIntentClassifier needs at least two intents; not trained.")
            return self._resource
        self.pipeline = build_pipeline(self.config)
        self.pipeline.fit([self._prepare(e.get(TEXT)) for e in examples], [e.get(INTENT) for e in examples])
        self._prepare_weights()
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self.pipeline, directory / self.MODEL_FILE)
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        if self.pipeline is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        probabilities = self.predict_proba([self._prepare(t) for t in texts])
        probabilities = self._without_identification(texts, probabilities)
        probabilities = self._about_more_than_values(messages, probabilities)
        classes = self.pipeline.classes_
        for text, message, row in zip(texts, messages, probabilities):
            ranking: list[IntentScore] = sorted(
                ({"name": str(name), "confidence": float(p)} for name, p in zip(classes, row)),
                key=lambda entry: -entry["confidence"],
            )
            ruled = next((name for name, rule in self._rules.items() if rule.search(text[:MAX_RULE_CHARS])), None)
            if ruled is not None:  # an intent decided by its words (config rule_intents), not learnt
                behind: list[IntentScore] = [{"name": r["name"], "confidence": r["confidence"] * 0.5} for r in ranking]
                ranking = [{"name": ruled, "confidence": 1.0}, *behind]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[: self.config["ranking_length"]], add_to_output=True)
        return messages

    def _without_identification(self, texts: list[str], probabilities: npt.NDArray[np.float64]
                                ) -> npt.NDArray[np.float64]:
        """Each message that carries a BG-Nummer or a date of birth is classified a second time without
        them (`_about`); that reading wins when it names a request and is surer than the whole message's,
        or when the whole message read as a bare answer."""
        about = [(i, self._about(t)) for i, t in enumerate(texts)]
        about = [(i, a) for i, a in about if a != texts[i]]
        if not about:
            return probabilities
        assert self.pipeline is not None  # process() asks only when there is one
        classes = list(self.pipeline.classes_)
        inform = classes.index(INFORM) if INFORM in classes else -1
        again = self.predict_proba([self._prepare(a) for _, a in about])
        for (index, _), row in zip(about, again):
            best, whole_best = int(np.argmax(row)), int(np.argmax(probabilities[index]))
            if best != inform and (whole_best == inform or row[best] > probabilities[index][whole_best]):
                probabilities[index] = row
        return probabilities

    @staticmethod
    def _about(text: str) -> str:
        """What is classified: a BG-Nummer and a date of birth, written or spoken ("meine nummer ist eins zwei
        drei …" as speech recognition writes it), are left out of a request that carries them; they would
        drown it ("meine bg nummer ist 12345BG0000002, ich will einen termin absagen"). A message that is
        nothing but those values stays as it is (an answer)."""
        if len(text) > 1000:
            return text
        found = identification(text, dt.date.today())
        if found.number or found.birth_date:
            return found.rest if request_words(found.rest) >= MIN_REQUEST_WORDS else text
        if spoken_to_written(text) != " ".join(text.split()):
            return without_values(text) or text
        return text

    def _about_more_than_values(self, messages: list[Message], probabilities: npt.NDArray[np.float64]
                                ) -> npt.NDArray[np.float64]:
        """A message the model takes for a bare value ("inform") because of the numbers and dates in it is
        classified again without them: "ich muss meinen termin absagen 12345BG0000002 01.02.1979" is a
        cancellation that happens to carry its values, not an answer. When the rest still reads like an answer
        ("beratungstermin nord nächste woche") but names a request (config `request_words`: a word stem and the
        intents it can mean), the likeliest of those intents is taken."""
        assert self.pipeline is not None  # process() asks only when there is one
        classes = list(self.pipeline.classes_)
        if INFORM not in classes:
            return probabilities
        inform = classes.index(INFORM)
        cues = {stem: [classes.index(i) for i in intents if i in classes]
                for stem, intents in self.config["request_words"].items()}
        for index, message in enumerate(messages):
            row = probabilities[index]
            if row[inform] < row.max() - ANSWER_MARGIN:  # clearly not read as a bare answer
                continue
            text = message.get(TEXT) or ""
            rest = without_values(text)
            words = request_words(rest)
            if rest == text.strip() or words == 0:
                continue
            again = self.predict_proba([self._prepare(rest)])[0]
            best = int(np.argmax(again))
            if best != inform and (again[best] >= self.config["request_confidence"] and words >= self.config[
                    "min_request_words"] or again[best] >= CLEAR_REQUEST):
                probabilities[index] = again
                continue
            folded = normalise_spelling(rest)
            candidates = [c for stem, intents in cues.items() if re.search(rf"{stem}(?:e|en)?\b", folded)
                          for c in intents]
            if candidates:
                chosen = max(candidates, key=lambda c: again[c])
                if again[inform] > again[chosen]:
                    again[chosen], again[inform] = again[inform], again[chosen]
                if int(np.argmax(again)) == chosen:
                    probabilities[index] = again
        return probabilities

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "GermanIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(directory / cls.MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained GermanIntentClassifier found; predictions are disabled.")
            pipeline = None
        return cls(config, model_storage, resource, pipeline)
