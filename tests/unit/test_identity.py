"""Identification limits across conversations, expiry, and the date of birth kept out of the tracker
(bot/identity/guard.py), on a real Redis; the real client address behind a proxy (bot/core/netaddr.py)."""

from __future__ import annotations

import pytest

from bot.core.netaddr import client_address
from bot.identity import guard as identity
from bot.safety.detect import must_be_seen

NUMBER = "12345BG0000002"


class Clock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_guessing_one_number_across_fresh_conversations_is_locked_after_five_failures(redis_client):
    """The audit's attack: new conversations, new sender ids, same number. The counter is per number."""
    clock = Clock()
    guard = identity.IdentityGuard(redis_client, clock)
    refusals = []
    for attempt in range(5):
        clock.t += 600  # far apart: no waiting delay gets in the way
        assert guard.refusal(NUMBER, f"10.0.0.{attempt}") is None
        refusals.append(guard.failed(NUMBER, f"10.0.0.{attempt}"))
    assert refusals[:4] == [None] * 4 and refusals[4].reason == "locked" and refusals[4].seconds == 15 * 60
    assert guard.refusal(NUMBER, "10.0.0.99").reason == "locked"  # any address, any conversation
    assert guard.refusal("12345BG0000001", "10.0.0.99") is None  # other citizens are not affected


def test_rapid_guesses_wait_growing_delays(redis_client):
    clock = Clock()
    guard = identity.IdentityGuard(redis_client, clock)
    guard.failed(NUMBER)
    guard.failed(NUMBER)
    assert guard.refusal(NUMBER) is None  # two mistakes: a person retries at once
    guard.failed(NUMBER)
    assert guard.refusal(NUMBER).reason == "wait"
    clock.t += 3
    assert guard.refusal(NUMBER) is None
    guard.failed(NUMBER)
    assert guard.refusal(NUMBER).seconds >= 4


def test_locks_grow_and_success_clears_the_counter(redis_client):
    clock = Clock()
    guard = identity.IdentityGuard(redis_client, clock)
    for _ in range(10):
        clock.t += 10_000
        redis_client.delete(guard._number_keys(NUMBER)[1])  # the 15-minute lock has passed
        lock = guard.failed(NUMBER)
    assert lock.reason == "locked" and lock.seconds == 3600
    guard.succeeded(NUMBER)
    assert guard.refusal(NUMBER) is None and redis_client.get(guard._number_keys(NUMBER)[0]) is None


def test_one_address_trying_many_numbers_is_locked(redis_client):
    clock = Clock()
    guard = identity.IdentityGuard(redis_client, clock)
    for n in range(identity.ADDRESS_LIMIT):
        clock.t += 1
        guard.failed(f"12345BG{n:07d}", "203.0.113.7")
    assert guard.refusal("99999BG0000009", "203.0.113.7").reason == "address"
    assert guard.refusal("99999BG0000009", "203.0.113.8") is None


def test_keys_never_hold_the_number(redis_client):
    identity.IdentityGuard(redis_client).failed(NUMBER, "203.0.113.7")
    assert not any(NUMBER.encode() in key or b"203.0.113.7" in key for key in redis_client.keys("*"))


def test_identification_expires_renews_on_use_and_ends_on_hand_back(redis_client):
    identity.mark_identified(redis_client, "conv", NUMBER)
    assert identity.still_identified(redis_client, "conv", NUMBER)
    assert not identity.still_identified(redis_client, "conv", "12345BG0000001")
    assert redis_client.ttl("ident:who:conv") > identity.IDENTIFIED_SECONDS - 5
    redis_client.expire("ident:who:conv", 1)
    assert identity.still_identified(redis_client, "conv", NUMBER)  # use renews it
    assert redis_client.ttl("ident:who:conv") > 60
    identity.forget(redis_client, "conv")
    assert not identity.still_identified(redis_client, "conv", NUMBER)


def test_handing_back_a_conversation_ends_its_identification(redis_client):
    from bot.handover.state import Handover

    identity.mark_identified(redis_client, "conv", NUMBER)
    handover = Handover(redis_client)
    handover.enqueue("conv")
    handover.claim("conv", "anna")
    assert handover.release("conv", "anna")
    assert not identity.still_identified(redis_client, "conv", NUMBER)


@pytest.mark.parametrize("answer", ["01.02.1979", "geboren am 1.2.79", "01021979"])
def test_a_date_of_birth_the_dialogue_waits_for_is_shielded_and_revealed_once(redis_client, answer):
    assert identity.shield(redis_client, "c", answer, never_hide=must_be_seen) == answer  # nobody asked: passes unchanged
    identity.expect_birth_date(redis_client, "c")
    hidden = identity.shield(redis_client, "c", answer, never_hide=must_be_seen)
    assert hidden == identity.PLACEHOLDER
    assert not any(answer.encode() in (redis_client.get(k) or b"") for k in redis_client.keys("ident:await:*"))
    assert identity.reveal(redis_client, "c", hidden) == answer
    assert identity.reveal(redis_client, "c", hidden) == ""  # once only
    assert identity.shield(redis_client, "c", answer, never_hide=must_be_seen) == answer  # the next message is not hidden


@pytest.mark.parametrize("text", ["abbrechen", "ich will nicht mehr leben, 01.02.1979", "mit einem menschen"])
def test_a_crisis_or_a_text_without_a_date_is_never_hidden(redis_client, text):
    identity.expect_birth_date(redis_client, "c")
    assert identity.shield(redis_client, "c", text, never_hide=must_be_seen) == text


def test_the_client_address_is_believed_only_from_a_trusted_proxy():
    assert client_address("10.1.2.3", "198.51.100.7", trusted="") == "10.1.2.3"
    assert client_address("10.1.2.3", "198.51.100.7", trusted="10.0.0.0/8") == "198.51.100.7"
    # a client cannot choose its address: the right-most untrusted hop counts
    assert client_address("10.1.2.3", "1.2.3.4, 198.51.100.7", trusted="10.0.0.0/8") == "198.51.100.7"
    assert client_address("10.1.2.3", "198.51.100.7, 10.9.9.9", trusted="10.0.0.0/8") == "198.51.100.7"
    assert client_address("203.0.113.5", "198.51.100.7", trusted="10.0.0.0/8") == "203.0.113.5"
    assert client_address("10.1.2.3", "nonsense", trusted="10.0.0.0/8") == "10.1.2.3"
