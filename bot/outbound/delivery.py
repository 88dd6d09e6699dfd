"""Delivering due contacts: e-mail over SMTP, calls through the telephone system's AMI.

Before every attempt the consent is checked again (a withdrawal stops everything still planned) and
the allowed contact times of the channel (content/outbound.yml) are respected: a contact due outside
them waits for the next allowed moment. Failed attempts are retried after the configured pauses up
to the configured number of attempts; each attempt and its result is recorded on the contact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable

from bot.content import OpeningHours
from bot.mail.compose import compose
from bot.mail.settings import MailSettings
from bot.mail.smtp import PermanentMailError, TransientMailError, send
from bot.outbound.config import OutboundConfig
from bot.outbound.consent import ConsentStore
from bot.outbound.store import FINAL, Contact, OutboundStore

logger = logging.getLogger("outbound")
PARALLEL_CALLS = 4


def next_allowed(hours: OpeningHours, now: dt.datetime, is_holiday: Callable[[dt.date], bool]) -> dt.datetime | None:
    """`now` if contacts are allowed now, else the start of the next allowed time span (None: never)."""
    for offset in range(15):
        day = now.date() + dt.timedelta(days=offset)
        weekday = 6 if is_holiday(day) else day.weekday()
        for span in hours.get(weekday, ()):
            start, end = dt.datetime.combine(day, span.start), dt.datetime.combine(day, span.end)
            if end > now:
                return max(start, now)
    return None


@dataclass
class Deliverer:
    store: OutboundStore
    consent: ConsentStore
    config: OutboundConfig
    mail: MailSettings
    ami: object | None  # bot.outbound.ami.AmiSettings, or None when no telephone system is configured
    is_holiday: Callable[[dt.date], bool]

    async def run_due(self, now: dt.datetime) -> list[Contact]:
        contacts = await asyncio.to_thread(self.store.take_due, now)
        calls = asyncio.Semaphore(PARALLEL_CALLS)

        async def one(contact: Contact) -> None:
            try:
                if contact.channel == "phone":
                    async with calls:
                        await self.deliver(contact, now)
                else:
                    await self.deliver(contact, now)
            except Exception as error:  # noqa: BLE001 - one broken contact must not stop the others
                logger.exception("outbound: contact %s: %s", contact.id, error)
                await asyncio.to_thread(self._failure, contact, now, f"Interner Fehler: {type(error).__name__}")

        await asyncio.gather(*(one(c) for c in contacts))
        return contacts

    async def deliver(self, contact: Contact, now: dt.datetime) -> None:
        if contact.status in FINAL:
            return
        if contact.kind == "reminder" and await asyncio.to_thread(self._appointment_gone, contact):
            await asyncio.to_thread(self.store.record, contact, now, "abgebrochen",
                                    "Termin inzwischen abgesagt oder verschoben", False, "obsolete")
            return
        if not await asyncio.to_thread(self.consent.active, contact.customer, contact.channel):
            await asyncio.to_thread(self.store.record, contact, now, "abgebrochen",
                                    "Einwilligung inzwischen widerrufen", False, "no_consent")
            return
        allowed = next_allowed(self.config.allowed_times.get(contact.channel, {}), now, self.is_holiday)
        if allowed is None:
            await asyncio.to_thread(self.store.record, contact, now, "abgebrochen",
                                    "Für diesen Kanal sind keine Kontaktzeiten eingerichtet", False, "failed")
            return
        if allowed > now:
            await asyncio.to_thread(self.store.schedule, contact, allowed)
            return
        if contact.channel == "email":
            await self._email(contact, now)
        else:
            await self._call(contact, now)

    async def _email(self, contact: Contact, now: dt.datetime) -> None:
        message = compose(self.mail, contact.address, contact.subject, contact.email_text,
                          auto_submitted="auto-generated", headers={"X-Jobcenter-Kontakt": contact.id})
        try:
            message_id = await asyncio.to_thread(send, message, self.mail)
        except TransientMailError as error:
            await asyncio.to_thread(self._failure, contact, now, f"E-Mail-Server: {error}")
            return
        except PermanentMailError as error:
            await asyncio.to_thread(self.store.record, contact, now, "fehlgeschlagen", f"E-Mail abgelehnt: {error}",
                                    True, "failed")
            return
        contact.data["message_id"] = message_id
        await asyncio.to_thread(self.store.record, contact, now, "zugestellt", "an den E-Mail-Server übergeben",
                                True, "delivered")

    async def _call(self, contact: Contact, now: dt.datetime) -> None:
        from bot.outbound.ami import AmiError, originate

        if self.ami is None:
            await asyncio.to_thread(self.store.record, contact, now, "fehlgeschlagen",
                                    "Keine Telefonanlage eingerichtet (AMI_HOST)", True, "failed")
            return
        call_uuid = await asyncio.to_thread(self.store.open_call, contact)
        await asyncio.to_thread(self.store.record, contact, now, "Anruf gestartet", "", False, "calling")
        try:
            result = await originate(self.ami, contact.address, call_uuid)  # type: ignore[arg-type]
        except (AmiError, ValueError) as error:
            await asyncio.to_thread(self._failure, contact, now, f"Telefonanlage: {error}")
            return
        fresh = await asyncio.to_thread(self.store.contact, contact.id) or contact
        if result.answered:
            # The conversation itself records delivered / confirmed / not_confirmed (actions/outbound.py).
            await asyncio.to_thread(self.store.record, fresh, now, "angenommen", "", True)
        elif result.retry:
            await asyncio.to_thread(self._failure, fresh, now, {"no_answer": "nicht angenommen", "busy": "besetzt",
                                                                "congestion": "Netz überlastet"}.get(result.reason,
                                                                                                     "Anruf fehlgeschlagen"))
        else:
            await asyncio.to_thread(self.store.record, fresh, now, "fehlgeschlagen",
                                    f"Telefonanlage lehnt den Anruf ab ({result.reason})", True, "failed")

    def _appointment_gone(self, contact: Contact) -> bool:
        status = self.store.redis.hget(f"cal:booking:{contact.data.get('ref', '')}", "status")
        return status is None or status.decode() != "booked"

    def _failure(self, contact: Contact, now: dt.datetime, detail: str) -> None:
        """A failed attempt: try again after the configured pause, or give up after the last attempt."""
        retry = self.config.retries[contact.channel]
        self.store.record(contact, now, "Versuch fehlgeschlagen", detail, True)
        if contact.tries < retry.attempts:
            self.store.schedule(contact, now + retry.pause_after(contact.tries))
        else:
            self.store.record(contact, now, "aufgegeben", f"nach {contact.tries} Versuchen", False, "failed")
