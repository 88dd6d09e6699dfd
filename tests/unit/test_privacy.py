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
