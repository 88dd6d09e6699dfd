"""Library deprecation notices off in the server processes that `make run` starts.

`make run` sets `PYTHONWARNINGS=ignore::DeprecationWarning` for its processes (unless you set it yourself),
but Sanic turns DeprecationWarning back on when it is imported (`filterwarnings("once", ...)`), so the Rasa
and action servers printed a dozen notices from pkg_resources, distutils, jax and matplotlib at every
start. `library_warnings_off()` imports Sanic first and then puts the ignore rule in front again. Set
PYTHONWARNINGS to anything else (for example `default`) to see them.
"""

from __future__ import annotations

import os
import warnings

QUIET = "ignore::DeprecationWarning"


def library_warnings_off(env: dict[str, str] | None = None, in_rasa: bool = False) -> bool:
    """With `in_rasa`, also in Rasa's own warning set-up, which later puts "once" for every UserWarning in
    front (pyparsing's deprecation notices are both kinds)."""
    # allowed direct read (tests/unit/test_settings.py): Python's own PYTHONWARNINGS, not our configuration
    if QUIET not in (os.environ if env is None else env).get("PYTHONWARNINGS", ""):
        return False
    import sanic.app  # noqa: F401  (its import re-enables DeprecationWarning)

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    if in_rasa:
        from rasa.utils import common

        common.EXPECTED_WARNINGS.append((DeprecationWarning, ""))
    return True
