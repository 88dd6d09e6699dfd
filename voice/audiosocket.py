"""Asterisk AudioSocket: a phone system sends each call as a TCP stream of small frames.

Frame: 1 byte kind, 2 bytes payload length (big-endian), payload. Kinds: 0x00 hang-up, 0x01 call UUID
(16 bytes), 0x03 DTMF digit, 0x10 audio (16-bit signed linear, 8 kHz, mono, little-endian), 0xff error.
The gateway answers with 0x10 audio frames of 20 ms, paced in real time, and 0x00 when it ends the call.
Dialplan: see docs/voice.md.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import uuid

logger = logging.getLogger("voice.audiosocket")

HANGUP, UUID, DTMF, AUDIO, ERROR = 0x00, 0x01, 0x03, 0x10, 0xFF
RATE = 8000
FRAME_BYTES = 320  # 20 ms at 8 kHz, 16 bit
MAX_PAYLOAD = 65535


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

    async def play(self, pcm: bytes) -> None:
        for i in range(0, len(pcm), FRAME_BYTES):
            chunk = pcm[i:i + FRAME_BYTES]
            self.outgoing.put_nowait(chunk.ljust(FRAME_BYTES, b"\0"))

    async def clear(self) -> None:
        while not self.outgoing.empty():
            self.outgoing.get_nowait()

    async def emit(self, event: dict) -> None:
        if event.get("type") == "end":
            await self._drain_and_hang_up()
        elif event.get("type") in ("final", "bot", "agent", "handover"):
            logger.info("call event %s", event.get("type"))

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
                    await call.text(payload[:1].decode("ascii", "replace"))
                elif kind in (HANGUP, ERROR):
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.TimeoutError):
            pass  # the caller hung up or the line broke
        finally:
            self.closed = True
            pacer.cancel()
            if call is not None:
                await call.hangup()
            try:
                self.writer.close()
            except Exception:
                pass
