"""The language of the conversation being answered: one context variable, "de" unless set.

It lives here, in the lowest layer, so that formatting (weekday names, units) can follow it; the
languages package (bot/languages/context.py) sets and reads it for everything else.
"""

from __future__ import annotations

from contextvars import ContextVar

GERMAN = "de"
CURRENT: ContextVar[str] = ContextVar("conversation_language", default=GERMAN)


def current_language() -> str:
    return CURRENT.get()
