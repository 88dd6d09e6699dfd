"""Campaigns and their contacts in Redis, with every attempt and result recorded.

Keys (prefix `ob:`):
- `ob:campaign:<id>`          JSON of the campaign (kind, title, parameters, who started it, when)
- `ob:campaigns`              sorted set of campaign ids by creation time
- `ob:campaign:<id>:contacts` list of contact ids
- `ob:contact:<id>`           JSON of one contact: customer, channel, address, texts, status, attempts
- `ob:due`                    sorted set: contact id -> when the next attempt is due (epoch seconds)
- `ob:call:<uuid hex>`        contact id of an outgoing call, while it rings and runs

`export_for`, `delete_for` and `purge` answer for the contacts in Auskunft, Löschung and retention
(campaigns name no person).

A worker takes a due contact with ZREM (only one worker gets it), so several workers can run.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from bot.core.subject import DataSubject

# Contact states; FINAL ones are never attempted again.
STATUS_TEXT = {
    "planned": "geplant",
    "waiting": "wartet (Zeitfenster oder neuer Versuch)",
    "calling": "Anruf läuft",
    "delivered": "zugestellt",
    "confirmed": "bestätigt",
    "not_confirmed": "Person nicht bestätigt",
    "failed": "fehlgeschlagen",
    "no_consent": "keine Einwilligung",
    "obsolete": "nicht mehr nötig",
}
FINAL = {"delivered", "confirmed", "failed", "no_consent", "not_confirmed", "obsolete"}
CALL_TTL = 3600


@dataclass
class Contact:
    id: str
    campaign: str
    kind: str
    customer: str
    name: str
    channel: str  # phone | email | "" (no consent for any channel)
    address: str
    subject: str
    email_text: str
    phone_text: str
    data: dict[str, Any] = field(default_factory=dict)  # kind-specific: booking ref, offered slots, ...
    status: str = "planned"
    attempts: list[dict[str, Any]] = field(default_factory=list)
    next_at: str = ""
    created_at: str = ""

    @property
    def tries(self) -> int:
        return sum(1 for a in self.attempts if a.get("counted", True))


@dataclass
class Campaign:
    id: str
    kind: str
    title: str
    params: dict[str, Any]
    created_by: str
    created_at: str
    contacts: int = 0


class OutboundStore:
    def __init__(self, client: redis.Redis):
        self.redis = client

    # ------------------------------------------------------------------ campaigns
    def new_campaign(self, kind: str, title: str, params: dict[str, Any], created_by: str, now: dt.datetime) -> Campaign:
        number = self.redis.incr("ob:counter")
        campaign = Campaign(f"K-{now.year}-{number:04d}", kind, title, params, created_by,
                            now.isoformat(timespec="seconds"))
        self.save_campaign(campaign)
        self.redis.zadd("ob:campaigns", {campaign.id: now.timestamp()})
        return campaign

    def save_campaign(self, campaign: Campaign) -> None:
        self.redis.set(f"ob:campaign:{campaign.id}", json.dumps(asdict(campaign), ensure_ascii=False))

    def campaign(self, campaign_id: str) -> Campaign | None:
        raw = self.redis.get(f"ob:campaign:{campaign_id}")
        return Campaign(**json.loads(raw)) if raw else None

    def campaigns(self, limit: int = 100) -> list[Campaign]:
        ids = [i.decode() for i in self.redis.zrevrange("ob:campaigns", 0, limit - 1)]
        return [c for c in (self.campaign(i) for i in ids) if c]

    def counts(self, campaign_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for contact in self.contacts(campaign_id):
            counts[contact.status] = counts.get(contact.status, 0) + 1
        return counts

    # ------------------------------------------------------------------ contacts
    def add_contact(self, contact: Contact, now: dt.datetime) -> Contact:
        contact.id = contact.id or secrets.token_hex(12)
        contact.created_at = now.isoformat(timespec="seconds")
        if contact.status == "planned":
            contact.next_at = contact.created_at
        self.save(contact)
        self.redis.rpush(f"ob:campaign:{contact.campaign}:contacts", contact.id)
        if contact.status == "planned":
            self.redis.zadd("ob:due", {contact.id: now.timestamp()})
        return contact

    def save(self, contact: Contact) -> None:
        self.redis.set(f"ob:contact:{contact.id}", json.dumps(asdict(contact), ensure_ascii=False))

    def contact(self, contact_id: str) -> Contact | None:
        raw = self.redis.get(f"ob:contact:{contact_id}")
        return Contact(**json.loads(raw)) if raw else None

    def contacts(self, campaign_id: str) -> list[Contact]:
        ids = [i.decode() for i in self.redis.lrange(f"ob:campaign:{campaign_id}:contacts", 0, -1)]
        return [c for c in (self.contact(i) for i in ids) if c]

    def take_due(self, now: dt.datetime, limit: int = 50) -> list[Contact]:
        """Contacts due now; each one is handed to exactly one caller (ZREM decides)."""
        taken = []
        for raw_id in self.redis.zrangebyscore("ob:due", 0, now.timestamp(), start=0, num=limit):
            if self.redis.zrem("ob:due", raw_id):
                contact = self.contact(raw_id.decode())
                if contact is not None:
                    taken.append(contact)
        return taken

    def schedule(self, contact: Contact, at: dt.datetime, status: str = "waiting") -> None:
        contact.status, contact.next_at = status, at.isoformat(timespec="seconds")
        self.save(contact)
        self.redis.zadd("ob:due", {contact.id: at.timestamp()})

    def record(self, contact: Contact, now: dt.datetime, result: str, detail: str = "", counted: bool = True,
               status: str | None = None) -> None:
        """Append an attempt (or a dialogue result) and optionally set the status."""
        contact.attempts.append({"at": now.isoformat(timespec="seconds"), "result": result, "detail": detail[:300],
                                 "counted": counted})
        if status:
            contact.status = status
            if status in FINAL:
                contact.next_at = ""
        self.save(contact)

    # ------------------------------------------------------------------ calls
    def open_call(self, contact: Contact) -> str:
        """A fresh call UUID for Asterisk (JC_CALL_UUID), linked to the contact while the call runs."""
        call_uuid = str(uuid.uuid4())
        self.redis.set(f"ob:call:{uuid.UUID(call_uuid).hex}", contact.id, ex=CALL_TTL)
        contact.data["call_uuid"] = call_uuid
        contact.data["sender"] = f"call-{uuid.UUID(call_uuid).hex}"
        self.save(contact)
        return call_uuid

    def contact_for_call(self, uuid_hex: str) -> Contact | None:
        contact_id = self.redis.get(f"ob:call:{uuid_hex}")
        return self.contact(contact_id.decode()) if contact_id else None

    def contact_for_sender(self, sender: str) -> Contact | None:
        """The outbound contact of a voice conversation (`call-<uuid hex>`), if it is one."""
        if not sender.startswith("call-"):
            return None
        contact = self.contact_for_call(sender.removeprefix("call-"))
        return contact if contact and contact.data.get("sender") == sender else None

    def contacts_of(self, customer: str) -> list[Contact]:
        """All contacts of one citizen, across campaigns (Art. 15 / Art. 17)."""
        found = [self.contact(key.decode().split(":", 2)[2]) for key in self.redis.scan_iter("ob:contact:*", count=500)]
        return sorted((c for c in found if c and c.customer == customer), key=lambda c: c.created_at)

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {"kontakte": [asdict(c) for c in self.contacts_of(person.customer)]}

    def delete_for(self, person: DataSubject) -> int:
        """Art. 17: drop the customer's contacts (their texts name the person); their number."""
        contacts = self.contacts_of(person.customer)
        for contact in contacts:
            self._drop(contact.id, contact)
        return len(contacts)

    def purge(self, before: dt.datetime) -> int:
        """Retention: drop contacts created before `before`."""
        limit, removed = before.isoformat(timespec="seconds"), 0
        for key in self.redis.scan_iter("ob:contact:*", count=500):
            raw = self.redis.get(key)
            if raw and json.loads(raw).get("created_at", "") < limit:
                self._drop(key.decode().split(":", 2)[2], Contact(**json.loads(raw)))
                removed += 1
        return removed

    def _drop(self, contact_id: str, contact: Contact) -> None:
        pipe = self.redis.pipeline()
        pipe.delete(f"ob:contact:{contact_id}")
        pipe.zrem("ob:due", contact_id)
        pipe.lrem(f"ob:campaign:{contact.campaign}:contacts", 0, contact_id)
        if contact.data.get("call_uuid"):
            pipe.delete(f"ob:call:{uuid.UUID(contact.data['call_uuid']).hex}")
        pipe.execute()
