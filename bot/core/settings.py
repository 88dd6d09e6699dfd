"""Run-time settings from environment variables, with documented defaults (see README)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot import PROJECT_ROOT
from bot.core.redis_server import EMBEDDED_PORT, embedded_url


@dataclass(frozen=True)
class Settings:
    redis_url: str | None  # external Redis; None starts the embedded one
    embedded_redis_port: int
    data_dir: Path  # runtime data: embedded Redis files, secrets, logs
    rasa_port: int
    action_port: int
    desk_port: int
    model_path: Path
    action_host: str = "127.0.0.1"  # the action server is reached by Rasa only, never from outside
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


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("DATA_DIR", PROJECT_ROOT / "var"))
    return Settings(
        redis_url=env.get("REDIS_URL") or None,
        embedded_redis_port=int(env.get("EMBEDDED_REDIS_PORT", EMBEDDED_PORT)),
        data_dir=data_dir,
        rasa_port=int(env.get("RASA_PORT", "5005")),
        action_port=int(env.get("ACTION_PORT", "5055")),
        desk_port=int(env.get("DESK_PORT", "8081")),
        model_path=Path(env.get("MODEL_PATH", PROJECT_ROOT / "models" / "jobcenter.tar.gz")),
        action_host=env.get("ACTION_HOST", "127.0.0.1"),
        voice_port=int(env.get("VOICE_PORT", "8090")),
        audiosocket_port=int(env.get("AUDIOSOCKET_PORT", "9092")),
        embedded_redis_password="" if env.get("REDIS_URL") else secret(data_dir, "redis_password",
                                                                        env.get("EMBEDDED_REDIS_PASSWORD")),
        cors_origins=env.get("CORS_ORIGINS", ""),
        trusted_proxies=env.get("TRUSTED_PROXIES", ""),
    )


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
