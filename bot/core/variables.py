"""The table of every environment variable the assistant reads (name, default, meaning, area) and `Env`,
the typed reader over it. The area settings built from it are in bot/core/settings.py (see its docstring
for the reading rules); the README's configuration section lists the same names (tested).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot import PROJECT_ROOT

LOCAL = "127.0.0.1"
DEFAULT_MAIL_FROM = "Jobcenter Musterstadt <service@jobcenter-musterstadt.invalid>"


@dataclass(frozen=True)
class Variable:
    name: str
    default: str | None  # the value used when unset; None: unset (the description says what then happens)
    description: str
    area: str


def _area(area: str, *rows: tuple[str, str | None, str]) -> tuple[Variable, ...]:
    return tuple(Variable(name, default, description, area) for name, default, description in rows)


VARIABLES: tuple[Variable, ...] = (
    *_area(
        "server",
        ("DATA_DIR", "var", "runtime data: embedded Redis files, generated secrets, desk accounts, mail"),
        ("REDIS_URL", None, "external Redis, e.g. redis://:pw@redis:6379/0; unset: the embedded Redis"),
        ("EMBEDDED_REDIS_PORT", "6380", "port of the embedded Redis"),
        ("EMBEDDED_REDIS_PASSWORD", None, "password of the embedded Redis; unset: generated into DATA_DIR/secrets"),
        ("RASA_PORT", "5005", "port of the Rasa server"),
        ("ACTION_HOST", LOCAL, "address the action server listens on (only Rasa talks to it)"),
        ("ACTION_PORT", "5055", "port of the action server"),
        ("DESK_HOST", LOCAL, "address the agent desk listens on"),
        ("DESK_PORT", "8081", "port of the agent desk"),
        ("VOICE_HOST", LOCAL, "address the voice gateway listens on (WebSocket and voice page)"),
        ("VOICE_PORT", "8090", "port of the voice gateway"),
        ("AUDIOSOCKET_HOST", LOCAL, "address the voice gateway takes Asterisk AudioSocket calls on"),
        ("AUDIOSOCKET_PORT", "9092", "port for Asterisk AudioSocket calls"),
        ("MODEL_PATH", "models/jobcenter.tar.gz", "trained model"),
        ("LOG_LEVEL", "INFO", "log level of the action server (DEBUG also shows each registered action)"),
    ),
    *_area(
        "endpoints",
        ("RASA_URL", None, "the Rasa server as the voice gateway and the mail channel reach it; "
                           "unset: http://127.0.0.1:RASA_PORT"),
        ("RASA_URLS", None, "all Rasa servers a model rollout updates (comma-separated); unset: RASA_URL's default"),
        ("PUBLIC_URL", "http://localhost:5005", "base URL of the Rasa server as citizens reach it (calendar links)"),
        ("ACTION_ENDPOINT_URL", None, "endpoints.yml: the action server's webhook; set by make run"),
        ("REDIS_HOST", None, "endpoints.yml: Redis host; set by make run from REDIS_URL"),
        ("REDIS_PORT", None, "endpoints.yml: Redis port; set by make run from REDIS_URL"),
        ("REDIS_DB", None, "endpoints.yml: Redis database; set by make run from REDIS_URL"),
        ("REDIS_PASSWORD", None, "endpoints.yml: Redis password; set by make run from REDIS_URL"),
    ),
    *_area(
        "security",
        ("RASA_AUTH_TOKEN", None, "token for Rasa's HTTP API; unset: generated into DATA_DIR/secrets/rasa_token"),
        ("REST_TOKEN", None, "token of the REST integration API; unset: generated into DATA_DIR/secrets/rest_token"),
        ("INTERNAL_TOKEN", None, "voice gateway and mail channel -> Rasa; unset: generated into DATA_DIR/secrets"),
        ("ACTION_TOKEN", None, "Rasa -> action server (X-Action-Token); unset: generated into DATA_DIR/secrets"),
        ("CORS_ORIGINS", "", "browser origins allowed to call Rasa (comma-separated)"),
        ("TRUSTED_PROXIES", "", "reverse proxies (IPs/CIDRs) whose X-Forwarded-For names the real client"),
    ),
    *_area(
        "chat",
        ("CHAT_LIMIT_PER_SESSION", "15/10", "citizen messages per conversation (count/seconds)"),
        ("CHAT_LIMIT_PER_ADDRESS", "300/60", "citizen messages per client address (count/seconds)"),
        ("CHAT_LIMIT_PER_SESSION_DAY", "600/86400", "citizen messages per conversation and day (count/seconds)"),
        ("UPLOAD_MAX_MB", "5", "largest document a citizen uploads in the web chat (PDF, JPEG, PNG)"),
        ("UPLOAD_LIMIT_PER_SESSION", "10/3600", "documents per conversation (count/seconds)"),
        ("UPLOAD_LIMIT_PER_ADDRESS", "30/3600", "documents per client address (count/seconds)"),
    ),
    *_area(
        "desk",
        ("DESK_USERS_FILE", None, "desk accounts; unset: DATA_DIR/desk_users.json"),
        ("DESK_LIMIT_PER_ADDRESS", "600/60", "desk requests per address (count/seconds)"),
        ("DESK_LOGIN_LIMIT_PER_ADDRESS", "10/900", "failed logins per address before growing waits (count/seconds)"),
        ("DESK_ACCESS_LOG_MAX", "1000000", "length of the access log"),
        ("DESK_BEHIND_TLS_PROXY", "", "1: trust X-Forwarded-Proto: https from the reverse proxy"),
        ("DESK_TRUSTED_PROXIES", "", "proxies whose X-Forwarded-For the desk believes (comma-separated)"),
        ("DESK_ALLOWED_ORIGINS", "", "further origins allowed on the desk websocket (comma-separated)"),
    ),
    *_area(
        "retention",
        ("CASE_RETENTION_DAYS", "90", "days cases (and outbound contacts) are kept"),
        ("APPOINTMENT_RETENTION_DAYS", "90", "days past appointments are kept"),
    ),
    *_area(
        "content",
        ("CONTENT_DIR", None, "an alternative content folder; unset: content/"),
        ("EDITOR_DATA_DIR", "data/nlu/de", "training data the learning inbox writes to (German)"),
    ),
    *_area(
        "mail",
        ("SMTP_HOST", LOCAL, "mail server for outgoing mail"),
        ("SMTP_PORT", "25", "its port"),
        ("SMTP_SECURITY", "none", "none, starttls or ssl"),
        ("SMTP_USER", "", "SMTP login (none when empty)"),
        ("SMTP_PASSWORD", "", "SMTP password"),
        ("SMTP_TIMEOUT", "20", "seconds per SMTP operation"),
        ("MAIL_FROM", DEFAULT_MAIL_FROM, "sender of outgoing mail"),
        ("MAILDROP_DIR", None, "Maildir that receives incoming mail; unset: DATA_DIR/mail/eingang"),
        ("MAIL_MAX_ATTACHMENT_MB", "10", "attachments kept from one incoming mail, in total"),
        ("MAIL_MAX_SIZE_MB", "10", "largest incoming mail that is read"),
        ("MAIL_MAX_MIME_DEPTH", "10", "deepest nesting of MIME containers that is parsed"),
        ("MAIL_MAX_MIME_PARTS", "50", "most MIME parts that are parsed"),
        ("MAIL_AUTHSERV_ID", "", "authserv-id of the own mail server: only its Authentication-Results count"),
    ),
    *_area(
        "outbound",
        ("OUTBOUND_REMINDER_TIME", "15:00", "daily start of tomorrow's reminders (HH:MM; empty: off)"),
        ("OUTBOUND_INTERVAL", "15", "seconds between the worker's rounds"),
        ("AMI_HOST", None, "Asterisk manager interface; unset: no outgoing calls"),
        ("AMI_PORT", "5038", "AMI port"),
        ("AMI_USER", "", "AMI user (required with AMI_HOST)"),
        ("AMI_SECRET", "", "AMI secret (required with AMI_HOST)"),
        ("AMI_CHANNEL", "PJSIP/{number}@jobcenter-trunk", "dial string; {number} is the cleaned number"),
        ("AMI_CONTEXT", "jobcenter-outbound", "dialplan context the answered call enters"),
        ("AMI_CALLER_ID", "Jobcenter Musterstadt <0221000000>", "caller ID shown to the citizen"),
        ("AMI_RING_SECONDS", "30", "how long the phone rings before the attempt counts as no_answer"),
    ),
    *_area(
        "voice",
        ("VOSK_MODEL", "voice/models/vosk-model-small-de-0.15", "speech recognition model"),
        ("PIPER_VOICE", "voice/models/de_DE-thorsten-medium.onnx", "speech synthesis voice"),
        ("VOICE_SILENCE_SECONDS", "8", "silence before a reprompt"),
        ("VOICE_SILENCE_PROMPTS", "2", "reprompts before the call ends"),
        ("VOICE_END_SILENCE_MS", "250", "trailing silence that ends a complete utterance"),
        ("VOICE_END_SILENCE_LONG_MS", "1100", "trailing silence that ends an utterance mid-number or mid-sentence"),
        ("VOICE_BARGE_IN_MS", "250", "speech that interrupts an answer"),
        ("VOICE_VAD_THRESHOLD", "0.5", "speech probability (Silero VAD) that counts as speech"),
        ("VOICE_VAD_BARGE_THRESHOLD", "0.8", "speech probability that counts towards a barge-in"),
        ("VOICE_ECHO_MARGIN_DB", "3", "a barge-in must be louder than the bot's own audio less this"),
        ("VOICE_MAX_CALLS", "8", "calls served at once; further callers wait with a spoken notice"),
        ("VOICE_DECODE_WORKERS", "0", "threads decoding speech for all calls; 0: one per core"),
        ("VOICE_SPEECH_CACHE_MB", "64", "synthesized sentences kept for the next caller; 0: none"),
        ("VOICE_DTMF_PAUSE_MS", "1500", "pause after which typed digits are sent"),
    ),
    *_area(
        "build",
        ("PYTHON", None, "Python 3.10 interpreter for .venv (read by bin/find-python); unset: pyenv / PATH"),
    ),
)
BY_NAME: dict[str, Variable] = {variable.name: variable for variable in VARIABLES}


EMBEDDED_PORT = int(BY_NAME["EMBEDDED_REDIS_PORT"].default or 0)  # the embedded Redis of `make run`


def embedded_url(port: int = EMBEDDED_PORT, password: str = "") -> str:
    """The URL of the embedded Redis on this machine."""
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{LOCAL}:{port}/0"


DEFAULT_URL = embedded_url()  # without REDIS_URL: the embedded Redis at its default port


class SettingsError(ValueError):
    """A variable's value cannot be used; the message names the variable and the allowed form."""


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


class Env:
    """Typed reads of the documented variables, with the table's defaults (see the module's reading rules)."""

    def __init__(self, env: Mapping[str, str] | None = None):
        self._env = os.environ if env is None else env

    def _given(self, name: str) -> str | None:
        if name not in BY_NAME:
            raise KeyError(f"{name} is not in bot.core.settings.VARIABLES: add it there and to the README")
        return self._env.get(name)

    def text(self, name: str) -> str:
        """The value as given (empty included), else the default ("" when there is none)."""
        value = self._given(name)
        return (BY_NAME[name].default or "") if value is None else value

    def optional(self, name: str) -> str | None:
        """The value, or None when it is unset or empty (variables without a default)."""
        return self._given(name) or BY_NAME[name].default or None

    def _number_text(self, name: str) -> str:
        value = (self._given(name) or "").strip()
        return value or (BY_NAME[name].default or "")

    def integer(self, name: str, low: int | None = None, high: int | None = None) -> int:
        raw = self._number_text(name)
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number{_range(low, high)}, not {raw!r}") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise SettingsError(f"{name} must be a whole number{_range(low, high)}, not {raw!r}")
        return value

    def number(self, name: str, low: float | None = None) -> float:
        raw = self._number_text(name)
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number{_range(low, None)}, not {raw!r}") from None
        if low is not None and not value >= low:  # also refuses nan
            raise SettingsError(f"{name} must be a number{_range(low, None)}, not {raw!r}")
        return value

    def port(self, name: str) -> int:
        return self.integer(name, 1, 65535)

    def rate(self, name: str) -> Rate:
        raw = self._number_text(name)
        count, _, seconds = raw.partition("/")
        try:
            rate = Rate(int(count), int(seconds))
        except ValueError:
            rate = Rate(0, 0)
        if rate.count < 1 or rate.seconds < 1:
            raise SettingsError(f"{name} must be count/seconds with whole numbers of at least 1, e.g. 15/10, "
                                f"not {raw!r}")
        return rate

    def path(self, name: str) -> Path:
        """The configured path as given, else the default relative to the project folder."""
        given = (self._given(name) or "").strip()
        if given:
            return Path(given)
        default = BY_NAME[name].default
        if default is None:
            raise KeyError(f"{name} has no default path: use optional_path")
        return PROJECT_ROOT / default

    def optional_path(self, name: str) -> Path | None:
        given = (self._given(name) or "").strip()
        return Path(given) if given else None

    def items(self, name: str) -> tuple[str, ...]:
        """A comma-separated list, blanks dropped."""
        return tuple(item.strip() for item in self.text(name).split(",") if item.strip())

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name).strip().lower() or (BY_NAME[name].default or "")
        if value not in allowed:
            raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def flag(self, name: str) -> bool:
        """On only with the value 1."""
        value = self.text(name).strip()
        if value not in ("", "0", "1"):
            raise SettingsError(f"{name} must be 1 (on) or empty (off), not {value!r}")
        return value == "1"


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f" from {low} to {high}"
    return f" of at least {low}" if low is not None else ""


# ------------------------------------------------------------------------------------------------ server
