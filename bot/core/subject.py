"""The person whose data a store exports or deletes (Auskunft, Art. 15 GDPR; Löschung, Art. 17 GDPR).

Every store that keeps personal data answers for its own keys with `export_for(person)` and
`delete_for(person)` (and `purge(before)` where a retention period applies); bot/privacy/duties.py only
asks them. The type lives here, at the bottom of the layers, so that every capability can name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, overload

_T = TypeVar("_T")


@dataclass(frozen=True)
class DataSubject:
    """The BG-Nummer and the conversations (sender ids) in which the person identified."""

    customer: str
    conversations: tuple[str, ...] = ()


@overload
def decoded(value: bytes) -> str: ...


@overload
def decoded(value: _T) -> _T: ...


def decoded(value: object) -> object:
    """A Redis reply as text (bytes are decoded, anything else is returned as it is)."""
    return value.decode() if isinstance(value, bytes) else value
