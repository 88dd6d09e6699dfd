"""The contacts worker process: delivers due contacts, plans the daily reminders, reads incoming e-mail and
purges what is past its retention period.

    python -m bot.runtime.worker      (started by `make run`)

Every OUTBOUND_INTERVAL seconds (default 15) it delivers what is due (bot/outbound/delivery.py) and
processes the mail drop (bot/channels/mail.py). Once a day after OUTBOUND_REMINDER_TIME (default
15:00; empty switches it off) it starts the reminder campaign for the next day's appointments. Once an
hour it deletes cases, appointment records and contacts past their retention (bot/privacy/duties.py).
Several workers may run: each contact, each day's reminder campaign and each hour's purge is taken by one
of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sys
from typing import TYPE_CHECKING

import redis

from bot.core.clock import now_local
from bot.core.settings import OutboundSettings
from bot.outbound.delivery import Deliverer
from bot.outbound.service import deliverer, planner
from bot.privacy.duties import PrivacyOffice, Retention

if TYPE_CHECKING:
    from bot.channels.mail import MailChannel

logger = logging.getLogger("outbound")
PURGE_KEY = "privacy:purge:{hour}"


def daily_reminders(client: redis.Redis, now: dt.datetime) -> str | None:
    """Start tomorrow's reminder campaign once per day (after OUTBOUND_REMINDER_TIME); its id, or None."""
    at = OutboundSettings.from_env().reminder_time  # at call time
    if at is None or now.time() < at:
        return None
    if not client.set(f"ob:auto:reminder:{now.date().isoformat()}", "1", nx=True, ex=3 * 86400):
        return None
    campaign = planner(client).reminder(now.date() + dt.timedelta(days=1), "automatisch", now)
    logger.info("outbound: reminder campaign %s with %d contacts", campaign.id, campaign.contacts)
    return campaign.id


def hourly_purge(client: redis.Redis, now: dt.datetime) -> dict[str, int] | None:
    """Delete cases, appointment records and contacts past their retention period once per clock hour and
    deployment (whichever worker takes the hour); the counts, or None when this hour's purge was taken."""
    if not client.set(PURGE_KEY.format(hour=now.strftime("%Y-%m-%dT%H")), "1", nx=True, ex=2 * 3600):
        return None
    counts = PrivacyOffice(client).purge(now, Retention.from_env())
    if any(counts.values()):
        logger.info("retention purge: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


async def tick(client: redis.Redis, delivery: Deliverer, mail_channel: MailChannel | None = None) -> None:
    now = now_local()
    await asyncio.to_thread(daily_reminders, client, now)
    done = await delivery.run_due(now)
    if done:
        logger.info("outbound: %d contact(s) handled", len(done))
    if mail_channel is not None:
        handled = await asyncio.to_thread(mail_channel.process_pending)
        if handled:
            logger.info("mail: %d incoming e-mail(s) handled", handled)
    try:  # Berlin wall-clock time, as the record times it compares with (and `python -m bot.privacy.duties purge`)
        await asyncio.to_thread(hourly_purge, client, now_local())
    except redis.RedisError as error:
        logger.warning("retention purge failed, retrying later: %s", error)


async def run_forever() -> None:
    from bot.channels.mail import channel_from_env
    from bot.core.redis_server import redis_client

    client = redis_client()
    delivery, mail_channel = deliverer(client), channel_from_env(client)
    interval = OutboundSettings.from_env().interval
    logger.info("contacts worker: every %.0f s; mail drop %s", interval, mail_channel.drop.path)
    while True:
        try:
            await tick(client, delivery, mail_channel)
        except redis.RedisError as error:
            logger.warning("contacts worker: Redis unavailable (%s); next try in %.0f s", error, interval)
        except Exception:  # noqa: BLE001 - the background loop must survive any one failed tick
            logger.exception("contacts worker: unexpected error; continuing")
        await asyncio.sleep(interval)


def main() -> int:
    from bot.core.redact import install_log_redaction

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    install_log_redaction()
    asyncio.run(run_forever())
    return 0


if __name__ == "__main__":
    sys.exit(main())
