"""All configuration through bot/core/settings.py: one table, documented in the README, parsed per area."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.core.settings import (
    BY_NAME,
    TOKEN_VARIABLES,
    VARIABLES,
    ActionServerSettings,
    ChatLimits,
    ContentSettings,
    DeskSettings,
    EndpointSettings,
    Env,
    OutboundSettings,
    Rate,
    RetentionSettings,
    SecuritySettings,
    SettingsError,
    VoiceSettings,
    load_settings,
)
from bot.mail.settings import mail_settings
from bot.outbound.ami import AmiSettings, ami_settings

SOURCES = ("bot", "actions", "voice")
# The only direct reads of os.environ outside bot/core/settings.py, each commented at its place:
# Python's own PYTHONWARNINGS, and the environment handed on to child processes.
ALLOWED_DIRECT = {"bot/runtime/run.py": 2, "bot/runtime/quiet.py": 1, "bot/runtime/rasa_cli.py": 1}
READ = re.compile(r"\.(?:text|optional|integer|number|port|rate|path|optional_path|items|choice|flag|token)"
                  r"\(\s*\"([A-Z][A-Z0-9_]*)\"")


def python_files():
    for folder in SOURCES:
        yield from sorted((PROJECT_ROOT / folder).rglob("*.py"))


def readme_rows() -> list[tuple[list[str], list[str]]]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration (environment variables)\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or cells[0] in ("variable", "---"):
            continue
        rows.append((re.findall(r"`([A-Z][A-Z0-9_]*)`", cells[0]), cells[1].split(" / ")))
    return rows


# ------------------------------------------------------------------------------------------------ documentation
def test_the_readme_documents_exactly_the_variables_of_the_table():
    documented = [name for names, _ in readme_rows() for name in names]
    assert len(documented) == len(set(documented)), "a variable is documented twice"
    table = {variable.name for variable in VARIABLES}
    assert sorted(table - set(documented)) == [], "in bot/core/settings.py VARIABLES, missing in the README"
    assert sorted(set(documented) - table) == [], "in the README, missing in bot/core/settings.py VARIABLES"
    assert len(VARIABLES) == len(BY_NAME)


def test_the_readme_shows_the_defaults_of_the_table():
    for names, defaults in readme_rows():
        if len(names) != len(defaults):
            continue  # one default for the whole row (generated, set by make run)
        for name, shown in zip(names, defaults):
            default = BY_NAME[name].default
            if default:  # "" and None: shown as empty, unset, – or how it is generated
                assert default in shown, f"README shows {shown!r} as {name}'s default, the table {default!r}"


def test_every_variable_the_code_reads_is_in_the_table_and_every_one_in_the_table_is_read():
    read: set[str] = set()
    for path in python_files():
        read |= set(READ.findall(path.read_text(encoding="utf-8")))
    read |= set(TOKEN_VARIABLES)  # SecuritySettings reads them by name; the channels name theirs (token_variable)
    for config in ("endpoints.yml", "credentials.yml"):  # Rasa substitutes ${NAME} (comments left out)
        text = re.sub(r"#.*", "", (PROJECT_ROOT / config).read_text(encoding="utf-8"))
        read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", text))
    read |= set(re.findall(r"\$\{?([A-Z][A-Z0-9_]*)", (PROJECT_ROOT / "bin" / "find-python").read_text()))
    assert sorted(read - set(BY_NAME)) == []
    assert sorted(set(BY_NAME) - read) == [], "documented, but read nowhere"


def test_no_module_reads_the_environment_directly():
    found = {}
    for path in python_files():
        name = path.relative_to(PROJECT_ROOT).as_posix()
        if name in ("bot/core/settings.py", "bot/core/variables.py"):  # the settings themselves
            continue
        count = len(re.findall(r"os\.environ|getenv|from os import environ", path.read_text(encoding="utf-8")))
        if count:
            found[name] = count
    assert found == ALLOWED_DIRECT


def test_an_undocumented_name_is_a_programming_error():
    with pytest.raises(KeyError, match="VARIABLES"):
        Env({}).text("NOT_DOCUMENTED")


# ------------------------------------------------------------------------------------------------ reading rules
def test_empty_numbers_and_paths_mean_the_default_but_empty_text_stays_empty():
    env = Env({"RASA_PORT": " ", "MODEL_PATH": "", "OUTBOUND_REMINDER_TIME": ""})
    assert env.port("RASA_PORT") == 5005
    assert env.path("MODEL_PATH") == PROJECT_ROOT / "models" / "jobcenter.tar.gz"
    assert env.text("OUTBOUND_REMINDER_TIME") == ""
    assert Env({"MODEL_PATH": "relative/model.tar.gz"}).path("MODEL_PATH") == Path("relative/model.tar.gz")


# ------------------------------------------------------------------------------------------------ areas
def test_server_settings(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "RASA_PORT": "6005", "REDIS_URL": "redis://r:6379/1"})
    assert (settings.data_dir, settings.rasa_port, settings.action_port, settings.desk_port) == (tmp_path, 6005, 5055,
                                                                                                   8081)
    assert settings.effective_redis_url == "redis://r:6379/1" and settings.embedded_redis_password == ""
    embedded = load_settings({"DATA_DIR": str(tmp_path)})
    assert embedded.embedded_redis_password and embedded.effective_redis_url.endswith("@127.0.0.1:6380/0")
    with pytest.raises(SettingsError, match=r"RASA_PORT must be a whole number from 1 to 65535, not 'fünf'"):
        load_settings({"DATA_DIR": str(tmp_path), "RASA_PORT": "fünf"})
    with pytest.raises(SettingsError, match="DESK_PORT"):
        load_settings({"DATA_DIR": str(tmp_path), "DESK_PORT": "70000"})


def test_action_server_settings():
    assert ActionServerSettings.from_env({}) == ActionServerSettings("127.0.0.1", 5055, "INFO")
    assert ActionServerSettings.from_env({"LOG_LEVEL": "debug"}).log_level == "DEBUG"
    with pytest.raises(SettingsError, match="LOG_LEVEL must be one of DEBUG"):
        ActionServerSettings.from_env({"LOG_LEVEL": "laut"})


def test_endpoint_settings():
    default = EndpointSettings.from_env({})
    assert default.rasa_url == "http://127.0.0.1:5005" and default.rasa_urls == ("http://127.0.0.1:5005",)
    assert default.public_url == "http://localhost:5005" and default.redis_url == "redis://127.0.0.1:6380/0"
    set_ = EndpointSettings.from_env({"RASA_PORT": "6000", "RASA_URLS": "http://a:5005/, http://b:5005",
                                      "PUBLIC_URL": "https://jc.example/", "REDIS_URL": "redis://r:6379/0"})
    assert set_.rasa_url == "http://127.0.0.1:6000" and set_.rasa_urls == ("http://a:5005", "http://b:5005")
    assert set_.public_url == "https://jc.example" and set_.redis_url == "redis://r:6379/0"
    with pytest.raises(SettingsError, match="RASA_PORT"):
        EndpointSettings.from_env({"RASA_PORT": "x"})


def test_security_settings():
    security = SecuritySettings.from_env({"REST_TOKEN": "-abc", "CORS_ORIGINS": " https://a.example, ,https://b"})
    assert security.token("REST_TOKEN") == "-abc" and security.token("INTERNAL_TOKEN") == ""
    assert security.cors_origins == ("https://a.example", "https://b") and security.trusted_proxies == ""
    with pytest.raises(KeyError):
        security.token("SMTP_PASSWORD")  # only the token variables


def test_chat_limits():
    assert ChatLimits.from_env({}) == ChatLimits(Rate(15, 10), Rate(300, 60), Rate(600, 86400))
    assert ChatLimits.from_env({"CHAT_LIMIT_PER_ADDRESS": "5/1"}).per_address == Rate(5, 1)
    for bad in ("15", "15/0", "a/b", "15/10/2"):
        with pytest.raises(SettingsError, match=r"CHAT_LIMIT_PER_SESSION must be count/seconds .* e\.g\. 15/10"):
            ChatLimits.from_env({"CHAT_LIMIT_PER_SESSION": bad})


def test_desk_settings(tmp_path):
    desk = DeskSettings.from_env({"DATA_DIR": str(tmp_path), "DESK_ALLOWED_ORIGINS": "https://Desk.example/",
                                  "DESK_BEHIND_TLS_PROXY": "1"})
    assert desk.users_file == tmp_path / "desk_users.json" and desk.allowed_origins == {"https://desk.example"}
    assert desk.behind_tls_proxy and (desk.host, desk.port, desk.access_log_max) == ("127.0.0.1", 8081, 1000000)
    assert (desk.limit_per_address, desk.login_limit_per_address) == (Rate(600, 60), Rate(10, 900))
    assert DeskSettings.from_env({"DESK_USERS_FILE": "/srv/users.json"}).users_file == Path("/srv/users.json")
    assert not DeskSettings.from_env({}).behind_tls_proxy
    with pytest.raises(SettingsError, match="DESK_BEHIND_TLS_PROXY must be 1 .* not 'yes'"):
        DeskSettings.from_env({"DESK_BEHIND_TLS_PROXY": "yes"})
    with pytest.raises(SettingsError, match="DESK_ACCESS_LOG_MAX must be a whole number of at least 1"):
        DeskSettings.from_env({"DESK_ACCESS_LOG_MAX": "0"})


def test_retention_settings():
    assert RetentionSettings.from_env({}) == RetentionSettings(90, 90)
    assert RetentionSettings.from_env({"CASE_RETENTION_DAYS": "30"}).case_days == 30
    with pytest.raises(SettingsError, match="APPOINTMENT_RETENTION_DAYS must be a whole number"):
        RetentionSettings.from_env({"APPOINTMENT_RETENTION_DAYS": "90 Tage"})


def test_content_settings(tmp_path):
    assert ContentSettings.from_env({}) == ContentSettings(None, PROJECT_ROOT / "data" / "nlu" / "de")
    assert ContentSettings.from_env({"CONTENT_DIR": str(tmp_path)}).content_dir == tmp_path


def test_outbound_settings():
    assert OutboundSettings.from_env({}) == OutboundSettings(dt.time(15, 0), 15.0)
    assert OutboundSettings.from_env({"OUTBOUND_REMINDER_TIME": " "}).reminder_time is None  # off
    with pytest.raises(SettingsError, match="OUTBOUND_REMINDER_TIME must be a time HH:MM"):
        OutboundSettings.from_env({"OUTBOUND_REMINDER_TIME": "15 Uhr"})
    with pytest.raises(SettingsError, match="OUTBOUND_INTERVAL must be a number of at least 0.1"):
        OutboundSettings.from_env({"OUTBOUND_INTERVAL": "0"})


def test_voice_settings():
    voice = VoiceSettings.from_env({})
    assert voice.vosk_model == PROJECT_ROOT / "voice" / "models" / "vosk-model-small-de-0.15"
    assert voice.piper_voice == PROJECT_ROOT / "voice" / "models" / "de_DE-thorsten-medium.onnx"
    assert (voice.silence_seconds, voice.silence_prompts, voice.end_silence_ms, voice.barge_in_ms) == (8, 2, 250, 250)
    assert (voice.dtmf_pause_ms, voice.port, voice.audiosocket_port) == (1500, 8090, 9092)
    assert (voice.end_silence_long_ms, voice.vad_threshold, voice.vad_barge_threshold, voice.echo_margin_db) == (
        1100, 0.5, 0.8, 3)
    assert (voice.max_calls, voice.decode_workers, voice.speech_cache_mb) == (8, 0, 64)
    with pytest.raises(SettingsError, match="VOICE_MAX_CALLS must be a whole number of at least 1"):
        VoiceSettings.from_env({"VOICE_MAX_CALLS": "0"})
    with pytest.raises(SettingsError, match="VOICE_DTMF_PAUSE_MS must be a whole number of at least 1, not '0'"):
        VoiceSettings.from_env({"VOICE_DTMF_PAUSE_MS": "0"})
    with pytest.raises(SettingsError, match="VOICE_SILENCE_SECONDS must be a number"):
        VoiceSettings.from_env({"VOICE_SILENCE_SECONDS": "acht"})


def test_mail_settings_read_through_the_table():
    mail = mail_settings({"DATA_DIR": "/srv/jc"})
    assert mail.mail_from == BY_NAME["MAIL_FROM"].default and mail.timeout == 20.0
    assert mail.max_attachment_bytes == 10 * 2**20 and mail.maildrop_dir == Path("/srv/jc/mail/eingang")
    with pytest.raises(SettingsError, match="SMTP_PORT must be a whole number from 1 to 65535, not '25a'"):
        mail_settings({"SMTP_PORT": "25a"})
    with pytest.raises(SettingsError, match="SMTP_TIMEOUT"):
        mail_settings({"SMTP_TIMEOUT": "lange"})


def test_ami_defaults_are_the_tables():
    ami = ami_settings({"AMI_HOST": "pbx", "AMI_USER": "u", "AMI_SECRET": "s"})
    assert ami == AmiSettings(host="pbx", username="u", secret="s")  # the dataclass's defaults ...
    assert ami is not None and (str(ami.port), ami.channel_template, ami.context, ami.caller_id, str(ami.ring_seconds)) \
        == tuple(BY_NAME[name].default for name in ("AMI_PORT", "AMI_CHANNEL", "AMI_CONTEXT", "AMI_CALLER_ID",
                                                    "AMI_RING_SECONDS"))  # ... are the table's
    with pytest.raises(SettingsError, match="AMI_RING_SECONDS must be a whole number from 1 to 600"):
        ami_settings({"AMI_HOST": "pbx", "AMI_USER": "u", "AMI_SECRET": "s", "AMI_RING_SECONDS": "0"})
