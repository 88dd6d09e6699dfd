"""The cached jsonschema validation behaves exactly like jsonschema's own."""

from __future__ import annotations

import jsonschema
import pytest

from bot.core import perf

SCHEMA = {"type": "object", "properties": {"events": {"type": ["array", "null"], "items": {"type": "object"}},
                                           "responses": {"type": ["array", "null"]}}}


def test_valid_and_invalid_instances_give_the_same_result():
    original = jsonschema.validate
    with pytest.raises(jsonschema.ValidationError) as expected:
        original({"events": "kaputt"}, SCHEMA)
    perf.install()
    jsonschema.validate({"events": [{"event": "slot"}], "responses": []}, SCHEMA)
    jsonschema.validate({"events": [{"event": "slot"}], "responses": []}, dict(SCHEMA))  # an equal, new dict
    with pytest.raises(jsonschema.ValidationError) as cached:
        jsonschema.validate({"events": "kaputt"}, SCHEMA)
    assert cached.value.message == expected.value.message
    with pytest.raises(jsonschema.SchemaError):
        jsonschema.validate({}, {"type": 12})  # a broken schema is still refused


@pytest.mark.parametrize("intents", [("a", "b"), ("a", "b", "c", "d")])
def test_fast_intent_probabilities_equal_scikit_learns(intents):
    """bot/language/nlu.py computes the logistic regression's probabilities itself (without scikit-learn's per-call copy
    of the weights); they must be the same as predict_proba's, for two and for many intents."""
    import numpy as np

    from bot.language.nlu import GermanIntentClassifier, build_pipeline

    texts = {"a": ["termin absagen", "ich kann nicht kommen", "termin fällt aus"],
             "b": ["wie viel geld", "regelsatz hoehe", "wie hoch ist das buergergeld"],
             "c": ["oeffnungszeiten nord", "wann offen", "wann ist geoeffnet"],
             "d": ["neue adresse", "umgezogen", "umzug melden"]}
    x = [t for i in intents for t in texts[i] * 2]
    y = [i for i in intents for _ in texts[i] * 2]
    config = GermanIntentClassifier.get_default_config()
    pipeline = build_pipeline(config).fit(x, y)
    component = GermanIntentClassifier(config, None, None, pipeline)
    probe = ["termin absagen bitte", "geld", "xyz", "wann umgezogen"]
    assert np.allclose(component.predict_proba(probe), pipeline.predict_proba(probe), atol=1e-9)


def test_fast_features_equal_scikit_learns_tfidf():
    """FastFeatures (bot/language/nlu.py) transforms like the fitted FeatureUnion of TfidfVectorizers: same
    columns, same values, for known, unknown, repeated, empty and umlaut text."""
    import numpy as np

    from bot.language.nlu import FastFeatures, GermanIntentClassifier, build_pipeline

    x = ["termin absagen", "ich kann nicht kommen", "termin fällt aus", "wie viel geld", "regelsatz höhe",
         "wie hoch ist das bürgergeld", "öffnungszeiten nord", "wann offen", "umzug melden", "neue adresse"] * 2
    y = ["a", "a", "a", "b", "b", "b", "c", "c", "d", "d"] * 2
    pipeline = build_pipeline(GermanIntentClassifier.get_default_config()).fit(x, y)
    union = pipeline.named_steps["features"]
    probe = ["termin termin termin absagen bitte", "", "xyz qqq", "WIE HOCH ist der Regelsatz?", "öffnungszeiten"]
    fast = FastFeatures(union).transform(probe)
    slow = union.transform(probe)
    assert fast.shape == slow.shape
    assert np.allclose(fast.toarray(), slow.toarray(), atol=1e-12)


def test_event_dispatch_validation_agrees_with_jsonschema():
    """bot/core/perf.py checks an action response's events against the branch of their name only; valid and
    invalid responses must be judged exactly as jsonschema judges them, with jsonschema's own error."""
    import jsonschema
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    from bot.core.perf import EventDispatchValidator

    schema = RemoteAction.action_response_format_spec()
    fast = EventDispatchValidator.wrap(validator_for(schema), schema)
    assert isinstance(fast, EventDispatchValidator)
    full = validator_for(schema)(schema)
    responses = [
        {"events": [{"event": "slot", "name": "a", "value": 1}, {"event": "followup", "name": "x"}],
         "responses": [{"text": "Hallo", "buttons": [{"title": "a", "payload": "/b"}]}]},
        {"events": [], "responses": []},
        {"events": [{"event": "slot", "name": "a", "value": None, "timestamp": None}]},
        {"events": [{"event": "nonsense"}]},
        {"events": [{"event": "slot"}]},  # a slot event without its name
        {"events": [{"event": "followup", "name": 5}]},
        {"events": "x"},
        {"events": [{"no": "event"}]},
        {"events": [["list"]]},
        "text",
    ]
    for response in responses:
        assert fast.is_valid(response) == full.is_valid(response), response
    perf.install()
    jsonschema.validate(responses[0], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(responses[4], schema)
