"""The outbound services built from the configuration: the campaign planner and the deliverer.

Used by the command line (`python -m bot.outbound`), the contacts worker (bot/runtime/worker.py) and the desk.
"""

from __future__ import annotations

import redis

from bot.appointments.calendar import get_calendar
from bot.appointments.store import AppointmentBook
from bot.content import get_content
from bot.identity.registry import get_registry
from bot.knowledge.answers import holiday_name
from bot.mail.settings import mail_settings
from bot.outbound.ami import ami_settings
from bot.outbound.campaigns import Planner
from bot.outbound.config import get_outbound
from bot.outbound.consent import ConsentStore
from bot.outbound.delivery import Deliverer
from bot.outbound.store import OutboundStore


def planner(client: redis.Redis) -> Planner:
    return Planner(OutboundStore(client), ConsentStore(client), get_registry(), AppointmentBook(client, get_calendar()),
                   get_calendar(), get_content(), get_outbound())


def deliverer(client: redis.Redis) -> Deliverer:
    content = get_content()
    return Deliverer(OutboundStore(client), ConsentStore(client), get_outbound(), mail_settings(), ami_settings(),
                     lambda day: holiday_name(content, day) is not None)
