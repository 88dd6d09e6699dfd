"""The events of a call, typed: what the gateway tells the client (WebSocket protocol, docs/voice.md),
what the agent desk tells a call in a handover, and what a call tells the desk.

`wire()` is the one place that turns an event into the JSON-ready dict sent over the WebSocket (and
published to the desk); `desk_event()` is the one place that reads the desk's events. The transports
(voice/server.py, voice/audiosocket.py) receive the typed events and serialise or inspect them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

HandoverStateName = Literal["queued", "agent", "bot"]
EndReason = Literal["silence", "models_missing", "too_long"]


# ---------------------------------------------------------------------- gateway -> client
@dataclass(frozen=True)
class Ready:
    """The call is open; `session` is the conversation id in Rasa and the desk."""

    session: str
    rate: int


@dataclass(frozen=True)
class Partial:
    """Live transcript while the caller speaks."""

    text: str


@dataclass(frozen=True)
class Final:
    """The caller's utterance ended (recognised), or words were typed (`typed`)."""

    text: str
    typed: bool = False


@dataclass(frozen=True)
class Bot:
    """An answer of the assistant: screen text, the words actually spoken, its buttons."""

    text: str
    spoken: str
    buttons: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class DeskReply:
    """A line the desk sends to the caller during a handover: an agent's reply or a bot text."""

    text: str
    by_agent: bool


@dataclass(frozen=True)
class AudioStart:
    """Answer audio follows (binary frames at `rate`) until `AudioStop`."""

    rate: int


@dataclass(frozen=True)
class AudioStop:
    pass


@dataclass(frozen=True)
class BargeIn:
    """The caller spoke over the answer."""


@dataclass(frozen=True)
class DropAudio:
    """Drop answer audio not yet played (after a barge-in)."""


@dataclass(frozen=True)
class HandoverState:
    """The call waits for (`queued`), talks to (`agent`) or is back from (`bot`) a person."""

    state: HandoverStateName


@dataclass(frozen=True)
class Timing:
    """Per-turn figures in ms: end of speech -> final, Rasa, end of speech -> first answer audio.
    A figure the turn did not measure is left out."""

    asr_ms: int | None = None
    dialogue_ms: int | None = None
    first_audio_ms: int | None = None


@dataclass(frozen=True)
class Error:
    """A German explanation of a bad frame or event; the call goes on."""

    text: str


@dataclass(frozen=True)
class End:
    """The gateway ends the call."""

    reason: EndReason


Event = Union[Ready, Partial, Final, Bot, DeskReply, AudioStart, AudioStop, BargeIn, DropAudio, HandoverState,
              Timing, Error, End]


# ---------------------------------------------------------------------- call -> desk
@dataclass(frozen=True)
class CitizenMessage:
    """A transcript line of the caller (or a system note), published to the desks."""

    sender: str
    line: dict


# ---------------------------------------------------------------------- desk -> call
@dataclass(frozen=True)
class Claimed:
    """An agent took the call."""


@dataclass(frozen=True)
class ToCitizen:
    """A transcript line for the caller (`line` as the desk stored it: role, text, ...)."""

    role: str
    text: str


@dataclass(frozen=True)
class HandedBack:
    """The agent released or closed the handover: the assistant answers again."""

    closed: bool


DeskEvent = Union[Claimed, ToCitizen, HandedBack]


def wire(event: Event | CitizenMessage) -> dict:
    """The event as sent: a dict with "type" first, ready for JSON."""
    if isinstance(event, Ready):
        return {"type": "ready", "session": event.session, "rate": event.rate}
    if isinstance(event, Partial):
        return {"type": "partial", "text": event.text}
    if isinstance(event, Final):  # "typed" is only sent for typed words
        return {"type": "final", "text": event.text, "typed": True} if event.typed else \
            {"type": "final", "text": event.text}
    if isinstance(event, Bot):
        return {"type": "bot", "text": event.text, "spoken": event.spoken, "buttons": event.buttons}
    if isinstance(event, DeskReply):
        return {"type": "agent" if event.by_agent else "bot", "text": event.text}
    if isinstance(event, AudioStart):
        return {"type": "audio-start", "rate": event.rate}
    if isinstance(event, AudioStop):
        return {"type": "audio-stop"}
    if isinstance(event, BargeIn):
        return {"type": "barge-in"}
    if isinstance(event, DropAudio):
        return {"type": "drop-audio"}
    if isinstance(event, HandoverState):
        return {"type": "handover", "state": event.state}
    if isinstance(event, Timing):
        figures = {"asr_ms": event.asr_ms, "dialogue_ms": event.dialogue_ms, "first_audio_ms": event.first_audio_ms}
        return {"type": "timing", **{name: value for name, value in figures.items() if value is not None}}
    if isinstance(event, Error):
        return {"type": "error", "text": event.text}
    if isinstance(event, End):
        return {"type": "end", "reason": event.reason}
    if isinstance(event, CitizenMessage):
        return {"type": "citizen_message", "sender": event.sender, "line": event.line}
    raise TypeError(f"not a call event: {event!r}")


def desk_event(raw: dict) -> DeskEvent | None:
    """A desk event (bot/handover/state.py, via Redis) that concerns a call; None for all others."""
    kind = raw.get("type")
    if kind == "claimed":
        return Claimed()
    if kind == "to_citizen":
        line = raw.get("line") or {}
        return ToCitizen(role=line.get("role", ""), text=line.get("text", ""))
    if kind in ("released", "closed"):
        return HandedBack(closed=kind == "closed")
    return None
