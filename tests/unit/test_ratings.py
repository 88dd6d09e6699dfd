"""Ratings of conversations with a person (bot/handover/ratings.py) against a real Redis."""

import datetime as dt

import pytest

from bot.core.subject import DataSubject
from bot.handover.ratings import MAX_COMMENT, RatingStore

NOW = dt.datetime(2026, 12, 2, 10, 15)


@pytest.fixture()
def store(redis_client):
    return RatingStore(redis_client)


def test_one_rating_per_conversation_and_valid_stars_only(store):
    assert store.add("s1", "anna", 5, "  sehr   freundlich ", NOW)
    assert not store.add("s1", "anna", 1, "nochmal", NOW)  # the conversation was rated
    assert not store.add("s2", "anna", 0, "", NOW) and not store.add("s3", "anna", 6, "", NOW)
    assert not store.add("s4", "anna", True, "", NOW)  # type: ignore[arg-type]
    (rating,) = store.recent()
    assert rating.stars == 5 and rating.comment == "sehr freundlich" and rating.agent == "anna"


def test_summary_by_agent_and_time(store):
    store.add("a", "anna", 5, "", NOW - dt.timedelta(days=40))
    store.add("b", "anna", 3, "x" * (MAX_COMMENT + 50), NOW)
    store.add("c", "ben", 1, "", NOW)
    assert store.summary() == {"count": 3, "average": 3.0, "by_stars": {1: 1, 2: 0, 3: 1, 4: 0, 5: 1}}
    assert store.summary(since=NOW - dt.timedelta(days=30))["count"] == 2
    assert store.summary(agent="anna")["average"] == 4.0
    assert len(store.recent()[1].comment) == MAX_COMMENT


def test_privacy_export_delete_and_purge(store, redis_client):
    store.add("mine", "anna", 4, "gut", NOW - dt.timedelta(days=100))
    store.add("other", "ben", 2, "", NOW)
    person = DataSubject("12345BG0000002", ("mine",))
    assert [r["stars"] for r in store.export_for(person)["bewertungen"]] == [4]
    assert store.purge(NOW - dt.timedelta(days=90)) == 1
    assert store.export_for(person) == {}
    store.add("mine2", "anna", 3, "", NOW)
    assert store.delete_for(DataSubject("x", ("mine2",))) == 1
    assert [r.sender for r in store.recent()] == ["other"]
    assert redis_client.get("rating:given:mine2") is None
