"""The immutable data model of loaded content.

Frozen dataclasses for offices and the service center with their opening hours (`TimeRange`,
`OpeningHours`), figures, the KdU table of rent limits, answers with their buttons, and `Content` (with the texts of texts.yml),
the validated whole that `load_content()` returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.language.formatting import with_unit


@dataclass(frozen=True)
class TimeRange:
    start: dt.time
    end: dt.time

    def contains(self, moment: dt.time) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, start: dt.time, end: dt.time) -> bool:
        return self.start < end and start < self.end


OpeningHours = dict[int, tuple[TimeRange, ...]]  # weekday (0 = Monday) -> ranges


@dataclass(frozen=True)
class Office:
    key: str
    name: str
    aliases: tuple[str, ...]
    address: str
    phone: str
    email: str
    hours: OpeningHours
    directions: str = ""

    @property
    def short_name(self) -> str:
        """"Nord" for "Geschäftsstelle Nord": the name in lists, teams and per-day rows."""
        return self.name.removeprefix("Geschäftsstelle ").strip() or self.key


@dataclass(frozen=True)
class ServiceCenter:
    name: str
    phone: str
    email: str
    hours: OpeningHours
    note: str = ""


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | str
    unit: str
    stand: dt.date
    label: str
    source: str

    @property
    def formatted(self) -> str:
        return with_unit(self.value, self.unit)


@dataclass(frozen=True)
class KduLimit:
    rent: float
    size_m2: float


@dataclass(frozen=True)
class KduTable:
    stand: dt.date
    source: str
    limits: dict[int, KduLimit]
    per_further_person: KduLimit

    def limit_for(self, persons: int) -> KduLimit:
        if persons < 1:
            raise ValueError("household size must be at least 1")
        if persons in self.limits:
            return self.limits[persons]
        largest = max(self.limits)
        extra = persons - largest
        base = self.limits[largest]
        return KduLimit(
            rent=round(base.rent + extra * self.per_further_person.rent, 2),
            size_m2=base.size_m2 + extra * self.per_further_person.size_m2,
        )


@dataclass(frozen=True)
class Button:
    title: str
    intent: str  # an intent name, or with raw=True the text the button sends
    raw: bool = False

    @property
    def payload(self) -> str:
        return self.intent if self.raw else f"/{self.intent}"


@dataclass(frozen=True)
class Answer:
    intent: str
    text: str
    buttons: tuple[Button, ...] = ()
    caveat: bool = False
    variants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    name: str
    name_genitive: str
    website: str
    state: str
    service_center: ServiceCenter
    offices: dict[str, Office]
    hours_note: str
    legal_regime: str
    figures: dict[str, Figure]
    kdu: KduTable
    caveat: str
    main_topics: tuple[Button, ...]
    answers: dict[str, Answer]
    templates: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)  # content/texts.yml, "section.key" -> text
    legal: dict[str, str] = field(default_factory=dict)  # jobcenter.yml `legal:`, page key -> address
