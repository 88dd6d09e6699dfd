"""Outbound calls over the Asterisk Manager Interface, against a TCP server speaking the AMI protocol
(tests/asterisk_ami.py)."""

from __future__ import annotations

import asyncio
import logging
import socket
import uuid

import pytest

from bot.outbound.ami import AmiError, AmiSettings, OriginateResult, ami_settings, originate, parse_line
from tests.asterisk_ami import AmiTestServer, running_ami_server

SECRET = "s3cr3t-ami-passwort"
CALL_UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def settings(port: int, secret: str = SECRET, ring_seconds: int = 30) -> AmiSettings:
    return AmiSettings(host="127.0.0.1", port=port, username="assistant", secret=secret,
                       channel_template="PJSIP/{number}@jobcenter-trunk", ring_seconds=ring_seconds)


def originate_against(server_kwargs: dict, number: str = "+49221123456", **kwargs):
    """Start an AmiTestServer in this loop, originate once; returns (result or error, server)."""
    async def scenario():
        server = AmiTestServer(username="assistant", secret=SECRET, **server_kwargs)
        port = await server.start()
        try:
            try:
                result = await originate(settings(port, kwargs.pop("secret", SECRET)), number, CALL_UUID, **kwargs)
            except AmiError as error:
                result = error
            return result, server
        finally:
            await server.stop()

    return asyncio.run(scenario())


def test_answered_call_sends_the_originate_asterisk_needs():
    answered_with: list[dict[str, str]] = []

    async def on_answer(variables: dict[str, str]) -> None:
        answered_with.append(variables)

    with running_ami_server(username="assistant", secret=SECRET, outcome=4, on_answer=on_answer) as server:
        result = asyncio.run(originate(settings(server.port, ring_seconds=25), "0221 9876-0", CALL_UUID,
                                       variables={"JC_SESSION": "voice-abc"}))

    assert result == OriginateResult(answered=True, reason="answered", retry=False)
    login, action, logoff = server.actions
    assert login["Action"] == "Login" and login["Username"] == "assistant" and login["Events"] == "call"
    assert action["Action"] == "Originate"
    assert action["Channel"] == "PJSIP/022198760@jobcenter-trunk"
    assert (action["Context"], action["Exten"], action["Priority"]) == ("jobcenter-outbound", "s", "1")
    assert action["Async"] == "true" and action["Timeout"] == "25000"
    assert action["CallerID"] == "Jobcenter Musterstadt <0221000000>"
    assert action["ActionID"].startswith("jc-") and action["ActionID"] != login["ActionID"]
    assert action["Variable"] == [f"JC_CALL_UUID={CALL_UUID}", "JC_SESSION=voice-abc"]
    assert answered_with == [{"JC_CALL_UUID": CALL_UUID, "JC_SESSION": "voice-abc"}]
    assert logoff["Action"] == "Logoff"


@pytest.mark.parametrize("code, reason", [(3, "no_answer"), (5, "busy"), (8, "congestion"), (0, "failed"),
                                          (1, "failed")])
def test_unanswered_calls_may_be_tried_again(code, reason):
    result, server = originate_against({"outcome": code})
    assert result == OriginateResult(answered=False, reason=reason, retry=True)
    assert [a["Action"] for a in server.actions] == ["Login", "Originate", "Logoff"]


def test_unrelated_events_are_ignored():
    """Before our OriginateResponse the server sends a Newchannel event and another client's failed
    OriginateResponse (Reason 0); the result must come from the event with our ActionID."""
    result, _ = originate_against({"outcome": 5})
    assert result.reason == "busy"
    result, _ = originate_against({"outcome": 4})
    assert result.answered


def test_originate_refused_by_asterisk_is_not_retried():
    result, _ = originate_against({"originate_allowed": False})
    assert result == OriginateResult(answered=False, reason="rejected", retry=False)


def test_wrong_secret_is_a_login_error():
    error, server = originate_against({}, secret="falsch")
    assert isinstance(error, AmiError) and "login" in str(error).lower()
    assert [a["Action"] for a in server.actions] == ["Login"]  # no Originate after a refused login


def test_nothing_listening_is_an_ami_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(AmiError, match="connection"):
        asyncio.run(originate(settings(port), "0221123456", CALL_UUID))


def test_a_server_that_is_not_asterisk_is_an_ami_error():
    async def scenario():
        async def http(reader, writer):
            writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(http, "127.0.0.1", 0)
        try:
            await originate(settings(server.sockets[0].getsockname()[1]), "0221123456", CALL_UUID)
        finally:
            server.close()

    with pytest.raises(AmiError, match="protocol"):
        asyncio.run(scenario())


def test_no_originate_response_in_time_is_an_ami_error():
    error, _ = originate_against({"ring_delay": 5}, timeout=0.3)
    assert isinstance(error, AmiError) and "timeout" in str(error).lower()


@pytest.mark.parametrize("number, variables, call_uuid", [
    ("0221-ABC", None, CALL_UUID),
    ("0221123456\r\nAction: Command", None, CALL_UUID),
    ("", None, CALL_UUID),
    ("0221123456", {"JC_NOTE": "eins\nzwei"}, CALL_UUID),
    ("0221123456", {"JC_NOTE": "eins,zwei"}, CALL_UUID),
    ("0221123456", {"BAD NAME": "x"}, CALL_UUID),
    ("0221123456", None, "not-a-uuid"),
])
def test_bad_input_is_refused_before_connecting(number, variables, call_uuid):
    with running_ami_server(username="assistant", secret=SECRET) as server:
        with pytest.raises(ValueError):
            asyncio.run(originate(settings(server.port), number, call_uuid, variables=variables))
        assert server.connections == 0 and server.actions == []


def test_the_secret_is_never_logged(caplog):
    caplog.set_level(logging.DEBUG)
    result, _ = originate_against({"outcome": 4})
    error, _ = originate_against({}, secret=SECRET + "-falsch")
    assert result.answered and isinstance(error, AmiError)
    assert "AMI originate" in caplog.text  # something was logged
    assert SECRET not in caplog.text and SECRET not in str(error)
    assert SECRET not in repr(settings(5038))


def test_settings_from_the_environment():
    assert ami_settings({}) is None
    configured = ami_settings({"AMI_HOST": "10.0.0.2", "AMI_PORT": "5039", "AMI_USER": "assistant",
                               "AMI_SECRET": SECRET, "AMI_CHANNEL": "SIP/{number}@trunk",
                               "AMI_CONTEXT": "ausgehend", "AMI_CALLER_ID": "Jobcenter <0221>",
                               "AMI_RING_SECONDS": "20"})
    assert configured == AmiSettings(host="10.0.0.2", port=5039, username="assistant", secret=SECRET,
                                     channel_template="SIP/{number}@trunk", context="ausgehend",
                                     caller_id="Jobcenter <0221>", ring_seconds=20)
    defaults = ami_settings({"AMI_HOST": "127.0.0.1", "AMI_USER": "assistant", "AMI_SECRET": SECRET})
    assert defaults is not None and defaults.port == 5038 and defaults.context == "jobcenter-outbound"
    assert defaults.exten == "s" and defaults.priority == 1 and defaults.ring_seconds == 30
    for broken in ({"AMI_SECRET": ""}, {"AMI_PORT": "fünf"}, {"AMI_CHANNEL": "PJSIP/trunk"}):
        with pytest.raises(ValueError):
            ami_settings({"AMI_HOST": "127.0.0.1", "AMI_USER": "assistant", "AMI_SECRET": SECRET, **broken})


def test_values_may_contain_colons():
    assert parse_line("Data: AudioSocket: 127.0.0.1:9092") == ("Data", "AudioSocket: 127.0.0.1:9092")
    assert parse_line("Application:") == ("Application", "")
    assert parse_line("--END COMMAND--") is None
    assert str(uuid.UUID(CALL_UUID)) == CALL_UUID
