"""The identification step (bot/identity/check.py): by number and date of birth, and the date of birth of a
customer already known (outgoing call), with the guard's limits on a real Redis."""

from __future__ import annotations

import datetime as dt

from bot.identity import check
from bot.identity.guard import IdentityGuard
from bot.identity.registry import get_registry

TODAY = dt.date(2026, 11, 23)
NUMBER = "12345BG0000001"  # Erika Mustermann, born 12.08.1985


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_by_number_identifies_with_the_right_date(redis_client):
    result = check.by_number(IdentityGuard(redis_client), get_registry(), NUMBER, "", "12.8.1985", TODAY, 0)
    assert result.outcome == "identified" and result.customer is not None and result.customer.name == "Erika Mustermann"
    assert result.attempts is None


def test_by_number_an_unreadable_date_is_asked_again_without_counting(redis_client):
    result = check.by_number(IdentityGuard(redis_client), get_registry(), NUMBER, "", "im August", TODAY, 1)
    assert result == check.Check("invalid")


def test_by_number_wrong_dates_count_up_to_the_limit(redis_client):
    clock = Clock()
    guard = IdentityGuard(redis_client, clock)
    first = check.by_number(guard, get_registry(), NUMBER, "", "01.01.1980", TODAY, 0)
    assert first == check.Check("mismatch", 1)
    clock.t += 600
    assert check.by_number(guard, get_registry(), NUMBER, "", "01.01.1980", TODAY, 1) == check.Check("mismatch", 2)
    clock.t += 600
    assert check.by_number(guard, get_registry(), NUMBER, "", "01.01.1980", TODAY, 2) == check.Check("failed", 3)


def test_by_number_refused_while_the_number_is_locked(redis_client):
    clock = Clock()
    guard = IdentityGuard(redis_client, clock)
    results = []
    for _ in range(5):
        clock.t += 600
        results.append(check.by_number(guard, get_registry(), NUMBER, "", "01.01.1980", TODAY, 0))
    assert results[4].outcome == "refused" and results[4].attempts == 1  # the failure that caused the lock counts
    assert results[4].refusal is not None and results[4].refusal.reason == "locked"
    locked = check.by_number(guard, get_registry(), NUMBER, "", "12.8.1985", TODAY, 0)
    assert locked.outcome == "refused" and locked.attempts is None  # even the right date waits


def test_known_customer_identified_or_counted(redis_client):
    guard, customer = IdentityGuard(redis_client, Clock()), get_registry().find(NUMBER)
    assert check.known_customer(guard, NUMBER, customer, "12.08.85", TODAY, 0).outcome == "identified"
    assert check.known_customer(guard, NUMBER, customer, "weiß nicht", TODAY, 0) == check.Check("mismatch", 1)
    assert check.known_customer(guard, NUMBER, customer, "01.01.1980", TODAY, 2) == check.Check("failed", 3)
    assert check.known_customer(guard, NUMBER, None, "12.08.1985", TODAY, 0) == check.Check("mismatch", 1)
