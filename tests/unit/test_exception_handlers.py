"""The narrowed exception handlers: the failure each is meant for is still handled, anything else is not swallowed."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import uuid

import pytest
import redis
from rasa_sdk import Tracker
from sanic.exceptions import InvalidUsage

from bot.channels.rest import BadMessage, _body
from bot.core import relay
from bot.mail.headers import header, sender
from bot.mail.htmltext import html_to_text
from bot.outbound.ami import AmiConnection
from voice.audiosocket import HANGUP, UUID, AudioSocketCall, frame
from voice.bridge import AgentBridge


# ------------------------------------------------------------------ bot/channels/rest.py
class _Request:
    def __init__(self, error: Exception) -> None:
        self.error = error

    @property
    def json(self):
        raise self.error


def test_rest_body_that_is_not_json_is_a_bad_message():
    with pytest.raises(BadMessage):
        _body(_Request(InvalidUsage("Failed when parsing body as json")))  # type: ignore[arg-type]


def test_rest_body_unexpected_error_is_not_hidden_as_a_bad_message():
    with pytest.raises(RuntimeError):
        _body(_Request(RuntimeError("bug")))  # type: ignore[arg-type]


# ------------------------------------------------------------------ closing sockets
class _Writer:
    def __init__(self, error: BaseException | None = None, *, on_close: bool = False) -> None:
        self.error, self.on_close = error, on_close

    def close(self) -> None:
        if self.error is not None and self.on_close:
            raise self.error

    async def wait_closed(self) -> None:
        if self.error is not None and not self.on_close:
            raise self.error

    def write(self, data: bytes) -> None:
        pass

    async def drain(self) -> None:
        pass


@pytest.mark.parametrize("error", [ConnectionResetError(), BrokenPipeError(), asyncio.TimeoutError()])
def test_ami_close_of_a_connection_that_is_gone(error):
    asyncio.run(AmiConnection(None, _Writer(error)).close())  # type: ignore[arg-type]


def test_ami_close_does_not_swallow_a_bug():
    with pytest.raises(TypeError):
        asyncio.run(AmiConnection(None, _Writer(TypeError())).close())  # type: ignore[arg-type]


class _Pubsub:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def reset(self) -> None:
        raise self.error


@pytest.mark.parametrize("error", [redis.ConnectionError("closed"), ConnectionResetError()])
def test_relay_close_of_a_connection_that_is_gone(error):
    asyncio.run(relay._close(_Pubsub(error), None))  # type: ignore[arg-type]


def test_relay_close_does_not_swallow_a_bug():
    with pytest.raises(AttributeError):
        asyncio.run(relay._close(_Pubsub(AttributeError("bug")), None))  # type: ignore[arg-type]


class _HangupCall:
    async def start(self) -> None:
        pass

    async def hangup(self) -> None:
        pass


def _audiosocket_call(writer: _Writer) -> None:
    async def make_call(*args):
        return _HangupCall()

    async def scenario() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(frame(UUID, uuid.uuid4().bytes) + frame(HANGUP))
        await AudioSocketCall(reader, writer, make_call).run()  # type: ignore[arg-type]

    asyncio.run(scenario())


@pytest.mark.parametrize("error", [ConnectionResetError(), RuntimeError("Event loop is closed")])
def test_audiosocket_close_of_a_socket_that_is_gone(error):
    _audiosocket_call(_Writer(error, on_close=True))


def test_audiosocket_close_does_not_swallow_a_bug():
    with pytest.raises(TypeError):
        _audiosocket_call(_Writer(TypeError(), on_close=True))


# ------------------------------------------------------------------ voice/bridge.py: Redis down, the call goes on
class _Handover:
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.redis = self

    def add_line(self, *args):
        raise self.error

    def state(self, *args):
        raise self.error


def test_call_transcript_line_lost_when_redis_is_down(caplog):
    bridge = AgentBridge("call-test", _Handover(redis.ConnectionError("down")))  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="voice"):
        asyncio.run(bridge.record("citizen", "Mein Name ist Erika Mustermann"))
    assert "transcript line not stored" in caplog.text and "Mustermann" not in caplog.text


def test_call_transcript_bug_is_not_swallowed():
    with pytest.raises(KeyError):
        asyncio.run(AgentBridge("call-test", _Handover(KeyError("bug"))).record("citizen", "Hallo"))  # type: ignore[arg-type]


def test_call_hangup_clean_up_when_redis_is_down(caplog):
    with caplog.at_level(logging.WARNING, logger="voice"):
        asyncio.run(AgentBridge("call-test", _Handover(redis.TimeoutError("down"))).hung_up())  # type: ignore[arg-type]
    assert "cleanup after hang-up" in caplog.text
    with pytest.raises(KeyError):
        asyncio.run(AgentBridge("call-test", _Handover(KeyError("bug"))).hung_up())  # type: ignore[arg-type]


# ------------------------------------------------------------------ actions: the learning inbox
def _tracker(text: str) -> Tracker:
    return Tracker(sender_id="test", slots={"customer_name": "Erika Mustermann"},
                   latest_message={"text": text, "intent": {"name": "nlu_fallback", "confidence": 0.2}},
                   events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


class _BrokenRedis:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def hget(self, *args):
        raise self.error


def test_learning_inbox_down_does_not_cost_the_answer(monkeypatch, caplog):
    from actions.common import learn
    from bot.core import redis_server

    monkeypatch.setattr(redis_server, "redis_client", lambda: _BrokenRedis(redis.ConnectionError("down")))
    with caplog.at_level(logging.WARNING):
        learn(_tracker("Ich habe eine Frage zu meinem Bescheid, Erika Mustermann"), "fallback")
    assert "learning inbox unavailable: ConnectionError" in caplog.text
    assert "Bescheid" not in caplog.text and "Mustermann" not in caplog.text


def test_learning_inbox_bug_is_not_swallowed(monkeypatch):
    from actions.common import learn
    from bot.core import redis_server

    monkeypatch.setattr(redis_server, "redis_client", lambda: _BrokenRedis(AttributeError("bug")))
    with pytest.raises(AttributeError):
        learn(_tracker("Ich habe eine Frage zu meinem Bescheid"), "fallback")


# ------------------------------------------------------------------ mail parsing of garbage
def test_html_with_a_broken_marked_section_keeps_the_text_read_so_far():
    assert html_to_text("<p>Guten Tag</p><![foo[bar]]><p>danach</p>").startswith("Guten Tag")


def test_html_parser_bug_is_not_swallowed(monkeypatch):
    from bot.mail import htmltext

    def broken(self, data):
        raise TypeError("bug")

    monkeypatch.setattr(htmltext._HtmlText, "feed", broken)
    with pytest.raises(TypeError):
        html_to_text("<p>x</p>")


def _mail(headers: bytes) -> email.message.Message:
    return email.message_from_bytes(headers + b"\r\n\r\nText\r\n", policy=email.policy.default)


@pytest.mark.parametrize("subject", [b"=?x-unknown-charset?q?abc?=", b"=?utf-8?q?=FF=FE?=", b"=?utf-8?b?####?="])
def test_undecodable_encoded_words_never_raise(subject):
    message = _mail(b"From: =?x-unknown-charset?q?Erika?= <erika@example.org>\r\nSubject: " + subject)
    assert isinstance(header(message, "Subject"), str)
    assert sender(message)[1] == "erika@example.org"
