"""What the previous answer was about, so that an elliptic follow-up ("und am samstag?", "und die email",
"und nach dem ersten jahr?") inherits office, day and topic.

Kept in the custom slot `knowledge_context` as a small dict of plain values (`to_slot` / `from_slot`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

# Topics whose follow-ups may inherit an office and a day.
LOCATION_TOPICS = frozenset({"opening_hours", "contact", "service_center", "hotline"})


@dataclass(frozen=True)
class Context:
    topic: str | None = None  # "opening_hours", "contact", "service_center", "hotline", "assets", "payment", ...
    office: str | None = None  # office key of content/jobcenter.yml
    date: dt.date | None = None  # a concrete day asked about ("morgen", "am 25.12.")
    weekday: int | None = None  # a weekday asked about without a date ("samstags")
    daypart: str | None = None  # a daypart word of textparse.DAYPARTS ("nachmittags")
    now: bool = False  # the question was about this very moment ("jetzt", "gerade")
    offer: str | None = None  # intent whose answer was offered ("Möchten Sie jetzt die Antwort darauf?")
    detail: str | None = None  # topic-specific detail (a sent declaration: bot.declarations.after.detail)

    def to_slot(self) -> dict[str, Any] | None:
        if self.topic is None:
            return None
        value: dict[str, Any] = {"topic": self.topic}
        if self.office:
            value["office"] = self.office
        if self.date:
            value["date"] = self.date.isoformat()
        if self.weekday is not None:
            value["weekday"] = self.weekday
        if self.daypart:
            value["daypart"] = self.daypart
        if self.now:
            value["now"] = True
        if self.offer:
            value["offer"] = self.offer
        if self.detail:
            value["detail"] = self.detail
        return value

    @classmethod
    def from_slot(cls, value: object) -> Context:
        """The context stored by `to_slot`; anything else (None, an old or broken value) is no context."""
        if not isinstance(value, dict) or not isinstance(value.get("topic"), str):
            return cls()
        try:
            day = dt.date.fromisoformat(value["date"]) if value.get("date") else None
        except (TypeError, ValueError):
            day = None
        weekday = value.get("weekday")
        return cls(
            topic=value["topic"],
            office=value.get("office") if isinstance(value.get("office"), str) else None,
            date=day,
            weekday=weekday if isinstance(weekday, int) and 0 <= weekday <= 6 else None,
            daypart=value.get("daypart") if isinstance(value.get("daypart"), str) else None,
            now=value.get("now") is True,
            offer=value.get("offer") if isinstance(value.get("offer"), str) else None,
            detail=value.get("detail") if isinstance(value.get("detail"), str) else None,
        )

    @property
    def is_location(self) -> bool:
        return self.topic in LOCATION_TOPICS
