"""The language the current conversation is answered in (a context variable, "de" unless set).

The action server sets it per request from the tracker's `language` slot (bot/runtime/action_server.py);
channels and mail set it around their own texts with `speaking()`. Readers call `current()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.language.current import CURRENT as _CURRENT
from bot.language.current import GERMAN


def current() -> str:
    return _CURRENT.get()


def set_current(language: str | None) -> None:
    """Set the language for the rest of this task (the action server's request)."""
    _CURRENT.set(language or GERMAN)


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Texts read inside the block are in `language` ("de" when None)."""
    token = _CURRENT.set(language or GERMAN)
    try:
        yield
    finally:
        _CURRENT.reset(token)
