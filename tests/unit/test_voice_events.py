"""The typed call events serialise to exactly the wire dicts the gateway sent before they were typed
(the literal dicts below are taken from voice/call.py, voice/server.py as they were), and the agent
desk's events are read as before."""

from __future__ import annotations

import json

import pytest

from voice.events import (
    AudioStart,
    AudioStop,
    BargeIn,
    Bot,
    CitizenMessage,
    Claimed,
    DeskReply,
    DropAudio,
    End,
    Error,
    Final,
    HandedBack,
    HandoverState,
    Partial,
    Ready,
    Timing,
    ToCitizen,
    desk_event,
    wire,
)
from voice.listening import TurnClock

BUTTONS = [{"title": "Ja", "payload": "/affirm"}, {"title": "Nein", "payload": "/deny"}]
LINE = {"id": 3, "ts": "2026-11-26T09:30:00", "role": "citizen", "text": "Hallo", "agent": ""}

CASES = [
    (Ready("voice-abc", 16000), {"type": "ready", "session": "voice-abc", "rate": 16000}),
    (Partial("hallo"), {"type": "partial", "text": "hallo"}),
    (Final("hallo welt"), {"type": "final", "text": "hallo welt"}),
    (Final("12345", typed=True), {"type": "final", "text": "12345", "typed": True}),
    (Bot("Guten Tag.", "Guten Tag.", []), {"type": "bot", "text": "Guten Tag.", "spoken": "Guten Tag.", "buttons": []}),
    (Bot("Passt das?", "Passt das? Sagen Sie ja oder nein.", BUTTONS),
     {"type": "bot", "text": "Passt das?", "spoken": "Passt das? Sagen Sie ja oder nein.", "buttons": BUTTONS}),
    (DeskReply("Ich schaue nach.", by_agent=True), {"type": "agent", "text": "Ich schaue nach."}),
    (DeskReply("Der Assistent ist wieder da.", by_agent=False), {"type": "bot", "text": "Der Assistent ist wieder da."}),
    (AudioStart(8000), {"type": "audio-start", "rate": 8000}),
    (AudioStop(), {"type": "audio-stop"}),
    (BargeIn(), {"type": "barge-in"}),
    (DropAudio(), {"type": "drop-audio"}),
    (HandoverState("queued"), {"type": "handover", "state": "queued"}),
    (HandoverState("agent"), {"type": "handover", "state": "agent"}),
    (HandoverState("bot"), {"type": "handover", "state": "bot"}),
    (Timing(asr_ms=120, dialogue_ms=340, first_audio_ms=610),
     {"type": "timing", "asr_ms": 120, "dialogue_ms": 340, "first_audio_ms": 610}),
    (Timing(asr_ms=0, dialogue_ms=5, first_audio_ms=9), {"type": "timing", "asr_ms": 0, "dialogue_ms": 5,
                                                         "first_audio_ms": 9}),
    (Timing(asr_ms=80, first_audio_ms=400), {"type": "timing", "asr_ms": 80, "first_audio_ms": 400}),
    (Timing(first_audio_ms=400), {"type": "timing", "first_audio_ms": 400}),
    (Error("Bitte zuerst ein start-Ereignis senden."),
     {"type": "error", "text": "Bitte zuerst ein start-Ereignis senden."}),
    (End("silence"), {"type": "end", "reason": "silence"}),
    (End("models_missing"), {"type": "end", "reason": "models_missing"}),
    (End("too_long"), {"type": "end", "reason": "too_long"}),
    (CitizenMessage("call-1", LINE), {"type": "citizen_message", "sender": "call-1", "line": LINE}),
]


@pytest.mark.parametrize(("event", "expected"), CASES, ids=[type(event).__name__ for event, _ in CASES])
def test_every_event_goes_on_the_wire_as_before(event, expected):
    sent = wire(event)
    assert sent == expected
    assert list(sent) == list(expected)  # same key order, "type" first: the same JSON text
    assert json.dumps(sent, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_every_event_type_is_covered():
    from voice import events

    covered = {type(event) for event, _ in CASES}
    assert covered == set(events.Event.__args__) | {CitizenMessage}  # type: ignore[attr-defined]


def test_wire_refuses_what_is_not_an_event():
    with pytest.raises(TypeError):
        wire({"type": "bot"})  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "expected"), [
    ({"type": "claimed", "sender": "call-1", "agent": "anna"}, Claimed()),
    ({"type": "to_citizen", "sender": "call-1", "line": {"role": "agent", "text": "Guten Tag"}},
     ToCitizen("agent", "Guten Tag")),
    ({"type": "to_citizen", "sender": "call-1", "line": {"role": "bot", "text": "Hinweis"}}, ToCitizen("bot", "Hinweis")),
    ({"type": "to_citizen", "sender": "call-1"}, ToCitizen("", "")),
    ({"type": "released", "sender": "call-1", "agent": "anna"}, HandedBack(closed=False)),
    ({"type": "closed", "sender": "call-1", "agent": ""}, HandedBack(closed=True)),
    ({"type": "queued", "sender": "call-1", "priority": "normal", "topic": ""}, None),
    ({"type": "citizen_message", "sender": "call-1", "line": LINE}, None),
    ({}, None),
])
def test_desk_events_are_read_as_before(raw, expected):
    assert desk_event(raw) == expected


def test_turn_timing_is_measured_once_per_turn():
    clock = TurnClock()
    assert clock.first_audio() is None  # the greeting: no turn
    clock.typed()
    clock.dialogue_took(clock.started or 0.0)
    first = clock.first_audio()
    assert first is not None and first.asr_ms == 0 and first.dialogue_ms is not None
    assert first.first_audio_ms is not None and clock.first_audio() is None
    clock.speech_ended(0.4)  # nothing understood: the previous figures stay, only the first audio is new
    again = clock.first_audio()
    assert again is not None and (again.asr_ms, again.dialogue_ms) == (first.asr_ms, first.dialogue_ms)
    assert again.first_audio_ms is not None and again.first_audio_ms >= 400
