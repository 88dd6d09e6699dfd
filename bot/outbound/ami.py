"""Outbound calls through the Asterisk Manager Interface (AMI).

AMI is a line protocol over TCP (default port 5038): on connect Asterisk sends one banner line
("Asterisk Call Manager/<version>"), then both sides exchange messages made of "Key: Value" lines ended by an
empty line. The assistant logs in, sends an asynchronous `Originate` and waits for the `OriginateResponse`
event that carries our ActionID. When the citizen answers, the dialplan context (docs/voice.md) connects the
call by AudioSocket to the gateway with the UUID we passed as channel variable `JC_CALL_UUID`.

Only the standard library is used. The secret is never logged (and not shown in `repr`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from dataclasses import dataclass, field
from typing import Mapping

from bot.core.settings import BY_NAME, Env, SettingsError

logger = logging.getLogger(__name__)

BANNER_PREFIX = "Asterisk Call Manager/"
DEFAULT_PORT = 5038
MAX_LINE = 8192  # longer lines are a protocol error
MAX_FIELDS = 512  # per message

# OriginateResponse "Reason" codes (Asterisk's AST_CONTROL_* values of the outgoing channel's last state)
REASON_FAILED = 0  # the channel could not be created (or no further detail)
REASON_HANGUP = 1
REASON_RINGING = 3  # rang until the timeout: nobody answered
REASON_ANSWERED = 4
REASON_BUSY = 5
REASON_CONGESTION = 8
_REASONS = {REASON_ANSWERED: "answered", REASON_RINGING: "no_answer", REASON_BUSY: "busy",
            REASON_CONGESTION: "congestion"}

_NUMBER = re.compile(r"\+?\d{2,20}")
_NUMBER_SEPARATORS = re.compile(r"[ /()\-]")
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


# ---------------------------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class AmiSettings:
    host: str
    port: int = DEFAULT_PORT
    username: str = ""
    secret: str = field(default="", repr=False)
    channel_template: str = "PJSIP/{number}@jobcenter-trunk"
    context: str = "jobcenter-outbound"
    exten: str = "s"
    priority: int = 1
    caller_id: str = "Jobcenter Musterstadt <0221000000>"
    ring_seconds: int = 30


def ami_settings(env: Mapping[str, str] | None = None) -> AmiSettings | None:
    """AMI settings from the environment (through bot.core.settings, whose table has the defaults); None when
    AMI_HOST is unset (no telephony configured).

    Raises ValueError (SettingsError) for an incomplete or malformed configuration (missing user/secret, bad
    numbers, a channel template without "{number}").
    """
    read = Env(env)
    host = (read.optional("AMI_HOST") or "").strip()
    if not host:
        return None
    username, secret = read.text("AMI_USER").strip(), read.text("AMI_SECRET")
    if not username or not secret:
        raise SettingsError("AMI_HOST is set, but AMI_USER or AMI_SECRET is missing")
    template = read.text("AMI_CHANNEL").strip() or (BY_NAME["AMI_CHANNEL"].default or "")
    if "{number}" not in template:
        raise SettingsError("AMI_CHANNEL must contain {number}, e.g. PJSIP/{number}@jobcenter-trunk")
    settings = AmiSettings(
        host=host, port=read.port("AMI_PORT"), username=username, secret=secret, channel_template=template,
        context=read.text("AMI_CONTEXT").strip() or (BY_NAME["AMI_CONTEXT"].default or ""),
        caller_id=read.text("AMI_CALLER_ID").strip() or (BY_NAME["AMI_CALLER_ID"].default or ""),
        ring_seconds=read.integer("AMI_RING_SECONDS", 1, 600),
    )
    for name in ("host", "username", "secret", "channel_template", "context", "exten", "caller_id"):
        _check_value(name, getattr(settings, name))
    return settings


# ---------------------------------------------------------------------------------------------- protocol
class AmiError(Exception):
    """The AMI conversation failed: connection, login, protocol or timeout."""


@dataclass(frozen=True)
class OriginateResult:
    answered: bool
    reason: str  # answered | no_answer | busy | congestion | failed | rejected
    retry: bool  # whether trying again later makes sense


class AmiMessage:
    """One AMI message: ordered "Key: Value" fields. Keys are case-sensitive; repeated keys are kept."""

    def __init__(self, fields: list[tuple[str, str]] | None = None) -> None:
        self.fields: list[tuple[str, str]] = list(fields or [])

    def get(self, key: str, default: str | None = None) -> str | None:
        for name, value in self.fields:
            if name == key:
                return value
        return default

    def get_all(self, key: str) -> list[str]:
        return [value for name, value in self.fields if name == key]

    def __contains__(self, key: object) -> bool:
        return any(name == key for name, _ in self.fields)

    def as_dict(self) -> dict[str, str]:
        """The fields as a dict; for repeated keys the first value wins (use `get_all` for those)."""
        result: dict[str, str] = {}
        for name, value in self.fields:
            result.setdefault(name, value)
        return result

    def __repr__(self) -> str:
        shown = [(k, "***" if k.lower() == "secret" else v) for k, v in self.fields]
        return f"AmiMessage({shown!r})"


def _check_value(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"AMI field {name} must not contain line breaks")


def encode_message(fields: list[tuple[str, str]]) -> bytes:
    """Encode "Key: Value" lines plus the empty line that ends a message. Line breaks in values are refused."""
    lines = []
    for key, value in fields:
        if not key or ":" in key or any(c in key for c in "\r\n "):
            raise ValueError(f"invalid AMI key {key!r}")
        _check_value(key, value)
        lines.append(f"{key}: {value}\r\n")
    return ("".join(lines) + "\r\n").encode("utf-8")


def parse_line(line: str) -> tuple[str, str] | None:
    """"Key: Value" → (key, value); only the first colon separates, so values may contain ": "."""
    key, colon, value = line.partition(":")
    if not colon or not key.strip():
        return None
    return key.strip(), value[1:] if value.startswith(" ") else value


class AmiConnection:
    """Reads and writes AMI messages on an asyncio stream pair."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def read_line(self) -> str:
        try:
            raw = await self.reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as error:
            raise AmiError("AMI connection closed by the server") from error
        except asyncio.LimitOverrunError as error:
            raise AmiError("AMI protocol error: line too long") from error
        if len(raw) > MAX_LINE:
            raise AmiError("AMI protocol error: line too long")
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    async def read_banner(self) -> str:
        banner = await self.read_line()
        if not banner.startswith(BANNER_PREFIX):
            raise AmiError("AMI protocol error: unexpected banner")
        return banner

    async def read_message(self) -> AmiMessage:
        """The next message; empty lines between messages are skipped, lines without a colon ignored."""
        fields: list[tuple[str, str]] = []
        while True:
            line = await self.read_line()
            if not line:
                if fields:
                    return AmiMessage(fields)
                continue
            parsed = parse_line(line)
            if parsed is not None:
                fields.append(parsed)
                if len(fields) > MAX_FIELDS:
                    raise AmiError("AMI protocol error: message too long")

    async def send(self, fields: list[tuple[str, str]]) -> None:
        self.writer.write(encode_message(fields))
        await self.writer.drain()

    async def close(self) -> None:
        try:
            self.writer.close()
            await asyncio.wait_for(self.writer.wait_closed(), timeout=2)
        except (OSError, asyncio.TimeoutError) as error:  # already gone, or the peer does not answer the close
            logger.debug("AMI close: %s", type(error).__name__)


# ---------------------------------------------------------------------------------------------- originate
def clean_number(number: str) -> str:
    """The dialled number: digits with an optional leading "+"; spaces, "/", "-" and brackets are removed."""
    cleaned = _NUMBER_SEPARATORS.sub("", number.strip())
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError("phone number may contain only digits and a leading +")
    return cleaned


def _variable_lines(call_uuid: str, variables: dict[str, str] | None) -> list[tuple[str, str]]:
    try:
        uuid.UUID(call_uuid)
    except (ValueError, TypeError, AttributeError):
        raise ValueError("call_uuid must be a UUID (AudioSocket needs one)") from None
    lines = [("Variable", f"JC_CALL_UUID={call_uuid}")]
    for name, value in (variables or {}).items():
        if not _VARIABLE_NAME.fullmatch(name) or name == "JC_CALL_UUID":
            raise ValueError(f"invalid channel variable name {name!r}")
        value = str(value)
        if any(c in value for c in "\r\n,"):
            raise ValueError(f"channel variable {name} must not contain line breaks or commas")
        lines.append(("Variable", f"{name}={value}"))
    return lines


def _mask(number: str) -> str:
    return "*" * max(0, len(number) - 3) + number[-3:]


def _result(event: AmiMessage) -> OriginateResult:
    try:
        code = int((event.get("Reason") or "").strip())
    except ValueError:
        code = -1
    response = (event.get("Response") or "").strip().lower()
    if (code == REASON_ANSWERED and response != "failure") or (code == -1 and response == "success"):
        return OriginateResult(True, "answered", False)
    return OriginateResult(False, _REASONS.get(code, "failed"), True)


async def originate(settings: AmiSettings, number: str, call_uuid: str, variables: dict[str, str] | None = None,
                    timeout: float | None = None) -> OriginateResult:
    """Ask Asterisk to call `number`; returns once the call was answered or has failed.

    Raises ValueError for a bad number, UUID or variable (before connecting) and AmiError when AMI is
    unreachable, refuses the login, speaks something else, or does not answer within `timeout`
    (default: ring time + 15 s).
    """
    dialled = clean_number(number)
    action_id = f"jc-{uuid.uuid4().hex}"
    login = [("Action", "Login"), ("ActionID", f"{action_id}-login"), ("Username", settings.username),
             ("Secret", settings.secret), ("Events", "call")]
    action = [("Action", "Originate"), ("ActionID", action_id),
              ("Channel", settings.channel_template.replace("{number}", dialled)),
              ("Context", settings.context), ("Exten", settings.exten), ("Priority", str(settings.priority)),
              ("CallerID", settings.caller_id), ("Timeout", str(settings.ring_seconds * 1000)), ("Async", "true"),
              *_variable_lines(call_uuid, variables)]
    encode_message(login)  # refuse line breaks in the settings before connecting
    encode_message(action)
    limit = settings.ring_seconds + 15 if timeout is None else timeout
    logger.info("AMI originate %s to %s (call %s)", action_id, _mask(dialled), call_uuid)
    try:
        result = await asyncio.wait_for(_originate(settings, login, action, action_id), timeout=limit)
    except asyncio.TimeoutError:
        raise AmiError(f"AMI timeout after {limit:g} s") from None
    logger.info("AMI originate %s: %s", action_id, result.reason)
    return result


async def _originate(settings: AmiSettings, login: list[tuple[str, str]], action: list[tuple[str, str]],
                     action_id: str) -> OriginateResult:
    try:
        reader, writer = await asyncio.open_connection(settings.host, settings.port)
    except OSError as error:
        raise AmiError(f"AMI connection to {settings.host}:{settings.port} failed: {error.strerror or error}") from None
    ami = AmiConnection(reader, writer)
    try:
        try:
            await ami.read_banner()
            await ami.send(login)
            reply = await _response(ami, f"{action_id}-login")
            if reply.get("Response") != "Success":
                raise AmiError(f"AMI login refused: {reply.get('Message') or 'no reason given'}")
            await ami.send(action)
            result = await _await_originate(ami, action_id)
            await _logoff(ami)
            return result
        except (ConnectionError, OSError) as error:
            raise AmiError(f"AMI connection broke: {error}") from None
    finally:
        await ami.close()


async def _response(ami: AmiConnection, action_id: str) -> AmiMessage:
    """The Response to one action; events that arrive meanwhile are skipped."""
    while True:
        message = await ami.read_message()
        if "Response" in message and "Event" not in message and message.get("ActionID") in (action_id, None):
            return message


async def _await_originate(ami: AmiConnection, action_id: str) -> OriginateResult:
    """Read until the Originate's Response and its OriginateResponse event; other messages are ignored."""
    accepted = False
    while True:
        message = await ami.read_message()
        if message.get("ActionID") != action_id:
            continue  # unrelated events (Newchannel, FullyBooted, other clients' actions ...)
        event = message.get("Event")
        if event == "OriginateResponse":
            return _result(message)  # may overtake the queued-Response on a fast failure
        if event is None and "Response" in message and not accepted:
            if message.get("Response") != "Success":
                logger.warning("AMI refused Originate %s: %s", action_id, message.get("Message") or "no reason")
                return OriginateResult(False, "rejected", False)
            accepted = True


async def _logoff(ami: AmiConnection) -> None:
    try:
        await ami.send([("Action", "Logoff")])
        await asyncio.wait_for(ami.read_message(), timeout=2)  # "Response: Goodbye"; not needed for the result
    except (AmiError, ConnectionError, OSError, asyncio.TimeoutError):
        pass
