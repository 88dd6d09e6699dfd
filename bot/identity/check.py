"""One identification step: is the date of birth the citizen gave the right one?

Two ways in, one set of outcomes: by BG-/Kundennummer plus date of birth (the forms that identify), or a
date of birth for a customer already known (the outgoing call). The decisions are here; the actions
(actions/identification.py) turn an outcome into messages and slot updates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from bot.identity.guard import IdentityGuard, Refusal
from bot.identity.registry import MAX_ATTEMPTS, Customer, CustomerRegistry, find_birth_date

Outcome = Literal["invalid", "refused", "mismatch", "failed", "identified"]


@dataclass(frozen=True)
class Check:
    """`attempts`: the conversation's failed attempts after this one, or None when they stay as they were."""
    outcome: Outcome
    attempts: int | None = None
    customer: Customer | None = None
    refusal: Refusal | None = None


def _miss(attempts: int) -> Check:
    return Check("failed" if attempts >= MAX_ATTEMPTS else "mismatch", attempts)


def by_number(guard: IdentityGuard, registry: CustomerRegistry, number: str, address: str, answer: str,
              today: dt.date, attempts: int) -> Check:
    """Number and date of birth: an unreadable date is asked again without counting; a wrong pair counts
    (here and in the guard's limits across conversations)."""
    birth_date = find_birth_date(answer, today)
    if birth_date is None:
        return Check("invalid")
    if refusal := guard.refusal(number, address):
        return Check("refused", refusal=refusal)
    customer = registry.identify(number, birth_date)
    if customer is not None:
        return Check("identified", customer=customer)
    attempts += 1
    if refusal := guard.failed(number, address):
        return Check("refused", attempts, refusal=refusal)
    return _miss(attempts)


def known_customer(guard: IdentityGuard, key: str, customer: Customer | None, answer: str, today: dt.date,
                   attempts: int) -> Check:
    """The date of birth of a customer already known (`key` in the guard): every answer that is not the right
    date counts as an attempt; a readable wrong date also counts in the guard's limits."""
    if refusal := guard.refusal(key):
        return Check("refused", refusal=refusal)
    birth_date = find_birth_date(answer, today)
    if customer is not None and birth_date == customer.birth_date:
        return Check("identified", customer=customer)
    if birth_date is not None and (refusal := guard.failed(key)):
        return Check("refused", refusal=refusal)
    return _miss(attempts + 1)
