"""Start-up tuning of the Rasa server process, from profiling under load (see docs/performance.md).

Rasa 3.6 validates every action-server response (and parse results) with `jsonschema.validate`, which
checks the schema itself against the JSON-Schema meta-schema on every call: py-spy showed about half of
the Rasa server's CPU time there. `install()` makes `jsonschema.validate` build each schema's validator
once and reuse it; the result for every instance is the same (same validator class, same errors).
"""

from __future__ import annotations

import json
import threading
from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    import jsonschema
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    cache: dict[str, Any] = {}  # validators; jsonschema ships no type information
    lock = threading.Lock()

    def validate(instance: Any, schema: Any, cls: type[Any] | None = None, *args: Any, **kwargs: Any) -> None:
        key = json.dumps(schema, sort_keys=True, default=str) + (cls.__name__ if cls else "")
        validator = cache.get(key)
        if validator is None:
            validator_class = cls or validator_for(schema)
            validator_class.check_schema(schema)  # once per schema, as jsonschema does on every call
            validator = EventDispatchValidator.wrap(validator_class, schema, *args, **kwargs)
            with lock:
                cache[key] = validator
        if validator.is_valid(instance):
            return
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    jsonschema.validate = validate
    _installed = True


class EventDispatchValidator:
    """A validator for schemas whose `events` items are a `oneOf` of one branch per event name (Rasa's action
    response schema: 23 branches, each fixing `event` with `const`). jsonschema checks every branch for every
    event (about 2 ms per response under load); since the names are unique, an event is valid exactly when the
    branch of its name is, so `is_valid` checks only that branch. Errors (`iter_errors`) come from the full
    validator, so a rejected response gets jsonschema's own error. Other schemas use the full validator."""

    def __init__(self, full: Any, outer: Any, branches: dict[str, Any]):
        self.full, self.outer, self.branches = full, outer, branches

    @classmethod
    def wrap(cls, validator_class: Any, schema: Any, *args: Any, **kwargs: Any) -> Any:
        full = validator_class(schema, *args, **kwargs)
        try:
            items = schema["properties"]["events"]["items"]
            names = [branch["properties"]["event"]["const"] for branch in items["oneOf"]]
        except (KeyError, TypeError):
            return full
        if len(set(names)) != len(names):
            return full
        outer_items = {k: v for k, v in items.items() if k != "oneOf"}
        outer_schema = {**schema, "properties": {**schema["properties"], "events": {
            **schema["properties"]["events"], "items": outer_items}}}
        outer = validator_class(outer_schema, *args, **kwargs)
        branches = {name: validator_class(branch, *args, **kwargs) for name, branch in zip(names, items["oneOf"])}
        return cls(full, outer, branches)

    def is_valid(self, instance: Any) -> bool:
        if not self.outer.is_valid(instance):
            return False
        events = instance.get("events") if isinstance(instance, dict) else None
        for event in events or ():
            branch = self.branches.get(str(event.get("event"))) if isinstance(event, dict) else None
            if branch is None or not branch.is_valid(event):
                return False
        return True

    def iter_errors(self, instance: Any) -> Any:
        return self.full.iter_errors(instance)
