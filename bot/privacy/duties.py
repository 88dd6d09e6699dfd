"""Data protection duties on the data the assistant keeps in Redis (Sozialdaten, § 35 SGB I, GDPR).

- Auskunft (Art. 15 GDPR): `python -m bot.privacy.duties export <BG-Nummer>` prints everything stored about
  the person as JSON: registry entry, cases, appointments, absence days, conversations and handover
  transcripts of the conversations in which the person identified.
- Löschung (Art. 17 GDPR): `python -m bot.privacy.duties delete <BG-Nummer> --by <name>` cancels future
  appointments (freeing the places) and deletes all of it, with an entry in the privacy log.
- Retention: `python -m bot.privacy.duties purge` deletes cases and appointment records older than their
  retention period (CASE_RETENTION_DAYS, APPOINTMENT_RETENTION_DAYS; 90 days by default). The contacts worker
  (bot/runtime/worker.py) runs the purge once an hour per deployment; conversations expire in the tracker store (endpoints.yml `record_exp`,
  30 days) and handover transcripts with their own TTL.
- `python -m bot.privacy.duties log` shows the privacy log (who exported or deleted what, when).

Conversations are linked to a person only when the person identified in them (`customer:senders:<id>`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from dataclasses import asdict, dataclass

import redis

from bot.outbound.consent import ConsentStore
from bot.outbound.store import OutboundStore

TRACKER_PREFIX = "jobcenter:tracker:"
LOG_KEY = "privacy:log"
SENDER_LINK_TTL = 31 * 24 * 3600  # a little longer than the conversations themselves


def link_conversation(client: redis.Redis, customer: str, sender: str) -> None:
    """Remember that this conversation belongs to the identified person (for Auskunft and Löschung)."""
    key = f"customer:senders:{customer}"
    client.sadd(key, sender)
    client.expire(key, SENDER_LINK_TTL)


def _decode(value):
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Retention:
    case_days: int = 90
    appointment_days: int = 90

    @classmethod
    def from_env(cls) -> "Retention":
        return cls(int(os.environ.get("CASE_RETENTION_DAYS", "90")),
                   int(os.environ.get("APPOINTMENT_RETENTION_DAYS", "90")))


class PrivacyOffice:
    def __init__(self, client: redis.Redis):
        self.redis = client

    # ------------------------------------------------------------------ finding the data
    def _case_ids(self, customer: str) -> list[str]:
        from bot.cases.store import CaseStore

        store = CaseStore(self.redis)
        ids = [_decode(i) for i in self.redis.zrange("cases:index", 0, -1)]
        return [i for i in ids if (store.raw(i) or {}).get("customer") == customer]

    def _booking_refs(self, customer: str) -> list[str]:
        refs = []
        for key in self.redis.scan_iter("cal:booking:*", count=500):
            if _decode(self.redis.hget(key, "customer")) == customer:
                refs.append(_decode(key).split(":", 2)[2])
        return sorted(refs)

    def _senders(self, customer: str) -> list[str]:
        return sorted(_decode(s) for s in self.redis.smembers(f"customer:senders:{customer}"))

    def _conversation(self, sender: str) -> list[dict]:
        raw = self.redis.get(f"{TRACKER_PREFIX}{sender}")
        if not raw:
            return []
        events = json.loads(raw).get("events", [])
        return [{"wer": "Bürger/in" if e["event"] == "user" else "Assistent", "text": e.get("text"),
                 "zeit": dt.datetime.fromtimestamp(e.get("timestamp", 0)).isoformat(timespec="seconds")}
                for e in events if e.get("event") in ("user", "bot") and e.get("text")]

    # ------------------------------------------------------------------ Art. 15
    def export(self, customer: str, actor: str, now: dt.datetime) -> dict:
        from bot.cases.store import CaseStore
        from bot.identity.registry import get_registry

        person = get_registry().find(customer)
        store = CaseStore(self.redis)
        data = {
            "stand": now.isoformat(timespec="seconds"),
            "person": {"bg_nummer": person.id, "kundennummer": person.customer_number, "name": person.name,
                       "geburtsdatum": person.birth_date.isoformat(), "geschaeftsstelle": person.office,
                       "anschrift": person.address} if person else {"bg_nummer": customer},
            "vorgaenge": [store.raw(i) for i in self._case_ids(customer)],
            "termine": [{_decode(k): _decode(v) for k, v in self.redis.hgetall(f"cal:booking:{ref}").items()
                         if _decode(k) != "ics_token"} for ref in self._booking_refs(customer)],
            "ortsabwesenheit_tage": {_decode(k): int(v) for k, v in self.redis.hgetall(f"absence:{customer}").items()},
            "gespraeche": {s: self._conversation(s) for s in self._senders(customer)},
            "uebergaben": {s: [json.loads(x) for x in self.redis.lrange(f"ho:transcript:{s}", 0, -1)]
                           for s in self._senders(customer)},
            "einwilligungen": ConsentStore(self.redis).history(customer),
            "kontakte": [asdict(c) for c in OutboundStore(self.redis).contacts_of(customer)],
        }
        self._log("auskunft", customer, actor, now, {"vorgaenge": len(data["vorgaenge"]),
                                                     "termine": len(data["termine"]),
                                                     "gespraeche": len(data["gespraeche"])})
        return data

    # ------------------------------------------------------------------ Art. 17
    def delete(self, customer: str, actor: str, now: dt.datetime) -> dict[str, int]:
        from bot.appointments.calendar import get_calendar
        from bot.appointments.store import AppointmentBook

        book = AppointmentBook(self.redis, get_calendar())
        refs = self._booking_refs(customer)
        for booking in book.upcoming(customer, now):  # free the places first
            book.cancel(customer, booking.ref, "Löschung auf Antrag (Art. 17 DSGVO)", now)
        cases, senders = self._case_ids(customer), self._senders(customer)
        pipe = self.redis.pipeline()
        for case_id in cases:
            pipe.delete(f"case:{case_id}", f"case:{case_id}:files")
            pipe.zrem("cases:index", case_id)
            pipe.zrem("cases:open", case_id)
        for ref in refs:
            token = self.redis.hget(f"cal:booking:{ref}", "ics_token")
            if token:
                pipe.delete(f"cal:ics:{_decode(token)}")
            pipe.delete(f"cal:booking:{ref}")
        pipe.delete(f"cal:customer:{customer}", f"absence:{customer}", f"customer:senders:{customer}")
        for sender in senders:
            pipe.delete(f"{TRACKER_PREFIX}{sender}", f"ho:transcript:{sender}", f"ho:seq:{sender}",
                        f"ho:conv:{sender}")
            pipe.zrem("ho:queue", sender)
        pipe.execute()
        ConsentStore(self.redis).delete(customer)
        OutboundStore(self.redis).delete_customer(customer)
        counts = {"vorgaenge": len(cases), "termine": len(refs), "gespraeche": len(senders)}
        self._log("loeschung", customer, actor, now, counts)
        return counts

    # ------------------------------------------------------------------ retention
    def purge(self, now: dt.datetime, retention: Retention) -> dict[str, int]:
        case_limit = (now - dt.timedelta(days=retention.case_days)).timestamp()
        old_cases = [_decode(i) for i in self.redis.zrangebyscore("cases:index", 0, case_limit)]
        for case_id in old_cases:
            self.redis.delete(f"case:{case_id}", f"case:{case_id}:files")
            self.redis.zrem("cases:index", case_id)
            self.redis.zrem("cases:open", case_id)
        booking_limit = (now - dt.timedelta(days=retention.appointment_days)).isoformat(timespec="minutes")
        old_bookings = 0
        for key in self.redis.scan_iter("cal:booking:*", count=500):
            end, token = self.redis.hmget(key, "end", "ics_token")
            if end and _decode(end) < booking_limit:
                if token:
                    self.redis.delete(f"cal:ics:{_decode(token)}")
                self.redis.delete(key)
                old_bookings += 1
        old_contacts = OutboundStore(self.redis).purge(now - dt.timedelta(days=retention.case_days))
        counts = {"vorgaenge": len(old_cases), "termine": old_bookings, "kontakte": old_contacts}
        if any(counts.values()):
            self._log("aufbewahrung", "", "system", now, counts)
        return counts

    # ------------------------------------------------------------------ log
    def _log(self, action: str, customer: str, actor: str, now: dt.datetime, counts: dict) -> None:
        entry = {"zeit": now.isoformat(timespec="seconds"), "aktion": action, "bg_nummer": customer,
                 "durch": actor, **counts}
        self.redis.rpush(LOG_KEY, json.dumps(entry, ensure_ascii=False))

    def log(self) -> list[dict]:
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
