"""Play the conversation corpus against the real assistant and report the pass rate per capability.

    python -m tests.conversations.run [--capability X] [--id ID] [--workers N] [--json results/conversations.json]
                                      [--gate RATE]

Starts the assistant as the integration tests do (tests/integration/servers.py: embedded Redis, action
server, Rasa server with models/jobcenter.tar.gz), plays every conversation over the REST channel with a
fresh sender id and checks every expectation of every turn (tests/conversations/checks.py). A
conversation stops at its first failing turn. Before each conversation the Redis database is reset to
its state after start-up (business keys flushed), the demo appointment is seeded for the conversation's
`now` and its `given` state is written through the real stores. `now` freezes the action server's clock
(tests/conversations/clocked_actions.py). See tests/conversations/README.md ("Runner").

Exit code 0 (a measurement), unless --gate RATE is given and the pass rate is below it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import queue
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests
import yaml

from tests.conversations.checks import Failure, Observed, check_turn
from tests.conversations.clocked_actions import KEY as NOW_KEY

FOLDER = Path(__file__).resolve().parent
CAPABILITIES = ("knowledge", "appointments", "identification", "declarations", "documents", "handover", "consent",
                "privacy", "multi", "safety")
# Tests type much faster than people (as in tests/integration/conftest.py).
RUN_ENV = {"CHAT_LIMIT_PER_SESSION": "1000/10", "CHAT_LIMIT_PER_ADDRESS": "100000/60",
           "DESK_LIMIT_PER_ADDRESS": "100000/60", "LOG_LEVEL": "INFO"}
REST_NOT_LIVE = ("rest-not-live: the REST channel is not a live channel (bot/handover/routing.py LIVE_CHANNELS), "
                 "so a handover there becomes a callback; the web chat would be queued")
CONSENT_ADDRESS = {"phone": "+49 170 1234567", "email": "{customer}@example.org"}


# ---------------------------------------------------------------------------------------------- corpus
def load_corpus(folder: Path = FOLDER) -> list[dict]:
    conversations = []
    for path in sorted(folder.glob("*.yml")):
        for conversation in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("conversations", []):
            conversations.append({**conversation, "file": path.name})
    ids = Counter(c["id"] for c in conversations)
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise SystemExit(f"duplicate conversation ids: {duplicates}")
    return conversations


def berlin(value: str) -> dt.datetime:
    """A corpus time ("2026-12-02T10:15", Europe/Berlin) as a naive wall-clock time."""
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=None)


# ---------------------------------------------------------------------------------------------- results
@dataclass
class TurnResult:
    index: int
    sent: str
    reply: str
    buttons: list[str]
    failures: list[dict]
    seconds: float


@dataclass
class Result:
    id: str
    capability: str
    file: str
    channel: str
    now: str | None
    passed: bool = False
    turns: int = 0
    turns_passed: int = 0
    failed_turn: int | None = None
    failure: dict | None = None
    error: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    setup_seconds: float = 0.0
    played: list[TurnResult] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- world
class World:
    """One running assistant and its Redis: reset, `given`, and what a turn changed."""

    def __init__(self, assistant):
        self.assistant = assistant
        self.redis = redis.Redis.from_url(assistant.redis_url)
        # the state after start-up, restored before every conversation (demo appointments are seeded per `now`)
        self.baseline = {key: self.redis.dump(key) for key in self.redis.scan_iter("*")
                         if not key.startswith(b"cal:")}
        self.widget: Widget | None = None

    def open_widget(self) -> str:
        """A new web chat session (after reset: the server keeps its resume secret in Redis); its id is
        the conversation's sender."""
        self.close_widget()
        self.widget = Widget(self.assistant.url())
        return self.widget.session_id

    def close_widget(self) -> None:
        if self.widget is not None:
            self.widget.close()
            self.widget = None

    def reset(self) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.flushdb()
        for key, value in self.baseline.items():
            if value is not None:
                pipe.restore(key, 0, value, replace=True)
        pipe.execute()

    def prepare(self, conversation: dict, sender: str, now: dt.datetime) -> list[str]:
        """Demo appointment for `now`, the frozen clock and `given`; returns notes about the set-up."""
        from bot.appointments.calendar import Slot, candidate_slots, day_slots, get_calendar
        from bot.appointments.store import AppointmentBook, demo_wish, seed_demo_appointments
        from bot.content import get_content
        from bot.identity.registry import get_registry
        from bot.knowledge.answers import holiday_name
        from bot.outbound.consent import ConsentStore

        notes: list[str] = []
        config, content = get_calendar(), get_content()
        book = AppointmentBook(self.redis, config)

        def is_holiday(day: dt.date) -> bool:
            return holiday_name(content, day) is not None

        seed_demo_appointments(  # as bot/appointments/store.py get_book() does on first use, for `now`
            book, get_registry().customers,
            lambda office, type_key: candidate_slots(config, [office], type_key, now, is_holiday, demo_wish(now)),
            now)
        if conversation.get("now"):
            self.redis.set(NOW_KEY.format(sender), _aware(now).isoformat(), ex=3600)
        given = conversation.get("given") or {}
        for entry in given.get("appointments") or []:
            start = berlin(entry["start"])
            slots = [s for s in day_slots(config, entry["office"], entry["type"], start.date(), lambda d: False)
                     if s.start == start]
            if not slots:  # off the calendar's grid: booked as given (the corpus's time is what the bot shows)
                schedule = config.schedule(entry["office"], entry["type"])
                if schedule is None:
                    raise ValueError(f"given appointment {entry}: no {entry['type']} in {entry['office']}")
                slots = [Slot(start, entry["office"], entry["type"],
                              start + dt.timedelta(minutes=schedule.slot_minutes), schedule.capacity)]
                notes.append(f"given appointment {entry['start']} is off the calendar grid, booked as given")
            outcome = book.book(str(entry["customer"]), slots[0], now, channel="demo")
            if not outcome.ok:
                raise ValueError(f"given appointment {entry} could not be booked: {outcome.reason}")
        for entry in given.get("consent") or []:
            customer, channel = str(entry["customer"]), entry["channel"]
            ConsentStore(self.redis).grant(customer, channel, CONSENT_ADDRESS[channel].format(customer=customer),
                                           "Einwilligung (Vorgabe des Korpus)", "korpus", now - dt.timedelta(days=7),
                                           "Vorgabe")
        if given.get("agents_online"):
            notes.append(f"{given['agents_online']} agent(s) online")
        unknown = set(given) - {"appointments", "consent", "agents_online"}
        if unknown:
            raise ValueError(f"unsupported given keys: {sorted(unknown)}")
        return notes

    def say(self, sender: str, message: str, channel: str = "rest") -> list[dict]:
        """Chat over the REST channel (REST token); the web chat over its socket as the widget does (a live
        channel: handovers can be queued); voice over the voice channel's webhook with the internal token,
        exactly as the voice gateway posts what it recognised (input channel "voice")."""
        if channel == "webchat":
            assert self.widget is not None and self.widget.session_id == sender
            return self.widget.say(message)
        if channel != "voice":
            return self.assistant.say(sender, message)
        response = requests.post(f"{self.assistant.url()}/webhooks/voice/webhook",
                                 json={"sender": sender, "message": message}, timeout=60,
                                 headers={"Authorization": f"Bearer {self.assistant.internal_token}"})
        response.raise_for_status()
        return response.json()

    def agents(self, count: int) -> None:
        from bot.handover.state import Handover

        for index in range(count):  # presence has a TTL: renewed before every turn
            Handover(self.redis).mark_present(f"korpus-agent-{index + 1}")

    def case_ids(self) -> set[bytes]:
        return set(self.redis.zrange("cases:index", 0, -1))

    def cases(self, ids: set[bytes]) -> list[dict]:
        from bot.cases.store import CaseStore

        store = CaseStore(self.redis)
        return [c for c in (store.raw(i.decode()) for i in sorted(ids)) if c]

    def handover_state(self, sender: str) -> str:
        from bot.handover.state import Handover

        return Handover(self.redis).state(sender)

    def tracker_slots(self, sender: str) -> dict:
        response = requests.get(f"{self.assistant.url()}/conversations/{sender}/tracker",
                                params={"token": self.assistant.token}, timeout=30)
        response.raise_for_status()
        return response.json().get("slots") or {}


class Widget:
    """The chat widget's socket.io protocol (bot/channels/webchat.py): session_request, user_uttered, and the
    answers (bot_uttered) of a turn up to the server's "typing: false". A message read by a person (queued or
    taken over) gets no typing signal: then the turn ends when the echo came and nothing followed for a
    moment."""

    QUIET_SECONDS = 1.0

    def __init__(self, url: str, timeout: float = 60):
        import socketio

        self.timeout = timeout
        self.sio = socketio.Client()
        self.answers: list[dict] = []
        self.condition = threading.Condition()
        self.done = False
        self.echoed = False
        self.typing = False
        self.last_event = time.monotonic()
        confirmed: dict = {}

        def on(event: str, data: Any) -> None:
            with self.condition:
                self.last_event = time.monotonic()
                if event == "session_confirm":
                    confirmed.update(data)
                elif event in ("bot_uttered", "error") and isinstance(data, dict):
                    self.answers.append({"text": data.get("text", ""), "buttons": data.get("buttons") or []})
                elif event == "user_echo":
                    self.echoed = True
                elif event == "typing" and isinstance(data, dict) and data.get("role") == "bot" \
                        and not data.get("typing"):
                    self.done = True
                self.condition.notify_all()

        for name in ("session_confirm", "bot_uttered", "error", "user_echo", "typing"):
            self.sio.on(name, lambda data, name=name: on(name, data))
        self.sio.connect(url, socketio_path="/webchat/socket.io", transports=["websocket"], wait_timeout=30)
        self.sio.emit("session_request", {})
        with self.condition:
            if not self.condition.wait_for(lambda: "session_id" in confirmed, timeout=30):
                raise TimeoutError("web chat: no session_confirm")
        self.session_id = str(confirmed["session_id"])

    def say(self, message: str) -> list[dict]:
        with self.condition:
            self.answers, self.done, self.echoed, self.typing = [], False, False, False
        self.sio.emit("user_uttered", {"session_id": self.session_id, "message": message})
        deadline = time.monotonic() + self.timeout

        def finished() -> bool:
            quiet = time.monotonic() - self.last_event >= self.QUIET_SECONDS
            return self.done or (self.echoed and not self.typing and quiet)

        with self.condition:
            while not finished():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"web chat: no end of turn for {message!r}")
                self.condition.wait(0.1)
            return list(self.answers)

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 - a dropped socket at the end of a conversation is of no interest
            pass


def _aware(moment: dt.datetime) -> dt.datetime:
    from bot.core.clock import aware

    return aware(moment)


# ---------------------------------------------------------------------------------------------- playing
def play(world: World, conversation: dict) -> Result:
    from bot.core.clock import now_local

    result = Result(conversation["id"], conversation.get("capability", conversation["file"][:-4]),
                    conversation["file"], conversation.get("channel", "rest"),
                    str(conversation["now"]) if conversation.get("now") else None, turns=len(conversation["turns"]))
    if result.channel == "voice":
        result.notes.append("voice: text sent to the voice channel's REST webhook as the gateway does (no ASR/TTS)")
    started = time.monotonic()
    sender = f"korpus-{conversation['id']}-{uuid.uuid4().hex[:8]}"
    now = berlin(conversation["now"]) if conversation.get("now") else now_local()
    try:
        world.reset()
        if result.channel == "webchat":
            sender = world.open_widget()
        result.notes += world.prepare(conversation, sender, now)
    except Exception as error:  # noqa: BLE001 - a broken set-up is reported, not raised
        result.error = f"setup: {error}"
        result.failed_turn, result.failure = 0, {"key": "given", "expected": conversation.get("given"),
                                                 "got": str(error), "reply": ""}
        return result
    result.setup_seconds = round(time.monotonic() - started, 3)
    agents = int((conversation.get("given") or {}).get("agents_online") or 0)
    previous: Observed | None = None
    for index, turn in enumerate(conversation["turns"], start=1):
        turn_started = time.monotonic()
        failures: list[Failure] = []
        if "click" in turn:
            buttons = [b for m in (previous.messages if previous else []) for b in (m.get("buttons") or [])]
            chosen = next((b for b in buttons if re.search(turn["click"], str(b.get("title", "")))), None)
            if chosen is None:
                failures.append(Failure("click", turn["click"], [b.get("title") for b in buttons] or "(no buttons)"))
            message = str(chosen.get("payload") or chosen.get("title")) if chosen else ""
            sent = f"[click {chosen.get('title') if chosen else turn['click']}] {message}"
        else:
            message = sent = str(turn["user"])
        seen = Observed()
        if not failures:
            world.agents(agents)
            before = world.case_ids()
            try:
                seen.messages = world.say(sender, message, result.channel)
                seen.slots = world.tracker_slots(sender)
                seen.new_cases = world.cases(world.case_ids() - before)
                seen.handover = world.handover_state(sender)
            except Exception as error:  # noqa: BLE001 - a server error fails the turn
                failures.append(Failure("server", "an answer", f"{type(error).__name__}: {error}"))
            if not failures:
                failures = check_turn(turn.get("expect") or {}, seen)
        result.played.append(TurnResult(index, sent, seen.reply, seen.button_titles, [asdict(f) for f in failures],
                                        round(time.monotonic() - turn_started, 3)))
        if failures:
            first = failures[0]
            result.failed_turn = index
            result.failure = {"key": first.key, "expected": first.expected, "got": first.got, "reply": seen.reply,
                              "all": [f.short() for f in failures]}
            if result.channel != "voice" and any(f.key == "handover" and f.expected == "queued" for f in failures):
                result.notes.append(REST_NOT_LIVE)
            break
        result.turns_passed = index
        previous = seen
    world.close_widget()
    result.passed = result.failed_turn is None
    result.seconds = round(time.monotonic() - started, 2)
    return result


# ---------------------------------------------------------------------------------------------- servers
def start_assistant(data_dir: Path):
    from bot.runtime.run import commands
    from tests.integration.servers import Assistant

    assistant = Assistant(data_dir, rasa_servers=1, extra_env=RUN_ENV)
    actions = commands(assistant._settings(assistant.rasa_ports[0]))["actions"]
    assistant.command_overrides["actions"] = actions.replace("-m bot.runtime.action_server",
                                                             "-m tests.conversations.clocked_actions")
    return assistant.start()


def run_all(conversations: list[dict], workers: int, progress: bool = True) -> tuple[list[Result], dict]:
    """Each worker owns one assistant (own Redis), so conversations never share state."""
    timing: dict[str, Any] = {}
    todo: queue.Queue = queue.Queue()
    for conversation in conversations:
        todo.put(conversation)
    results: list[Result] = []
    lock = threading.Lock()
    errors: list[str] = []
    started = time.monotonic()

    def worker(number: int) -> None:
        boot = time.monotonic()
        for attempt in (1, 2):  # on a busy machine a part may miss its start-up deadline once
            data_dir = Path(tempfile.mkdtemp(prefix=f"korpus-{number}-"))
            try:
                assistant = start_assistant(data_dir)
                break
            except Exception as error:  # noqa: BLE001 - a failed start-up of any kind is retried once, then reported
                print(f"worker {number}: assistant did not start (attempt {attempt}, logs in {data_dir}): "
                      f"{str(error)[-500:]}", file=sys.stderr)
                if attempt == 2:
                    with lock:
                        errors.append(f"worker {number}: assistant did not start: {error}")
                    return
        with lock:
            timing[f"startup_seconds_worker{number}"] = round(time.monotonic() - boot, 1)
        try:
            world = World(assistant)
            while True:
                try:
                    conversation = todo.get_nowait()
                except queue.Empty:
                    return
                result = play(world, conversation)
                with lock:
                    results.append(result)
                    if progress:
                        mark = "." if result.passed else ("E" if result.error else "F")
                        print(mark, end="", flush=True, file=sys.stderr)
        finally:
            assistant.stop()
            shutil.rmtree(data_dir, ignore_errors=True)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, workers + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if progress:
        print(file=sys.stderr)
    if errors and not results:
        raise SystemExit("\n".join(errors))
    timing["total_seconds"] = round(time.monotonic() - started, 1)
    timing["errors"] = errors
    order = {c["id"]: i for i, c in enumerate(conversations)}
    results.sort(key=lambda r: order[r.id])
    return results, timing


# ---------------------------------------------------------------------------------------------- report
def summary(results: list[Result]) -> dict:
    rows: dict[str, dict] = defaultdict(lambda: {"conversations": 0, "passed": 0, "with_now": 0,
                                                 "with_now_passed": 0, "voice": 0, "voice_passed": 0})
    for r in results:
        for name in (r.capability, "total"):
            row = rows[name]
            row["conversations"] += 1
            row["passed"] += r.passed
            if r.now:
                row["with_now"] += 1
                row["with_now_passed"] += r.passed
            if r.channel == "voice":
                row["voice"] += 1
                row["voice_passed"] += r.passed
    for row in rows.values():
        row["pass_rate"] = round(row["passed"] / row["conversations"], 4) if row["conversations"] else 0.0
    ordered = [c for c in CAPABILITIES if c in rows] + sorted(set(rows) - set(CAPABILITIES) - {"total"}) + ["total"]
    return {name: rows[name] for name in ordered if name in rows}


def failure_kinds(results: list[Result]) -> dict[str, int]:
    return dict(Counter(r.failure["key"].split(".")[0] for r in results if r.failure).most_common())


def _short(value: Any, width: int = 60) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def print_report(results: list[Result], timing: dict, limit: int = 20) -> None:
    table = summary(results)
    print(f"{'capability':<16}{'conversations':>14}{'passed':>8}{'pass rate':>11}{'with now':>10}{'voice':>7}")
    for name, row in table.items():
        if name == "total":
            print("-" * 66)
        print(f"{name:<16}{row['conversations']:>14}{row['passed']:>8}{row['pass_rate'] * 100:>10.1f}%"
              f"{row['with_now_passed']:>5}/{row['with_now']:<4}{row['voice_passed']:>3}/{row['voice']:<3}")
    print("\n'with now': passed/all conversations with a frozen clock (`now`); voice: passed/all sent to the voice "
          "channel's webhook (text as the voice gateway posts it).")
    print(f"failed expectation kinds: {failure_kinds(results)}")
    seconds = [r.seconds for r in results]
    if seconds:
        print(f"time: {timing.get('total_seconds')} s in all, start-up "
              f"{', '.join(str(v) for k, v in timing.items() if k.startswith('startup'))} s, "
              f"{sum(seconds) / len(seconds):.2f} s per conversation, reset+given "
              f"{sum(r.setup_seconds for r in results) / len(results) * 1000:.0f} ms per conversation")
    failed = [r for r in results if not r.passed]
    if failed:
        print(f"\nfirst {min(limit, len(failed))} of {len(failed)} failures:")
    for r in failed[:limit]:
        f = r.failure or {}
        print(f"- {r.id} turn {r.failed_turn} [{f.get('key')}] expected {_short(f.get('expected'), 50)}"
              f" | got {_short(f.get('got'), 80)}")
    limited = [r.id for r in results if REST_NOT_LIVE in r.notes]
    if limited:
        print(f"\n{len(limited)} failed on `handover: queued` over REST, which is no live channel: {', '.join(limited)}")
    for error in timing.get("errors") or []:
        print(f"! {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--capability", action="append", help="only this capability (repeatable)")
    parser.add_argument("--id", action="append", help="only this conversation id (repeatable; regex)")
    parser.add_argument("--workers", type=int, default=1, help="assistants started in parallel (each ~1 GB RAM)")
    parser.add_argument("--json", type=Path, default=Path("results/conversations.json"))
    parser.add_argument("--gate", type=float, help="exit 1 below this pass rate (0.95 or 95)")
    parser.add_argument("--failures", type=int, default=20, help="failures listed (default 20)")
    args = parser.parse_args(argv)

    conversations = load_corpus()
    if args.capability:
        conversations = [c for c in conversations if c.get("capability") in args.capability]
    if args.id:
        conversations = [c for c in conversations if any(re.fullmatch(p, c["id"]) for p in args.id)]
    if not conversations:
        print("no conversation selected", file=sys.stderr)
        return 2
    print(f"{len(conversations)} conversations, {args.workers} assistant(s) starting …", file=sys.stderr)
    results, timing = run_all(conversations, max(1, args.workers))
    print_report(results, timing, args.failures)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"summary": summary(results), "failure_kinds": failure_kinds(results),
                                     "timing": timing, "conversations": [asdict(r) for r in results]},
                                    ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"\nresults: {args.json}")
    if args.gate is not None:
        gate = args.gate / 100 if args.gate > 1 else args.gate
        rate = summary(results)["total"]["pass_rate"]
        if rate < gate:
            print(f"pass rate {rate:.1%} below the gate {gate:.1%}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
