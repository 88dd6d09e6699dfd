"""The voice gateway with real speech models: Vosk recognises real audio (synthesized by Piper in the
test), Rasa answers through the voice channel, Piper speaks the answer. The models are the small real
ones that PyPI packages ship (a Korean Vosk model, an English Piper voice), loaded by the same code as
the German production models; where a test checks the dialogue's content it gives words at the
dialogue boundary ("text" event, part of the protocol) and says so."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import time
import uuid

import aiohttp
import numpy as np
import pytest
import requests

from voice.audio import Resampler
from voice.audiosocket import AUDIO, DTMF, HANGUP, UUID

PHRASE = "Hello, I would like to know when the office opens tomorrow morning."


@pytest.fixture(scope="module")
def speech():
    """Real speech audio, 16 kHz: Piper's voice reading a sentence (not a recording of a person)."""
    from piper.voice import PiperVoice

    from tests.integration.servers import packaged_voice_models

    voice = PiperVoice.load(packaged_voice_models()["PIPER_VOICE"])
    pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(PHRASE))
    return Resampler(voice.config.sample_rate, 16000)(pcm)


def silence(seconds: float, rate: int = 16000) -> bytes:
    noise = np.random.default_rng(7).normal(0, 20, int(seconds * rate)).astype("<i2")
    return noise.tobytes()


class VoiceClient:
    def __init__(self, assistant, rate: int = 16000):
        self.assistant, self.rate = assistant, rate
        self.events: list[dict] = []
        self.audio_bytes = 0

    async def __aenter__(self):
        self.session = aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(f"{self.assistant.voice_url}/ws")
        self.reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *exc):
        self.reader.cancel()
        await self.ws.close()
        await self.session.close()

    async def _read(self):
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.events.append(json.loads(message.data))
            elif message.type == aiohttp.WSMsgType.BINARY:
                self.audio_bytes += len(message.data)

    async def send(self, event: dict):
        await self.ws.send_json(event)

    async def stream(self, pcm: bytes, realtime: float = 0.0):
        step = self.rate * 2 // 50  # 20 ms
        for i in range(0, len(pcm), step):
            await self.ws.send_bytes(pcm[i:i + step])
            await asyncio.sleep(0.02 * realtime)

    async def wait_for(self, predicate, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for event in self.events[seen:]:
                if predicate(event):
                    return event
            seen = len(self.events)
            await asyncio.sleep(0.05)
        raise AssertionError(f"no matching event within {timeout} s; got {[e['type'] for e in self.events]}")


def run(coroutine):
    return asyncio.run(coroutine)


def test_greeting_with_privacy_notice_then_typed_words_get_a_spoken_answer(assistant):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.send({"type": "start", "rate": 16000})
            ready = await client.wait_for(lambda e: e["type"] == "ready")
            greeting = await client.wait_for(lambda e: e["type"] == "bot")
            assert "Datenschutz" in greeting["text"]
            await client.wait_for(lambda e: e["type"] == "audio-stop")
            assert client.audio_bytes > 16000 * 2  # more than a second of greeting audio at 16 kHz
            before = client.audio_bytes
            # words given at the dialogue boundary (protocol event "text"), to check the answer's content
            await client.send({"type": "text", "text": "wann hat die geschäftsstelle nord am donnerstag offen"})
            answer = await client.wait_for(lambda e: e["type"] == "bot" and "Nord" in e["text"])
            assert "14 Uhr" in answer["spoken"] and "14:00" not in answer["spoken"]  # times are spoken as words
            timing = await client.wait_for(lambda e: e["type"] == "timing")
            assert timing["dialogue_ms"] >= 0 and timing["first_audio_ms"] >= timing["dialogue_ms"]
            await client.wait_for(lambda e: e["type"] == "audio-stop" and client.audio_bytes > before)
            return ready

    assert run(scenario())["session"].startswith("voice-")


def test_real_speech_is_recognised_with_partials_and_answered(assistant, speech):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.send({"type": "start", "rate": 16000})
            await client.wait_for(lambda e: e["type"] == "audio-stop")
            await client.stream(speech + silence(1.5))
            partial = await client.wait_for(lambda e: e["type"] == "partial" and e["text"])
            final = await client.wait_for(lambda e: e["type"] == "final" and not e.get("typed"))
            after = client.events.index(final)
            answer = await client.wait_for(lambda e: e["type"] == "bot" and client.events.index(e) > after)
            timing = await client.wait_for(lambda e: e["type"] == "timing")
            return partial, final, answer, timing

    partial, final, answer, timing = run(scenario())
    assert final["text"].strip() and partial["text"].strip()  # Vosk heard words (Korean model: Korean words)
    assert answer["text"]  # the dialogue answered what was recognised (here: a polite "not understood")
    assert timing["asr_ms"] >= 0


def test_speech_at_48k_and_8k_is_resampled(assistant, speech):
    async def scenario(rate: int):
        async with VoiceClient(assistant, rate) as client:
            await client.send({"type": "start", "rate": rate})
            await client.wait_for(lambda e: e["type"] == "audio-stop")
            greeting_bytes = client.audio_bytes
            await client.stream(Resampler(16000, rate)(speech + silence(1.5)))
            final = await client.wait_for(lambda e: e["type"] == "final")
            return final, greeting_bytes

    for rate in (48000, 8000):
        final, greeting_bytes = run(scenario(rate))
        assert final["text"].strip()
        assert greeting_bytes > rate * 2  # the answer audio comes at the caller's rate


def test_barge_in_stops_playback(assistant, speech):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.send({"type": "start", "rate": 16000})
            await client.wait_for(lambda e: e["type"] == "audio-start")
            await asyncio.sleep(0.3)
            await client.stream(speech[: 16000 * 2], realtime=1.0)  # the caller talks over the greeting
            return await client.wait_for(lambda e: e["type"] == "drop-audio", timeout=15)

    assert run(scenario())["type"] == "drop-audio"


def test_silence_gets_a_reprompt_and_then_a_polite_end(assistant):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.send({"type": "start", "rate": 16000})
            reprompt = await client.wait_for(lambda e: e["type"] == "bot" and "noch da" in e["text"], timeout=60)
            end = await client.wait_for(lambda e: e["type"] == "end", timeout=90)
            goodbye = [e for e in client.events if e["type"] == "bot" and "Wiederhören" in e["text"]]
            return reprompt, end, goodbye

    _, end, goodbye = run(scenario())
    assert end["reason"] == "silence" and goodbye


def test_hanging_up_mid_answer_cleans_up(assistant):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.send({"type": "start", "rate": 16000})
            await client.wait_for(lambda e: e["type"] == "audio-start")
            assert requests.get(f"{assistant.voice_url}/health", timeout=5).json()["calls"] >= 1
        # the connection is gone while the greeting was still being sent

    run(scenario())
    deadline = time.time() + 10
    while time.time() < deadline and requests.get(f"{assistant.voice_url}/health", timeout=5).json()["calls"]:
        time.sleep(0.2)
    assert requests.get(f"{assistant.voice_url}/health", timeout=5).json()["calls"] == 0


def test_bad_frames_and_events_get_clear_errors_and_the_gateway_stays_up(assistant):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.ws.send_bytes(b"\x00\x01" * 100)  # audio before start
            await client.ws.send_str("kein json")
            await client.send({"type": "start", "rate": 44100})
            await client.send({"type": "tanzen"})
            await client.send({"type": "start", "rate": 16000})
            await client.wait_for(lambda e: e["type"] == "ready")
            await client.ws.send_bytes(b"\x00" * 3)  # odd length
            await client.ws.send_bytes(b"\x00" * (48000 * 2 + 2))  # longer than a second at 48 kHz
            await client.send({"type": "text", "text": 42})
            await asyncio.sleep(1)
            return [e["text"] for e in client.events if e["type"] == "error"]

    errors = run(scenario())
    assert any("start" in e for e in errors) and any("Abtastrate" in e for e in errors)
    assert any("Unbekanntes" in e for e in errors) and any("Audio-Block" in e for e in errors)
    assert requests.get(f"{assistant.voice_url}/health", timeout=5).json()["status"] == "ok"


def test_an_audio_flood_is_dropped_with_one_notice_and_the_call_goes_on(assistant):
    async def scenario():
        async with VoiceClient(assistant) as client:
            await client.send({"type": "start", "rate": 8000})
            await client.wait_for(lambda e: e["type"] == "ready")
            flood = silence(1.0, 8000)
            for _ in range(60):  # a minute of audio within a moment
                await client.ws.send_bytes(flood)
            notice = await client.wait_for(lambda e: e["type"] == "error" and "mehr Audio" in e["text"])
            await client.send({"type": "text", "text": "wann hat die geschäftsstelle nord offen"})
            answer = await client.wait_for(lambda e: e["type"] == "bot" and "Nord" in e["text"])
            notices = [e for e in client.events if e["type"] == "error" and "mehr Audio" in e["text"]]
            return notice, answer, notices

    _, answer, notices = run(scenario())
    assert len(notices) == 1 and answer["text"]


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    header = b""
    while len(header) < 3:
        chunk = sock.recv(3 - len(header))
        if not chunk:
            raise ConnectionError("closed")
        header += chunk
    kind, length = struct.unpack(">BH", header)
    payload = b""
    while len(payload) < length:
        payload += sock.recv(length - len(payload))
    return kind, payload


def test_asterisk_audiosocket_call_at_the_protocol_level(assistant, speech):
    sock = socket.create_connection(("127.0.0.1", assistant.audiosocket_port), timeout=20)
    try:
        sock.sendall(struct.pack(">BH", UUID, 16) + uuid.uuid4().bytes)
        started = time.monotonic()
        kind, payload = read_frame(sock)
        assert kind == AUDIO and len(payload) == 320  # 20 ms of 8 kHz signed linear
        frames = 1
        while frames < 50:  # one second of greeting
            kind, payload = read_frame(sock)
            frames += kind == AUDIO
        assert time.monotonic() - started > 0.8  # paced like a phone line, not dumped at once
        caller = Resampler(16000, 8000)(speech + silence(1.0))
        for i in range(0, len(caller), 320):
            sock.sendall(struct.pack(">BH", AUDIO, len(caller[i:i + 320])) + caller[i:i + 320])
        sock.sendall(struct.pack(">BH", DTMF, 1) + b"1")
        sock.sendall(struct.pack(">BH", HANGUP, 0))
    finally:
        sock.close()
    deadline = time.time() + 10
    while time.time() < deadline and requests.get(f"{assistant.voice_url}/health", timeout=5).json()["calls"]:
        time.sleep(0.2)
    assert requests.get(f"{assistant.voice_url}/health", timeout=5).json()["calls"] == 0


def test_voice_page_is_served_with_strict_headers(assistant):
    page = requests.get(f"{assistant.voice_url}/", timeout=5)
    assert page.status_code == 200 and "Datenschutz" in page.text and "<script src=" in page.text
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert page.headers["Permissions-Policy"] == "microphone=(self)"


def test_voice_page_in_a_real_browser(assistant):
    """Chromium with its fake microphone: the page connects, plays the greeting, shows the transcript,
    and the text field reaches the dialogue."""
    from playwright.sync_api import expect, sync_playwright

    from tests.integration.test_handover import BROWSER_ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS + [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"])
        try:
            page = browser.new_page()
            page.goto(f"{assistant.voice_url}/")
            page.get_by_role("button", name="Gespräch beginnen").click()
            expect(page.locator("#log")).to_contain_text("Datenschutz", timeout=20000)
            page.fill("#typed-text", "wann hat die geschäftsstelle nord offen")
            page.get_by_role("button", name="Senden").click()
            expect(page.locator("#log")).to_contain_text("Sie: wann hat die geschäftsstelle nord offen")
            expect(page.locator("#log")).to_contain_text("Geschäftsstelle Nord", timeout=20000)
            page.get_by_role("button", name="Auflegen").click()
            expect(page.get_by_role("button", name="Gespräch beginnen")).to_be_enabled()
        finally:
            browser.close()


def test_an_appointment_is_booked_by_voice_with_spoken_choices(assistant):
    """Words at the dialogue boundary as a caller would say them: spoken option choices ("den ersten",
    "ja") are mapped to the buttons, numbers said as words are understood."""
    async def scenario():
        async with VoiceClient(assistant) as client:
            async def turn(words: str) -> list[dict]:
                count = len(client.events)
                await client.send({"type": "text", "text": words})
                await client.wait_for(lambda e: e["type"] == "bot" and client.events.index(e) >= count)
                await asyncio.sleep(1.0)  # the rest of this turn's answers
                return [e for e in client.events[count:] if e["type"] == "bot"]

            await client.send({"type": "start", "rate": 8000})
            await client.wait_for(lambda e: e["type"] == "ready")
            for words in ["ich brauche einen termin", "12345BG0000002", "01.02.1979", "Antrag", "egal"]:  # Max has no Antrag booked elsewhere
                await turn(words)
            offers = (await turn("so früh wie möglich"))[-1]
            assert "erstens:" in offers["spoken"] and offers["buttons"], offers
            confirm = (await turn("den ersten bitte"))[-1]
            assert "verbindlich" in confirm["text"] and "ja oder nein" in confirm["spoken"]
            return await turn("ja gerne")

    booked = " ".join(e["text"] for e in run(scenario()))
    assert "Ihr Termin ist gebucht" in booked and "Buchungsnummer" in booked


def test_inbound_phone_call_identifies_by_keypad_with_read_back_and_correction(assistant):
    """A caller on a phone line (8 kHz) asks for their appointment; the questions for the BG-Nummer and the
    birth date announce keypad entry; keyed digits are read back in groups; a wrong number is rejected with
    key 2 and keyed again; only confirmed values reach the dialogue, which then identifies the caller."""
    async def scenario():
        async with VoiceClient(assistant, rate=8000) as client:
            async def turn(event: dict) -> list[dict]:
                count = len(client.events)
                await client.send(event)
                await client.wait_for(lambda e: e["type"] == "bot" and client.events.index(e) >= count)
                await asyncio.sleep(1.0)  # the rest of this turn's answers
                return [e for e in client.events[count:] if e["type"] == "bot"]

            await client.send({"type": "start", "rate": 8000, "channel": "phone"})
            await client.wait_for(lambda e: e["type"] == "bot")  # the greeting
            asked = await turn({"type": "text", "text": "wann ist nochmal mein termin", "as_speech": True})
            assert "BG-Nummer" in asked[-1]["text"] and "Telefontastatur" in asked[-1]["spoken"], asked
            wrong = await turn({"type": "keys", "digits": "123450000009#"})
            assert wrong[-1]["spoken"].startswith("Ich habe verstanden: eins zwei drei vier fünf, B G, null null null, "
                                                  "null null null neun. Stimmt das?"), wrong
            again = await turn({"type": "keys", "digits": "2"})
            assert "noch einmal" in again[-1]["spoken"] and "BG-Nummer" not in again[-1]["text"], again
            right = await turn({"type": "keys", "digits": "123450000002#"})
            assert "null null null zwei. Stimmt das?" in right[-1]["spoken"], right
            birth = await turn({"type": "keys", "digits": "1"})
            assert "Geburtsdatum" in birth[-1]["text"] and "acht Ziffern" in birth[-1]["spoken"], birth
            date = await turn({"type": "keys", "digits": "01021979#"})
            assert "1. Februar 1979. Stimmt das?" in date[-1]["spoken"], date
            return await turn({"type": "text", "text": "ja das stimmt", "as_speech": True})

    answer = " ".join(e["text"] for e in run(scenario()))
    assert "Max" in answer and "Termin" in answer, answer
