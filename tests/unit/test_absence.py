"""Ortsabwesenheit: the standard-case rule (21 days per calendar year) and the Redis ledger."""

from __future__ import annotations

import datetime as dt
import threading

import redis

from bot.content import say
from bot.declarations.absence import AbsenceLedger, check, days_per_year

TODAY = dt.date(2026, 11, 24)
D = dt.date.fromisoformat


def test_days_count_both_ends_and_split_at_new_year():
    assert days_per_year(D("2026-12-01"), D("2026-12-21")) == {2026: 21}
    assert days_per_year(D("2026-12-28"), D("2027-01-05")) == {2026: 4, 2027: 5}
    assert days_per_year(D("2026-12-01"), D("2026-12-01")) == {2026: 1}


def test_exactly_21_days_is_a_standard_case():
    decision = check(D("2026-12-01"), D("2026-12-21"), TODAY, {}, 21, [])
    assert decision.approved and decision.total == 21


def test_22_days_is_forwarded():
    decision = check(D("2026-12-01"), D("2026-12-22"), TODAY, {}, 21, [])
    assert not decision.approved
    assert decision.reasons[0] == say("declarations.absence_days_exceeded", year=2026, left=21, max=21, count=22)


def test_days_already_used_this_year_count():
    assert check(D("2026-12-10"), D("2026-12-20"), TODAY, {2026: 10}, 21, []).approved  # 11 + 10 = 21
    decision = check(D("2026-12-10"), D("2026-12-21"), TODAY, {2026: 10}, 21, [])
    assert not decision.approved
    assert decision.reasons[0] == say("declarations.absence_days_exceeded", year=2026, left=11, max=21, count=12)


def test_across_new_year_each_year_has_its_own_days():
    # 4 days in 2026 (17 used there) and 5 in 2027: fits both years
    assert check(D("2026-12-28"), D("2027-01-05"), TODAY, {2026: 17}, 21, []).approved
    decision = check(D("2026-12-28"), D("2027-01-05"), TODAY, {2026: 18}, 21, [])
    assert not decision.approved and "Für 2026 sind noch 3" in decision.reasons[0]


def test_start_today_or_in_the_past_is_forwarded():
    assert not check(TODAY, D("2026-11-30"), TODAY, {}, 21, []).approved
    assert not check(D("2026-11-20"), D("2026-11-30"), TODAY, {}, 21, []).approved
    assert check(D("2026-11-25"), D("2026-11-30"), TODAY, {}, 21, []).approved


def test_an_appointment_in_that_time_is_forwarded():
    decision = check(D("2026-12-01"), D("2026-12-10"), TODAY, {}, 21, [dt.datetime(2026, 12, 3, 10, 0)])
    assert not decision.approved and "Termin am 03.12.2026 um 10:00 Uhr" in decision.reasons[0]
    assert check(D("2026-12-01"), D("2026-12-10"), TODAY, {}, 21, [dt.datetime(2026, 12, 11, 10, 0)]).approved


def test_ledger_reserves_once_per_key_and_never_beyond_the_limit(redis_client):
    ledger = AbsenceLedger(redis_client)
    assert ledger.reserve("c1", {2026: 15}, 21, "k1")
    assert ledger.reserve("c1", {2026: 15}, 21, "k1")  # retried: no second booking
    assert ledger.used("c1") == {2026: 15}
    assert not ledger.reserve("c1", {2026: 7}, 21, "k2")
    assert ledger.reserve("c1", {2026: 6, 2027: 3}, 21, "k3")
    assert ledger.used("c1") == {2026: 21, 2027: 3}


def test_parallel_requests_cannot_overbook_the_year(redis_url, redis_client):
    barrier = threading.Barrier(5)
    results = []

    def attempt(index: int) -> None:
        ledger = AbsenceLedger(redis.Redis.from_url(redis_url))
        barrier.wait()
        results.append(ledger.reserve("c2", {2026: 10}, 21, f"parallel-{index}"))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 2 and AbsenceLedger(redis_client).used("c2") == {2026: 20}
