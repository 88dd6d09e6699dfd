"""Consent and outbound campaigns on a real Redis, delivered to a real local SMTP server and a protocol-level
Asterisk manager interface: who is contacted, when, how often, and what is recorded."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
from dataclasses import replace

import pytest

from bot.appointments.calendar import candidate_slots, get_calendar
from bot.appointments.store import AppointmentBook
from bot.content import get_content
from bot.identity.registry import get_registry
from bot.outbound.ami import AmiSettings
from bot.outbound.campaigns import CampaignError, Planner
from bot.outbound.config import get_outbound
from bot.outbound.consent import ConsentStore, channels_in, normalise_email, normalise_phone
from bot.outbound.delivery import Deliverer, next_allowed
from bot.outbound.store import OutboundStore
from bot.runtime.worker import daily_reminders
from tests.asterisk_ami import running_ami_server
from tests.smtp_server import Recorder, smtp_server  # noqa: F401 - fixture

NOW = dt.datetime(2026, 11, 24, 10, 0)  # a Tuesday
ERIKA, MAX, AYSE = "12345BG0000001", "12345BG0000002", "12345BG0000003"


def no_holiday(day: dt.date) -> bool:
    return False


@pytest.fixture
def world(redis_client):
    book = AppointmentBook(redis_client, get_calendar())
    planner = Planner(OutboundStore(redis_client), ConsentStore(redis_client), get_registry(), book, get_calendar(),
                      get_content(), get_outbound())
    tomorrow = [s for s in candidate_slots(get_calendar(), ["mitte"], "beratung", NOW, no_holiday)
                if s.start.date() == NOW.date() + dt.timedelta(days=1)]
    bookings = {c: book.book(c, slot, NOW).booking for c, slot in zip((ERIKA, MAX), tomorrow)}
    return {"planner": planner, "book": book, "bookings": bookings, "consent": planner.consent,
            "store": planner.store}


def grant(consent: ConsentStore, customer: str, channel: str, address: str, at: dt.datetime = NOW) -> None:
    consent.grant(customer, channel, address, f"Wortlaut {channel}", "2026-11", at, "Chat", "chat-1")


def deliverer(world, mail_settings, ami=None) -> Deliverer:
    return Deliverer(world["store"], world["consent"], get_outbound(), mail_settings, ami, no_holiday)


def received(recorder: Recorder) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default) for _, _, raw in recorder.received]


# ----------------------------------------------------------------------------- consent


def test_consent_keeps_wording_time_and_history_and_can_be_withdrawn(redis_client):
    consent = ConsentStore(redis_client)
    grant(consent, ERIKA, "email", "erika@beispiel.de")
    assert consent.active(ERIKA, "email").wording == "Wortlaut email"
    assert consent.customer_for_email("Erika@Beispiel.de") == ERIKA
    assert consent.active(ERIKA, "phone") is None
    assert consent.withdraw(ERIKA, "email", NOW + dt.timedelta(days=1), "E-Mail") is True
    assert consent.active(ERIKA, "email") is None
    assert consent.withdraw(ERIKA, "email", NOW, "Chat") is False  # nothing left to withdraw
    history = consent.history(ERIKA)
    assert [h["ereignis"] for h in history] == ["erteilt", "widerrufen"]
    assert history[0]["at"] == NOW.isoformat() and history[0]["via"] == "Chat"
    consent.delete(ERIKA)
    assert consent.history(ERIKA) == [] and consent.customer_for_email("erika@beispiel.de") is None


@pytest.mark.parametrize("text, expected", [
    ("keine Anrufe mehr", ("phone",)), ("rufen Sie mich nie wieder an", ("phone",)),
    ("bitte keine E-Mails mehr", ("email",)), ("Beides", ("phone", "email")), ("Einwilligung widerrufen", ())])
def test_channels_named_in_a_message(text, expected):
    assert channels_in(text) == expected


def test_addresses_are_normalised_or_refused():
    assert normalise_phone("0221 / 123 456") == "+49221123456"
    assert normalise_phone("0049 170 1234567") == "+491701234567"
    assert normalise_phone("12") is None
    assert normalise_email("Meine Adresse: Erika.M@Beispiel.de.") == "erika.m@beispiel.de"
    assert normalise_email("erika at beispiel") is None


# ----------------------------------------------------------------------------- campaigns and e-mail


def test_reminder_campaign_reaches_only_consenting_citizens_by_email(world, smtp_server):
    recorder = Recorder()
    settings = smtp_server(recorder)
    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW)
    assert world["store"].counts(campaign.id) == {"planned": 1, "no_consent": 1}

    asyncio.run(deliverer(world, settings).run_due(NOW))

    mails = received(recorder)
    assert len(mails) == 1 and mails[0]["To"] == "erika@beispiel.de"
    assert "Erinnerung an Ihren Termin" in mails[0]["Subject"] and mails[0]["Auto-Submitted"] == "auto-generated"
    body = mails[0].get_content()
    ref = world["bookings"][ERIKA].ref
    assert "Guten Tag Erika Mustermann" in body and ref in body and "Geschäftsstelle Mitte" in body
    assert "eingewilligt" in body and "24.11.2026" in body  # the footer names the consent
    contacts = {c.customer: c for c in world["store"].contacts(campaign.id)}
    assert contacts[ERIKA].status == "delivered" and contacts[ERIKA].attempts[-1]["result"] == "zugestellt"
    assert contacts[MAX].status == "no_consent" and contacts[MAX].attempts[0]["result"] == "keine Einwilligung"
    asyncio.run(deliverer(world, settings).run_due(NOW + dt.timedelta(hours=1)))
    assert len(recorder.received) == 1  # delivered once, never again


def test_contacts_wait_for_allowed_times_and_withdrawal_stops_them(world, smtp_server):
    recorder = Recorder()
    settings = smtp_server(recorder)
    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    grant(world["consent"], MAX, "email", "max@beispiel.de")
    late = dt.datetime(2026, 11, 24, 22, 30)
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", late)
    asyncio.run(deliverer(world, settings).run_due(late))
    assert recorder.received == []  # 22:30 is outside the e-mail times
    contacts = world["store"].contacts(campaign.id)
    assert {c.next_at for c in contacts} == {"2026-11-25T07:00:00"} and {c.tries for c in contacts} == {0}
    world["consent"].withdraw(MAX, "email", late, "Chat")
    asyncio.run(deliverer(world, settings).run_due(dt.datetime(2026, 11, 25, 7, 0)))
    assert [m["To"] for m in received(recorder)] == ["erika@beispiel.de"]
    statuses = {c.customer: c.status for c in world["store"].contacts(campaign.id)}
    assert statuses == {ERIKA: "delivered", MAX: "no_consent"}


def test_allowed_times_skip_sundays_and_holidays():
    hours = get_outbound().allowed_times["phone"]
    saturday = dt.datetime(2026, 11, 28, 12, 0)
    assert next_allowed(hours, saturday, no_holiday) == dt.datetime(2026, 11, 30, 9, 0)
    assert next_allowed(hours, dt.datetime(2026, 11, 24, 8, 0), lambda d: d == dt.date(2026, 11, 24)) == \
        dt.datetime(2026, 11, 25, 9, 0)
    assert next_allowed(hours, NOW, no_holiday) == NOW


def test_temporary_mail_failures_are_retried_a_bounded_number_of_times(world, smtp_server):
    settings = smtp_server(Recorder(refuse={"erika@beispiel.de": "451 4.3.0 Bitte später"}))
    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW, ["email"])
    moment = NOW
    for _ in range(6):
        asyncio.run(deliverer(world, settings).run_due(moment))
        moment += dt.timedelta(hours=3)
    contact = next(c for c in world["store"].contacts(campaign.id) if c.customer == ERIKA)
    retry = get_outbound().retries["email"]
    assert contact.tries == retry.attempts and contact.status == "failed"
    assert contact.attempts[-1]["result"] == "aufgegeben"


def test_refused_address_fails_at_once(world, smtp_server):
    settings = smtp_server(Recorder(refuse={"erika@beispiel.de": "550 5.1.1 Unbekannt"}))
    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW, ["email"])
    asyncio.run(deliverer(world, settings).run_due(NOW))
    contact = next(c for c in world["store"].contacts(campaign.id) if c.customer == ERIKA)
    assert contact.status == "failed" and contact.tries == 1 and "abgelehnt" in contact.attempts[-1]["detail"]


def test_cancellation_frees_the_appointments_and_offers_new_dates_after_that_day(world, smtp_server):
    recorder = Recorder()
    settings = smtp_server(recorder)
    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    day = NOW.date() + dt.timedelta(days=1)
    campaign = world["planner"].cancellation("mitte", day, "Krankheit der Beraterin", "sara", NOW)
    assert campaign.contacts == 2
    for customer in (ERIKA, MAX):
        assert world["book"].get(world["bookings"][customer].ref).status == "cancelled"
    contact = next(c for c in world["store"].contacts(campaign.id) if c.customer == ERIKA)
    assert len(contact.data["offers"]) == 3
    assert all(dt.datetime.fromisoformat(s.split("|")[2]).date() > day for s in contact.data["offers"])
    asyncio.run(deliverer(world, settings).run_due(NOW))
    body = received(recorder)[0].get_content()
    assert "Krankheit der Beraterin" in body and "1. " in body and "3. " in body


def test_wba_event_and_query_campaigns_pick_their_citizens(world):
    planner = world["planner"]
    for customer in (ERIKA, MAX, AYSE):
        grant(world["consent"], customer, "email", f"{customer.lower()}@beispiel.de")
    wba = planner.wba(56, "sara", NOW)  # Erika (15.01.2027) and Ayşe (08.01.2027); Max only in June
    assert sorted(c.customer for c in world["store"].contacts(wba.id)) == [ERIKA, AYSE]
    assert "15.01.2027" in next(c for c in world["store"].contacts(wba.id) if c.customer == ERIKA).email_text
    event = planner.event("Jobmesse", NOW + dt.timedelta(days=10), "Marktplatz 1", "", ["nord"], "sara", NOW)
    assert [c.customer for c in world["store"].contacts(event.id)] == [MAX]
    query = planner.query(["123A456783"], "Kontoauszüge der letzten drei Monate", "sara", NOW)
    assert [c.customer for c in world["store"].contacts(query.id)] == [AYSE]
    with pytest.raises(CampaignError):
        planner.query(["99999BG9999999"], "Kontoauszüge", "sara", NOW)
    with pytest.raises(CampaignError):
        planner.event("Jobmesse", NOW - dt.timedelta(days=1), "Marktplatz 1", "", [], "sara", NOW)
    with pytest.raises(CampaignError):
        planner.cancellation("mitte", NOW.date(), "", "sara", NOW)


def test_daily_reminder_campaign_starts_once_per_day(world, monkeypatch):
    monkeypatch.setenv("OUTBOUND_REMINDER_TIME", "15:00")
    assert daily_reminders(world["store"].redis, NOW) is None  # before 15:00
    afternoon = NOW.replace(hour=15, minute=30)
    first = daily_reminders(world["store"].redis, afternoon)
    assert first is not None and daily_reminders(world["store"].redis, afternoon) is None
    assert world["store"].campaign(first).params["day"] == "2026-11-25"


# ----------------------------------------------------------------------------- calls


def call_erika(world, smtp_server, outcome: int):
    """A phone reminder for Erika delivered through the AMI test server answering with `outcome`."""
    settings = smtp_server(Recorder())
    grant(world["consent"], ERIKA, "phone", "+49221123456")
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW, ["phone"])
    with running_ami_server(outcome=outcome) as ami:
        ami_settings = AmiSettings("127.0.0.1", ami.port, "assistant", "ami-secret")
        asyncio.run(deliverer(world, settings, ami_settings).run_due(NOW))
        originate = [a for a in ami.actions if a.get("Action") == "Originate"]
    return next(c for c in world["store"].contacts(campaign.id) if c.customer == ERIKA), originate


def test_phone_contact_originates_a_call_and_retries_when_nobody_answers(world, smtp_server):
    contact, originate = call_erika(world, smtp_server, outcome=3)
    assert len(originate) == 1 and "+49221123456" in originate[0]["Channel"]
    assert contact.data["call_uuid"] and contact.status == "waiting" and contact.tries == 1
    assert contact.attempts[-1]["detail"] == "nicht angenommen"
    assert dt.datetime.fromisoformat(contact.next_at) == NOW + dt.timedelta(minutes=60)


def test_answered_call_is_linked_to_its_contact_for_the_voice_gateway(world, smtp_server):
    contact, _ = call_erika(world, smtp_server, outcome=4)
    assert contact.status == "calling" and contact.attempts[-1]["result"] == "angenommen"
    assert world["store"].contact_for_sender(contact.data["sender"]).id == contact.id
    assert world["store"].contact_for_sender("call-" + "0" * 32) is None


def test_without_a_telephone_system_calls_fail_visibly(world, smtp_server):
    settings = smtp_server(Recorder())
    grant(world["consent"], ERIKA, "phone", "+49221123456")
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW, ["phone"])
    asyncio.run(deliverer(world, replace(settings), None).run_due(NOW))
    contact = next(c for c in world["store"].contacts(campaign.id) if c.customer == ERIKA)
    assert contact.status == "failed" and "AMI_HOST" in contact.attempts[-1]["detail"]


def test_art15_export_shows_and_art17_deletion_removes_consent_and_contacts(world):
    from bot.privacy.duties import PrivacyOffice, Retention

    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW)
    office = PrivacyOffice(world["store"].redis)
    exported = office.export(ERIKA, "datenschutz", NOW)
    assert exported["einwilligungen"][0]["address"] == "erika@beispiel.de"
    assert [k["customer"] for k in exported["kontakte"]] == [ERIKA]
    office.delete(ERIKA, "datenschutz", NOW)
    assert world["consent"].history(ERIKA) == [] and office.export(ERIKA, "datenschutz", NOW)["kontakte"] == []
    assert office.purge(NOW + dt.timedelta(days=200), Retention(90, 90))["kontakte"] == 1  # Max's, after retention


def test_reminder_for_an_appointment_cancelled_meanwhile_is_not_sent(world, smtp_server):
    recorder = Recorder()
    settings = smtp_server(recorder)
    grant(world["consent"], ERIKA, "email", "erika@beispiel.de")
    campaign = world["planner"].reminder(NOW.date() + dt.timedelta(days=1), "sara", NOW)
    world["book"].cancel(ERIKA, world["bookings"][ERIKA].ref, "krank", NOW)
    asyncio.run(deliverer(world, settings).run_due(NOW))
    assert recorder.received == []
    assert next(c for c in world["store"].contacts(campaign.id) if c.customer == ERIKA).status == "obsolete"
