"""DTMF on an AudioSocket call: digits are collected into one text ("#" sends, "*" clears, a pause sends).

The AudioSocket side is real (frames fed into a StreamReader and read by `AudioSocketCall.run`); the call
object only records what reaches the dialogue boundary."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from voice import audiosocket
from voice.audiosocket import DTMF, HANGUP, UUID, AudioSocketCall, frame

PAUSE_MS = 50


class RecordingCall:
    def __init__(self) -> None:
        self.texts: list[str] = []
        self.started = self.hung_up = False

    async def start(self) -> None:
        self.started = True

    async def audio(self, pcm: bytes) -> None:
        pass

    async def keys(self, digits: str) -> None:  # the transport passes keypad digits to Call.keys
        self.texts.append(digits)

    async def hangup(self) -> None:
        self.hung_up = True


class Writer:
    """The gateway's side of the socket; nothing is played in these tests."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        self.data += data

    async def drain(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


@pytest.fixture(autouse=True)
def short_pause(monkeypatch):
    monkeypatch.setattr(audiosocket, "DTMF_PAUSE_MS", PAUSE_MS)


def keys(text: str) -> bytes:
    return b"".join(frame(DTMF, key.encode()) for key in text)


def run_call(script) -> RecordingCall:
    """Start an AudioSocket call and let `script(feed)` send frames; returns the recorded call."""
    call = RecordingCall()

    async def make_call(session, rate, emit, play, clear):
        assert session.startswith("call-") and rate == 8000
        return call

    async def scenario() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(frame(UUID, uuid.uuid4().bytes))
        running = asyncio.create_task(AudioSocketCall(reader, Writer(), make_call).run())
        await script(reader.feed_data)
        await asyncio.wait_for(running, timeout=5)

    asyncio.run(scenario())
    assert call.started and call.hung_up
    return call


def test_hash_sends_the_collected_digits_at_once():
    async def script(feed):
        feed(keys("12#"))
        await asyncio.sleep(0.01)
        feed(frame(HANGUP))

    assert run_call(script).texts == ["12"]


def test_a_pause_sends_the_collected_digits():
    async def script(feed):
        feed(keys("3"))
        await asyncio.sleep(PAUSE_MS / 1000 * 3)
        feed(keys("45"))
        await asyncio.sleep(PAUSE_MS / 1000 * 3)
        feed(frame(HANGUP))

    assert run_call(script).texts == ["3", "45"]


def test_digits_typed_in_quick_succession_are_one_text():
    async def script(feed):
        for key in "0221":
            feed(keys(key))
            await asyncio.sleep(PAUSE_MS / 1000 / 5)
        await asyncio.sleep(PAUSE_MS / 1000 * 3)
        feed(frame(HANGUP))

    assert run_call(script).texts == ["0221"]


def test_star_clears_the_collected_digits():
    async def script(feed):
        feed(keys("98*7#"))
        await asyncio.sleep(0.01)
        feed(keys("6*"))
        await asyncio.sleep(PAUSE_MS / 1000 * 3)  # nothing left to send after the pause
        feed(keys("#"))  # nothing collected: "#" alone sends nothing
        await asyncio.sleep(0.01)
        feed(frame(HANGUP))

    assert run_call(script).texts == ["7"]


def test_hang_up_drops_pending_digits():
    async def script(feed):
        feed(keys("55") + frame(HANGUP))
        await asyncio.sleep(PAUSE_MS / 1000 * 3)  # the pause passes after the hang-up

    assert run_call(script).texts == []


def test_line_break_drops_pending_digits():
    call = RecordingCall()

    async def make_call(*args):
        return call

    async def scenario() -> None:
        reader = asyncio.StreamReader()
        reader.feed_data(frame(UUID, uuid.uuid4().bytes) + keys("42"))
        reader.feed_eof()  # the connection ends without a hang-up frame
        await AudioSocketCall(reader, Writer(), make_call).run()
        await asyncio.sleep(PAUSE_MS / 1000 * 3)

    asyncio.run(scenario())
    assert call.hung_up and call.texts == []
