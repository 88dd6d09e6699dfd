"""Asterisk AudioSocket: a phone system sends each call as a TCP stream of small frames.

Frame: 1 byte kind, 2 bytes payload length (big-endian), payload. Kinds: 0x00 hang-up, 0x01 call UUID
(16 bytes), 0x03 DTMF digit, 0x10 audio (16-bit signed linear, 8 kHz, mono, little-endian), 0xff error.
The gateway answers with 0x10 audio frames of 20 ms, paced in real time, and 0x00 when it ends the call.
DTMF digits are collected: "#" sends them at once, "*" clears them, otherwise they are passed on (`Call.keys`) after
VOICE_DTMF_PAUSE_MS (1500) without a further key.
Dialplan: see docs/voice.md.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import uuid

from bot.core.settings import VoiceSettings
from voice.events import Bot, DeskReply, End, Event, Final, HandoverState, wire

logger = logging.getLogger("voice.audiosocket")

HANGUP, UUID, DTMF, AUDIO, ERROR = 0x00, 0x01, 0x03, 0x10, 0xFF
RATE = 8000
FRAME_BYTES = 320  # 20 ms at 8 kHz, 16 bit
MAX_PAYLOAD = 65535


DTMF_PAUSE_MS = VoiceSettings.from_env().dtmf_pause_ms  # VOICE_DTMF_PAUSE_MS: collected digits are sent after this pause without a further key
MAX_DTMF_DIGITS = 64  # keys beyond this are ignored until the digits are sent


def frame(kind: int, payload: bytes = b"") -> bytes:
    return struct.pack(">BH", kind, len(payload)) + payload


async def read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    header = await reader.readexactly(3)
    kind, length = struct.unpack(">BH", header)
    payload = await reader.readexactly(length) if length else b""
    return kind, payload


class AudioSocketCall:
    """Bridges one AudioSocket connection to a `voice.call.Call` made by `make_call`."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, make_call):
        self.reader, self.writer, self.make_call = reader, writer, make_call
        self.outgoing: asyncio.Queue[bytes] = asyncio.Queue()
        self.closed = False
        self.digits: list[str] = []  # DTMF keys pressed since the last text
        self._digit_timer: asyncio.TimerHandle | None = None
        self._digit_sends: set[asyncio.Task] = set()

    async def play(self, pcm: bytes) -> None:
        for i in range(0, len(pcm), FRAME_BYTES):
            chunk = pcm[i:i + FRAME_BYTES]
            self.outgoing.put_nowait(chunk.ljust(FRAME_BYTES, b"\0"))

    async def clear(self) -> None:
        while not self.outgoing.empty():
            self.outgoing.get_nowait()

    async def emit(self, event: Event) -> None:
        if isinstance(event, End):
            await self._drain_and_hang_up()
        elif isinstance(event, (Final, Bot, DeskReply, HandoverState)):
            logger.info("call event %s", wire(event)["type"])

    async def _pace(self) -> None:
        """Send one 20 ms frame every 20 ms, as a phone line plays it."""
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while not self.closed:
            chunk = await self.outgoing.get()
            next_at = max(next_at + 0.02, loop.time())
            self.writer.write(frame(AUDIO, chunk))
            await self.writer.drain()
            await asyncio.sleep(max(0.0, next_at - loop.time()))

    async def _drain_and_hang_up(self) -> None:
        while not self.outgoing.empty() and not self.closed:
            await asyncio.sleep(0.05)
        if not self.closed:
            self.writer.write(frame(HANGUP))
            await self.writer.drain()
            self.closed = True
            self.writer.close()

    async def _dtmf(self, call, key: str) -> None:
        """Collect a DTMF key: "#" sends the digits now, "*" clears them, a pause sends them."""
        if self._digit_timer is not None:
            self._digit_timer.cancel()
            self._digit_timer = None
        if key == "*":
            self.digits.clear()
        elif key == "#":
            text, self.digits = "".join(self.digits), []
            if text:
                await call.keys(text)
        else:
            if len(self.digits) < MAX_DTMF_DIGITS:
                self.digits.append(key)
            self._digit_timer = asyncio.get_running_loop().call_later(DTMF_PAUSE_MS / 1000, self._send_digits, call)

    def _send_digits(self, call) -> None:
        """The pause after the last key has passed: send the collected digits as one text."""
        self._digit_timer = None
        text, self.digits = "".join(self.digits), []
        if text and not self.closed:
            task = asyncio.get_running_loop().create_task(call.keys(text))
            self._digit_sends.add(task)
            task.add_done_callback(self._digit_sends.discard)

    def _drop_digits(self) -> None:
        if self._digit_timer is not None:
            self._digit_timer.cancel()
            self._digit_timer = None
        self.digits.clear()

    async def run(self) -> None:
        call = None
        pacer = asyncio.create_task(self._pace())
        try:
            kind, payload = await asyncio.wait_for(read_frame(self.reader), timeout=10)
            if kind != UUID or len(payload) != 16:
                self.writer.write(frame(ERROR, b"\x01"))
                return
            call = await self.make_call(f"call-{uuid.UUID(bytes=payload).hex}", RATE, self.emit, self.play, self.clear)
            if call is None:
                return
            await call.start()
            while not self.closed:
                kind, payload = await read_frame(self.reader)
                if kind == AUDIO:
                    await call.audio(payload)
                elif kind == DTMF and payload:
                    await self._dtmf(call, payload[:1].decode("ascii", "replace"))
                elif kind in (HANGUP, ERROR):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError):
            pass  # the caller hung up or the line broke
        finally:
            self.closed = True
            self._drop_digits()
            pacer.cancel()
            if call is not None:
                await call.hangup()
            try:
                self.writer.close()
            except (OSError, RuntimeError) as error:  # the socket is gone, or the event loop is closing
                logger.debug("audiosocket close: %s", type(error).__name__)
