"""When a conversation goes to a person: live queue within the Service Center's hours with agents
online, otherwise a callback request. Wait estimates for the queue."""

from __future__ import annotations

import datetime as dt
import math

from bot.content import Content

AVERAGE_MINUTES_PER_CONVERSATION = 6
LIVE_CHANNELS = frozenset({"webchat", "voice"})  # channels where a person can take over live


def within_service_hours(content: Content, now: dt.datetime) -> bool:
    return any(r.contains(now.time()) for r in content.service_center.hours.get(now.weekday(), ()))


def live_queue_available(content: Content, now: dt.datetime, agents_online: int) -> bool:
    return agents_online > 0 and within_service_hours(content, now)


def wait_estimate_minutes(position: int, agents_online: int) -> int:
    """Honest, rounded up: the conversations ahead of you shared by the agents online."""
    return max(1, math.ceil(position * AVERAGE_MINUTES_PER_CONVERSATION / max(1, agents_online)))
