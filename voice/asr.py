"""Streaming speech recognition for one call: Vosk with its endpointing, plus a trailing-silence
check so an utterance ends promptly even where a model's endpoint rules do not fire."""

from __future__ import annotations

import json
from dataclasses import dataclass

from bot.core.settings import VoiceSettings
from voice.audio import RECOGNIZER_RATE, duration, rms
from voice.models import recognizer_model

_SETTINGS = VoiceSettings.from_env()  # once per process
SPEECH_RMS = _SETTINGS.speech_rms  # VOICE_SPEECH_RMS: loudness that counts as speech
END_SILENCE = _SETTINGS.end_silence_ms / 1000  # VOICE_END_SILENCE_MS: trailing silence ending an utterance
MAX_UTTERANCE = 30.0  # seconds: very long speech is cut into turns
BLOCK_BYTES = RECOGNIZER_RATE * 2 // 10  # decode in 100 ms blocks: far less overhead than 20 ms frames
PARTIAL_EVERY = 0.3  # seconds of audio between partial transcripts


@dataclass
class Heard:
    partial: str | None = None  # changed partial transcript
    final: str | None = None  # an utterance ended (may be "" when nothing was understood)
    speech: bool = False  # this chunk contained speech
    trailing: float = 0.0  # seconds of silence after the speech when the utterance ended
    speech_seconds: float = 0.0  # how much of the decoded audio was speech
    decoded: bool = False  # at least one block was decoded in this feed


class Transcriber:
    def __init__(self):
        from vosk import KaldiRecognizer

        self.recognizer = KaldiRecognizer(recognizer_model(), RECOGNIZER_RATE)
        self.in_speech = False
        self.speech_seconds = 0.0
        self.silence_seconds = 0.0
        self.last_partial = ""
        self.pending = b""
        self.since_partial = 0.0

    def feed(self, pcm: bytes) -> Heard:
        """Feed 16 kHz PCM (any length); say what changed. Audio is decoded in 100 ms blocks."""
        self.pending += pcm
        heard = Heard()
        while len(self.pending) >= BLOCK_BYTES:
            block, self.pending = self.pending[:BLOCK_BYTES], self.pending[BLOCK_BYTES:]
            step = self._block(block)
            heard.decoded = True
            heard.speech = heard.speech or step.speech
            heard.speech_seconds += duration(block, RECOGNIZER_RATE) if step.speech else 0.0
            heard.partial = step.partial if step.partial is not None else heard.partial
            if step.final is not None:
                heard.final, heard.trailing = step.final, step.trailing
                break
        return heard

    def _block(self, pcm: bytes) -> Heard:
        heard = Heard(speech=rms(pcm) >= SPEECH_RMS)
        seconds = duration(pcm, RECOGNIZER_RATE)
        if heard.speech:
            self.in_speech, self.silence_seconds = True, 0.0
            self.speech_seconds += seconds
        elif self.in_speech:
            self.silence_seconds += seconds
        endpoint = self.recognizer.AcceptWaveform(pcm)
        if endpoint:
            text = json.loads(self.recognizer.Result()).get("text", "")
            return self._finish(heard, text) if (text or self.in_speech) else heard
        self.since_partial += seconds
        if self.since_partial >= PARTIAL_EVERY:
            self.since_partial = 0.0
            partial = json.loads(self.recognizer.PartialResult()).get("partial", "")
            if partial != self.last_partial:
                self.last_partial = partial
                heard.partial = partial
        if self.in_speech and (self.silence_seconds >= END_SILENCE or self.speech_seconds >= MAX_UTTERANCE):
            return self._finish(heard, json.loads(self.recognizer.FinalResult()).get("text", ""))
        return heard

    def _finish(self, heard: Heard, text: str) -> Heard:
        heard.final, heard.trailing = text.strip(), self.silence_seconds
        self.recognizer.Reset()
        self.in_speech, self.speech_seconds, self.silence_seconds, self.last_partial = False, 0.0, 0.0, ""
        self.since_partial = 0.0
        return heard
