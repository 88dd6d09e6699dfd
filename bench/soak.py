"""Soak test: mixed conversations against the whole assistant for a long time, watching memory.

    python -m bench.soak                  # 30 minutes, 10 simultaneous citizens (make soak)
    python -m bench.soak --minutes 3      # a short run

Starts its own assistant (embedded Redis, action server, Rasa server, desk) in a temporary folder,
runs realistic German conversations over REST (questions, appointment booking and cancelling,
declarations, nonsense, a too-long message), samples the resident memory of every process every
30 seconds and prints a table. Memory growth is measured from the end of the warm-up (first 20 %
of the run) to the end; the run fails (exit 1) when any program process (Rasa, actions, desk) grows by
more than the bound (default 15 % and at least 40 MB), or when errors occur. Redis grows with the data
it keeps by design and is reported per 1000 messages. Figures go to results/soak.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import requests

from bot import PROJECT_ROOT

CONVERSATIONS = [
    ["hallo", "wann hat die geschäftsstelle nord offen", "danke"],
    ["wie viel bürgergeld bekomme ich als alleinstehende", "und für ein kind von 8 jahren?"],
    ["ist eine miete von 520 euro für 2 personen ok", "danke"],
    ["ich brauche einen termin", "12345BG0000002", "01.02.1979", "Beratung", "egal", "so früh wie möglich", "1",
     "ja", "ich muss den termin absagen", "ja", "Arbeit", "ja"],
    ["ich bin umgezogen", "12345BG0000003", "30.11.1990", "Lindenweg 5, 50667 Musterstadt", "1.12.", "ja"],
    ["ich möchte mich beschweren", "Erreichbarkeit", "Niemand geht ans Telefon", "nein", "ja"],
    ["ich brauche die anlage kdu", "als Link"],
    ["asdfgh qwertz", "blabla", "öffnungszeiten"],
    ["x" * 6000, "wie beantrage ich bürgergeld"],
    ["ich bin krank", "12345BG0000001", "12.08.1985", "vom 23.11. bis 25.11.", "ja", "abbrechen"],
]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (a process group started by bash)."""
    try:
        process = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20
    except psutil.NoSuchProcess:
        return 0.0


def main(argv: list[str] | None = None) -> int:
    from tests.integration.servers import Assistant

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--bound-percent", type=float, default=15)
    parser.add_argument("--bound-mb", type=float, default=40)
    args = parser.parse_args(argv)

    limits = {"CHAT_LIMIT_PER_SESSION": "1000/10", "CHAT_LIMIT_PER_ADDRESS": "1000000/60"}
    data_dir = Path(tempfile.mkdtemp(prefix="soak-"))
    assistant = Assistant(data_dir, rasa_servers=1, extra_env=limits).start()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + args.minutes * 60

    def citizen(index: int) -> None:
        rng = random.Random(index)
        while time.time() < stop:
            sender = f"soak-{uuid.uuid4().hex}"
            for text in rng.choice(CONVERSATIONS):
                started = time.perf_counter()
                try:
                    response = requests.post(f"{assistant.url()}/webhooks/rest/webhook",
                                             json={"sender": sender, "message": text}, timeout=60,
                                             headers={"Authorization": f"Bearer {assistant.rest_token}"})
                    ok = response.status_code == 200 and response.json()
                except (requests.RequestException, ValueError) as error:
                    ok, response = False, error
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if not ok:
                        errors.append(f"{text[:30]!r}: {response}")
                if time.time() >= stop:
                    return
                time.sleep(rng.uniform(0.5, 2.0))  # people read and type

    samples: list[dict] = []
    try:
        threads = [threading.Thread(target=citizen, args=(i,), daemon=True) for i in range(args.users)]
        for t in threads:
            t.start()
        print(f"Soak: {args.users} Bürger/innen, {args.minutes:g} min; Speicher (MB) je Prozess alle 30 s")
        names = sorted(assistant.processes)
        print(f"{'min':>5} {'Nachr.':>7} {'Fehler':>6} {'p50 ms':>7} {'p95 ms':>7}  " + "  ".join(f"{n:>8}" for n in names))
        started = time.time()
        while True:
            finished = time.time() >= stop
            if finished:
                for t in threads:
                    t.join(timeout=90)
            else:
                time.sleep(min(30, max(1, stop - time.time())))
            with lock:
                window = latencies[-2000:]
                count, error_count = len(latencies), len(errors)
            memory = {n: rss_mb(assistant.processes[n].pid) for n in names}
            p50 = statistics.median(window) * 1000 if window else 0
            p95 = statistics.quantiles(window, n=20)[18] * 1000 if len(window) >= 20 else 0
            samples.append({"minute": (time.time() - started) / 60, "messages": count, "errors": error_count,
                            "p50_ms": p50, "p95_ms": p95, "rss_mb": memory})
            print(f"{samples[-1]['minute']:5.1f} {count:7d} {error_count:6d} {p50:7.0f} {p95:7.0f}  "
                  + "  ".join(f"{memory[n]:8.0f}" for n in names), flush=True)
            if finished:
                break
    finally:
        assistant.stop()

    warm = samples[max(0, len(samples) // 5 - 1)]["rss_mb"] if samples else {}
    last = samples[-1]["rss_mb"] if samples else {}
    growth = {n: last[n] - warm[n] for n in last}
    # Redis grows with the data it is meant to keep (conversations for 30 days, cases, transcripts):
    # reported per 1000 messages, not a leak; the bound applies to the program processes.
    failed = [n for n, g in growth.items()
              if n != "redis" and g > max(args.bound_mb, warm[n] * args.bound_percent / 100)]
    result = {"minutes": args.minutes, "users": args.users, "messages": len(latencies), "errors": len(errors),
              "error_examples": errors[:5], "growth_mb": growth,
              "bound": f"max({args.bound_mb:g} MB, {args.bound_percent:g} %) per process after warm-up",
              "samples": samples}
    out = PROJECT_ROOT / "results" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"Nachrichten: {len(latencies)}, Fehler: {len(errors)}; Speicherzuwachs nach dem Aufwärmen (MB): "
          + ", ".join(f"{n} {g:+.0f}" for n, g in growth.items()) + f"; Grenze: {result['bound']} (ohne Redis)")
    if "redis" in last and latencies:
        print(f"Redis (gespeicherte Gespräche, Vorgänge): {last['redis']:.0f} MB nach {len(latencies)} Nachrichten, "
              f"{last['redis'] / len(latencies) * 1000:.1f} MB je 1000 Nachrichten; die Aufbewahrungsfristen begrenzen das.")
    if errors or failed:
        print("NICHT BESTANDEN: " + ("; ".join(errors[:3]) if errors else f"Speicher wächst bei {', '.join(failed)}"))
        return 1
    print("Bestanden.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
