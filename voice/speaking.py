"""Speaking and barge-in state of a call: answers are queued as texts, synthesized sentence by sentence
(Piper), resampled to the caller's rate and played while later sentences are synthesized. Speech of the
caller over the answer for long enough (a barge-in) drops what is queued and not yet played.

Scheduling across calls: the first sentence of an answer is urgent (the caller waits for it) and runs in
the `urgent` pool; later sentences are synthesized just in time (when less than AHEAD_SECONDS of audio
is left to play) in the `ahead` pool, whose threads run at a lower CPU priority. So recognition, which must
keep up with every caller in real time, and first answers get the cores first; nothing is synthesized that
a barge-in throws away."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Awaitable, Callable

from voice.audio import Resampler, duration
from voice.events import AudioStart, AudioStop, DropAudio, Event
from voice.listening import TurnClock
from voice.models import synthesizer
from voice.vad import CHUNK_SECONDS, EchoReference

Emit = Callable[[Event], Awaitable[None]]
Play = Callable[[bytes], Awaitable[None]]
Clear = Callable[[], Awaitable[None]]


AHEAD_SECONDS = 2.5  # later sentences are synthesized when less than this much audio is left to play
AHEAD_NICENESS = 5  # CPU priority of the threads synthesizing ahead (higher: lower priority)
logger = logging.getLogger("voice")


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), AHEAD_NICENESS)
    except (OSError, AttributeError) as error:  # not permitted or not Linux: same priority, still correct
        logger.debug("voice: synthesis priority unchanged: %s", error)


@lru_cache(maxsize=1)
def pools() -> tuple[ThreadPoolExecutor, ThreadPoolExecutor]:
    """(urgent, ahead): threads synthesizing first sentences, and the later ones at lower priority."""
    cores = os.cpu_count() or 2
    return (ThreadPoolExecutor(cores, thread_name_prefix="synth"),
            ThreadPoolExecutor(cores, thread_name_prefix="synth-ahead", initializer=_lower_priority))


def _next_sentence(sentences, outbound: Resampler) -> bytes | None:
    """The next sentence synthesized and resampled to the caller's rate (in a worker thread), or None."""
    pcm = next(sentences, None)
    return None if pcm is None else outbound(pcm)


class Speaker:
    def __init__(self, rate: int, emit: Emit, play: Play, clear: Clear, turn: TurnClock, barge_in_seconds: float,
                 echo: EchoReference | None = None):
        self.rate = rate
        self.emit, self.play, self.clear = emit, play, clear
        self.turn = turn  # the first audio of an answer ends the turn's timing
        self.barge_in_seconds = barge_in_seconds
        self.echo = echo  # what the caller hears and when: the echo gate of barge-in (voice/vad.py)
        self.voice = synthesizer()
        self.outbound = Resampler(self.voice.sample_rate, rate)
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        self.playing_until = 0.0  # when the caller has heard everything sent so far
        self.barge_speech = 0.0  # seconds of the caller's speech over the current answer
        self.task = asyncio.create_task(self._loop())

    def speaking(self) -> bool:
        return time.monotonic() < self.playing_until or not self.queue.empty()

    async def say(self, text: str) -> None:
        await self.queue.put(text)

    def heard_speech(self, seconds: float) -> bool:
        """The caller spoke over the answer for `seconds` (echo-gated, voice/vad.py): True when that makes a
        barge-in."""
        if not self.speaking():
            return False
        self.barge_speech += seconds
        return self.barge_speech >= self.barge_in_seconds

    def heard_no_speech(self, seconds: float = CHUNK_SECONDS) -> None:
        """Audio without speech that counts towards a barge-in: the count decays at half speed, so the quiet
        consonants of a caller talking over the answer do not start it again, and a cough fades out."""
        self.barge_speech = max(0.0, self.barge_speech - seconds / 2)

    async def stop(self) -> None:
        """Barge-in: forget queued sentences and tell the transport to drop audio not yet played."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.task.cancel()
        # audio held back for the cancelled reply is dropped, not played later (a synthesis still running
        # for it finishes with the old resampler)
        self.outbound = Resampler(self.voice.sample_rate, self.rate)
        self.task = asyncio.create_task(self._loop())
        self.playing_until = 0.0
        self.barge_speech = 0.0
        if self.echo is not None:
            self.echo.stopped()
        await self.clear()
        await self.emit(DropAudio())

    def close(self) -> None:
        self.task.cancel()

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            text = await self.queue.get()
            sentences = self.voice.sentences(text)
            await self.emit(AudioStart(rate=self.rate))
            outbound = self.outbound
            urgent, ahead = pools()
            pool = urgent
            while True:
                out = await loop.run_in_executor(pool, _next_sentence, sentences, outbound)
                if out is None:
                    break
                pool = ahead
                if (timing := self.turn.first_audio()) is not None:
                    await self.emit(timing)
                await self._play_out(out)
                while self.playing_until - time.monotonic() > AHEAD_SECONDS:  # just in time for the next one
                    await asyncio.sleep(min(0.2, self.playing_until - time.monotonic() - AHEAD_SECONDS))
            await self._play_out(outbound.flush())  # the resampler's look-ahead: the reply's last ms
            await self.emit(AudioStop())

    async def _play_out(self, out: bytes) -> None:
        if not out:
            return
        starts = max(self.playing_until, time.monotonic())
        if self.echo is not None:
            self.echo.played(out, self.rate, starts)
        self.playing_until = starts + duration(out, self.rate)
        await self.play(out)
