"""Campaigns: who is contacted, on which channel, with which words.

Each campaign kind picks its citizens (appointments tomorrow, appointments the Jobcenter cancels,
Bewilligungszeitraum ending soon, consenting citizens of some offices, a given list) and makes one
contact per citizen on the first channel in the campaign's order with an active consent. Citizens
without consent are recorded as such and never contacted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bot.appointments import booking
from bot.appointments.calendar import CalendarConfig, candidate_slots
from bot.appointments.store import AppointmentBook, Booking
from bot.content import Content
from bot.identity.registry import Customer, CustomerRegistry
from bot.knowledge.answers import fill, holiday_name
from bot.language.formatting import WEEKDAY_NAMES
from bot.language.formatting import date as format_date
from bot.outbound.config import OutboundConfig
from bot.outbound.consent import ConsentStore
from bot.outbound.store import Campaign, Contact, OutboundStore

KINDS = ("reminder", "cancellation", "wba", "event", "query")
DEFAULT_CHANNELS = ("email", "phone")


class CampaignError(ValueError):
    """A campaign request that cannot be carried out; the message is German, for the supervisor."""


@dataclass
class Planner:
    store: OutboundStore
    consent: ConsentStore
    registry: CustomerRegistry
    book: AppointmentBook
    calendar: CalendarConfig
    content: Content
    config: OutboundConfig

    # ------------------------------------------------------------------ common
    def _contact(self, campaign: Campaign, customer_id: str, values: dict[str, str], data: dict[str, Any],
                 channels: tuple[str, ...], now: dt.datetime) -> Contact:
        customer = self.registry.find(customer_id)
        name = customer.name if customer else ""
        texts = self.config.campaigns[campaign.kind]
        values = {"name": name, **values}
        channel, address, email_text = "", "", ""
        for candidate in channels:
            consent = self.consent.active(customer_id, candidate)
            if consent:
                channel, address = candidate, consent.address
                if candidate == "email":
                    footer = fill(self.content, self.config.email_footer,
                                  {"consent_date": format_date(dt.date.fromisoformat(consent.at[:10]))})[0]
                    email_text = "\n\n".join([self._fill(texts.email, values), self._fill(self.config.email_closing,
                                                                                            values), "-- ", footer])
                break
        contact = Contact(
            id="", campaign=campaign.id, kind=campaign.kind, customer=customer_id, name=name, channel=channel,
            address=address, subject=self._fill(texts.subject, values), email_text=email_text,
            phone_text=self._fill(texts.phone, values), data=data,
            status="planned" if channel else "no_consent")
        self.store.add_contact(contact, now)
        if not channel:
            self.store.record(contact, now, "keine Einwilligung", "Kein Kontakt: keine Einwilligung für "
                              + " oder ".join({"email": "E-Mail", "phone": "Telefon"}[c] for c in channels),
                              counted=False)
        return contact

    def _fill(self, text: str, values: dict[str, str]) -> str:
        return fill(self.content, text, values)[0]

    def _start(self, kind: str, params: dict[str, Any], by: str, now: dt.datetime) -> Campaign:
        if kind not in KINDS:
            raise CampaignError(f"Unbekannte Kampagnenart „{kind}“ (möglich: {', '.join(KINDS)}).")
        return self.store.new_campaign(kind, self.config.campaigns[kind].title, params, by, now)

    def _finish(self, campaign: Campaign, contacts: list[Contact]) -> Campaign:
        campaign.contacts = len(contacts)
        self.store.save_campaign(campaign)
        return campaign

    @staticmethod
    def _channels(channels: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
        chosen = tuple(c for c in (channels or DEFAULT_CHANNELS) if c in ("email", "phone"))
        if not chosen:
            raise CampaignError("Bitte mindestens einen Kanal wählen: E-Mail oder Telefon.")
        return chosen

    def _bookings_on(self, day: dt.date) -> list[Booking]:
        found = []
        for key in self.book.redis.scan_iter("cal:booking:*", count=500):
            record = self.book.get(key.decode().split(":", 2)[2])
            if record and record.status == "booked" and record.start.date() == day:
                found.append(record)
        return sorted(found, key=lambda b: (b.start, b.ref))

    def _appointment_values(self, record: Booking) -> dict[str, str]:
        return {"appointment": booking.booking_text(self.content, record), "ref": record.ref,
                "type": self.calendar.types[record.type].name}

    # ------------------------------------------------------------------ kinds
    def reminder(self, day: dt.date, by: str, now: dt.datetime, channels: list[str] | None = None) -> Campaign:
        """Remind everyone with an appointment on `day` (usually tomorrow)."""
        chosen = self._channels(channels)
        campaign = self._start("reminder", {"day": day.isoformat(), "channels": list(chosen)}, by, now)
        contacts = [self._contact(campaign, b.customer, self._appointment_values(b), {"ref": b.ref}, chosen, now)
                    for b in self._bookings_on(day)]
        return self._finish(campaign, contacts)

    def cancellation(self, office: str, day: dt.date, reason: str, by: str, now: dt.datetime,
                     start: dt.time = dt.time(0, 0), end: dt.time = dt.time(23, 59),
                     channels: list[str] | None = None) -> Campaign:
        """The Jobcenter cancels the appointments of an office on a day (optionally a time span) and offers
        each citizen three free dates after that day."""
        if office not in self.content.offices:
            raise CampaignError(f"Unbekannte Geschäftsstelle „{office}“ (möglich: {', '.join(self.content.offices)}).")
        if not reason.strip():
            raise CampaignError("Bitte einen Grund für die Absage angeben; er wird den Bürgerinnen und Bürgern genannt.")
        if day < now.date():
            raise CampaignError("Der Tag liegt in der Vergangenheit.")
        chosen = self._channels(channels)
        campaign = self._start("cancellation", {"office": office, "day": day.isoformat(), "from": f"{start:%H:%M}",
                                                "to": f"{end:%H:%M}", "reason": reason, "channels": list(chosen)},
                               by, now)
        affected = [b for b in self._bookings_on(day) if b.office == office and start <= b.start.time() <= end]
        contacts = []
        after = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0))

        def holiday(d: dt.date) -> bool:
            return holiday_name(self.content, d) is not None

        for record in affected:
            self.book.cancel(record.customer, record.ref, f"Absage durch das Jobcenter: {reason}", now)
            free = self.book.free_slots(candidate_slots(self.calendar, [office], record.type, max(after, now),
                                                        holiday), limit=3)
            offers = "\n".join(f"{i + 1}. {booking.slot_text(self.content, s.office, s.start)}"
                               for i, s in enumerate(free)) or "(zurzeit keine freien Termine; bitte rufen Sie uns an)"
            values = {**self._appointment_values(record), "reason": reason, "offers": offers}
            contacts.append(self._contact(campaign, record.customer, values,
                                          {"ref": record.ref, "type": record.type, "offers": [s.id for s in free]},
                                          chosen, now))
        return self._finish(campaign, contacts)

    def wba(self, within_days: int, by: str, now: dt.datetime, channels: list[str] | None = None) -> Campaign:
        """Remind consenting citizens whose Bewilligungszeitraum ends within `within_days` days."""
        chosen = self._channels(channels)
        campaign = self._start("wba", {"within_days": within_days, "channels": list(chosen)}, by, now)
        limit = now.date() + dt.timedelta(days=within_days)
        contacts = []
        for customer in self._consenting():
            until = customer.approval_end
            if until and now.date() <= until <= limit:
                contacts.append(self._contact(campaign, customer.id, {"until": format_date(until)},
                                              {"until": until.isoformat()}, chosen, now))
        return self._finish(campaign, contacts)

    def event(self, title: str, when: dt.datetime, place: str, details: str, offices: list[str], by: str,
              now: dt.datetime, channels: list[str] | None = None) -> Campaign:
        """Invite consenting citizens of the given offices (all offices when empty) to a group event."""
        if not title.strip() or not place.strip():
            raise CampaignError("Bitte Titel und Ort der Veranstaltung angeben.")
        if when <= now:
            raise CampaignError("Die Veranstaltung muss in der Zukunft liegen.")
        unknown = [o for o in offices if o not in self.content.offices]
        if unknown:
            raise CampaignError(f"Unbekannte Geschäftsstelle „{unknown[0]}“.")
        chosen = self._channels(channels)
        campaign = self._start("event", {"event": title, "when": when.isoformat(timespec="minutes"), "place": place,
                                         "details": details, "offices": offices, "channels": list(chosen)}, by, now)
        when_text = f"{WEEKDAY_NAMES[when.weekday()]}, {format_date(when.date())}, {when:%H:%M} Uhr"
        values = {"event": title.strip(), "when": when_text, "place": place.strip(), "details": details.strip()}
        contacts = [self._contact(campaign, c.id, values, {}, chosen, now) for c in self._consenting()
                    if not offices or c.office in offices]
        return self._finish(campaign, contacts)

    def query(self, customers: list[str], topic: str, by: str, now: dt.datetime,
              channels: list[str] | None = None) -> Campaign:
        """Ask the given citizens for missing data or documents."""
        if not topic.strip():
            raise CampaignError("Bitte angeben, was fehlt (z. B. „Kontoauszüge der letzten drei Monate“).")
        found = [self.registry.find(number.strip()) for number in customers if number.strip()]
        if not found or any(c is None for c in found):
            raise CampaignError("Bitte gültige BG- oder Kundennummern angeben.")
        chosen = self._channels(channels)
        campaign = self._start("query", {"topic": topic, "customers": [c.id for c in found if c],
                                         "channels": list(chosen)}, by, now)
        contacts = [self._contact(campaign, c.id, {"topic": topic.strip()}, {}, chosen, now) for c in found if c]
        return self._finish(campaign, contacts)

    def _consenting(self) -> list[Customer]:
        ids = sorted(i.decode() for i in self.consent.redis.smembers("consent:customers"))
        return [c for c in (self.registry.find(i) for i in ids) if c]
