"""Auskunft, Löschung and retention on a real Redis: everything about one person, nothing about others."""

from __future__ import annotations

import asyncio
import datetime as dt
import json

import pytest

from bot.appointments.calendar import candidate_slots, get_calendar
from bot.appointments.store import AppointmentBook
from bot.cases.store import CaseStore
from bot.handover.state import Handover
from bot.privacy.duties import TRACKER_PREFIX, PrivacyOffice, Retention, link_conversation, main

NOW = dt.datetime(2026, 11, 24, 10, 0)
ERIKA, MAX = "12345BG0000001", "12345BG0000002"


@pytest.fixture
def stored(redis_client):
    """Data of two people: cases, a booking each, absence days, a linked conversation and transcript."""
    cases, book = CaseStore(redis_client), AppointmentBook(redis_client, get_calendar())
    own = cases.create("veraenderung", {"iban": "DE89 3704 0044 0532 0130 00"}, NOW, customer=ERIKA)
    other = cases.create("veraenderung", {"iban": "DE02 1203 0000 0000 2020 51"}, NOW, customer=MAX)
    slots = [s for s in candidate_slots(get_calendar(), ["mitte"], "beratung", NOW, lambda d: False)][:2]
    erika_booking = book.book(ERIKA, slots[0], NOW).booking
    book.book(MAX, slots[1], NOW)
    redis_client.hset(f"absence:{ERIKA}", "2026", 14)
    redis_client.set(f"{TRACKER_PREFIX}chat-erika", json.dumps({"events": [
        {"event": "user", "text": "neue iban DE89 3704 0044 0532 0130 00", "timestamp": NOW.timestamp()},
        {"event": "bot", "text": "Danke", "timestamp": NOW.timestamp()}]}))
    redis_client.set(f"{TRACKER_PREFIX}chat-max", json.dumps({"events": []}))
    link_conversation(redis_client, ERIKA, "chat-erika")
    link_conversation(redis_client, MAX, "chat-max")
    Handover(redis_client).add_line("chat-erika", "citizen", "hallo")
    return {"own": own, "other": other, "slot": slots[0], "booking": erika_booking}


def test_export_contains_everything_about_the_person_and_nothing_else(redis_client, stored):
    data = PrivacyOffice(redis_client).export(ERIKA, "datenschutz@jobcenter", NOW)
    assert data["person"]["name"] == "Erika Mustermann"
    assert [c["id"] for c in data["vorgaenge"]] == [stored["own"]]
    assert [t["ref"] for t in data["termine"]] == [stored["booking"].ref]
    assert all("ics_token" not in t for t in data["termine"])
    assert data["ortsabwesenheit_tage"] == {"2026": 14}
    assert data["gespraeche"]["chat-erika"][0]["text"].startswith("neue iban")
    assert data["uebergaben"]["chat-erika"][0]["text"] == "hallo"
    assert "chat-max" not in json.dumps(data) and MAX not in json.dumps(data)
    assert PrivacyOffice(redis_client).log()[-1]["aktion"] == "auskunft"


def test_delete_removes_everything_frees_the_place_and_logs(redis_client, stored):
    office = PrivacyOffice(redis_client)
    counts = office.delete(ERIKA, "datenschutz@jobcenter", NOW)
    assert counts == {"vorgaenge": 1, "termine": 1, "gespraeche": 1}
    after = office.export(ERIKA, "pruefung", NOW)
    assert after["vorgaenge"] == [] and after["termine"] == [] and after["gespraeche"] == {}
    assert after["ortsabwesenheit_tage"] == {}
    assert redis_client.get(f"{TRACKER_PREFIX}chat-erika") is None
    assert redis_client.scard(f"cal:slot:{stored['slot'].id}") == 0  # the place is free again
    assert CaseStore(redis_client).raw(stored["other"]) is not None  # other people keep their data
    assert redis_client.get(f"{TRACKER_PREFIX}chat-max") is not None
    entry = [e for e in office.log() if e["aktion"] == "loeschung"][0]
    assert entry["bg_nummer"] == ERIKA and entry["durch"] == "datenschutz@jobcenter" and entry["vorgaenge"] == 1


def test_purge_deletes_only_what_is_past_its_retention(redis_client, stored):
    old = CaseStore(redis_client).create("lob", {"lob": "alt"}, NOW - dt.timedelta(days=120))
    counts = PrivacyOffice(redis_client).purge(NOW, Retention(case_days=90, appointment_days=90))
    assert counts["vorgaenge"] == 1 and CaseStore(redis_client).raw(old) is None
    assert CaseStore(redis_client).raw(stored["own"]) is not None
    later = PrivacyOffice(redis_client).purge(NOW + dt.timedelta(days=200), Retention(90, 90))
    assert later["termine"] == 2 and later["vorgaenge"] == 2


def test_command_line(redis_url, redis_client, stored, capsys, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["export", ERIKA, "--by", "test"]) == 0
    assert json.loads(capsys.readouterr().out)["person"]["bg_nummer"] == ERIKA
    assert main(["delete", ERIKA, "--by", "test"]) == 0
    assert "1 Vorgänge" in capsys.readouterr().out


def test_the_worker_purges_once_an_hour_per_deployment(redis_client, stored, monkeypatch):
    """The purge runs in the contacts worker (not in every desk replica): each clock hour one worker takes it."""
    from bot.desk.server import Desk
    from bot.runtime import worker

    monkeypatch.setenv("CASE_RETENTION_DAYS", "90")
    old = CaseStore(redis_client).create("lob", {"lob": "alt"}, NOW - dt.timedelta(days=120))
    assert worker.hourly_purge(redis_client, NOW)["vorgaenge"] == 1 and CaseStore(redis_client).raw(old) is None
    assert worker.hourly_purge(redis_client, NOW + dt.timedelta(minutes=59 - NOW.minute)) is None  # another worker
    assert worker.hourly_purge(redis_client, NOW + dt.timedelta(hours=1)) is not None  # the next hour
    assert not hasattr(Desk, "retention_loop")

    class NoDeliveries:
        async def run_due(self, now):
            return []

    redis_client.delete(*redis_client.keys("privacy:purge:*"))
    monkeypatch.setenv("OUTBOUND_REMINDER_TIME", "")
    asyncio.run(worker.tick(redis_client, NoDeliveries()))  # every round of the worker includes the purge
    assert redis_client.keys("privacy:purge:*")


# ---------------------------------------------------------------------- structural: no key is forgotten
def _mentions(client, marks: tuple[str, ...]) -> list[str]:
    """Every Redis key whose name or value contains one of the marks (whatever the key's type)."""
    found = []
    for key in client.scan_iter("*", count=1000):
        kind = client.type(key).decode()
        if kind == "string":
            parts = [client.get(key)]
        elif kind == "hash":
            parts = [x for pair in client.hgetall(key).items() for x in pair]
        elif kind == "list":
            parts = client.lrange(key, 0, -1)
        elif kind == "set":
            parts = list(client.smembers(key))
        elif kind == "zset":
            parts = client.zrange(key, 0, -1)
        else:
            parts = []
        text = " ".join(p.decode(errors="replace") if isinstance(p, bytes) else str(p) for p in [key, *parts])
        if any(mark in text for mark in marks):
            found.append(key.decode())
    return sorted(found)


def _live_for(client, customer: str, sender: str, slot, now: dt.datetime) -> dict:
    """What one person leaves in Redis through the real stores: a realistic day with the assistant."""
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import BotUttered, UserUttered

    from bot.core.conversations import TRACKER_KEY_PREFIX
    from bot.declarations.absence import AbsenceLedger
    from bot.editor.learning import LearningInbox
    from bot.identity import guard
    from bot.outbound.consent import ConsentStore
    from bot.outbound.store import Contact, OutboundStore
    from bot.runtime.tracker_store import RedisTrackerStore
    from bot.safety.response import handle_crisis

    kwargs = client.connection_pool.connection_kwargs
    trackers = RedisTrackerStore(Domain.empty(), host=kwargs["host"], port=kwargs["port"], db=kwargs.get("db", 0),
                                 key_prefix=TRACKER_KEY_PREFIX)
    tracker = trackers.init_tracker(sender)
    tracker.update(UserUttered(f"meine BG-Nummer ist {customer}", timestamp=now.timestamp()))
    tracker.update(BotUttered("Danke", timestamp=now.timestamp()))
    asyncio.run(trackers.save(tracker))

    guard.IdentityGuard(client).failed(customer, address="203.0.113.7")
    guard.expect_birth_date(client, sender)
    guard.shield(client, sender, "01.01.1980", never_hide=lambda text: False)
    guard.link_conversation(client, customer, sender)
    guard.mark_identified(client, sender, customer)

    cases = CaseStore(client)
    case = cases.create("veraenderung", {"iban": "DE89 3704 0044 0532 0130 00"}, now, customer=customer)
    cases.attach(case, "bescheid.pdf", "application/pdf", b"%PDF-1.4")
    cases.update(case, "note", "angerufen", "sara", now)
    cases.create("rueckruf", {"telefon": "0123 4567890"}, now, customer=customer,
                 idempotency_key=f"callback:{sender}:0123 4567890:morgen")
    handle_crisis(client, sender=f"voice-{sender}", channel="voice", text="ich kann nicht mehr", now=now,
                  customer=customer)

    book = AppointmentBook(client, get_calendar())
    first = book.book(customer, slot[0], now).booking
    moved = book.move(customer, first.ref, slot[1], now).booking
    book.cancel(customer, moved.ref, "krank", now)
    book.book(customer, slot[2], now, channel="voice")
    AbsenceLedger(client).reserve(customer, {2026: 14}, 21, f"decl:{sender}")

    handover = Handover(client)
    handover.enqueue(sender, topic="Termin", summary="möchte umbuchen", customer=customer)
    handover.add_line(sender, "citizen", "hallo")
    handover.claim(sender, "sara")

    consents = ConsentStore(client)
    consents.grant(customer, "email", f"{sender}@beispiel.de", "Wortlaut", "1", now, "chat", sender)
    consents.grant(customer, "phone", "+491234567890", "Wortlaut", "1", now, "chat", sender)
    consents.withdraw(customer, "phone", now, "chat", sender)
    outbound = OutboundStore(client)
    campaign = outbound.new_campaign("reminder", "Erinnerung", {}, "sara", now)
    contact = outbound.add_contact(Contact("", campaign.id, "reminder", customer, "Name", "phone", "+491234567890",
                                           "Betreff", "Text", "Ansage"), now)
    outbound.open_call(contact)
    LearningInbox(client).collect(f"hä {customer} wie bitte", "fallback")
    call = outbound.contact(contact.id).data["sender"]
    return {"marks": (customer, sender, f"voice-{sender}", call.removeprefix("call-"))}


def test_deletion_leaves_no_key_that_names_the_person(redis_client):
    """Structural: whatever key a store writes for a person, after the deletion no key in Redis names
    the person or one of their conversations (only the privacy log records the deletion itself).
    A new key in a store that its `delete_for` does not know makes this test fail."""
    from bot.privacy.duties import LOG_KEY

    slots = [s for s in candidate_slots(get_calendar(), ["mitte"], "beratung", NOW, lambda d: False)][:6]
    erika = _live_for(redis_client, ERIKA, "chat-erika", slots[:3], NOW)
    other = _live_for(redis_client, MAX, "chat-max", slots[3:], NOW)
    before = _mentions(redis_client, erika["marks"])
    assert len(before) > 20  # the day above touched every store

    counts = PrivacyOffice(redis_client).delete(ERIKA, "datenschutz@jobcenter", NOW)

    assert counts == {"vorgaenge": 3, "termine": 3, "gespraeche": 1}
    assert _mentions(redis_client, erika["marks"]) == [LOG_KEY]
    assert len(_mentions(redis_client, other["marks"])) == len(before)  # the other person keeps everything
    assert all(redis_client.scard(f"cal:slot:{s.id}") == 0 for s in slots[:3])  # Erika's places are free
