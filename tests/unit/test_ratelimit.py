"""Flood protection in a real Redis: fixed windows, one notice per window, fail open without Redis."""

from __future__ import annotations

import time

import redis

from bot.core.ratelimit import RateLimiter, citizen_checks


def test_limit_per_window_and_one_notice(redis_client):
    limiter = RateLimiter(redis_client)
    verdicts = [limiter.hit("k", 3, 1) for _ in range(6)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False, False]
    assert [v.first_refusal for v in verdicts] == [False, False, False, True, False, False]
    time.sleep(1.1)
    assert limiter.hit("k", 3, 1).allowed  # a new window


def test_one_flooding_conversation_does_not_block_another(redis_client, monkeypatch):
    monkeypatch.setenv("CHAT_LIMIT_PER_SESSION", "2/10")
    limiter = RateLimiter(redis_client)
    for _ in range(3):
        limiter.hits(citizen_checks("flood", "10.0.0.1"))
    assert not limiter.hits(citizen_checks("flood", "10.0.0.1")).allowed
    assert limiter.hits(citizen_checks("calm", "10.0.0.1")).allowed


def test_without_redis_messages_still_get_through():
    limiter = RateLimiter(redis.Redis(port=1, socket_connect_timeout=0.2))
    assert limiter.hit("k", 1, 10).allowed and limiter.hit("k", 1, 10).allowed


def test_a_conversation_has_a_daily_cap_that_bounds_its_tracker(redis_client, monkeypatch):
    monkeypatch.setenv("CHAT_LIMIT_PER_SESSION", "1000/10")
    monkeypatch.setenv("CHAT_LIMIT_PER_SESSION_DAY", "3/86400")
    limiter = RateLimiter(redis_client)
    verdicts = [limiter.hits(citizen_checks("long", "10.0.0.2")).allowed for _ in range(4)]
    assert verdicts == [True, True, True, False]
    assert redis_client.ttl("rl:chat:d:long") > 86000
