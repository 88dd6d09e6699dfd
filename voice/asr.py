"""Streaming speech recognition for one call: Silero VAD finds the caller's speech, Vosk decodes only that
(with a short pre-roll before it and the pause after it), and the end of the turn is decided by the
turn-taking rule (voice/turns.py) on the VAD's trailing silence, not by a loudness threshold.

While the dialogue waits for a structured answer (number, date, yes/no, an offered option), the utterance
is decoded with a grammar of what can be said there (voice/grammars.py); a doubtful grammar result is
decoded again openly from the utterance's audio, which is kept until the turn ends. Each utterance is
brought to a common level first (telephone lines differ by 20 dB and more).
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Callable

import numpy as np

from bot.core.settings import VoiceSettings
from voice import grammars
from voice.audio import RECOGNIZER_RATE, level
from voice.models import recognizer_model
from voice.turns import EndOfTurn
from voice.vad import CHUNK_BYTES, CHUNK_SECONDS, VoiceActivity

_SETTINGS = VoiceSettings.from_env()  # once per process
MAX_UTTERANCE = 30.0  # seconds: very long speech is cut into turns
PREROLL_CHUNKS = 10  # 320 ms before the detected start of speech are decoded too (soft onsets, first syllable)
DECODE_CHUNKS = 3  # decode in 96 ms blocks: far less overhead than 32 ms pieces
PARTIAL_EVERY = 0.3  # seconds of decoded audio between partial transcripts
GRAMMAR_MIN_CONFIDENCE = 0.6  # mean word confidence below which a grammar result is decoded again openly
# Gain: telephone levels differ by 20 dB and more between lines. Each utterance is brought to a common level
# before decoding, from the loudest 32 ms of its onset (pre-roll and start), within MIN_GAIN..MAX_GAIN.
TARGET_LEVEL = 4000.0  # RMS of the loudest onset chunk after gain (about -18 dBFS)
MIN_GAIN, MAX_GAIN = 0.5, 12.0


def amplified(pcm: bytes, gain: float) -> bytes:
    if gain == 1.0:
        return pcm
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) * gain
    return np.clip(np.rint(samples), -32768, 32767).astype("<i2").tobytes()


@dataclass
class Heard:
    partial: str | None = None  # changed partial transcript
    final: str | None = None  # an utterance ended (may be "" when nothing was understood)
    speech: bool = False  # this feed contained the caller's speech
    trailing: float = 0.0  # seconds of silence after the speech when the utterance ended
    speech_seconds: float = 0.0  # how much of the fed audio was speech
    barge_seconds: float = 0.0  # speech over the bot's answer that counts towards a barge-in (echo gated)
    decoded: bool = False  # at least one chunk was examined in this feed
    reopened: bool = False  # the grammar result was doubtful: the utterance was decoded openly


@dataclass(frozen=True)
class Tuning:
    """The thresholds of recognition and turn-taking (settings VOICE_*; the benchmark varies them)."""

    end_of_turn: EndOfTurn
    vad_threshold: float
    barge_threshold: float
    echo_margin_db: float
    barge_in: float = 0.25  # seconds of speech over the bot that interrupt it (VOICE_BARGE_IN_MS)

    @classmethod
    def from_settings(cls, settings: VoiceSettings = _SETTINGS) -> Tuning:
        return cls(EndOfTurn(settings.end_silence_ms / 1000, settings.end_silence_long_ms / 1000),
                   settings.vad_threshold, settings.vad_barge_threshold, settings.echo_margin_db,
                   settings.barge_in_ms / 1000)


class Transcriber:
    def __init__(self, tuning: Tuning | None = None, vad: VoiceActivity | None = None):
        from vosk import KaldiRecognizer

        self.tuning = tuning or Tuning.from_settings()
        self.vad = vad or VoiceActivity(self.tuning.vad_threshold, self.tuning.barge_threshold,
                                        self.tuning.echo_margin_db)
        self.open = KaldiRecognizer(recognizer_model(), RECOGNIZER_RATE)
        self.recognizer = self.open  # the one decoding the current utterance
        self.grammar: str | None = None
        self.expect = ""
        self.complete: Callable[[str], bool] = lambda text: False
        self.preroll: deque[bytes] = deque(maxlen=PREROLL_CHUNKS)
        self.pending = b""  # audio not yet cut into chunks
        self.undecoded = b""  # chunks of the utterance not yet given to the recogniser
        self.utterance = bytearray()  # the utterance's audio (for an open second pass), up to MAX_UTTERANCE
        self.in_speech = False  # inside an utterance
        self.over_bot = False  # the utterance began over the bot's audio and is not yet confirmed as a barge-in
        self.over_bot_seconds = self.over_bot_barge = 0.0
        self.speech_seconds = self.silence_seconds = self.since_partial = 0.0
        self.last_partial = ""
        self.gain = 1.0  # of the current utterance
        self.partial_complete = False  # the partial transcript holds a complete value of the expected kind

    # ------------------------------------------------------------------ what the dialogue waits for
    def expecting(self, expect: str, words: list[str], complete: Callable[[str], bool] | None = None) -> None:
        """The next utterance answers a question of this kind: decode it with a grammar of `words` (if the
        model takes one) and wait longer while a number or date is incomplete (`complete`)."""
        from vosk import KaldiRecognizer

        self.expect = expect
        self.complete = complete or (lambda text: False)
        self.grammar = grammars.grammar(tuple(words)) if words else None
        if self.in_speech:
            return  # the current utterance finishes with the recogniser it started with
        if self.grammar is not None:
            self.recognizer = KaldiRecognizer(recognizer_model(), RECOGNIZER_RATE, self.grammar)
            self.recognizer.SetWords(True)
        else:
            self.recognizer = self.open

    # ------------------------------------------------------------------ audio
    def feed(self, pcm: bytes, bot_speaking: bool = False) -> Heard:
        """Feed 16 kHz PCM (any length); say what changed. VAD runs per 32 ms chunk, Vosk only inside
        utterances."""
        self.pending += pcm
        heard = Heard()
        while len(self.pending) >= CHUNK_BYTES:
            chunk, self.pending = self.pending[:CHUNK_BYTES], self.pending[CHUNK_BYTES:]
            activity = self.vad(chunk, bot_speaking)
            heard.decoded = True
            if activity.barge:
                heard.barge_seconds += CHUNK_SECONDS
            if not self.in_speech:
                self.preroll.append(chunk)
                if not activity.started:
                    continue
                if activity.echo and not activity.barge:
                    self.vad.end_speech()  # the bot's own voice (or its echo) on the line: no utterance
                    continue
                self.in_speech = True
                self.over_bot = activity.echo  # must be confirmed as a barge-in, else it was the bot's echo
                self.over_bot_seconds = self.over_bot_barge = 0.0
                onset = max(level(part) for part in self.preroll)
                self.gain = min(MAX_GAIN, max(MIN_GAIN, TARGET_LEVEL / onset)) if onset > 0 else 1.0
                self.undecoded = b"".join(self.preroll)
                self.utterance = bytearray(self.undecoded)
                self.preroll.clear()
            else:
                self.undecoded += chunk
                if len(self.utterance) < MAX_UTTERANCE * RECOGNIZER_RATE * 2:
                    self.utterance += chunk
                if self.over_bot and self._echo_only(activity):
                    continue
            if activity.speech:
                heard.speech = True
                heard.speech_seconds += CHUNK_SECONDS
                self.speech_seconds += CHUNK_SECONDS
                self.silence_seconds = 0.0
            else:
                self.silence_seconds += CHUNK_SECONDS
            if len(self.undecoded) >= DECODE_CHUNKS * CHUNK_BYTES:
                self._decode(heard)
            wait = self.tuning.end_of_turn.wait(self.last_partial, self.expect, self.partial_complete)
            if self.silence_seconds >= wait or self.speech_seconds >= MAX_UTTERANCE:
                self._finish(heard)
                break
        return heard

    def _echo_only(self, activity) -> bool:
        """An utterance that began over the bot's audio is the caller's once its barge-in speech reaches
        `barge_in` within twice that time; otherwise it was the bot's echo and is dropped without a final."""
        self.over_bot_seconds += CHUNK_SECONDS
        self.over_bot_barge += CHUNK_SECONDS if activity.barge else 0.0
        if self.over_bot_barge >= self.tuning.barge_in:
            self.over_bot = False
            return False
        if self.over_bot_seconds < 2 * self.tuning.barge_in:
            return False
        self.recognizer.Reset()
        self.over_bot = False
        self._end_utterance()
        return True

    def _decode(self, heard: Heard) -> None:
        block, self.undecoded = self.undecoded, b""
        self.recognizer.AcceptWaveform(amplified(block, self.gain))
        self.since_partial += len(block) / 2 / RECOGNIZER_RATE
        if self.since_partial >= PARTIAL_EVERY:
            self.since_partial = 0.0
            partial = json.loads(self.recognizer.PartialResult()).get("partial", "")
            if partial != self.last_partial:
                self.last_partial = heard.partial = partial
                self.partial_complete = bool(partial) and self.complete(partial)

    def _finish(self, heard: Heard) -> None:
        if self.undecoded:
            self.recognizer.AcceptWaveform(amplified(self.undecoded, self.gain))
        result = json.loads(self.recognizer.FinalResult())
        self.recognizer.Reset()
        text = result.get("text", "")
        if self.recognizer is not self.open and grammars.doubtful(result, GRAMMAR_MIN_CONFIDENCE):
            self.open.AcceptWaveform(amplified(bytes(self.utterance), self.gain))
            text = json.loads(self.open.FinalResult()).get("text", "")
            self.open.Reset()
            heard.reopened = True
        heard.final = " ".join(word for word in text.split() if word != grammars.UNKNOWN)
        heard.trailing = self.silence_seconds
        self._end_utterance()
        if self.expect or self.grammar:  # one answer per question: the next utterance is open again
            self.expecting("", [])

    def _end_utterance(self) -> None:
        """Back to listening for the next utterance (after a final, or when an echo was dropped)."""
        self.vad.end_speech()
        self.in_speech = False
        self.speech_seconds = self.silence_seconds = self.since_partial = 0.0
        self.last_partial, self.undecoded, self.utterance, self.partial_complete = "", b"", bytearray(), False
