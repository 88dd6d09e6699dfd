"""All configuration: every environment variable the assistant reads, with its default and meaning.

`VARIABLES` (bot/core/variables.py, with the reader `Env`) is the one table of variables; the README's "Configuration (environment variables)" section
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

from bot.core.variables import (
    BY_NAME,
    DEFAULT_MAIL_FROM,
    DEFAULT_URL,
    EMBEDDED_PORT,
    LOCAL,
    VARIABLES,
    Env,
    Rate,
    SettingsError,
    Variable,
    embedded_url,
)

# the table and the reader are imported from here by the rest of the code
__all__ = [
    "BY_NAME",
    "DEFAULT_MAIL_FROM",
    "DEFAULT_URL",
    "EMBEDDED_PORT",
    "LOCAL",
    "VARIABLES",
    "Env",
    "Rate",
    "SettingsError",
    "Variable",
    "embedded_url",
]


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
class UploadSettings:
    """Documents citizens upload in the web chat (bot/cases/uploads.py)."""
    max_bytes: int
    per_session: Rate
    per_address: Rate

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> UploadSettings:
        read = Env(env)
        return cls(int(read.number("UPLOAD_MAX_MB", 0.001) * 2**20), read.rate("UPLOAD_LIMIT_PER_SESSION"),
                   read.rate("UPLOAD_LIMIT_PER_ADDRESS"))


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
    dtmf_pause_ms: int
    end_silence_long_ms: float
    vad_threshold: float
    vad_barge_threshold: float
    echo_margin_db: float
    max_calls: int
    decode_workers: int
    speech_cache_mb: float

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
            dtmf_pause_ms=read.integer("VOICE_DTMF_PAUSE_MS", 1),
            end_silence_long_ms=read.number("VOICE_END_SILENCE_LONG_MS", 0),
            vad_threshold=read.number("VOICE_VAD_THRESHOLD", 0.05),
            vad_barge_threshold=read.number("VOICE_VAD_BARGE_THRESHOLD", 0.05),
            echo_margin_db=read.number("VOICE_ECHO_MARGIN_DB", 0),
            max_calls=read.integer("VOICE_MAX_CALLS", 1),
            decode_workers=read.integer("VOICE_DECODE_WORKERS", 0),
            speech_cache_mb=read.number("VOICE_SPEECH_CACHE_MB", 0),
        )
