"""All configuration: every environment variable the assistant reads, with its default and meaning.

`VARIABLES` is the one table of variables; the README's "Configuration (environment variables)" section
documents the same names (tests/unit/test_settings.py checks both directions, and that no module outside
this one reads `os.environ`). Each area has one frozen dataclass with `from_env(env=os.environ)`, which parses
and validates: a wrong value raises `SettingsError` naming the variable and the allowed form.

Reading rules (`Env`):
- a variable must be in `VARIABLES` (an undocumented name is a programming error: KeyError);
- unset means the table's default; for numbers, rates ("count/seconds") and paths an empty value also
  means the default; text keeps an empty value (`OUTBOUND_REMINDER_TIME=` switches reminders off);
- path defaults are relative to the project folder; a configured path is taken as given.

When: values that cannot change at run time (ports, hosts, voice timing) are read once per process by
their users; values the tests change per test (limits, retention, proxies, content and model folders,
tokens) are read at call time through these functions: reading them is cheap.

Other modules in the area packages keep their own dataclass but read through `Env`: bot/mail/settings.py
(`MailSettings`), bot/outbound/ami.py (`AmiSettings`).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
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
        ("EDITOR_DATA_DIR", "data/nlu", "training data the learning inbox writes to"),
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
        ("VOICE_END_SILENCE_MS", "400", "trailing silence that ends an utterance"),
        ("VOICE_BARGE_IN_MS", "200", "speech that interrupts an answer"),
        ("VOICE_SPEECH_RMS", "500", "loudness that counts as speech"),
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
def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """DATA_DIR: runtime data (embedded Redis files, secrets, logs, desk accounts, mail)."""
    return Env(env).path("DATA_DIR")


@dataclass(frozen=True)
class Settings:
    """How `make run` lays out the processes (bot/runtime/run.py); also the ports and data folder for all."""

    redis_url: str | None  # external Redis; None starts the embedded one
    embedded_redis_port: int
    data_dir: Path  # runtime data: embedded Redis files, secrets, logs
    rasa_port: int
    action_port: int
    desk_port: int
    model_path: Path
    action_host: str = LOCAL  # the action server is reached by Rasa only, never from outside
    voice_port: int = 8090
    audiosocket_port: int = 9092
    embedded_redis_password: str = ""  # generated into DATA_DIR/secrets/redis_password
    cors_origins: str = ""  # browser origins allowed to call Rasa (comma-separated); empty: none
    trusted_proxies: str = ""  # proxies whose X-Forwarded-For is believed (comma-separated IPs/CIDRs)

    @property
    def effective_redis_url(self) -> str:
        if self.redis_url:
            return self.redis_url
        return embedded_url(self.embedded_redis_port, self.embedded_redis_password)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Without REDIS_URL the embedded Redis's password is taken or generated (DATA_DIR/secrets)."""
        read = Env(env)
        folder = read.path("DATA_DIR")
        redis_url = read.optional("REDIS_URL")
        return cls(
            redis_url=redis_url,
            embedded_redis_port=read.port("EMBEDDED_REDIS_PORT"),
            data_dir=folder,
            rasa_port=read.port("RASA_PORT"),
            action_port=read.port("ACTION_PORT"),
            desk_port=read.port("DESK_PORT"),
            model_path=read.path("MODEL_PATH"),
            action_host=read.text("ACTION_HOST"),
            voice_port=read.port("VOICE_PORT"),
            audiosocket_port=read.port("AUDIOSOCKET_PORT"),
            embedded_redis_password="" if redis_url else secret(folder, "redis_password",
                                                                read.optional("EMBEDDED_REDIS_PASSWORD")),
            cors_origins=read.text("CORS_ORIGINS"),
            trusted_proxies=read.text("TRUSTED_PROXIES"),
        )



def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    return Settings.from_env(os.environ if env is None else env)


def secret(data_dir: Path, name: str, env_value: str | None = None) -> str:
    """A secret from the environment, else generated once and kept (mode 600) in the data dir."""
    if env_value:
        return env_value
    path = data_dir / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_urlsafe(32)
    path.write_text(value)
    path.chmod(0o600)
    return value


@dataclass(frozen=True)
class ActionServerSettings:
    host: str
    port: int
    log_level: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ActionServerSettings:
        read = Env(env)
        level = read.text("LOG_LEVEL").strip().upper() or "INFO"
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {level!r}")
        return cls(read.text("ACTION_HOST"), read.port("ACTION_PORT"), level)


@dataclass(frozen=True)
class EndpointSettings:
    """Where the parts reach each other."""

    redis_url: str  # REDIS_URL, else the embedded Redis at its default port
    rasa_url: str  # RASA_URL, else http://127.0.0.1:RASA_PORT
    rasa_urls: tuple[str, ...]  # RASA_URLS, else (rasa_url's default,)
    public_url: str  # without a trailing slash

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> EndpointSettings:
        read = Env(env)
        local_rasa = f"http://{LOCAL}:{read.port('RASA_PORT')}"
        return cls(
            redis_url=read.optional("REDIS_URL") or DEFAULT_URL,
            rasa_url=(read.optional("RASA_URL") or local_rasa).rstrip("/"),
            rasa_urls=tuple(url.rstrip("/") for url in read.items("RASA_URLS")) or (local_rasa,),
            public_url=read.text("PUBLIC_URL").strip().rstrip("/"),
        )


# ------------------------------------------------------------------------------------------------ security
TOKEN_VARIABLES = ("RASA_AUTH_TOKEN", "REST_TOKEN", "INTERNAL_TOKEN", "ACTION_TOKEN")


@dataclass(frozen=True)
class SecuritySettings:
    tokens: Mapping[str, str]  # by variable name (TOKEN_VARIABLES); "" when unset (generated by make run)
    cors_origins: tuple[str, ...]
    trusted_proxies: str  # comma-separated IPs/CIDRs (bot/core/netaddr.py parses them)

    def token(self, variable: str) -> str:
        return self.tokens[variable]

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> SecuritySettings:
        read = Env(env)
        return cls({name: read.text(name) for name in TOKEN_VARIABLES}, read.items("CORS_ORIGINS"),
                   read.text("TRUSTED_PROXIES"))


# ------------------------------------------------------------------------------------------------ chat and desk
@dataclass(frozen=True)
class ChatLimits:
    per_session: Rate
    per_address: Rate
    per_session_day: Rate

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ChatLimits:
        read = Env(env)
        return cls(read.rate("CHAT_LIMIT_PER_SESSION"), read.rate("CHAT_LIMIT_PER_ADDRESS"),
                   read.rate("CHAT_LIMIT_PER_SESSION_DAY"))


@dataclass(frozen=True)
class DeskSettings:
    host: str
    port: int
    users_file: Path
    limit_per_address: Rate
    login_limit_per_address: Rate
    access_log_max: int
    behind_tls_proxy: bool
    trusted_proxies: str  # comma-separated IPs/CIDRs
    allowed_origins: frozenset[str]  # lower case, without a trailing slash

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> DeskSettings:
        read = Env(env)
        return cls(
            host=read.text("DESK_HOST"),
            port=read.port("DESK_PORT"),
            users_file=read.optional_path("DESK_USERS_FILE") or read.path("DATA_DIR") / "desk_users.json",
            limit_per_address=read.rate("DESK_LIMIT_PER_ADDRESS"),
            login_limit_per_address=read.rate("DESK_LOGIN_LIMIT_PER_ADDRESS"),
            access_log_max=read.integer("DESK_ACCESS_LOG_MAX", 1),
            behind_tls_proxy=read.flag("DESK_BEHIND_TLS_PROXY"),
            trusted_proxies=read.text("DESK_TRUSTED_PROXIES"),
            allowed_origins=frozenset(o.rstrip("/").lower() for o in read.items("DESK_ALLOWED_ORIGINS")),
        )


# ------------------------------------------------------------------------------------------------ data
@dataclass(frozen=True)
class RetentionSettings:
    case_days: int
    appointment_days: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> RetentionSettings:
        read = Env(env)
        return cls(read.integer("CASE_RETENTION_DAYS", 1), read.integer("APPOINTMENT_RETENTION_DAYS", 1))


@dataclass(frozen=True)
class ContentSettings:
    content_dir: Path | None  # CONTENT_DIR; None: the project's content/
    editor_data_dir: Path  # training data the learning inbox writes to

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> ContentSettings:
        read = Env(env)
        return cls(read.optional_path("CONTENT_DIR"), read.path("EDITOR_DATA_DIR"))


# ------------------------------------------------------------------------------------------------ outbound
@dataclass(frozen=True)
class OutboundSettings:
    reminder_time: dt.time | None  # None: no automatic reminders
    interval: float  # seconds between the worker's rounds

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> OutboundSettings:
        read = Env(env)
        raw = read.text("OUTBOUND_REMINDER_TIME").strip()
        try:
            at = dt.time.fromisoformat(raw) if raw else None
        except ValueError:
            raise SettingsError(f"OUTBOUND_REMINDER_TIME must be a time HH:MM (e.g. 15:00) or empty (off), "
                                f"not {raw!r}") from None
        return cls(at, read.number("OUTBOUND_INTERVAL", 0.1))


# ------------------------------------------------------------------------------------------------ voice
@dataclass(frozen=True)
class VoiceSettings:
    host: str
    port: int
    audiosocket_host: str
    audiosocket_port: int
    vosk_model: Path
    piper_voice: Path
    silence_seconds: float
    silence_prompts: int
    end_silence_ms: float
    barge_in_ms: float
    speech_rms: int
    dtmf_pause_ms: int

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> VoiceSettings:
        read = Env(env)
        return cls(
            host=read.text("VOICE_HOST"),
            port=read.port("VOICE_PORT"),
            audiosocket_host=read.text("AUDIOSOCKET_HOST"),
            audiosocket_port=read.port("AUDIOSOCKET_PORT"),
            vosk_model=read.path("VOSK_MODEL"),
            piper_voice=read.path("PIPER_VOICE"),
            silence_seconds=read.number("VOICE_SILENCE_SECONDS", 0),
            silence_prompts=read.integer("VOICE_SILENCE_PROMPTS", 0),
            end_silence_ms=read.number("VOICE_END_SILENCE_MS", 0),
            barge_in_ms=read.number("VOICE_BARGE_IN_MS", 0),
            speech_rms=read.integer("VOICE_SPEECH_RMS", 0),
            dtmf_pause_ms=read.integer("VOICE_DTMF_PAUSE_MS", 1),
        )
