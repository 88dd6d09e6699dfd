"""Customer identification behind a small interface.

`CustomerRegistry` is what the assistant needs from a Jobcenter's systems: find a customer by
BG-Nummer or Kundennummer and check the date of birth. `YamlRegistry` reads the demo registry
(content/customers.yml); a real Jobcenter implements the same two methods against its own systems.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import yaml

from bot.language import values

KEYPAD_DATE = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")  # eight digits, e.g. typed on a phone keypad
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Customer:
    id: str  # the BG-Nummer: the key used in Redis records
    customer_number: str
    name: str
    birth_date: dt.date
    office: str
    address: str
    demo_appointment: str | None = None
    approval_end: dt.date | None = None  # last day of the current Bewilligungszeitraum, if known


def find_number(text: str) -> str | None:
    """A BG-Nummer (12345BG0000001) or Kundennummer (123A456789) in free text, written or spoken, normalised."""
    return values.find_number(text)


def find_birth_date(text: str, today: dt.date) -> dt.date | None:
    """A date of birth as citizens write or say it ("1.2.1979", "01.02.79", "1. februar 1979", eight digits
    from a keypad, "erster zweiter neunzehnhundertneunundsiebzig"); only a date between 1900 and today."""
    keypad = KEYPAD_DATE.match(text)
    if keypad:
        try:
            value: dt.date | None = dt.date(int(keypad.group(3)), int(keypad.group(2)), int(keypad.group(1)))
        except ValueError:
            return None
    else:
        value = values.find_date(text, today)
    return value if value is not None and dt.date(1900, 1, 1) <= value <= today else None


class CustomerRegistry(Protocol):
    def find(self, number: str) -> Customer | None: ...

    def identify(self, number: str, birth_date: dt.date) -> Customer | None: ...


class YamlRegistry:
    def __init__(self, path: Path):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self.customers: list[Customer] = [
            Customer(
                id=str(entry["bg_number"]),
                customer_number=str(entry["customer_number"]),
                name=entry["name"],
                birth_date=entry["birth_date"],
                office=entry["office"],
                address=entry["address"],
                demo_appointment=entry.get("demo_appointment"),
                approval_end=entry.get("approval_end"),
            )
            for entry in data.get("customers", [])
        ]

    def find(self, number: str) -> Customer | None:
        number = number.upper()
        return next((c for c in self.customers if number in (c.id.upper(), c.customer_number.upper())), None)

    def identify(self, number: str, birth_date: dt.date) -> Customer | None:
        customer = self.find(number)
        return customer if customer and customer.birth_date == birth_date else None


@lru_cache(maxsize=1)
def get_registry() -> CustomerRegistry:
    from bot.content import content_dir

    return YamlRegistry(content_dir() / "customers.yml")
