"""The running assistant: REST and socket.io channels, Redis tracker store, two Rasa processes.

Starts the embedded Redis, the action server and two Rasa servers exactly as `make run` does.
"""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import redis
import requests
import socketio



def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_rest_answers_a_computed_opening_hours_question(assistant):
    answer = texts(assistant.say(str(uuid.uuid4()), "Hat die Geschäftsstelle Nord donnerstags nachmittags offen?"))
    assert "Geschäftsstelle Nord" in answer and "14:00–18:00" in answer


def test_rest_answer_carries_buttons(assistant):
    messages = assistant.say(str(uuid.uuid4()), "wie viel bürgergeld bekommt man als alleinstehender")
    assert "563 €" in messages[0]["text"]
    assert {"title": "Mehrbedarfe", "payload": "/ask_additional_needs"} in messages[0]["buttons"]


def test_conversation_is_stored_in_redis(assistant):
    sender = f"redis-check-{uuid.uuid4()}"
    assistant.say(sender, "hallo")
    client = redis.Redis.from_url(assistant.redis_url)
    stored = client.get(f"jobcenter:tracker:{sender}")
    assert stored is not None
    events = json.loads(stored)["events"]
    assert any(e["event"] == "user" and e["text"] == "hallo" for e in events)


def test_second_rasa_process_continues_the_same_conversation(assistant):
    sender = str(uuid.uuid4())
    first = texts(assistant.say(sender, "ist eine miete von 520 euro angemessen", index=0))
    assert "Für wie viele Personen" in first
    second = texts(assistant.say(sender, "3 personen", index=1))
    assert "um 52 € über dem Richtwert" in second


def test_two_misunderstandings_offer_the_service_center(assistant):
    sender = str(uuid.uuid4())
    first = assistant.say(sender, "xqzv blorp fnord")
    assert "anders formulieren" in first[0]["text"] or "Dazu kann ich Ihnen leider nichts sagen" in first[0]["text"]
    assert len(first[0]["buttons"]) >= 6
    second = assistant.say(sender, "kjhg trrr pfff wuzz")
    assert "Service Center" in second[0]["text"] and second[0]["buttons"][0]["payload"] == "/request_human"


def test_button_payload_is_understood(assistant):
    assert "Geschäftsstelle Süd" in texts(assistant.say(str(uuid.uuid4()), "/ask_opening_hours"))


def test_http_api_requires_the_token(assistant):
    sender = str(uuid.uuid4())
    assistant.say(sender, "hallo")
    url = f"{assistant.url()}/conversations/{sender}/tracker"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, params={"token": assistant.token}, timeout=10).status_code == 200


def test_socketio_channel_answers(assistant):
    client = socketio.Client()
    received: list[dict] = []
    done = threading.Event()

    @client.on("bot_uttered")
    def on_bot(data):
        received.append(data)
        done.set()

    session_id = str(uuid.uuid4())
    client.connect(assistant.url(), transports=["websocket"])
    try:
        client.emit("session_request", {"session_id": session_id})
        client.emit("user_uttered", {"message": "wo ist die geschäftsstelle mitte", "session_id": session_id})
        assert done.wait(timeout=30), "no bot_uttered event within 30 s"
    finally:
        client.disconnect()
    assert "Marktplatz 1" in texts(received)


def test_restarted_rasa_server_keeps_the_conversation(assistant):
    sender = str(uuid.uuid4())
    assert "Für wie viele Personen" in texts(assistant.say(sender, "miete 400 euro ok?"))
    assistant.stop_process("rasa0")
    assistant.start_rasa(0)
    assistant.wait_rasa(0)
    assert "um 22 € über dem Richtwert" in texts(assistant.say(sender, "2 personen"))


@pytest.mark.parametrize("message", ["a" * 100_000, "wann habt ihr offen " * 5_000, "\x00\x01\ufffd", " "])
def test_bad_input_gets_a_german_answer_and_the_server_stays_up(assistant, message):
    sender = str(uuid.uuid4())
    answer = texts(assistant.say(sender, message))
    assert answer.strip(), "no answer"
    assert "Öffnungszeiten" in texts(assistant.say(sender, "öffnungszeiten"))
