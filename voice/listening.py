"""Recognition and turn-taking state of a call: caller audio in (resampled for Vosk, gain-controlled),
what was heard, and the timing figures of the current turn (end of speech -> final -> Rasa -> first
answer audio). Decoding runs in one thread pool shared by all calls (`VOICE_DECODE_WORKERS`, default one
thread per core): more threads than cores only make every call slower at once."""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache

from bot.core.settings import VoiceSettings
from voice.asr import Heard, Transcriber
from voice.audio import RECOGNIZER_RATE, Resampler
from voice.events import Timing

GATHER_SECONDS = 0.04  # caller audio handed to the decoding threads at once (two AudioSocket frames)


def elapsed_ms(since: float) -> int:
    return round((time.monotonic() - since) * 1000)


@lru_cache(maxsize=1)
def decode_pool() -> ThreadPoolExecutor:
    """The threads that run VAD and Vosk for all calls of this process."""
    workers = VoiceSettings.from_env().decode_workers or os.cpu_count() or 2
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="decode")


class TurnClock:
    """When the caller's current turn ended and what has been measured of it so far.

    A turn starts at the end of the caller's speech (or when words are typed) and is timed until the first
    answer audio; the `Timing` event then carries the figures. A turn that was not understood keeps the
    previous turn's figures (only `first_audio_ms` is new), as before the stages were split out."""

    def __init__(self) -> None:
        self.started: float | None = None  # the end of speech, until the answer's first audio
        self.figures = Timing()

    def speech_ended(self, trailing: float) -> None:
        """An utterance ended `trailing` seconds ago (the recognizer waited for that much silence)."""
        self.started = time.monotonic() - trailing

    def recognised(self) -> None:
        """The utterance was understood: a new turn, timed from the end of speech."""
        assert self.started is not None
        self.figures = Timing(asr_ms=elapsed_ms(self.started))

    def typed(self) -> None:
        """Words were typed: a new turn without recognition."""
        self.started, self.figures = time.monotonic(), Timing(asr_ms=0)

    def dialogue_took(self, since: float) -> None:
        self.figures = replace(self.figures, dialogue_ms=elapsed_ms(since))

    def first_audio(self) -> Timing | None:
        """The turn's first answer audio is ready: its figures, once per turn."""
        if self.started is None:
            return None
        self.figures = replace(self.figures, first_audio_ms=elapsed_ms(self.started))
        self.started = None
        return self.figures


class Listener:
    """VAD and Vosk for one call: caller audio at the call's rate in, `Heard` out."""

    def __init__(self, rate: int, transcriber: Transcriber | None = None) -> None:
        self.rate = rate
        self.inbound = Resampler(rate, RECOGNIZER_RATE)
        self.transcriber: Transcriber | None = transcriber or Transcriber()
        self.turn = TurnClock()
        self._gathered = b""
        self._gather_bytes = int(rate * GATHER_SECONDS) * 2
        self._one_at_a_time = asyncio.Lock()  # the transcriber is used by one pool thread at a time

    @property
    def echo(self):
        assert self.transcriber is not None
        return self.transcriber.vad.echo

    async def hear(self, pcm: bytes, bot_speaking: bool = False) -> Heard:
        """Caller audio in; what was heard. Audio is gathered to GATHER_SECONDS and then resampled and
        decoded in the pool: per 20 ms frame, the hand-offs between the event loop and the decoding threads
        (each a wait for the interpreter lock) cost more than the work itself."""
        assert self.transcriber is not None, "the call has ended"
        self._gathered += pcm
        if len(self._gathered) < self._gather_bytes:
            return Heard()
        audio, self._gathered = self._gathered, b""
        transcriber = self.transcriber
        async with self._one_at_a_time:
            return await asyncio.get_running_loop().run_in_executor(decode_pool(), self._feed, transcriber, audio,
                                                                    bot_speaking)

    def _feed(self, transcriber: Transcriber, audio: bytes, bot_speaking: bool) -> Heard:
        return transcriber.feed(self.inbound(audio), bot_speaking)

    async def expecting(self, expect: str, words: list[str], complete=None) -> None:
        """The next utterance answers a question of this kind (see Transcriber.expecting)."""
        if self.transcriber is None:
            return
        transcriber = self.transcriber
        async with self._one_at_a_time:
            await asyncio.get_running_loop().run_in_executor(decode_pool(), transcriber.expecting, expect, words,
                                                             complete)

    def in_speech(self) -> bool:
        return bool(self.transcriber and self.transcriber.in_speech)

    def close(self) -> None:
        """Free the recognizer (hang-up)."""
        self.transcriber = None
