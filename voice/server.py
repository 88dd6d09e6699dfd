"""The voice gateway process: WebSocket protocol (docs/voice.md), browser voice page, Asterisk
AudioSocket listener, and the relay of agent-desk events to calls in a handover.

    python -m voice.server      (started by `make run`; VOICE_PORT 8090, AUDIOSOCKET_PORT 9092)

Without the speech models the gateway still starts, reports them missing on /health and in the log
(naming `make models`) and answers callers with a German notice; the rest of the assistant runs on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import redis
from aiohttp import WSMsgType, web

from bot.core.redact import install_log_redaction
from bot.core.settings import EndpointSettings, Env, VoiceSettings
from bot.core.webheaders import security_headers
from voice import models, vad
from voice.audio import SUPPORTED_RATES
from voice.audiosocket import AudioSocketCall
from voice.capacity import Lines
from voice.events import End, Error, Event, Ready, wire

if TYPE_CHECKING:
    from voice.call import Call

logger = logging.getLogger("voice")
STATIC = Path(__file__).resolve().parent / "static"
MAX_FRAME_BYTES = 48000 * 2  # one second at the highest rate
MAX_CALL_SECONDS = 3600
KEYS = re.compile(r"[0-9#]{1,64}")  # keypad digits of a phone client (DTMF), as AudioSocket passes them
MAX_TEXT_CHARS = 5000  # typed words, as in the chat channels
AUDIO_BURST_SECONDS = 15  # audio may arrive ahead of real time by this much (buffers, tests), not more
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; "
                               "media-src 'self' blob:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self)",
}


class Gateway:
    def __init__(self, rasa_url: str, redis_url: str | None):
        self.rasa_url = rasa_url
        self.redis_url = redis_url
        self.calls: dict[str, Call] = {}
        self.lines = Lines(VoiceSettings.from_env().max_calls)  # VOICE_MAX_CALLS; more callers wait in a queue
        self.handover = None
        self.outbound = None
        if redis_url:
            from bot.handover.state import Handover
            from bot.outbound.store import OutboundStore

            client = redis.Redis.from_url(redis_url)
            self.handover = Handover(client)
            self.outbound = OutboundStore(client)

    async def make_call(self, call_id: str, rate: int, emit, play, clear, channel: str = "phone"):
        """A new call, or None (after telling the caller) when the models are missing."""
        from voice.call import Call, say

        if problems := models.missing():
            logger.error("voice: %s", " ".join(problems))
            await emit(Error(say("voice_unavailable")))
            await emit(End("models_missing"))
            return None
        contact = None
        if self.outbound is not None and call_id.startswith("call-"):  # an outgoing call the citizen answered?
            contact = await asyncio.to_thread(self.outbound.contact_for_sender, call_id)

        async def ended() -> None:
            self.calls.pop(call_id, None)
            if contact is not None:
                await asyncio.to_thread(self._outbound_ended, contact.id)

        call = Call(call_id, rate, emit, play, clear, self.rasa_url, channel=channel, handover=self.handover,
                    outbound_id=contact.id if contact else None, on_end=ended, lines=self.lines)
        self.calls[call_id] = call
        return call

    def _outbound_ended(self, contact_id: str) -> None:
        """An outgoing call ended before the message was given: recorded, not retried."""
        from bot.core.clock import now_local

        if self.outbound is None:  # only an outgoing call has a contact, and only with Redis
            return
        contact = self.outbound.contact(contact_id)
        if contact is not None and contact.status == "calling":
            self.outbound.record(contact, now_local(), "aufgelegt",
                                 "Anruf beendet, bevor die Nachricht übermittelt war", False, "not_confirmed")

    # ------------------------------------------------------------------ WebSocket protocol
    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_FRAME_BYTES + 1024)
        await ws.prepare(request)
        call = None
        started = asyncio.get_running_loop().time()
        audio_seconds, warned = 0.0, False

        async def emit(event: Event) -> None:
            if not ws.closed:
                await ws.send_json(wire(event))

        async def play(pcm: bytes) -> None:
            if not ws.closed:
                await ws.send_bytes(pcm)

        async def clear() -> None:
            return None  # the client drops its queued audio on the "drop-audio" event

        try:
            async for message in ws:
                if asyncio.get_running_loop().time() - started > MAX_CALL_SECONDS:
                    await emit(End("too_long"))
                    break
                if message.type == WSMsgType.TEXT:
                    try:
                        event = json.loads(message.data)
                        kind = event.get("type") if isinstance(event, dict) else None
                    except json.JSONDecodeError:
                        kind = None
                    if kind == "start" and call is None:
                        rate = event.get("rate")
                        if rate not in SUPPORTED_RATES:
                            await emit(Error("Nicht unterstützte Abtastrate; erlaubt sind "
                                             "8000, 16000 und 48000 Hz (16 Bit, mono)."))
                            continue
                        channel = "browser" if event.get("channel") == "browser" else "phone"
                        call = await self.make_call(f"voice-{secrets.token_urlsafe(18)}", rate, emit, play, clear,
                                                    channel)
                        if call is None:
                            break
                        await emit(Ready(call.id, rate))
                        await call.start()
                    elif kind == "text" and call is not None and isinstance(event.get("text"), str):
                        if len(event["text"]) > MAX_TEXT_CHARS:
                            await emit(Error(f"Der Text ist zu lang (höchstens {MAX_TEXT_CHARS} "
                                             "Zeichen). Bitte fassen Sie sich kürzer."))
                        else:
                            await call.text(event["text"], as_speech=event.get("as_speech") is True)
                    elif kind == "keys" and call is not None and isinstance(event.get("digits"), str):
                        digits = event["digits"]
                        if not KEYS.fullmatch(digits):
                            await emit(Error("Tasten ungültig: erlaubt sind 0 bis 9, * und # (höchstens 64)."))
                        elif digits.rstrip("#"):
                            await call.keys(digits.rstrip("#"))
                    elif kind == "hangup":
                        break
                    else:
                        await emit(Error("Unbekanntes oder unvollständiges Ereignis; "
                                         "erwartet: start, text, keys, hangup oder Audio."))
                elif message.type == WSMsgType.BINARY:
                    if call is None:
                        await emit(Error("Bitte zuerst ein start-Ereignis senden."))
                    elif len(message.data) > MAX_FRAME_BYTES or len(message.data) % 2:
                        await emit(Error("Audio-Block ungültig (16 Bit, höchstens 1 Sekunde)."))
                    elif audio_seconds > asyncio.get_running_loop().time() - started + AUDIO_BURST_SECONDS:
                        if not warned:  # a flood: far more audio than time has passed; dropped, told once
                            await emit(Error("Es kommt mehr Audio an, als gesprochen werden "
                                             "kann; Audio wird verworfen."))
                            warned = True
                    else:
                        audio_seconds += len(message.data) / 2 / call.rate
                        warned = False
                        await call.audio(message.data)
                    if call is not None and call.ended:
                        break
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            if call is not None:
                await call.hangup()
            if not ws.closed:
                await ws.close()
        return ws

    # ------------------------------------------------------------------ AudioSocket
    async def audiosocket(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await AudioSocketCall(reader, writer, self.make_call).run()

    # ------------------------------------------------------------------ agent desk events
    async def relay(self) -> None:
        from bot.core.relay import relay
        from bot.handover.state import EVENTS

        if self.redis_url:
            await relay(self.redis_url, EVENTS, self.on_handover_event, name="voice relay")

    async def on_handover_event(self, event: dict) -> None:
        call = self.calls.get(event.get("sender", ""))
        if call is not None:
            await call.on_handover_event(event)

    # ------------------------------------------------------------------ pages
    async def page(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def health(self, request: web.Request) -> web.Response:
        problems = models.missing()
        return web.json_response({"status": "ok" if not problems else "models_missing", "problems": problems,
                                  "calls": len(self.lines.active), "waiting": len(self.lines.waiting),
                                  "max_calls": self.lines.limit})


def create_app(gateway: Gateway) -> web.Application:
    app = web.Application(middlewares=[security_headers(HEADERS)])
    app.router.add_get("/", gateway.page)
    app.router.add_get("/health", gateway.health)
    app.router.add_get("/ws", gateway.websocket)
    app.router.add_static("/static", STATIC)

    async def start_background(app: web.Application) -> None:
        app["relay"] = asyncio.create_task(gateway.relay())
        settings = VoiceSettings.from_env()
        app["audiosocket"] = await asyncio.start_server(gateway.audiosocket, settings.audiosocket_host,
                                                        settings.audiosocket_port)
        if problems := models.missing():
            logger.error("Sprachmodelle fehlen, Anrufe bekommen einen Hinweis: %s", " ".join(problems))
        else:
            await asyncio.to_thread(models.recognizer_model)  # load once, before the first call
            await asyncio.to_thread(models.synthesizer)
            await asyncio.to_thread(vad.load)

    async def stop_background(app: web.Application) -> None:
        app["relay"].cancel()
        app["audiosocket"].close()

    # aiohttp 3.9 annotates its signals for the older aiosignal; aiosignal 1.4's Signal takes the argument types
    app.on_startup.append(start_background)  # type: ignore[arg-type]
    app.on_cleanup.append(stop_background)  # type: ignore[arg-type]
    return app


def main() -> None:
    install_log_redaction()
    logging.basicConfig(level=logging.INFO)
    settings = VoiceSettings.from_env()
    # without REDIS_URL no handover events reach calls (RASA_URL: else http://127.0.0.1:RASA_PORT)
    gateway = Gateway(EndpointSettings.from_env().rasa_url, Env().optional("REDIS_URL"))
    web.run_app(create_app(gateway), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
