"""What bot/privacy asks of a store that keeps personal data; each store knows its own Redis keys.

A store implements `PersonalData` (Auskunft and Löschung) and, where a retention period applies,
`Retained`. The person is a `bot.core.subject.DataSubject`: the BG-Nummer and the conversations in
which the person identified. tests/unit/test_privacy.py scans every Redis key after a deletion, so a
key a store forgets to delete shows up there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, runtime_checkable

from bot.core.subject import DataSubject


class PersonalData(Protocol):
    def export_for(self, person: DataSubject) -> dict[str, Any]:
        """The person's data in this store, by export section (e.g. {"vorgaenge": [...]}); {} for none."""
        ...

    def delete_for(self, person: DataSubject) -> int:
        """Deletes all of the person's data in this store; how many records (cases, bookings, ...)."""
        ...


@runtime_checkable
class Retained(Protocol):
    def purge(self, before: dt.datetime) -> int:
        """Deletes records older than `before` (the retention limit); how many."""
        ...
