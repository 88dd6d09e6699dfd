"""Regression tests for the audit's attacks (issue 16), against the running assistant: real processes,
real Redis, real HTTP and socket.io. Each test reproduces an attack that worked before the fix."""

from __future__ import annotations

import json
import stat
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
import socketio

from bot.identity import guard as identity

AYSE = ("12345BG0000003", "30.11.1990")  # used by no other test: the lock cannot disturb them


def rest(assistant, sender: str, message: str, token: str | None = None, **kwargs) -> requests.Response:
    headers = {} if token == "" else {"Authorization": f"Bearer {token or assistant.rest_token}"}
    return requests.post(f"{assistant.url()}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                         headers=headers, timeout=60, **kwargs)


def texts(response: requests.Response) -> str:
    return "\n".join(m.get("text", "") for m in response.json())


# ------------------------------------------------------------------ 1. identification cannot be guessed
def test_guessing_a_birth_date_across_fresh_conversations_is_locked(assistant):
    client = redis.Redis.from_url(assistant.redis_url)
    wrong = ["01.01.1990", "02.01.1990", "03.01.1990", "04.01.1990", "05.01.1990"]
    try:
        for failures, guess in enumerate(wrong):
            if failures >= 2:
                time.sleep(2 ** (failures - 1) + 0.3)  # the growing delay the guard asks for
            sender = f"guess-{uuid.uuid4().hex}"  # a fresh conversation each time, as the attacker did
            rest(assistant, sender, "ich brauche einen termin")
            rest(assistant, sender, AYSE[0])
            answer = texts(rest(assistant, sender, guess))
            assert "passen leider nicht" in answer or "gesperrt" in answer, answer
        sender = f"guess-{uuid.uuid4().hex}"
        rest(assistant, sender, "ich brauche einen termin")
        rest(assistant, sender, AYSE[0])
        answer = texts(rest(assistant, sender, AYSE[1]))  # even the right date is refused now
        assert "gesperrt" in answer and "Ayşe" not in answer, answer
        assert "Service Center" in answer  # how to reach a person
    finally:
        identity.IdentityGuard(client).succeeded(AYSE[0])


# ------------------------------------------------------------------ 2. no takeover of a conversation
def test_rest_needs_the_token(assistant):
    sender = f"t-{uuid.uuid4().hex}"
    assert rest(assistant, sender, "hallo", token="").status_code == 401
    assert rest(assistant, sender, "hallo", token="falsch").status_code == 401
    assert "Token" in rest(assistant, sender, "hallo", token="").json().get("message", "") + \
        rest(assistant, sender, "hallo", token="").text
    assert rest(assistant, sender, "hallo").status_code == 200
    by_query = requests.post(f"{assistant.url()}/webhooks/rest/webhook", params={"token": assistant.rest_token},
                             json={"sender": sender, "message": "hallo"}, timeout=30)
    assert by_query.status_code == 200


def test_the_voice_channel_is_not_a_back_door(assistant):
    response = requests.post(f"{assistant.url()}/webhooks/voice/webhook", json={"sender": "x", "message": "hallo"},
                             headers={"Authorization": f"Bearer {assistant.rest_token}"}, timeout=30)
    assert response.status_code == 401


class Widget:
    def __init__(self, assistant, session_id: str | None = None, resume: str | None = None):
        self.sio, self.confirm, self.history = socketio.Client(), {}, []
        done, got_history = threading.Event(), threading.Event()
        self.sio.on("session_confirm", lambda d: (self.confirm.update(d), done.set()))
        self.sio.on("history", lambda d: (self.history.extend(d.get("lines", [])), got_history.set()))
        self.sio.connect(assistant.url(), socketio_path="/webchat/socket.io", transports=["websocket"])
        self.sio.emit("session_request", {"session_id": session_id, "resume": resume})
        assert done.wait(10)
        self.sio.emit("history", {"session_id": self.confirm["session_id"], "after_id": 0})
        got_history.wait(5)

    def say(self, text: str) -> None:
        self.sio.emit("user_uttered", {"session_id": self.confirm["session_id"], "message": text})
        time.sleep(2)


def test_a_session_id_alone_does_not_open_someone_elses_conversation(assistant):
    owner = Widget(assistant)
    owner.say("wann hat nord offen")
    session_id, secret = owner.confirm["session_id"], owner.confirm["resume"]
    intruder = Widget(assistant, session_id=session_id)  # the id was seen, the secret was not
    assert intruder.confirm["session_id"] != session_id and intruder.history == []
    back = Widget(assistant, session_id=session_id, resume=secret)  # the owner's browser after a reload
    assert back.confirm["session_id"] == session_id and any("nord" in line["text"] for line in back.history)
    for widget in (owner, intruder, back):
        widget.sio.disconnect()


def test_identification_expires(assistant):
    client = redis.Redis.from_url(assistant.redis_url)
    sender = f"exp-{uuid.uuid4().hex}"
    rest(assistant, sender, "wann ist mein termin")
    rest(assistant, sender, "12345BG0000001")
    assert "Erika" in texts(rest(assistant, sender, "12.08.1985"))
    client.delete(f"ident:who:{sender}")  # 30 minutes without use (or an agent handed back)
    again = texts(rest(assistant, sender, "ich möchte meinen termin sehen"))
    assert "BG-Nummer" in again, again


# ------------------------------------------------------------------ 3. the date of birth does not linger
def test_the_date_of_birth_reaches_neither_tracker_nor_transcript_nor_redis_files(assistant):
    sender = f"bd-{uuid.uuid4().hex}"
    rest(assistant, sender, "ich brauche einen termin")
    rest(assistant, sender, "12345BG0000001")
    assert "Erika" in texts(rest(assistant, sender, "12.08.1985"))
    tracker = requests.get(f"{assistant.url()}/conversations/{sender}/tracker",
                           params={"token": assistant.token}, timeout=30).json()
    dump = json.dumps(tracker, ensure_ascii=False)
    assert "12.08.1985" not in dump and identity.PLACEHOLDER in dump
    client = redis.Redis.from_url(assistant.redis_url)
    client.execute_command("BGREWRITEAOF")
    time.sleep(1)
    folder = assistant.data_dir / "redis"
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert "12.08.1985" not in path.read_bytes().decode("latin-1"), path
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is readable by others"


def test_the_embedded_redis_needs_its_password(assistant):
    open_url = f"redis://127.0.0.1:{assistant.redis_port}/0"
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis.from_url(open_url).ping()
    assert redis.Redis.from_url(assistant.redis_url).ping()


# ------------------------------------------------------------------ 6. resource limits
@pytest.mark.parametrize("body, expected", [
    ({"sender": "s", "message": "x" * 5001}, "zu lang"),
    ({"sender": "s", "message": "hallo", "metadata": "kein Objekt"}, "metadata"),
    ({"sender": "s", "message": "hallo", "metadata": [1, 2]}, "metadata"),
])
def test_oversized_and_malformed_input_gets_a_german_400(assistant, body, expected):
    for params in ({}, {"stream": "true"}):
        response = requests.post(f"{assistant.url()}/webhooks/rest/webhook", json=body, params=params, timeout=30,
                                 headers={"Authorization": f"Bearer {assistant.rest_token}"})
        assert response.status_code == 400 and expected in response.text, response.text


def test_redis_refuses_writes_rather_than_evicting_business_data(assistant):
    client = redis.Redis.from_url(assistant.redis_url)
    assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    assert int(client.config_get("maxmemory")["maxmemory"]) > 0


# ------------------------------------------------------------------ 8. internals
def _cmdlines() -> list[str]:
    lines = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                lines.append((proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
    return lines


def test_no_secret_on_any_command_line(assistant):
    secrets_dir = assistant.data_dir / "secrets"
    values = [p.read_text().strip() for p in secrets_dir.iterdir()]
    assert values
    for line in _cmdlines():
        for value in values:
            assert value not in line, "a secret is visible in ps"


def test_the_action_server_refuses_a_forged_tracker(assistant):
    forged = {"next_action": "action_list_appointments", "sender_id": "x",
              "tracker": {"sender_id": "x", "slots": {"customer_id": "12345BG0000001"}, "latest_message": {},
                          "events": [], "paused": False, "followup_action": None, "active_loop": {},
                          "latest_action_name": None},
              "domain": {}, "version": "3.6.2"}
    url = f"http://127.0.0.1:{assistant.action_port}/webhook"
    assert requests.post(url, json=forged, timeout=10).status_code == 401
    assert requests.post(url, json=forged, headers={"X-Action-Token": "geraten"}, timeout=10).status_code == 401
    assert requests.get(f"http://127.0.0.1:{assistant.action_port}/health", timeout=10).ok


def test_a_button_click_is_recorded_with_the_offered_title_not_a_client_text(assistant):
    widget = Widget(assistant)
    widget.say("hallo")
    client = redis.Redis.from_url(assistant.redis_url)
    sender = widget.confirm["session_id"]
    widget.sio.emit("user_uttered", {"session_id": sender, "message": "/ask_opening_hours",
                                      "display": "Ich überweise Ihnen 1000 Euro"})
    time.sleep(2)
    lines = [json.loads(raw) for raw in client.lrange(f"ho:transcript:{sender}", 0, -1)]
    citizen = [line["text"] for line in lines if line["role"] == "citizen"]
    assert "Ich überweise Ihnen 1000 Euro" not in citizen and "Öffnungszeiten" in citizen, citizen
    widget.sio.disconnect()
