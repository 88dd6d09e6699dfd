"""Secrets off command lines, the Rasa wrapper's arguments, the embedded Redis configuration."""

from __future__ import annotations

import stat

import pytest

from bot.core.redis_server import embedded_command
from bot.core.settings import load_settings
from bot.runtime.rasa_server import rasa_arguments
from bot.runtime.run import commands, process_env


def test_a_token_starting_with_a_dash_is_still_a_value():
    """The bug seen on about one fresh install in 64: `--auth-token -X…` stopped argparse."""
    import argparse

    from rasa.cli.arguments.run import add_server_arguments

    args = rasa_arguments(["--port", "5005"], {"RASA_AUTH_TOKEN": "-Xabc", "CORS_ORIGINS": ""})
    parser = argparse.ArgumentParser()
    add_server_arguments(parser)
    parsed, _ = parser.parse_known_args(args[1:])
    assert parsed.auth_token == "-Xabc" and "--cors" not in args


def test_without_a_token_the_rasa_api_does_not_start():
    with pytest.raises(SystemExit):
        rasa_arguments([], {})


def test_cors_origins_are_only_the_configured_ones():
    args = rasa_arguments([], {"RASA_AUTH_TOKEN": "t", "CORS_ORIGINS": "https://www.jobcenter-musterstadt.de"})
    assert args[args.index("--cors") + 1:] == ["https://www.jobcenter-musterstadt.de"]


def test_no_command_line_holds_a_secret(tmp_path, monkeypatch):
    for name in ("RASA_AUTH_TOKEN", "REST_TOKEN", "ACTION_TOKEN", "INTERNAL_TOKEN", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    env = process_env(settings)
    secrets = [env[k] for k in ("RASA_AUTH_TOKEN", "REST_TOKEN", "ACTION_TOKEN", "INTERNAL_TOKEN")]
    secrets.append(settings.embedded_redis_password)
    assert all(secrets) and len(set(secrets)) == len(secrets)
    for command in commands(settings).values():
        assert not any(secret in command for secret in secrets), command
    for path in (tmp_path / "secrets").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_embedded_redis_keeps_its_password_in_a_private_file_and_never_evicts(tmp_path):
    command = embedded_command(6399, tmp_path / "redis", password="geheim")
    assert "geheim" not in " ".join(command)
    config = tmp_path / "redis" / "redis.conf"
    text = config.read_text()
    assert "requirepass geheim" in text and "maxmemory-policy noeviction" in text
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_make_run_reports_each_part_once_ready_and_the_banner_last():
    from bot.runtime.run import report_readiness

    ticks = {"t": 0.0}
    ready_at = {"Redis": 0.0, "Action-Server": 1.0, "Rasa (Modell geladen)": 3.0}
    checks = {name: (lambda at=at: ticks["t"] >= at) for name, at in ready_at.items()}
    lines: list[str] = []

    def sleep(seconds: float) -> None:
        ticks["t"] += seconds

    assert report_readiness(checks, lines.append, "BANNER", clock=lambda: ticks["t"], sleep=sleep)
    assert lines[:-1] == [f"  bereit: {name} ({at:.0f} s)" for name, at in ready_at.items()]
    assert lines[-1] == "BANNER" and len(lines) == 4


def test_make_run_names_the_parts_that_never_answer_and_shows_no_banner():
    from bot.runtime.run import report_readiness

    ticks = {"t": 0.0}
    lines: list[str] = []
    ok = report_readiness({"Redis": lambda: True, "Sprache": lambda: False}, lines.append, "BANNER", timeout=5,
                          clock=lambda: ticks["t"], sleep=lambda s: ticks.__setitem__("t", ticks["t"] + s))
    assert not ok and "BANNER" not in lines
    assert lines[-1].startswith("Noch nicht bereit") and "Sprache" in lines[-1] and "Redis" not in lines[-1]
