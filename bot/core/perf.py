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
            validator = validator_class(schema, *args, **kwargs)
            with lock:
                cache[key] = validator
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    jsonschema.validate = validate
    _installed = True
