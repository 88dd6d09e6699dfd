"""Voice activity detection: Silero VAD (a small neural model) tells speech from line noise, breathing
and silence, 32 ms at a time; an echo gate keeps the bot's own voice on the line from counting as the
caller's.

The model is the ONNX file of the `silero-vad` package (MIT), run with onnxruntime (already there for
Piper): about 0.1 ms per 32 ms on one core. One inference session per process is shared by all calls;
each call keeps its own recurrent state (`SpeechProbability`).

`VoiceActivity` turns probabilities into decisions with hysteresis: speech starts when
`VOICE_VAD_THRESHOLD` is reached for `START_CHUNKS` chunks in a row, and a chunk counts as silence again
only below `threshold - HYSTERESIS`. While the bot speaks, a chunk counts towards a barge-in only when the
model is surer (`VOICE_VAD_BARGE_THRESHOLD`) and the caller's audio is louder than the bot's own audio
of the last half second less `VOICE_ECHO_MARGIN_DB` (`EchoReference`): echo from the line or the
caller's loudspeaker is quieter than what was sent, a caller talking over the bot is not.
"""

from __future__ import annotations

import importlib.util
import time
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from voice.audio import RECOGNIZER_RATE, level

CHUNK = 512  # samples at 16 kHz: the window Silero VAD v5/v6 takes (32 ms)
CHUNK_BYTES = CHUNK * 2
CHUNK_SECONDS = CHUNK / RECOGNIZER_RATE
CONTEXT = 64  # samples of the previous chunk the model sees before each chunk
START_CHUNKS = 2  # 64 ms above the threshold start an utterance (a click or a cough of one chunk does not)
HYSTERESIS = 0.15  # inside speech, a chunk is silence only below threshold - HYSTERESIS
ECHO_WINDOW = 0.5  # seconds of the bot's own audio an echo may lag behind (line and network delay)
CALLER_LEVEL_CHUNKS = 5  # the caller's level is the loudest of the last 160 ms (vowels, not the quiet consonants)
ECHO_HISTORY, ECHO_HISTORY_MIN = 150, 30  # chunks of bot audio (4.8 s, at least 1 s) to measure the line's echo
ECHO_HEADROOM_DB = 2.0  # a barge-in must be this much louder than the line's measured echo peaks


def model_path() -> Path:
    """The ONNX model inside the installed `silero-vad` package (its Python code, which needs torch, is not
    imported)."""
    spec = importlib.util.find_spec("silero_vad")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("silero-vad fehlt: bitte `make setup` ausführen.")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "silero_vad.onnx"


@lru_cache(maxsize=1)
def _session():
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # many small calls: one thread each is fastest and leaves cores to Vosk
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(str(model_path()), sess_options=options,
                                        providers=["CPUExecutionProvider"])


def load() -> None:
    """Load the model once (at gateway start, before the first call)."""
    _session()


class SpeechProbability:
    """Silero VAD for one audio stream: 32 ms chunks of 16 kHz PCM in, probability of speech out."""

    def __init__(self) -> None:
        self.session = _session()
        self.reset()

    def reset(self) -> None:
        self.state = np.zeros((2, 1, 128), dtype=np.float32)
        self.context = np.zeros((1, CONTEXT), dtype=np.float32)

    def __call__(self, chunk: bytes) -> float:
        samples = np.frombuffer(chunk, dtype="<i2").astype(np.float32)[None, :] / 32768.0
        window = np.concatenate((self.context, samples), axis=1)
        out, self.state = self.session.run(None, {"input": window, "state": self.state,
                                                  "sr": np.array(RECOGNIZER_RATE, dtype=np.int64)})
        self.context = window[:, -CONTEXT:]
        return float(out[0][0])


class EchoReference:
    """The loudness of what the bot played and when, to tell its echo from the caller's voice."""

    FRAME = 0.02

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self.frames: deque[tuple[float, float]] = deque()  # (time a 20 ms frame is heard, its RMS)

    def played(self, pcm: bytes, rate: int, starts: float) -> None:
        """`pcm` (at `rate`) will be heard from `starts` (monotonic seconds) on."""
        samples = np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2).astype(np.float64)
        size = max(1, int(rate * self.FRAME))
        count = -(-len(samples) // size)
        padded = np.zeros(count * size)
        padded[:len(samples)] = samples * samples
        lengths = np.full(count, size)
        lengths[-1] = len(samples) - (count - 1) * size if count else size
        levels = np.sqrt(padded.reshape(count, size).sum(axis=1) / lengths)
        self.frames.extend(zip((starts + np.arange(count) * size / rate).tolist(), levels.tolist()))
        horizon = self.clock() - 2 * ECHO_WINDOW
        while self.frames and self.frames[0][0] < horizon:
            self.frames.popleft()

    def stopped(self) -> None:
        """Playback was cut (barge-in): what was queued is never heard."""
        now = self.clock()
        while self.frames and self.frames[-1][0] > now:
            self.frames.pop()

    def level(self) -> float:
        """The loudest 20 ms of the bot's audio heard in the last ECHO_WINDOW seconds (0 when it was quiet)."""
        now, since = self.clock(), ECHO_WINDOW + CALLER_LEVEL_CHUNKS * CHUNK_SECONDS
        return max((value for at, value in self.frames if now - since <= at <= now), default=0.0)


@dataclass
class Activity:
    """What one chunk was."""

    speech: bool  # inside the caller's speech (after hysteresis)
    started: bool = False  # speech began with this chunk (START_CHUNKS chunks ago, see `preroll`)
    barge: bool = False  # counts towards interrupting the bot (surer and louder than the echo)
    echo: bool = False  # the bot's audio is on the line or its echo may be: only a barge may start speech
    probability: float = 0.0


class VoiceActivity:
    """Speech/silence decisions for one call, chunk by chunk.

    The echo gate: while the bot's audio is heard or its echo may still arrive (`EchoReference.level()` is
    not 0, which covers ECHO_WINDOW after the last audio), a chunk counts towards a barge-in, and may start an
    utterance, only when the caller's level exceeds the bot's level times a ratio. That ratio is the larger
    of the configured margin (`VOICE_ECHO_MARGIN_DB`) and what this line's echo has been measured to reach:
    the 90th percentile of (line level / bot level) over the last ECHO_HISTORY chunks of bot audio, plus
    ECHO_HEADROOM_DB. A line with strong echo (a loudspeaker phone, no echo canceller) thus needs a louder
    barge-in than a clean one, and its echo does not interrupt the bot.
    """

    def __init__(self, threshold: float, barge_threshold: float, echo_margin_db: float,
                 echo: EchoReference | None = None) -> None:
        self.threshold, self.barge_threshold = threshold, barge_threshold
        self.echo_ratio = 10 ** (-echo_margin_db / 20)
        self.echo = echo or EchoReference()
        self.model = SpeechProbability()
        self.in_speech = False
        self._above = 0  # chunks in a row at or above the threshold (outside speech)
        self._levels: deque[float] = deque(maxlen=CALLER_LEVEL_CHUNKS)
        self._echo_ratios: deque[float] = deque(maxlen=ECHO_HISTORY)  # line level / bot level, bot audio heard

    def gate(self) -> float:
        """The ratio of the bot's level the caller must exceed while the bot's audio may be on the line."""
        if len(self._echo_ratios) < ECHO_HISTORY_MIN:
            return self.echo_ratio
        measured = float(np.percentile(list(self._echo_ratios), 90)) * 10 ** (ECHO_HEADROOM_DB / 20)
        return max(self.echo_ratio, measured)

    def __call__(self, chunk: bytes, bot_speaking: bool = False) -> Activity:
        probability = self.model(chunk)
        self._levels.append(level(chunk))
        activity = Activity(speech=False, probability=probability)
        if self.in_speech:
            self.in_speech = activity.speech = probability >= self.threshold - HYSTERESIS
        else:
            self._above = self._above + 1 if probability >= self.threshold else 0
            if self._above >= START_CHUNKS:
                self.in_speech = activity.speech = activity.started = True
                self._above = 0
        bot_level = self.echo.level()
        activity.echo = bot_speaking or bot_level > 0
        if bot_level > 0:
            caller = max(self._levels)
            activity.barge = probability >= self.barge_threshold and caller > bot_level * self.gate()
            if not activity.barge:
                self._echo_ratios.append(caller / bot_level)
        elif bot_speaking:  # audio is being played that the reference has not seen (cannot happen in a call)
            activity.barge = probability >= self.barge_threshold
        return activity
    def end_speech(self) -> None:
        """The utterance was closed: the next one needs a fresh start."""
        self.in_speech, self._above = False, 0
