"""A protocol-level test double of Asterisk's Manager Interface (AMI).

It is a real TCP server that speaks the AMI line protocol as Asterisk does ("Key: Value" lines, messages ended
by an empty line, the "Asterisk Call Manager/<version>" banner), with Asterisk's replies for Login, Originate
(asynchronous, with the `OriginateResponse` event), Ping and Logoff. It does not place calls: the outcome of an
Originate is the `outcome` reason code given to the constructor, and `on_answer` stands in for the moment the
citizen picks up (an integration test opens the AudioSocket connection there, as Asterisk's dialplan would).

It parses messages on its own (not with bot.outbound.ami), so a client bug is not mirrored by the double. Header names
are matched case-insensitively, as Asterisk does.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Awaitable, Callable, Iterator

BANNER = "Asterisk Call Manager/9.0.0\r\n"
OnAnswer = Callable[[dict[str, str]], Awaitable[None]]


def _message(*fields: tuple[str, str]) -> bytes:
    return ("".join(f"{key}: {value}\r\n" for key, value in fields) + "\r\n").encode()


def _header(action: dict, name: str) -> str | None:
    for key, value in action.items():
        if key.lower() == name.lower() and isinstance(value, str):
            return value
    return None


class AmiTestServer:
    """An AMI server on 127.0.0.1. Every received action is recorded in `actions` as a dict of its fields
    (in the client's spelling); the repeatable `Variable` field is always a list of "NAME=value" strings."""

    def __init__(self, username: str = "assistant", secret: str = "ami-secret", outcome: int = 4,
                 on_answer: OnAnswer | None = None, ring_delay: float = 0.0, originate_allowed: bool = True,
                 host: str = "127.0.0.1") -> None:
        self.username, self.secret, self.outcome = username, secret, outcome
        self.on_answer, self.ring_delay, self.originate_allowed = on_answer, ring_delay, originate_allowed
        self.host = host
        self.port = 0
        self.actions: list[dict] = []
        self.connections = 0
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()
        self._channels = 0

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._session, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for writer in list(self._writers):
            writer.close()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def originates(self) -> list[dict]:
        return [a for a in self.actions if (_header(a, "Action") or "").lower() == "originate"]

    # ------------------------------------------------------------------------------------------ protocol
    async def _read_action(self, reader: asyncio.StreamReader) -> dict | None:
        action: dict = {}
        while True:
            raw = await reader.readline()
            if not raw:
                return None  # the client closed the connection
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if not line:
                if action:
                    return action
                continue
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key.lower() == "variable":
                action.setdefault("Variable", []).append(value)
            else:
                action[key] = value

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        session = {"user": None, "events": set()}

        def send(data: bytes) -> None:
            if not writer.is_closing():
                writer.write(data)

        def event(event_class: str, name: str, *fields: tuple[str, str]) -> None:
            if event_class in session["events"]:
                send(_message(("Event", name), ("Privilege", f"{event_class},all"), *fields))

        try:
            send(BANNER.encode())
            while True:
                action = await self._read_action(reader)
                if action is None:
                    break
                self.actions.append(action)
                name = (_header(action, "Action") or "").lower()
                action_id = [("ActionID", _header(action, "ActionID"))] if _header(action, "ActionID") else []
                if name == "login":
                    if _header(action, "Username") == self.username and _header(action, "Secret") == self.secret:
                        session["user"] = self.username
                        session["events"] = _event_classes(_header(action, "Events"))
                        send(_message(("Response", "Success"), *action_id, ("Message", "Authentication accepted")))
                        event("system", "FullyBooted", ("Status", "Fully Booted"))
                    else:
                        send(_message(("Response", "Error"), *action_id, ("Message", "Authentication failed")))
                        break  # Asterisk drops the connection after a failed login
                elif session["user"] is None:
                    send(_message(("Response", "Error"), *action_id, ("Message", "Permission denied")))
                elif name == "logoff":
                    send(_message(("Response", "Goodbye"), *action_id, ("Message", "Thanks for all the fish.")))
                    await writer.drain()
                    break
                elif name == "ping":
                    send(_message(("Response", "Success"), *action_id, ("Ping", "Pong")))
                elif name == "originate":
                    self._originate(action, action_id, send, event)
                else:
                    send(_message(("Response", "Error"), *action_id,
                                  ("Message", "Invalid/unknown command: %s. Use Action: ListCommands to show "
                                              "available commands." % _header(action, "Action"))))
                await writer.drain()
        except ConnectionError:
            pass  # the client went away
        finally:
            self._writers.discard(writer)
            writer.close()

    def _originate(self, action: dict, action_id: list[tuple[str, str]], send, event) -> None:
        channel = _header(action, "Channel")
        if not self.originate_allowed:
            send(_message(("Response", "Error"), *action_id, ("Message", "Permission denied")))
            return
        if not channel:
            send(_message(("Response", "Error"), *action_id, ("Message", "Channel not specified")))
            return
        asynchronous = (_header(action, "Async") or "").lower() in ("true", "yes", "1", "on")
        if asynchronous:
            send(_message(("Response", "Success"), *action_id, ("Message", "Originate successfully queued")))
        task = asyncio.create_task(self._place_call(action, action_id, channel, asynchronous, send, event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _place_call(self, action: dict, action_id: list[tuple[str, str]], channel: str, asynchronous: bool,
                          send, event) -> None:
        self._channels += 1
        technology = channel.split("/", 1)[0]
        unique_id = f"1700000000.{self._channels}"
        context, exten = _header(action, "Context") or "", _header(action, "Exten") or ""
        # unrelated traffic a real Asterisk interleaves: a new channel and another client's originate result
        event("call", "Newchannel", ("Channel", f"{technology}/jobcenter-trunk-{self._channels:08x}"),
              ("ChannelState", "0"), ("ChannelStateDesc", "Down"), ("CallerIDNum", "<unknown>"),
              ("Context", context), ("Exten", exten), ("Priority", "1"), ("Uniqueid", unique_id))
        event("call", "OriginateResponse", ("ActionID", "another-client-1"), ("Response", "Failure"),
              ("Channel", "PJSIP/0000@elsewhere"), ("Reason", "0"), ("Uniqueid", "<null>"))
        if self.ring_delay:
            await asyncio.sleep(self.ring_delay)
        answered = self.outcome == 4
        if answered and self.on_answer is not None:
            variables = {}
            for line in action.get("Variable", []):
                name, _, value = line.partition("=")
                variables[name] = value
            await self.on_answer(variables)
        if asynchronous:
            event("call", "OriginateResponse", *action_id, ("Response", "Success" if answered else "Failure"),
                  ("Channel", channel), ("Context", context), ("Exten", exten), ("Application", ""), ("Data", ""),
                  ("Reason", str(self.outcome)), ("Uniqueid", unique_id if answered else "<null>"),
                  ("CallerIDNum", "<unknown>"), ("CallerIDName", "<unknown>"))
        elif answered:
            send(_message(("Response", "Success"), *action_id, ("Message", "Originate successfully queued")))
        else:
            send(_message(("Response", "Error"), *action_id, ("Message", "Originate failed")))


def _event_classes(events: str | None) -> set[str]:
    """Asterisk's Login "Events": on (or absent) = all, off = none, otherwise a comma-separated class list."""
    every = {"system", "call", "log", "verbose", "command", "agent", "user", "dtmf", "reporting", "cdr", "dialplan"}
    value = (events or "on").strip().lower()
    if value in ("on", "yes", "true", "all"):
        return every
    if value in ("off", "no", "false"):
        return set()
    classes = {part.strip() for part in value.split(",")}
    return every if "all" in classes else classes & every


@contextlib.contextmanager
def running_ami_server(**kwargs) -> Iterator[AmiTestServer]:
    """Run an AmiTestServer in a background thread with its own event loop (for synchronous tests)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="ami-test-server", daemon=True)
    thread.start()
    server = AmiTestServer(**kwargs)
    try:
        asyncio.run_coroutine_threadsafe(server.start(), loop).result(timeout=10)
        yield server
    finally:
        try:
            asyncio.run_coroutine_threadsafe(server.stop(), loop).result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
