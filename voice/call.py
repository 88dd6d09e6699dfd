"""One phone call (or browser voice session), independent of how audio arrives.

The transport (WebSocket, Asterisk AudioSocket) feeds caller audio and typed text in and gives the
call two callbacks: `emit(event)` for protocol events (typed, voice/events.py) and `play(pcm)` /
`clear()` for answer audio at the caller's rate. The call coordinates its stages: recognition and
turn-taking (voice/listening.py), the dialogue with Rasa (voice/dialogue.py), speaking and barge-in
(voice/speaking.py), silence prompts (voice/silence.py) and the agent bridge after a handover
(voice/bridge.py).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Awaitable, Callable

from bot.content import get_content
from bot.content import say as say_text
from bot.core.settings import VoiceSettings
from bot.knowledge.answers import template
from bot.safety.detect import must_be_seen
from voice.bridge import AgentBridge
from voice.capacity import REMIND_SECONDS, Lines
from voice.dialogue import Dialogue, OutboundContext
from voice.events import (
    BargeIn,
    Bot,
    Claimed,
    DeskReply,
    End,
    Final,
    HandedBack,
    HandoverState,
    Partial,
    ToCitizen,
    desk_event,
)
from voice.grammars import words_for
from voice.listening import Listener
from voice.readback import ReadBack, Step, keyed, value_in
from voice.silence import SilenceWatch
from voice.speaking import Clear, Emit, Play, Speaker
from voice.speech_text import speakable

if TYPE_CHECKING:
    from bot.handover.state import Handover

_SETTINGS = VoiceSettings.from_env()  # once per process
SILENCE_SECONDS = _SETTINGS.silence_seconds  # VOICE_SILENCE_SECONDS
SILENCE_PROMPTS = _SETTINGS.silence_prompts  # VOICE_SILENCE_PROMPTS: reprompts before the call ends
BARGE_IN_SECONDS = _SETTINGS.barge_in_ms / 1000  # VOICE_BARGE_IN_MS


def say(key: str) -> str:
    return template(get_content(), key)


class Call:
    """The coordinator: routes input to the stages, turns between them, and ends the call."""

    def __init__(self, call_id: str, rate: int, emit: Emit, play: Play, clear: Clear,
                 rasa_url: str, channel: str = "browser", handover: Handover | None = None,
                 outbound_id: str | None = None, on_end: Callable[[], Awaitable[None]] | None = None,
                 lines: Lines | None = None):
        self.id, self.rate, self.channel = call_id, rate, channel
        self.outbound = OutboundContext(outbound_id) if outbound_id else None
        self.on_end = on_end  # the transport's clean-up once the call has ended
        self.emit = emit
        self.listener = Listener(rate)
        self.speaker = Speaker(rate, emit, play, clear, self.listener.turn, BARGE_IN_SECONDS, self.listener.echo)
        self.readback = ReadBack(phone=channel == "phone")
        self.expect = ""  # what the caller's next words answer (voice/grammars.py kinds, or "confirm")
        self.silence = SilenceWatch(SILENCE_SECONDS, SILENCE_PROMPTS)
        self.dialogue = Dialogue(call_id, rasa_url)
        self.bridge = AgentBridge(call_id, handover)
        self.lines = lines  # VOICE_MAX_CALLS: a call beyond it waits for a line (voice/capacity.py)
        self.waiting = False  # in the queue for a line: audio is not recognised yet
        self.ended = False  # no more input or answers (hung up, or ended after silence)
        self._closed = False  # hang-up clean-up done
        self._watchdog = asyncio.create_task(self.silence.run(self.speaking, self._not_silent, self._reprompt,
                                                              self._end_after_silence))
        self._turns = asyncio.Lock()  # turns are answered in order, while audio keeps flowing
        self._pending: set[asyncio.Task] = set()

    def _answer(self, words: str, opening: bool = False, heard: bool = False, keys: bool = False) -> None:
        async def run() -> None:
            async with self._turns:
                if not self.ended:
                    await self.handle(words, opening, heard=heard, keys=keys)

        task = asyncio.create_task(run())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    # ------------------------------------------------------------------ input
    async def start(self) -> None:
        if self.lines is not None and not self.lines.try_take(self.id):
            self.waiting = True
            task = asyncio.create_task(self._wait_for_a_line())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
            return
        await self._begin()

    async def _wait_for_a_line(self) -> None:
        """All lines busy: a notice, a reminder every REMIND_SECONDS, then the call begins."""
        assert self.lines is not None
        await self._say_voice_text("voice.queue_notice")
        while not await self.lines.wait(self.id, REMIND_SECONDS):
            await self._say_voice_text("voice.queue_still")
        while self.speaking():  # the notice is not cut off by the greeting
            await asyncio.sleep(0.05)
        self.waiting = False
        self.silence.activity()
        await self._begin()

    async def _say_voice_text(self, key: str) -> None:
        text = say_text(key)
        await self.emit(Bot(text, text, []))
        await self.speak(text)

    async def _begin(self) -> None:
        if self.outbound is not None:  # the dialogue greets and checks the person before anything personal is said
            self._answer(self.outbound.opening(), opening=True)
        else:
            await self.announce("voice_greeting")

    async def announce(self, key: str) -> None:
        """A text of the voice dialogue itself (content/answers.yml), shown and spoken."""
        text = say(key)
        await self.emit(Bot(text, speakable(text), []))
        await self.speak(speakable(text))

    async def audio(self, pcm: bytes) -> None:
        if self.ended or self.waiting:
            return
        heard = await self.listener.hear(pcm, bot_speaking=self.speaking())
        if heard.speech:
            self.silence.speech()
        if heard.barge_seconds:
            if self.speaker.heard_speech(heard.barge_seconds):
                await self.speaker.stop()
                await self.emit(BargeIn())
        elif heard.decoded:
            self.speaker.heard_no_speech()
        if heard.partial:
            await self.emit(Partial(heard.partial))
        if heard.final is not None:
            self.listener.turn.speech_ended(heard.trailing)
            if heard.final:
                self.listener.turn.recognised()
                await self.emit(Final(heard.final))
                self._answer(heard.final, heard=True)
            else:
                await self.announce("voice_not_understood")

    async def text(self, text: str, as_speech: bool = False) -> None:
        """Words typed or given by the test harness at the dialogue boundary (documented in the protocol);
        `as_speech`: treated as recognised speech (read-back of identification values applies)."""
        text = text.strip()[:2000]
        if text and not self.ended and not self.waiting:
            self.silence.activity()
            self.listener.turn.typed()
            await self.emit(Final(text, typed=True))
            self._answer(text, heard=as_speech)

    async def keys(self, digits: str) -> None:
        """Digits keyed on the phone (DTMF, collected by the transport): a BG-Nummer or birth date where the
        dialogue asks for one (read back before it is passed on), 1/2 for yes/no during a read-back."""
        if digits and not self.ended and not self.waiting:
            self.silence.activity()
            self.listener.turn.typed()
            await self.emit(Final(keyed(self.expect, digits), typed=True))
            self._answer(digits, heard=True, keys=True)

    async def hangup(self) -> None:
        """The caller hung up: stop everything, leave the queue, free the recognizer."""
        if self._closed:
            return
        self._closed = self.ended = True
        if self.lines is not None:
            self.lines.release(self.id)  # the line (or the place in the queue) goes to the next caller
        self.speaker.close()
        for task in (self._watchdog, *self._pending):
            task.cancel()
        await self.dialogue.close()
        await self.bridge.hung_up()
        self.listener.close()
        if self.on_end is not None:
            await self.on_end()

    # ------------------------------------------------------------------ dialogue
    async def handle(self, words: str, opening: bool = False, heard: bool = False, keys: bool = False) -> None:
        if self.bridge.with_agent:
            await self.bridge.relay(keyed(self.expect, words) if keys else words)
            return
        if heard and not opening:
            if must_be_seen(words):  # a crisis or threat goes to the dialogue at once, nothing is held back
                step = Step(send=words)
                self.readback.value = None
            else:
                step = self.readback.heard(self.expect, words, keys=keys)
            if step.send is None:
                await self._say_step(step)
                return
            words = step.send
        if not opening:
            words = await self.bridge.shield(words)
            await self.bridge.record("citizen", words)
        message = words if opening else self.dialogue.message(words)
        started = time.monotonic()
        answers = await self.dialogue.ask(message)
        self.listener.turn.dialogue_took(started)
        if not answers:
            answers = [{"text": say("technical_problem")}]
        self.dialogue.offered(answers)
        await self._expect(self.dialogue.expect, self.dialogue.buttons if answers[-1].get("buttons") else [])
        for index, answer in enumerate(answers):
            text = answer.get("text") or ""
            buttons = answer.get("buttons") or []
            spoken = speakable(text, buttons)
            if index == len(answers) - 1 and self.channel == "phone" and self.expect in ("number", "date"):
                spoken = f"{spoken} {say_text(f'voice.keypad_{self.expect}')}"  # keypad entry, announced
            await self.bridge.record("bot", text)
            await self.emit(Bot(text, spoken, buttons))
            await self.speak(spoken)
        if (state := await self.bridge.waiting_or_with_agent()) is not None:
            await self.emit(state)

    async def _expect(self, expect: str, buttons: list[dict]) -> None:
        """The caller's next words answer this: recognition is restricted to what can be said there."""
        if not expect and buttons:
            titles = {str(b.get("title", "")).lower() for b in buttons}
            expect = "yes_no" if titles == {"ja", "nein"} else "options"
        self.expect = expect
        complete = (lambda text: value_in(expect, text) is not None) if expect in ("number", "date") else None
        if expect == "confirm":  # a read-back waits: yes/no, or a corrected value of the same kind
            words = [*words_for("yes_no"), *words_for(self.readback.kind)]
        else:
            words = words_for(expect, buttons)
        await self.listener.expecting(expect, words, complete)

    async def _say_step(self, step: Step) -> None:
        """A read-back question (or the request to say the value again), without asking the dialogue."""
        await self._expect(step.expect, [])
        recorded = step.say if self.readback.kind != "date" else say_text("voice.read_back", value="[Geburtsdatum]")
        await self.bridge.record("bot", recorded)
        await self.emit(Bot(step.say, step.say, []))
        await self.speak(step.say)

    async def on_handover_event(self, raw: dict) -> None:
        """Events from the agent desk (via Redis) about this call."""
        event = desk_event(raw)
        if isinstance(event, Claimed):
            self.bridge.with_agent = True
            await self.emit(HandoverState("agent"))
            await self.announce("voice_agent_joined")
        elif isinstance(event, ToCitizen):
            await self.emit(DeskReply(event.text, by_agent=event.role == "agent"))
            await self.speak(speakable(event.text))
        elif isinstance(event, HandedBack):
            self.bridge.with_agent = False
            await self.emit(HandoverState("bot"))

    # ------------------------------------------------------------------ speaking and silence
    def speaking(self) -> bool:
        return self.speaker.speaking()

    async def speak(self, text: str) -> None:
        if text and not self.ended:
            await self.speaker.say(text)

    def _not_silent(self) -> bool:
        """With an agent on the line, while the caller speaks or waits for a line, no silence prompts."""
        return self.bridge.with_agent or self.listener.in_speech() or self.waiting

    async def _reprompt(self) -> None:
        await self.announce("voice_reprompt")

    async def _end_after_silence(self) -> None:
        await self.announce("voice_goodbye_silence")
        while self.speaking():
            await asyncio.sleep(0.1)
        await self.emit(End("silence"))
        self.ended = True
