"""The cached jsonschema validation behaves exactly like jsonschema's own."""

from __future__ import annotations

import jsonschema
import pytest

from bot import perf

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
