"""Data protection duties on the data the assistant keeps in Redis (Sozialdaten, § 35 SGB I, GDPR).

- Auskunft (Art. 15 GDPR): `python -m bot.privacy.duties export <BG-Nummer>` prints everything stored about
  the person as JSON: registry entry, cases, appointments, absence days, conversations and handover
  transcripts of the conversations in which the person identified, consents and outbound contacts.
- Löschung (Art. 17 GDPR): `python -m bot.privacy.duties delete <BG-Nummer> --by <name>` deletes all of it
  (booked places become free again), with an entry in the privacy log.
- Retention: `python -m bot.privacy.duties purge` deletes cases, outbound contacts and appointment records
  older than their retention period (CASE_RETENTION_DAYS, APPOINTMENT_RETENTION_DAYS; 90 days by default). The contacts worker
  (bot/runtime/worker.py) runs the purge once an hour per deployment; conversations expire in the tracker
  store (endpoints.yml `record_exp`, 30 days) and handover transcripts with their own TTL.
- `python -m bot.privacy.duties log` shows the privacy log (who exported or deleted what, when).

Conversations are linked to a person only when the person identified in them (`link_conversation`,
bot/identity/guard.py). Each store that keeps personal data finds and deletes its own keys
(`export_for`, `delete_for`, `purge`; the protocol is bot/privacy/stores.py): this module only asks the
stores in `personal_data`, keeps the privacy log and the command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from typing import Any, Mapping

import redis

from bot.core.conversations import TRACKER_PREFIX, ConversationRecords
from bot.core.settings import RetentionSettings
from bot.core.subject import DataSubject
from bot.identity.guard import Identification, link_conversation, linked_conversations
from bot.privacy.stores import PersonalData, Retained

__all__ = ["TRACKER_PREFIX", "PrivacyOffice", "Retention", "link_conversation", "main", "personal_data"]

LOG_KEY = "privacy:log"
DELETION_COUNTS = ("vorgaenge", "termine", "gespraeche")  # what the deletion reports and logs


@dataclass(frozen=True)
class Retention:
    case_days: int = 90
    appointment_days: int = 90

    @classmethod
    def from_env(cls) -> "Retention":
        settings = RetentionSettings.from_env()  # at call time: CASE_RETENTION_DAYS, APPOINTMENT_RETENTION_DAYS
        return cls(settings.case_days, settings.appointment_days)

    def limits(self) -> dict[str, int]:
        """Retention days by store name (outbound contacts keep as long as cases)."""
        return {"vorgaenge": self.case_days, "termine": self.appointment_days, "kontakte": self.case_days,
                "bewertungen": self.case_days}


def personal_data(client: redis.Redis) -> dict[str, PersonalData]:
    """Every store of the capabilities that keeps personal data, by name; the order is the export's."""
    from bot.appointments.calendar import get_calendar
    from bot.appointments.store import AppointmentBook
    from bot.cases.store import CaseStore
    from bot.declarations.absence import AbsenceLedger
    from bot.declarations.sick_note import SickNotes
    from bot.editor.learning import LearningInbox
    from bot.handover.ratings import RatingStore
    from bot.handover.state import Handover
    from bot.outbound.consent import ConsentStore
    from bot.outbound.store import OutboundStore

    return {
        "vorgaenge": CaseStore(client),
        "termine": AppointmentBook(client, get_calendar()),
        "ortsabwesenheit": AbsenceLedger(client),
        "krankmeldungen": SickNotes(client),
        "gespraeche": ConversationRecords(client),
        "uebergaben": Handover(client),
        "bewertungen": RatingStore(client),
        "einwilligungen": ConsentStore(client),
        "kontakte": OutboundStore(client),
        "lernen": LearningInbox(client),
        "identifizierung": Identification(client),  # last: it holds the links to the conversations
    }


class PrivacyOffice:
    """Auskunft, Löschung and retention over the stores; the stores know their keys, this knows the log.

    `stores` may add stores of higher layers (the desk, the channels) by injection."""

    def __init__(self, client: redis.Redis, stores: Mapping[str, PersonalData] | None = None):
        self.redis = client
        self.stores: dict[str, PersonalData] = {**personal_data(client), **(stores or {})}

    def subject(self, customer: str) -> DataSubject:
        return DataSubject(customer, linked_conversations(self.redis, customer))

    # ------------------------------------------------------------------ Art. 15
    def export(self, customer: str, actor: str, now: dt.datetime) -> dict[str, Any]:
        from bot.identity.registry import get_registry

        person = get_registry().find(customer)
        data: dict[str, Any] = {
            "stand": now.isoformat(timespec="seconds"),
            "person": {"bg_nummer": person.id, "kundennummer": person.customer_number, "name": person.name,
                       "geburtsdatum": person.birth_date.isoformat(), "geschaeftsstelle": person.office,
                       "anschrift": person.address} if person else {"bg_nummer": customer},
        }
        subject = self.subject(customer)
        for store in self.stores.values():
            data.update(store.export_for(subject))
        self._log("auskunft", customer, actor, now, {"vorgaenge": len(data["vorgaenge"]),
                                                     "termine": len(data["termine"]),
                                                     "gespraeche": len(data["gespraeche"])})
        return data

    # ------------------------------------------------------------------ Art. 17
    def delete(self, customer: str, actor: str, now: dt.datetime) -> dict[str, int]:
        """Every store deletes the person's data (bookings free their places first); the counts are logged."""
        subject = self.subject(customer)
        deleted = {name: store.delete_for(subject) for name, store in self.stores.items()}
        counts = {name: deleted.get(name, 0) for name in DELETION_COUNTS}
        self._log("loeschung", customer, actor, now, counts)
        return counts

    # ------------------------------------------------------------------ retention
    def purge(self, now: dt.datetime, retention: Retention) -> dict[str, int]:
        """Each store with a retention period deletes what is older than it; the counts are logged."""
        counts = {}
        for name, days in retention.limits().items():
            store = self.stores[name]
            if not isinstance(store, Retained):
                raise TypeError(f"the store {name!r} has no purge")
            counts[name] = store.purge(now - dt.timedelta(days=days))
        if any(counts.values()):
            self._log("aufbewahrung", "", "system", now, counts)
        return counts

    # ------------------------------------------------------------------ log
    def _log(self, action: str, customer: str, actor: str, now: dt.datetime, counts: dict[str, int]) -> None:
        entry = {"zeit": now.isoformat(timespec="seconds"), "aktion": action, "bg_nummer": customer,
                 "durch": actor, **counts}
        self.redis.rpush(LOG_KEY, json.dumps(entry, ensure_ascii=False))

    def log(self) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.redis.lrange(LOG_KEY, 0, -1)]


def main(argv: list[str] | None = None) -> int:
    from bot.core.clock import now_local
    from bot.core.settings import load_settings

    parser = argparse.ArgumentParser(prog="python -m bot.privacy.duties", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("export", "delete"):
        command = sub.add_parser(name)
        command.add_argument("customer", help="BG-Nummer, e.g. 12345BG0000001")
        command.add_argument("--by", required=True, help="who asks (recorded in the privacy log)")
    sub.add_parser("purge")
    sub.add_parser("log")
    args = parser.parse_args(argv)
    client = redis.Redis.from_url(load_settings().effective_redis_url)
    office, now = PrivacyOffice(client), now_local()
    if args.command == "export":
        print(json.dumps(office.export(args.customer, args.by, now), ensure_ascii=False, indent=2))
    elif args.command == "delete":
        counts = office.delete(args.customer, args.by, now)
        print(f"Gelöscht für {args.customer}: {counts['vorgaenge']} Vorgänge, {counts['termine']} Termine, "
              f"{counts['gespraeche']} Gespräche. Eintrag im Datenschutzprotokoll angelegt.")
    elif args.command == "purge":
        counts = office.purge(now, Retention.from_env())
        print(f"Aufbewahrungsfristen: {counts['vorgaenge']} Vorgänge und {counts['termine']} Termine gelöscht.")
    else:
        for entry in office.log():
            print(json.dumps(entry, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
