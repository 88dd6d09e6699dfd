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
    """The web chat's socket.io channel: the server chooses the session id; bad frames get an error."""
    client = socketio.Client()
    received: list[dict] = []
    errors: list[dict] = []
    confirmed, done = threading.Event(), threading.Event()
    session: dict = {}
    client.on("session_confirm", lambda data: (session.update(data), confirmed.set()))
    client.on("error", lambda data: errors.append(data))

    @client.on("bot_uttered")
    def on_bot(data):
        received.append(data)
        done.set()

    client.connect(assistant.url(), socketio_path="/webchat/socket.io", transports=["websocket"])
    try:
        client.emit("session_request", {"session_id": "short"})  # not a valid id: the server picks one
        assert confirmed.wait(10) and session["session_id"] != "short" and len(session["session_id"]) >= 20
        for bad in (None, "text", 42, [1, 2], {"message": "hallo"}, {"session_id": 5, "message": "x"},
                    {"session_id": "someone-elses-session-id-123", "message": "hallo"}, b"\x00\xff"):
            client.emit("user_uttered", bad)
        client.emit("no_such_event", {"x": 1})
        client.emit("user_uttered", {"message": "wo ist die geschäftsstelle mitte", "session_id": session["session_id"]})
        assert done.wait(timeout=30), "no bot_uttered event within 30 s"
    finally:
        client.disconnect()
    assert "Marktplatz 1" in texts(received)
    assert any("Bitte laden Sie die Seite neu" in e.get("text", "") for e in errors)  # a foreign session id
    assert any("nicht gelesen werden" in e.get("text", "") for e in errors)


@pytest.mark.parametrize("body, status", [
    ("{kaputt", 400), ("[1, 2]", 400), ('{"sender": 5, "message": "hallo"}', 400),
    ('{"sender": "ok-sender", "message": ["a"]}', 400), ('{"sender": "../../etc", "message": "x"}', 400),
    ('{"message": "hallo"}', 400),
])
def test_broken_rest_requests_get_a_clear_german_error(assistant, body, status):
    response = requests.post(f"{assistant.url()}/webhooks/rest/webhook", data=body, timeout=10,
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {assistant.rest_token}"})
    assert response.status_code == status
    message = response.json()["message"]
    assert any(word in message for word in ("JSON", "„sender“", "„message“")), message
    assert "Öffnungszeiten" in texts(assistant.say(str(uuid.uuid4()), "öffnungszeiten"))  # still up


def test_action_server_and_redis_are_not_reachable_from_outside(assistant):
    import socket

    addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    outside = [a for a in addresses if not a.startswith("127.")]
    for port in (assistant.action_port, assistant.redis_port):
        probe = socket.socket()
        probe.settimeout(2)
        assert probe.connect_ex(("127.0.0.1", port)) == 0  # reachable on the machine itself
        probe.close()
        for address in outside:
            probe = socket.socket()
            probe.settimeout(2)
            assert probe.connect_ex((address, port)) != 0, f"port {port} open on {address}"
            probe.close()


def test_logs_carry_no_personal_data(assistant):
    chat = str(uuid.uuid4())
    for text in ("neue iban", "12345BG0000002", "01.02.1979", "DE02 1203 0000 0000 2020 51", "Max Mustermann",
                 "abbrechen", "ich möchte mich beschweren", "Erreichbarkeit", "niemand geht ran", "ja",
                 "max.mustermann@example.org"):
        assistant.say(chat, text)
    logs = "".join(p.read_text(errors="replace") for p in assistant.data_dir.glob("*.log"))
    assert "[IBAN]" in logs and "[BG-Nummer]" in logs  # the messages were logged, redacted
    for secret in ("12345BG0000002", "01.02.1979", "DE02120300000000202051", "DE02 1203", "max.mustermann@example.org"):
        assert secret not in logs, f"{secret} found in a log file"


def test_restarted_rasa_server_keeps_the_conversation(assistant):
    sender = str(uuid.uuid4())
    assert "Für wie viele Personen" in texts(assistant.say(sender, "miete 400 euro ok?"))
    assistant.stop_process("rasa0")
    assistant.start_rasa(0)
    assistant.wait_rasa(0)
    assert "um 22 € über dem Richtwert" in texts(assistant.say(sender, "2 personen"))


@pytest.mark.parametrize("message", ["a" * 5_000, "wann habt ihr offen " * 250, "\x00\x01\ufffd", " "],
                         ids=["5000 a", "long question", "control characters", "blank"])
def test_bad_input_gets_a_german_answer_and_the_server_stays_up(assistant, message):
    sender = str(uuid.uuid4())
    answer = texts(assistant.say(sender, message))
    assert answer.strip(), "no answer"
    assert "Öffnungszeiten" in texts(assistant.say(sender, "öffnungszeiten"))


@pytest.mark.parametrize("message", ["a" * 100_000, "wann habt ihr offen " * 5_000], ids=["100000 a", "100000 words"])
def test_messages_over_the_limit_get_a_german_400_and_the_server_stays_up(assistant, message):
    sender = str(uuid.uuid4())
    response = requests.post(f"{assistant.url()}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                             headers={"Authorization": f"Bearer {assistant.rest_token}"}, timeout=30)
    assert response.status_code == 400 and "zu lang" in response.json()["message"]
    assert "Öffnungszeiten" in texts(assistant.say(sender, "öffnungszeiten"))
