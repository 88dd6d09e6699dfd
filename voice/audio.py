"""16-bit mono PCM helpers: resampling between the caller's rate and the models', loudness, pacing."""

from __future__ import annotations

import audioop  # in the standard library up to Python 3.12; the project is pinned to 3.10

SAMPLE_WIDTH = 2
SUPPORTED_RATES = (8000, 16000, 48000)
RECOGNIZER_RATE = 16000


class Resampler:
    """Streaming rate conversion that keeps its filter state between chunks."""

    def __init__(self, source: int, target: int):
        self.source, self.target, self._state = source, target, None

    def __call__(self, pcm: bytes) -> bytes:
        if self.source == self.target or not pcm:
            return pcm
        pcm = pcm[: len(pcm) - len(pcm) % SAMPLE_WIDTH]
        converted, self._state = audioop.ratecv(pcm, SAMPLE_WIDTH, 1, self.source, self.target, self._state)
        return converted


def rms(pcm: bytes) -> int:
    pcm = pcm[: len(pcm) - len(pcm) % SAMPLE_WIDTH]
    return audioop.rms(pcm, SAMPLE_WIDTH) if pcm else 0


def duration(pcm: bytes, rate: int) -> float:
    return len(pcm) / SAMPLE_WIDTH / rate


def frames(pcm: bytes, rate: int, milliseconds: int = 20) -> list[bytes]:
    size = rate * SAMPLE_WIDTH * milliseconds // 1000
    return [pcm[i:i + size] for i in range(0, len(pcm), size)]
