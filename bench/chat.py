"""Chat benchmark (`make bench`): realistic German conversations at 1, 10 and 50 simultaneous
citizens over REST and the web chat's socket.io, side by side with a stock configuration of the same
bot; handover relay latency; NLU parse latency, model load and training time; memory per process.

    python -m bench.chat [--seconds 30] [--levels 1,10,50] [--no-stock] [--train-time]

Ours: two Rasa server processes sharing Redis (tracker and lock store), clients spread over both.
Stock: one Rasa process with Rasa's default pipeline and policies (bench/stock_config.yml, trained
once into models/stock.tar.gz) and Rasa's default in-memory stores, same domain, rules and actions.
Prints a table and writes results/bench.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import psutil
import requests

from bot import PROJECT_ROOT

CONVERSATIONS = [
    ["hallo", "wann hat die geschäftsstelle nord am donnerstag offen", "danke"],
    ["wie viel bürgergeld bekomme ich als alleinstehende", "wie viel vermögen darf ich haben"],
    ["ist eine miete von 520 euro für 2 personen angemessen"],
    ["wann ist mein termin", "12345BG0000002", "01.02.1979"],
    ["ich möchte mich beschweren", "Erreichbarkeit", "Niemand geht ans Telefon", "nein", "abbrechen"],
    ["ich möchte ein lob aussprechen", "Sehr freundliche Beratung in Nord", "ja"],
    ["ich brauche die anlage kdu", "als Link"],
    ["wie beantrage ich bürgergeld", "kann ich das online machen"],
    ["asdfgh qwertz", "öffnungszeiten"],
    ["ich bin umgezogen", "12345BG0000003", "30.11.1990", "Lindenweg 5, 50667 Musterstadt", "1.12.", "abbrechen"],
]
RELAXED = {"CHAT_LIMIT_PER_SESSION": "100000/10", "CHAT_LIMIT_PER_ADDRESS": "10000000/60",
           "DESK_LIMIT_PER_ADDRESS": "10000000/60"}


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else float("nan")


def rest_load(urls: list[str], users: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def user(index: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {os.environ.get('REST_TOKEN', '')}"
        turn = index
        while time.time() < stop:
            url = urls[turn % len(urls)]  # conversations spread over the servers
            sender = f"bench-{uuid.uuid4().hex}"
            for text in CONVERSATIONS[turn % len(CONVERSATIONS)]:
                started = time.perf_counter()
                try:
                    response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                                            timeout=60)
                    ok = response.status_code == 200 and bool(response.json())
                    problem = "" if ok else f"{response.status_code} {response.text[:80]}"
                except (requests.RequestException, ValueError) as error:
                    ok, problem = False, str(error)[:80]
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if not ok:
                        errors.append(problem)
                if time.time() >= stop:
                    break
            turn += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"users": users, "messages": len(latencies), "per_second": len(latencies) / elapsed,
            "p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "p99_ms": pct(latencies, 99),
            "errors": len(errors), "lock_timeouts": sum("lock" in e.lower() for e in errors),
            "error_examples": errors[:3]}


async def socketio_load(url: str, users: int, seconds: float) -> dict:
    import socketio

    latencies: list[float] = []
    errors = 0
    stop = time.time() + seconds

    async def user(index: int) -> None:
        nonlocal errors
        client = socketio.AsyncClient()
        answered = asyncio.Event()
        session: dict = {}
        confirmed = asyncio.Event()
        client.on("session_confirm", lambda data: (session.update(data), confirmed.set()))
        client.on("bot_uttered", lambda data: answered.set())
        await client.connect(url, socketio_path="/webchat/socket.io", transports=["websocket"])
        await client.emit("session_request", {})
        await asyncio.wait_for(confirmed.wait(), 10)
        turn = index
        try:
            while time.time() < stop:
                for text in CONVERSATIONS[turn % len(CONVERSATIONS)]:
                    answered.clear()
                    started = time.perf_counter()
                    await client.emit("user_uttered", {"session_id": session["session_id"], "message": text})
                    try:
                        await asyncio.wait_for(answered.wait(), 30)
                        latencies.append(time.perf_counter() - started)
                    except asyncio.TimeoutError:
                        errors += 1
                    await asyncio.sleep(0.3)  # the rest of the turn's messages arrive
                    if time.time() >= stop:
                        break
                turn += 1
        finally:
            await client.disconnect()

    started = time.perf_counter()
    await asyncio.gather(*(user(i) for i in range(users)))
    elapsed = time.perf_counter() - started
    return {"users": users, "messages": len(latencies), "per_second": len(latencies) / elapsed,
            "p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "p99_ms": pct(latencies, 99), "errors": errors}


def handover_relay(assistant, rounds: int = 20) -> dict:
    """Citizen (web chat on the second Rasa process) <-> agent (desk process): delivery latency."""
    import socketio
    import websocket

    from bot.desk.accounts import Accounts

    Accounts(Path(assistant.extra_env["DESK_USERS_FILE"])).add("bench", "agent", "bench-passwort-123")
    session = requests.Session()
    session.post(f"{assistant.desk_url}/login", data={"username": "bench", "password": "bench-passwort-123"},
                 allow_redirects=False)
    csrf = session.get(f"{assistant.desk_url}/api/me").json()["csrf"]
    cookie = f"desk_session={session.cookies['desk_session']}"
    desk_ws = websocket.create_connection(assistant.desk_url.replace("http", "ws") + "/ws", header=[f"Cookie: {cookie}"])
    desk_ws.settimeout(10)
    client = socketio.Client()
    received: dict[str, float] = {}
    confirmed = threading.Event()
    info: dict = {}
    client.on("session_confirm", lambda data: (info.update(data), confirmed.set()))
    client.on("bot_uttered", lambda data: received.setdefault(data.get("text", ""), time.perf_counter()))
    client.connect(assistant.url(1), socketio_path="/webchat/socket.io", transports=["websocket"])
    client.emit("session_request", {})
    confirmed.wait(10)
    sender = info["session_id"]
    import redis

    from bot.handover.state import Handover

    handover = Handover(redis.Redis.from_url(assistant.redis_url))
    handover.enqueue(sender, summary="bench")
    session.post(f"{assistant.desk_url}/api/claim", json={"sender": sender}, headers={"X-CSRF-Token": csrf})
    to_agent, to_citizen = [], []
    for index in range(rounds):
        text = f"Frage {index} {uuid.uuid4().hex[:6]}"
        started = time.perf_counter()
        client.emit("user_uttered", {"session_id": sender, "message": text})
        while True:
            event = json.loads(desk_ws.recv())
            if event.get("type") == "citizen_message" and event.get("line", {}).get("text") == text:
                to_agent.append(time.perf_counter() - started)
                break
        reply = f"Antwort {index} {uuid.uuid4().hex[:6]}"
        started = time.perf_counter()
        session.post(f"{assistant.desk_url}/api/send", json={"sender": sender, "text": reply},
                     headers={"X-CSRF-Token": csrf})
        deadline = time.time() + 10
        while reply not in received and time.time() < deadline:
            time.sleep(0.002)
        if reply in received:
            to_citizen.append(received[reply] - started)
    client.disconnect()
    desk_ws.close()
    return {"citizen_to_agent_ms": {"p50": pct(to_agent, 50), "p95": pct(to_agent, 95)},
            "agent_to_citizen_ms": {"p50": pct(to_citizen, 50), "p95": pct(to_citizen, 95)}, "rounds": rounds}


def nlu_figures(url: str, token: str, train_time: bool) -> dict:
    texts = [t for conversation in CONVERSATIONS for t in conversation] * 10
    times = []
    for text in texts:
        started = time.perf_counter()
        requests.post(f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=30)
        times.append(time.perf_counter() - started)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    load = subprocess.run([sys.executable, "-c", "import time,asyncio;from rasa.core.agent import Agent;"
                           "t=time.perf_counter();Agent.load('models/jobcenter.tar.gz');print(time.perf_counter()-t)"],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    result = {"parse_p50_ms": pct(times, 50), "parse_p95_ms": pct(times, 95),
              "model_load_s": float(load.stdout.strip().splitlines()[-1]) if load.returncode == 0 else None}
    if train_time:
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "rasa", "train", "--force", "--out", out], cwd=PROJECT_ROOT, env=env,
                           capture_output=True, timeout=1800)
            result["training_s"] = time.perf_counter() - started
    return result


def memory(assistant) -> dict[str, float]:
    from bench.soak import rss_mb

    sizes = {name: rss_mb(process.pid) for name, process in assistant.processes.items()}
    return {name: round(size) for name, size in sizes.items() if size}  # a process that ended is left out


def start_stock(assistant, data_dir: Path) -> tuple[subprocess.Popen, str]:
    from tests.integration.servers import free_port, wait_http

    model = PROJECT_ROOT / "models" / "stock.tar.gz"
    if not model.exists():
        print("Trainiere das Vergleichsmodell (Rasa-Standardkonfiguration), einmalig …", flush=True)
        subprocess.run([sys.executable, "-m", "rasa", "train", "--config", "bench/stock_config.yml", "--out", "models",
                        "--fixed-model-name", "stock"], cwd=PROJECT_ROOT, check=True,
                       env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false"})
    endpoints = data_dir / "stock_endpoints.yml"
    endpoints.write_text(f"action_endpoint:\n  url: http://127.0.0.1:{assistant.action_port}/webhook\n")
    credentials = data_dir / "stock_credentials.yml"
    credentials.write_text("rest:\n")
    port = free_port()
    log = data_dir / "stock.log"
    process = subprocess.Popen([sys.executable, "-m", "rasa", "run", "--model", str(model), "--port", str(port),
                                "--endpoints", str(endpoints), "--credentials", str(credentials)],
                               cwd=PROJECT_ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false",
                                    "TF_CPP_MIN_LOG_LEVEL": "2"})
    wait_http(f"http://127.0.0.1:{port}/", 300, process, log)
    return process, f"http://127.0.0.1:{port}"


def main(argv: list[str] | None = None) -> int:
    from tests.integration.servers import Assistant

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--no-stock", action="store_true")
    parser.add_argument("--train-time", action="store_true")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    data_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    assistant = Assistant(data_dir, rasa_servers=2,
                          extra_env={**RELAXED, "DESK_USERS_FILE": str(data_dir / "desk_users.json")}).start()
    os.environ["REST_TOKEN"] = assistant.rest_token  # the REST channel is an integration API with a token
    results: dict = {"levels": levels, "seconds": args.seconds, "cores": psutil.cpu_count()}
    stock = None
    try:
        urls = [assistant.url(0), assistant.url(1)]
        rest_load(urls, 2, 5)  # warm up
        results["ours_rest"] = {n: rest_load(urls, n, args.seconds) for n in levels}
        results["ours_socketio"] = {n: asyncio.run(socketio_load(assistant.url(0), n, args.seconds)) for n in levels}
        results["memory_mb"] = memory(assistant)
        results["handover"] = handover_relay(assistant)
        results["nlu"] = nlu_figures(assistant.url(0), assistant.token, args.train_time)
        if not args.no_stock:
            stock, stock_url = start_stock(assistant, data_dir)
            rest_load([stock_url], 2, 5)
            results["stock_rest"] = {n: rest_load([stock_url], n, args.seconds) for n in levels}
            results["stock_memory_mb"] = round(psutil.Process(stock.pid).memory_info().rss / 2**20)
    finally:
        if stock is not None:
            stock.terminate()
            stock.wait(timeout=30)
        assistant.stop()

    out = PROJECT_ROOT / "results" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Chat-Benchmark ({results['cores']} Kerne, {args.seconds:g} s je Stufe)")
    print(f"{'':28} {'Nutzer':>6} {'Nachr./s':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'Fehler':>6} {'Locks':>5}")
    for label, key in (("Unsere (REST, 2 Prozesse)", "ours_rest"), ("Unsere (socket.io)", "ours_socketio"),
                       ("Standard-Rasa (REST, 1 Proz.)", "stock_rest")):
        for n, r in results.get(key, {}).items():
            print(f"{label:28} {n:6d} {r['per_second']:9.1f} {r['p50_ms']:7.0f} {r['p95_ms']:7.0f} {r['p99_ms']:7.0f} "
                  f"{r['errors']:6d} {r.get('lock_timeouts', 0):5d}")
    if "stock_rest" in results:
        for n in levels:
            ours, stock_r = results["ours_rest"][n], results["stock_rest"][n]
            print(f"  Verhältnis bei {n:2d} Nutzern: {ours['per_second'] / max(stock_r['per_second'], 1e-9):.1f}× "
                  f"Durchsatz, p95 {stock_r['p95_ms'] / max(ours['p95_ms'], 1e-9):.1f}× schneller")
    h = results["handover"]
    print(f"Übergabe: Bürger→Agent p50 {h['citizen_to_agent_ms']['p50']:.0f} ms, p95 {h['citizen_to_agent_ms']['p95']:.0f} ms;"
          f" Agent→Bürger p50 {h['agent_to_citizen_ms']['p50']:.0f} ms, p95 {h['agent_to_citizen_ms']['p95']:.0f} ms")
    nlu = results["nlu"]
    print(f"NLU: Parsen p50 {nlu['parse_p50_ms']:.1f} ms, p95 {nlu['parse_p95_ms']:.1f} ms; Modell laden "
          f"{nlu['model_load_s']:.1f} s" + (f"; Training {nlu['training_s']:.0f} s" if "training_s" in nlu else ""))
    print("Speicher (MB): " + ", ".join(f"{k} {v}" for k, v in results["memory_mb"].items())
          + (f"; Standard-Rasa {results['stock_memory_mb']}" if "stock_memory_mb" in results else ""))
    ten = results["ours_rest"].get(10)
    fifty = results["ours_rest"].get(50)
    if ten and fifty:
        ok = ten["p95_ms"] <= 300 and fifty["per_second"] >= 30 and fifty["errors"] == 0 and fifty["lock_timeouts"] == 0
        print("Ziele (p95 <= 300 ms bei 10, >= 30 Nachr./s, 0 Fehler und 0 Lock-Timeouts bei 50): "
              + ("erreicht" if ok else "NICHT erreicht"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
