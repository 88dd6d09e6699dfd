"""16-bit mono PCM helpers: resampling between the caller's rate and the models', loudness, pacing.

Everything works on 16-bit little-endian mono PCM (bytes in, bytes out) with numpy only: the standard
library's audio module is gone in Python 3.13 (tests/unit/test_voice_audio.py compares with it).
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SAMPLE_WIDTH = 2
SUPPORTED_RATES = (8000, 16000, 48000)
RECOGNIZER_RATE = 16000

PCM = np.dtype("<i2")
# Anti-aliasing filter of the resampler: flat to 90 % of the lower rate's Nyquist frequency
# (3.6 kHz on the 8 kHz telephone path, above the 3.4 kHz telephone band), at least 80 dB down from
# that Nyquist frequency on, so nothing folds back into the band.
PASSBAND = 0.90
STOPBAND_DB = 80.0
_BLOCK = 4096  # output samples gathered at once: bounds the temporary (block x taps) array
# The filter weights are integers scaled by _ONE and the samples are integers, so every product and
# partial sum is an integer below 2**53 and exact in float64: the result does not depend on the order
# of summation, so chunked and one-piece conversion give the same bytes whichever code path runs.
_ONE = 2.0 ** 24


def _samples(pcm: bytes) -> np.ndarray:
    """The whole 16-bit samples of `pcm` (a trailing odd byte is dropped, as before)."""
    return np.frombuffer(pcm, dtype=PCM, count=len(pcm) // SAMPLE_WIDTH)


def _to_pcm(values: np.ndarray) -> bytes:
    return np.clip(np.rint(values), -32768, 32767).astype(PCM).tobytes()


@lru_cache(maxsize=32)
def _polyphase(up: int, down: int) -> tuple[np.ndarray, int]:
    """Kaiser-windowed sinc low-pass for rate change up/down, split into `up` phases of `taps` each.

    Row p holds the weights (times _ONE) of the `taps` input samples around an output instant that falls
    p/up of an input sample after the input sample it follows; every row sums to _ONE (exact DC gain).
    """
    nyquist = 0.5 * min(1.0, up / down)  # of the lower rate, in cycles per input sample
    width = nyquist * (1.0 - PASSBAND)  # transition band, cycles per input sample
    cutoff = nyquist - width / 2  # -6 dB point, halfway through the transition band
    taps = int(np.ceil((STOPBAND_DB - 7.95) / (2.285 * 2 * np.pi * width)))
    taps += taps % 2  # even: as many inputs before the output instant as after it
    beta = 0.1102 * (STOPBAND_DB - 8.7)
    half = taps // 2
    phase = np.arange(up)[:, None] / up
    offset = phase + (half - 1 - np.arange(taps))[None, :]  # output instant minus input instant, in inputs
    window = np.i0(beta * np.sqrt(np.clip(1.0 - (offset / half) ** 2, 0.0, None))) / np.i0(beta)
    weights = 2 * cutoff * np.sinc(2 * cutoff * offset) * window
    weights = np.rint(weights / weights.sum(axis=1, keepdims=True) * _ONE)
    weights[np.arange(up), np.argmax(weights, axis=1)] += _ONE - weights.sum(axis=1)
    return weights, taps


class Resampler:
    """Streaming rate conversion that keeps its filter state between chunks.

    A polyphase windowed-sinc filter (see PASSBAND / STOPBAND_DB). Output sample n is the band-limited
    value of the input at time n * source / target, so feeding a stream chunk by chunk gives exactly
    the bytes of converting it in one piece. The filter looks `taps / 2` input samples ahead (3 to 7 ms
    on the telephone rates): output that needs input not yet seen waits for the next chunk, and `flush()`
    returns it at the end of a stream.
    """

    def __init__(self, source: int, target: int):
        self.source, self.target = source, target
        common = gcd(source, target)
        self._up, self._down = target // common, source // common
        self._weights: np.ndarray | None
        self._weights, self._taps = _polyphase(self._up, self._down) if source != target else (None, 0)
        self._reset()

    def _reset(self) -> None:
        # Input samples still needed, starting at absolute input index self._start (before 0: silence).
        self._start = 1 - self._taps // 2
        self._pending = np.zeros(max(self._taps // 2 - 1, 0), dtype=np.float64)
        self._produced = 0  # output samples returned so far
        self._received = 0  # input samples received so far

    def __call__(self, pcm: bytes) -> bytes:
        if self.source == self.target or not pcm:
            return pcm
        samples = _samples(pcm)
        self._pending = np.concatenate((self._pending, samples))
        self._received += len(samples)
        return self._convert(self._received - 1)

    def flush(self) -> bytes:
        """The rest of the stream (the look-ahead still held back), then start over as a fresh stream."""
        if self.source == self.target:
            return b""
        self._pending = np.concatenate((self._pending, np.zeros(self._taps // 2)))
        out = self._convert(self._received - 1 + self._taps // 2, last_instant=self._received)
        self._reset()
        return out

    def _convert(self, newest: int, last_instant: int | None = None) -> bytes:
        """Every output whose window ends at input index `newest` or before (and whose instant is before
        input `last_instant`, if given)."""
        up, down, half = self._up, self._down, self._taps // 2
        weights = self._weights
        assert weights is not None  # only a resampler between two rates converts
        end = ((newest - half + 1) * up + down - 1) // down  # outputs n with n*down//up + half <= newest
        if last_instant is not None:
            end = min(end, (last_instant * up + down - 1) // down)
        count = end - self._produced
        if count <= 0:
            return b""
        before, phase = np.divmod(np.arange(self._produced, end, dtype=np.int64) * down, up)
        left = before - (half - 1) - self._start  # where each output's window starts in self._pending
        windows = sliding_window_view(self._pending, self._taps)  # a view: row i = pending[i:i + taps]
        out = np.empty(count)
        if count >= 8 * up:  # long input: one strided view per phase, no copies
            for r in range(min(up, count)):  # outputs r, r + up, ... share a phase; their windows step by `down`
                rows = windows[left[r]::down][: (count - r + up - 1) // up]
                out[r::up] = np.einsum("ij,j->i", rows, weights[phase[r]])
        else:  # a short chunk at a rate ratio with many phases: gather the windows
            for first in range(0, count, _BLOCK):
                part = slice(first, first + _BLOCK)
                out[part] = np.einsum("ij,ij->i", windows[left[part]], weights[phase[part]])
        self._produced = end
        keep = end * down // up - (half - 1)  # the first input the next output needs
        self._pending = self._pending[keep - self._start:]
        self._start = keep
        return _to_pcm(out / _ONE)


def level(pcm: bytes) -> float:
    """Root mean square of the samples (0.0 for no samples)."""
    samples = _samples(pcm).astype(np.float64)
    return float(np.sqrt(np.dot(samples, samples) / len(samples))) if len(samples) else 0.0


def rms(pcm: bytes) -> int:
    """Root mean square of the samples, truncated to an int (as the standard library computed it)."""
    return int(level(pcm))


def duration(pcm: bytes, rate: int) -> float:
    return len(pcm) / SAMPLE_WIDTH / rate


def frames(pcm: bytes, rate: int, milliseconds: int = 20) -> list[bytes]:
    size = rate * SAMPLE_WIDTH * milliseconds // 1000
    return [pcm[i:i + size] for i in range(0, len(pcm), size)]
