"""One phone call (or browser voice session), independent of how audio arrives.

The transport (WebSocket, Asterisk AudioSocket) feeds caller audio and typed text in and gives the
call two callbacks: `emit(event)` for protocol events and `play(pcm)` / `clear()` for answer audio at
the caller's rate. The call recognises speech (Vosk), asks Rasa through the voice channel, speaks the
answers sentence by sentence (Piper), handles barge-in, silence and hang-up, and relays the
conversation to and from an agent after a handover.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import Awaitable, Callable

import aiohttp
import redis

from bot.content import get_content
from bot.core.clock import now_local
from bot.identity.guard import shield
from bot.knowledge.answers import template
from bot.safety.detect import must_be_seen
from bot.safety.response import crisis_while_with_person
from voice.asr import Transcriber
from voice.audio import RECOGNIZER_RATE, Resampler, duration
from voice.models import synthesizer
from voice.speech_text import choose, speakable

logger = logging.getLogger("voice")
SILENCE_SECONDS = float(os.environ.get("VOICE_SILENCE_SECONDS", "8"))
SILENCE_PROMPTS = int(os.environ.get("VOICE_SILENCE_PROMPTS", "2"))  # reprompts before the call ends
BARGE_IN_SECONDS = float(os.environ.get("VOICE_BARGE_IN_MS", "200")) / 1000
RASA_TIMEOUT = 15

Emit = Callable[[dict], Awaitable[None]]
Play = Callable[[bytes], Awaitable[None]]


def say(key: str) -> str:
    return template(get_content(), key)


class Call:
    def __init__(self, call_id: str, rate: int, emit: Emit, play: Play, clear: Callable[[], Awaitable[None]],
                 rasa_url: str, channel: str = "browser", handover=None, outbound_id: str | None = None,
                 on_end: Callable[[], Awaitable[None]] | None = None):
        self.id, self.rate, self.channel = call_id, rate, channel
        self.outbound_id = outbound_id  # an outgoing call of a campaign (bot/outbound) that the citizen answered
        self.on_end = on_end  # the transport's clean-up once the call has ended
        self.emit, self.play, self.clear = emit, play, clear
        self.rasa_url = rasa_url.rstrip("/")
        self.handover = handover  # bot.handover.state.Handover or None (no Redis: no live agent)
        self.inbound = Resampler(rate, RECOGNIZER_RATE)
        self.transcriber = Transcriber()
        self.voice = synthesizer()
        self.outbound = Resampler(self.voice.sample_rate, rate)
        self.buttons: list[dict] = []
        self.speech_queue: asyncio.Queue[str] = asyncio.Queue()
        self.playing_until = 0.0  # when the caller has heard everything sent so far
        self.barge_speech = 0.0
        self.last_activity = time.monotonic()
        self.silence_prompts = 0
        self.with_agent = False
        self.ended = False  # no more input or answers (hung up, or ended after silence)
        self._closed = False  # hang-up clean-up done
        self.turn_started: float | None = None
        self.turn: dict = {}
        self._speaker = asyncio.create_task(self._speak_loop())
        self._watchdog = asyncio.create_task(self._silence_loop())
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=RASA_TIMEOUT))
        self._turns = asyncio.Lock()  # turns are answered in order, while audio keeps flowing
        self._pending: set[asyncio.Task] = set()

    def _answer(self, words: str, opening: bool = False) -> None:
        async def run() -> None:
            async with self._turns:
                if not self.ended:
                    await self.handle(words, opening)

        task = asyncio.create_task(run())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # ------------------------------------------------------------------ input
    async def start(self) -> None:
        if self.outbound_id:  # the dialogue greets and checks the person before anything personal is said
            self._answer("/greet" + json.dumps({"outbound_id": self.outbound_id}), opening=True)
        else:
            await self.announce("voice_greeting")

    async def announce(self, key: str) -> None:
        """A text of the voice dialogue itself (content/answers.yml), shown and spoken."""
        text = say(key)
        await self.emit({"type": "bot", "text": text, "spoken": speakable(text), "buttons": []})
        await self.speak(speakable(text))

    async def audio(self, pcm: bytes) -> None:
        if self.ended:
            return
        heard = await asyncio.to_thread(self.transcriber.feed, self.inbound(pcm))
        if heard.speech:
            self.last_activity = time.monotonic()
            self.silence_prompts = 0
            if self.speaking():
                self.barge_speech += heard.speech_seconds
                if self.barge_speech >= BARGE_IN_SECONDS:
                    await self.stop_speaking()
                    await self.emit({"type": "barge-in"})
        elif heard.decoded:
            self.barge_speech = 0.0
        if heard.partial:
            await self.emit({"type": "partial", "text": heard.partial})
        if heard.final is not None:
            self.turn_started = time.monotonic() - heard.trailing  # the end of speech
            if heard.final:
                self.turn = {"asr_ms": round((time.monotonic() - self.turn_started) * 1000)}
                await self.emit({"type": "final", "text": heard.final})
                self._answer(heard.final)
            else:
                await self.announce("voice_not_understood")

    async def text(self, text: str) -> None:
        """Words typed or given by the test harness at the dialogue boundary (documented in the protocol)."""
        text = text.strip()[:2000]
        if text and not self.ended:
            self.last_activity = time.monotonic()
            self.turn_started, self.turn = time.monotonic(), {"asr_ms": 0}
            await self.emit({"type": "final", "text": text, "typed": True})
            self._answer(text)

    async def hangup(self) -> None:
        """The caller hung up: stop everything, leave the queue, free the recognizer."""
        if self._closed:
            return
        self._closed = self.ended = True
        for task in (self._speaker, self._watchdog, *self._pending):
            task.cancel()
        await self._http.close()
        if self.handover is not None:
            try:
                state = await asyncio.to_thread(self.handover.state, self.id)
                if state in ("queued", "agent"):
                    line = await asyncio.to_thread(self.handover.add_line, self.id, "system", "Anrufer/in hat aufgelegt.")
                    await asyncio.to_thread(self.handover.publish, {"type": "citizen_message", "sender": self.id,
                                                                     "line": line})
                if state == "queued":
                    await asyncio.to_thread(self.handover.leave_queue, self.id)
            except redis.RedisError as error:  # Redis down: nothing else to clean up here
                logger.warning("voice: cleanup after hang-up: %s", error)
        self.transcriber = None  # type: ignore[assignment]
        if self.on_end is not None:
            await self.on_end()

    # ------------------------------------------------------------------ dialogue
    async def handle(self, words: str, opening: bool = False) -> None:
        if self.with_agent:
            line = await asyncio.to_thread(self.handover.add_line, self.id, "citizen", words)
            await asyncio.to_thread(self.handover.publish, {"type": "citizen_message", "sender": self.id, "line": line})
            # crisis first, also with an agent on the line: the desks are alerted (bot/safety/response.py)
            await asyncio.to_thread(crisis_while_with_person, self.handover.redis, sender=self.id, channel="voice",
                                    text=words, now=now_local())
            return
        if not opening and self.handover is not None:
            try:  # a date of birth the dialogue waits for is never recorded (bot/identity/guard.py)
                words = await asyncio.to_thread(shield, self.handover.redis, self.id, words, never_hide=must_be_seen)
            except redis.RedisError as error:  # Redis down: the words go on unshielded, the call goes on
                logger.warning("voice: date of birth not shielded: %s", error)
        if not opening:
            await self._record("citizen", words)
        message = words if opening else choose(words, self.buttons)
        started = time.monotonic()
        try:
            async with self._http.post(f"{self.rasa_url}/webhooks/voice/webhook",
                                       json={"sender": self.id, "message": message},
                                       headers={"Authorization": f"Bearer {os.environ.get('INTERNAL_TOKEN', '')}"}
                                       ) as response:
                answers = await response.json() if response.status == 200 else []
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("voice: dialogue unavailable: %s", error)
            answers = []
        self.turn["dialogue_ms"] = round((time.monotonic() - started) * 1000)
        if not answers:
            answers = [{"text": say("technical_problem")}]
        self.buttons = []
        for answer in answers:
            text = answer.get("text") or ""
            buttons = answer.get("buttons") or []
            if buttons:
                self.buttons = buttons
            spoken = speakable(text, buttons)
            await self._record("bot", text)
            await self.emit({"type": "bot", "text": text, "spoken": spoken, "buttons": buttons})
            await self.speak(spoken)
        if self.handover is not None:
            state = await asyncio.to_thread(self.handover.state, self.id)
            if state in ("queued", "agent"):
                await self.emit({"type": "handover", "state": state})

    async def _record(self, role: str, text: str) -> None:
        """The call's transcript, as the chat keeps it, so that an agent taking over can read it."""
        if self.handover is not None and text:
            try:
                await asyncio.to_thread(self.handover.add_line, self.id, role, text)
            except redis.RedisError as error:  # Redis down: the call goes on, the transcript has a gap
                logger.warning("voice: transcript line not stored: %s", error)

    async def on_handover_event(self, event: dict) -> None:
        """Events from the agent desk (via Redis) about this call."""
        kind = event.get("type")
        if kind == "claimed":
            self.with_agent = True
            await self.emit({"type": "handover", "state": "agent"})
            await self.announce("voice_agent_joined")
        elif kind == "to_citizen":
            line = event.get("line") or {}
            await self.emit({"type": "agent" if line.get("role") == "agent" else "bot", "text": line.get("text", "")})
            await self.speak(speakable(line.get("text", "")))
        elif kind in ("released", "closed"):
            self.with_agent = False
            await self.emit({"type": "handover", "state": "bot"})

    # ------------------------------------------------------------------ speaking
    def speaking(self) -> bool:
        return time.monotonic() < self.playing_until or not self.speech_queue.empty()

    async def speak(self, text: str) -> None:
        if text and not self.ended:
            await self.speech_queue.put(text)

    async def stop_speaking(self) -> None:
        """Barge-in: forget queued sentences and tell the transport to drop audio not yet played."""
        while not self.speech_queue.empty():
            self.speech_queue.get_nowait()
        self._speaker.cancel()
        self.outbound.flush()  # audio held back for the cancelled reply is dropped, not played later
        self._speaker = asyncio.create_task(self._speak_loop())
        self.playing_until = 0.0
        self.barge_speech = 0.0
        await self.clear()
        await self.emit({"type": "drop-audio"})

    async def _speak_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            text = await self.speech_queue.get()
            sentences = self.voice.sentences(text)
            await self.emit({"type": "audio-start", "rate": self.rate})
            while True:
                pcm = await loop.run_in_executor(None, next, sentences, None)
                if pcm is None:
                    break
                out = self.outbound(pcm)
                if self.turn_started is not None:
                    self.turn["first_audio_ms"] = round((time.monotonic() - self.turn_started) * 1000)
                    await self.emit({"type": "timing", **self.turn})
                    self.turn_started = None
                await self._play_out(out)
            await self._play_out(self.outbound.flush())  # the resampler's look-ahead: the reply's last ms
            await self.emit({"type": "audio-stop"})

    async def _play_out(self, out: bytes) -> None:
        if not out:
            return
        now = time.monotonic()
        self.playing_until = max(self.playing_until, now) + duration(out, self.rate)
        await self.play(out)

    # ------------------------------------------------------------------ silence
    async def _silence_loop(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            if self.speaking() or self.with_agent or (self.transcriber and self.transcriber.in_speech):
                self.last_activity = max(self.last_activity, time.monotonic()) if self.speaking() else self.last_activity
                continue
            if time.monotonic() - self.last_activity < SILENCE_SECONDS:
                continue
            self.last_activity = time.monotonic()
            if self.silence_prompts >= SILENCE_PROMPTS:
                await self.announce("voice_goodbye_silence")
                while self.speaking():
                    await asyncio.sleep(0.1)
                await self.emit({"type": "end", "reason": "silence"})
                self.ended = True
                return
            self.silence_prompts += 1
            await self.announce("voice_reprompt")
