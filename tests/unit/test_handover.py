"""Handover state in a real Redis: queue order, atomic claim, release, transcript, presence."""

from __future__ import annotations

import threading

import redis

from bot.handover.state import Handover


def test_queue_orders_by_priority_then_waiting_time(redis_client):
    handover = Handover(redis_client)
    handover.enqueue("a", now=100.0)
    handover.enqueue("b", now=50.0)
    handover.enqueue("threat", priority="urgent", now=200.0)
    assert [e.sender for e in handover.queue()] == ["threat", "b", "a"]
    assert handover.position("a") == 3


def test_enqueue_twice_keeps_one_entry(redis_client):
    handover = Handover(redis_client)
    assert handover.enqueue("a") == "queued"
    assert handover.enqueue("a") == "queued"
    assert len(handover.queue()) == 1


def test_two_agents_claiming_at_once_get_one_winner(redis_url, redis_client):
    Handover(redis_client).enqueue("citizen")
    barrier = threading.Barrier(2)
    results = {}

    def claim(agent: str) -> None:
        own = Handover(redis.Redis.from_url(redis_url))
        barrier.wait()
        results[agent] = own.claim("citizen", agent)

    threads = [threading.Thread(target=claim, args=(name,)) for name in ("anna", "ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [agent for agent, (ok, _) in results.items() if ok]
    assert len(winners) == 1
    loser = "ben" if winners[0] == "anna" else "anna"
    assert results[loser] == (False, winners[0])
    assert Handover(redis_client).owner("citizen") == winners[0]
    assert Handover(redis_client).queue() == []


def test_only_the_owner_can_hand_back(redis_client):
    handover = Handover(redis_client)
    handover.enqueue("c")
    handover.claim("c", "anna")
    assert not handover.release("c", "ben")
    assert handover.release("c", "anna")
    assert handover.state("c") == "bot" and not handover.is_with_human("c")


def test_transcript_lines_are_numbered_and_can_be_read_from_an_id(redis_client):
    handover = Handover(redis_client)
    first = handover.add_line("c", "citizen", "Hallo")
    handover.add_line("c", "bot", "Guten Tag!")
    handover.add_line("c", "agent", "Hier ist Anna.", agent="anna")
    assert first["id"] == 1
    assert [line["text"] for line in handover.transcript("c", after_id=1)] == ["Guten Tag!", "Hier ist Anna."]


def test_presence_lists_connected_agents(redis_client):
    handover = Handover(redis_client)
    handover.mark_present("anna")
    assert handover.agents_online() == ["anna"]


def test_case_inbox_filters_updates_and_keeps_history(redis_client):
    import datetime as dt

    import pytest

    from bot.cases.store import CaseStore

    store = CaseStore(redis_client)
    now = dt.datetime(2026, 11, 24, 9, 0)
    cancel = store.create("terminabsage", {"grund": "krank"}, now, customer="A", office="mitte")
    threat = store.create("drohung", {"nachricht": "..."}, now, priority="urgent")
    assert [c["id"] for c in store.search()][0] == threat  # urgent first
    assert [c["id"] for c in store.search(kind="terminabsage", office="mitte")] == [cancel]
    store.update(cancel, "assignee", "anna", "anna", now)
    store.update(cancel, "note", "AU liegt vor", "anna", now)
    updated = store.update(cancel, "status", "erledigt", "anna", now)
    assert updated["status"] == "erledigt" and updated["assignee"] == "anna"
    assert updated["notes"][0]["text"] == "AU liegt vor" and len(updated["history"]) == 3
    assert store.search(status="erledigt")[0]["id"] == cancel
    with pytest.raises(ValueError):
        store.update(cancel, "status", "kaputt", "anna", now)
    assert store.create("terminabsage", {}, now, idempotency_key="same") == store.create("terminabsage", {}, now,
                                                                                         idempotency_key="same")


def test_transfer_moves_the_conversation_from_owner_to_colleague_in_one_step(redis_client):
    from bot.handover.state import Handover

    handover = Handover(redis_client)
    handover.enqueue("conv-t", priority="normal", topic="t", summary="s", channel="webchat")
    assert handover.claim("conv-t", "anna", "Frau A.")[0]
    assert not handover.transfer("conv-t", "ben", "carla")  # only the owner hands over
    assert handover.transfer("conv-t", "anna", "ben", "Herr B.")
    assert handover.owner("conv-t") == "ben" and handover.state("conv-t") == "agent"
    assert handover.position("conv-t") is None  # never back in the queue
    texts = [line["text"] for line in handover.transcript("conv-t")]
    assert texts[-1] == "Herr B. hat das Gespräch übernommen." and not any("zurückgegeben" in t for t in texts)


def test_handing_a_conversation_to_a_team_puts_it_first_in_the_queue_for_that_team(redis_client):
    from bot.handover.state import Handover

    handover = Handover(redis_client)
    handover.enqueue("waiting", priority="normal", topic="t", summary="s", channel="webchat")
    handover.enqueue("conv-team", priority="normal", topic="t", summary="s", channel="webchat")
    assert handover.claim("conv-team", "anna", "Frau A.")[0]
    assert not handover.to_team("conv-team", "ben", "nord", "Nord")  # only the owner hands over
    assert handover.to_team("conv-team", "anna", "nord", "Nord")
    assert handover.state("conv-team") == "queued" and handover.position("conv-team") == 1
    entry = next(e for e in handover.queue() if e.sender == "conv-team")
    assert entry.team == "nord" and next(e for e in handover.queue() if e.sender == "waiting").team == ""
    assert handover.transcript("conv-team")[-1]["text"].startswith("Ihr Anliegen geht an das Team Nord.")
    handover.enqueue("again", priority="normal")  # a new entry never inherits a team
    assert next(e for e in handover.queue() if e.sender == "again").team == ""


def test_the_queue_shows_the_conversation_language_for_the_right_agent(redis_client):
    """A conversation handed over in Ukrainian waits in the queue marked "Ukrainisch" (bot/languages/); the desk's
    system lines to that citizen are in Ukrainian."""
    from bot.content import say
    from bot.desk.server import language_name
    from bot.languages.context import speaking

    handover = Handover(redis_client)
    handover.enqueue("c-de", topic="ask_payment")
    with speaking("uk"):
        handover.enqueue("c-uk", topic="ask_payment")
    languages = {entry.sender: entry.language for entry in handover.queue()}
    assert languages == {"c-de": "de", "c-uk": "uk"}
    assert language_name("uk") == "Ukrainisch" and handover.language("c-uk") == "uk"
    with speaking(handover.language("c-uk")):
        closed = say("desk.closed")
    assert closed != say("desk.closed") and any("\u0400" <= ch <= "\u04ff" for ch in closed)
