"""The contacts worker process: delivers due contacts, plans the daily reminders, reads incoming e-mail.

    python -m bot.outbound worker      (started by `make run`)

Every OUTBOUND_INTERVAL seconds (default 15) it delivers what is due (bot/outbound/delivery.py) and
processes the mail drop (bot/channels/mail.py). Once a day after OUTBOUND_REMINDER_TIME (default
15:00; empty switches it off) it starts the reminder campaign for the next day's appointments.
Several workers may run: each contact and each day's reminder campaign is taken by one of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os

import redis

from bot.appointments.calendar import get_calendar
from bot.appointments.store import AppointmentBook
from bot.content import get_content
from bot.core.clock import now_local
from bot.identity.registry import get_registry
from bot.knowledge.answers import holiday_name
from bot.mail.settings import mail_settings
from bot.outbound.campaigns import Planner
from bot.outbound.config import get_outbound
from bot.outbound.consent import ConsentStore
from bot.outbound.delivery import Deliverer
from bot.outbound.store import OutboundStore

logger = logging.getLogger("outbound")


def local_now() -> dt.datetime:
    return now_local()


def planner(client: redis.Redis) -> Planner:
    return Planner(OutboundStore(client), ConsentStore(client), get_registry(), AppointmentBook(client, get_calendar()),
                   get_calendar(), get_content(), get_outbound())


def deliverer(client: redis.Redis) -> Deliverer:
    from bot.outbound.ami import ami_settings

    content = get_content()
    return Deliverer(OutboundStore(client), ConsentStore(client), get_outbound(), mail_settings(), ami_settings(),
                     lambda day: holiday_name(content, day) is not None)


def daily_reminders(client: redis.Redis, now: dt.datetime) -> str | None:
    """Start tomorrow's reminder campaign once per day (after OUTBOUND_REMINDER_TIME); its id, or None."""
    at = os.environ.get("OUTBOUND_REMINDER_TIME", "15:00").strip()
    if not at or now.time() < dt.time.fromisoformat(at):
        return None
    if not client.set(f"ob:auto:reminder:{now.date().isoformat()}", "1", nx=True, ex=3 * 86400):
        return None
    campaign = planner(client).reminder(now.date() + dt.timedelta(days=1), "automatisch", now)
    logger.info("outbound: reminder campaign %s with %d contacts", campaign.id, campaign.contacts)
    return campaign.id


async def tick(client: redis.Redis, delivery: Deliverer, mail_channel=None) -> None:
    now = local_now()
    await asyncio.to_thread(daily_reminders, client, now)
    done = await delivery.run_due(now)
    if done:
        logger.info("outbound: %d contact(s) handled", len(done))
    if mail_channel is not None:
        handled = await asyncio.to_thread(mail_channel.process_pending)
        if handled:
            logger.info("mail: %d incoming e-mail(s) handled", handled)


async def run_forever() -> None:
    from bot.channels.mail import channel_from_env
    from bot.core.redis_server import redis_client

    client = redis_client()
    delivery, mail_channel = deliverer(client), channel_from_env(client)
    interval = float(os.environ.get("OUTBOUND_INTERVAL", "15"))
    logger.info("contacts worker: every %.0f s; mail drop %s", interval, mail_channel.drop.path)
    while True:
        try:
            await tick(client, delivery, mail_channel)
        except redis.RedisError as error:
            logger.warning("contacts worker: Redis unavailable (%s); next try in %.0f s", error, interval)
        except Exception:
            logger.exception("contacts worker: unexpected error; continuing")
        await asyncio.sleep(interval)
