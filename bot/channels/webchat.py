"""Handover-aware web chat channel (socket.io) for the chat widget.

Registered in credentials.yml as `bot.channels.webchat.WebchatInput`. Differences to Rasa's
socket.io channel:
- every message (citizen, bot, agent, system) goes into the conversation's transcript in Redis with a
  number, so a reloaded or reconnected widget asks for what it missed (`history`) and nothing is
  shown twice;
- while a human agent owns (or the queue holds) the conversation, citizen messages go to the agent
  desk through Redis pub/sub and the bot sends nothing;
- agent messages, typing and queue updates published by any process reach the citizen's socket on
  whichever Rasa process it is connected to.
Session ids are created by the server (unguessable); a client can only resume a session it knows.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable

import redis
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncServer

from bot.content import say
from bot.core.clock import now_local as _local_now
from bot.core.netaddr import client_address
from bot.core.ratelimit import citizen_checks, shared_limiter
from bot.core.redis_server import redis_url
from bot.core.relay import relay
from bot.handover.state import EVENTS, Handover
from bot.identity.guard import shield
from bot.languages.context import speaking
from bot.languages.localize import placeholders
from bot.languages.registry import GERMAN, get_catalog
from bot.languages.widget import read_widget_texts
from bot.safety.detect import must_be_seen
from bot.safety.response import crisis_while_with_person

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
                               "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MAX_MESSAGE_CHARS = 5000
ANSWER_TIMEOUT = 15  # seconds until the citizen gets an apology instead of silence
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


@lru_cache(maxsize=1)
def _handover() -> Handover:
    """One Handover (and Redis connection pool) per process, created on first use."""
    from bot.core.redis_server import redis_client

    return Handover(redis_client())


def _apology() -> str:
    from bot.content import get_content
    from bot.knowledge.answers import template

    return template(get_content(), "technical_problem")


RESUME_SECONDS = 30 * 24 * 3600
RATING_SECONDS = 24 * 3600  # how long after a conversation with a person it can be rated


def _resume_key(session_id: str) -> str:
    return f"wc:resume:{session_id}"


def _remember_resume(client: redis.Redis, session_id: str, secret: str) -> None:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    client.set(_resume_key(session_id), digest, ex=RESUME_SECONDS)


def _resume_ok(client: redis.Redis, session_id: str, secret: str) -> bool:
    stored = client.get(_resume_key(session_id))
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return stored is not None and hmac.compare_digest(stored.decode(), digest)


def _remember_buttons(client: redis.Redis, session_id: str, buttons: list[dict], line_id: int) -> None:
    """The last buttons offered and the transcript line they belong to (restored after a reload)."""
    offered = [{"title": str(b.get("title")), "payload": str(b.get("payload"))} for b in buttons if b.get("payload")]
    client.set(f"wc:buttons:{session_id}", json.dumps({"line": line_id, "buttons": offered}, ensure_ascii=False),
               ex=RESUME_SECONDS)


def _offered(client: redis.Redis, session_id: str) -> dict[str, Any]:
    raw = client.get(f"wc:buttons:{session_id}")
    data = json.loads(raw) if raw else {}
    return data if isinstance(data, dict) and isinstance(data.get("buttons"), list) else {}


def _button_title(client: redis.Redis, session_id: str, text: str) -> str | None:
    return next((b["title"] for b in _offered(client, session_id).get("buttons", []) if b["payload"] == text), None)


def _with_buttons(client: redis.Redis, session_id: str, lines: list[dict]) -> list[dict]:
    """History lines with the buttons of the last bot line put back when nothing came after that line but
    other bot lines (a reloaded widget offers the same choices again)."""
    offered = _offered(client, session_id)
    if not offered or not lines:
        return lines
    for line in reversed(lines):
        if line.get("id") == offered.get("line"):
            line["buttons"] = offered["buttons"]
            break
        if line.get("role") != "bot":
            break
    return lines


def _allow_rating(client: redis.Redis, session_id: str, agent: str) -> None:
    client.set(f"wc:rate:{session_id}", agent, ex=RATING_SECONDS)


def _rate(client: redis.Redis, session_id: str, stars: Any, comment: Any) -> bool:
    """A citizen's rating of the conversation with a person that just ended (the agent is the one the
    closing event named, never what the client says); one per conversation."""
    from bot.handover.ratings import RatingStore

    agent = client.get(f"wc:rate:{session_id}")
    if agent is None or not isinstance(stars, int) or isinstance(stars, bool):
        return False
    comment = comment if isinstance(comment, str) else ""
    if not RatingStore(client).add(session_id, agent.decode(), stars, comment[:MAX_MESSAGE_CHARS], _local_now()):
        return False
    client.delete(f"wc:rate:{session_id}")
    return True


def _greeting() -> tuple[str, list[dict]]:
    """The greeting and topic buttons of content/answers.yml (`greet`), shown when a chat opens."""
    from bot.content import get_content
    from bot.knowledge.answers import answer_for_intent

    reply = answer_for_intent(get_content(), "greet")
    if reply is None:
        return "", []
    return reply.text, [{"title": b.title, "payload": b.payload} for b in reply.buttons]


def _legal_links() -> list[dict]:
    from bot.content import get_content
    from bot.content.specs import LEGAL_PAGES

    legal = get_content().legal
    # `key`: the widget shows the title in its language (content/languages/widget.yml, legal_<key>)
    return [{"key": key, "title": title, "href": legal[key]} for key, title in LEGAL_PAGES.items() if key in legal]


def language_marks(code: object) -> dict[str, str]:
    """`language`, `lang` and `dir` of a bot message in a conversation's language (the action server names it,
    bot/runtime/action_server.py); nothing for an unknown code. The widget sets them on the message."""
    language = get_catalog().languages.get(code) if isinstance(code, str) else None
    if language is None:
        return {}
    return {"language": language.code, "lang": language.lang_attribute, "dir": language.direction}


def widget_language(data: dict) -> str | None:
    """The language the widget asks for (the browser's or the switcher's), when supported."""
    code = data.get("language")
    return code if isinstance(code, str) and code in get_catalog().languages else None


# -- the widget's own texts per language (content/languages/widget.yml), put into the page when it is served --

WIDGET_TEXTS = "widget.yml"
SWITCH = re.compile(r'^/set_language\{\s*"language"\s*:\s*"([A-Za-z_-]{1,16})"\s*\}$')


def widget_texts_path() -> Path:
    from bot.content.load import content_dir

    return content_dir() / "languages" / WIDGET_TEXTS


def widget_config(texts: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What the widget needs: the supported languages (switcher, `lang`, `dir`) and for each language every
    German key, in that language where a usable translation exists (variants fall back to their base first)."""
    catalog = get_catalog()
    german = texts.get(GERMAN, {})
    merged: dict[str, dict[str, str]] = {}
    for code, language in catalog.languages.items():
        chain = [c for c in (code, language.variant_of) if c and c != GERMAN]
        table = dict(german)
        for source in reversed(chain):
            table.update({key: text for key, text in texts.get(source, {}).items()
                          if key in german and placeholders(text) == placeholders(german[key])})
        merged[code] = table
    return {"default": catalog.default if catalog.default in catalog.languages else GERMAN,
            "languages": [{"code": code, "native": language.native, "lang": language.lang_attribute,
                           "dir": language.direction, "variant": bool(language.variant_of)}
                          for code, language in catalog.languages.items()],
            "texts": merged}


@lru_cache(maxsize=4)
def _widget_config(texts_mtime: float, languages_mtime: float) -> dict[str, Any]:
    texts, problems = read_widget_texts(widget_texts_path())
    for problem in problems:
        logger.error("webchat: widget texts: %s", problem)
    return widget_config(texts)


def widget_texts() -> dict[str, Any]:
    """The widget's configuration (`texts.json`), read again when widget.yml changed."""
    path = widget_texts_path()
    languages = path.with_name("languages.yml")
    return _widget_config(path.stat().st_mtime if path.exists() else 0.0,
                          languages.stat().st_mtime if languages.exists() else 0.0)


def switch_title(text: str) -> str | None:
    """The native name of the language the widget's switcher asks for (`/set_language{"language": "uk"}`), shown
    in the transcript instead of the payload."""
    match = SWITCH.match(text.strip())
    language = get_catalog().languages.get(match.group(1)) if match else None
    return language.native if language else None


class WebchatOutput(OutputChannel):
    """Sends bot messages to the citizen's room and records them in the transcript."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def __init__(self, sio: AsyncServer, handover: Handover):
        self.sio = sio
        self.handover = handover
        self.sent = 0

    async def _emit(self, recipient_id: str, payload: dict) -> None:
        self.sent += 1
        line = await asyncio.to_thread(self.handover.add_line, recipient_id, "bot", payload.get("text", ""))
        payload.update(id=line["id"], ts=line["ts"], role="bot")
        if payload.get("buttons"):
            line["buttons"] = payload["buttons"]
            await asyncio.to_thread(_remember_buttons, self.handover.redis, recipient_id, payload["buttons"],
                                    line["id"])
        await self.sio.emit("bot_uttered", payload, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        marks = language_marks(kwargs.get("language"))
        for part in text.strip().split("\n\n"):
            await self._emit(recipient_id, {"text": part, **marks})

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: list[dict], **kwargs: Any) -> None:
        marks = language_marks(kwargs.get("language"))
        parts = text.strip().split("\n\n")
        for part in parts[:-1]:
            await self._emit(recipient_id, {"text": part, **marks})
        await self._emit(recipient_id, {"text": parts[-1], **marks,
                                        "buttons": [{"title": b["title"], "payload": b["payload"]} for b in buttons]})

    async def send_custom_json(self, recipient_id: str, json_message: dict, **kwargs: Any) -> None:
        await self.sio.emit("bot_uttered", json_message, room=recipient_id)


class WebchatInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "WebchatInput":
        return cls()

    def __init__(self) -> None:
        self.sio: AsyncServer | None = None
        self._listener: asyncio.Task | None = None

    def get_output_channel(self) -> OutputChannel | None:
        return WebchatOutput(self.sio, _handover()) if self.sio else None

    async def _relay_events(self, sio: AsyncServer) -> None:
        """Forward handover events from any process to the sockets connected here."""

        async def on_event(event: dict) -> None:
            await self._on_event(sio, event)

        await relay(redis_url(), EVENTS, on_event, name="handover event relay")

    async def _on_event(self, sio: AsyncServer, event: dict) -> None:
        kind, sender = event.get("type"), event.get("sender")
        if kind == "to_citizen" and sender:
            await sio.emit("bot_uttered", event["line"], room=sender)
        elif kind == "agent_typing" and sender:
            await sio.emit("typing", {"role": "agent", "typing": bool(event.get("typing"))}, room=sender)
        if kind in ("queued", "claimed", "released", "closed"):
            await self._send_queue_status(sio)
        if kind in ("claimed", "released", "closed") and sender:
            # after a person's conversation the citizen may rate it (bot/handover/ratings.py), once
            rate = kind in ("released", "closed") and bool(event.get("agent"))
            if rate:
                await asyncio.to_thread(_allow_rating, _handover().redis, sender, str(event["agent"]))
            await sio.emit("handover", {"state": "agent" if kind == "claimed" else "bot", "rate": rate}, room=sender)

    async def _send_queue_status(self, sio: AsyncServer) -> None:
        from bot.handover.routing import wait_estimate_minutes

        handover = _handover()
        entries = await asyncio.to_thread(handover.queue)
        agents = max(1, len(await asyncio.to_thread(handover.agents_online)))
        for position, entry in enumerate(entries, start=1):
            await sio.emit("handover", {"state": "queued", "position": position,
                                        "minutes": wait_estimate_minutes(position, agents)}, room=entry.sender)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        self.sio = sio
        channel = self
        webchat = _SocketBlueprint(sio, "/webchat/socket.io", "webchat", __name__)

        @webchat.listener("after_server_start")
        async def start_relay(app, loop) -> None:
            channel._listener = loop.create_task(channel._relay_events(sio))

        @webchat.listener("before_server_stop")
        async def stop_relay(app, loop) -> None:
            if channel._listener is not None:
                channel._listener.cancel()

        @webchat.route("/", methods=["GET"])
        async def page(_: Request) -> response.HTTPResponse:
            return await response.file(str(STATIC_DIR / "index.html"), headers=SECURITY_HEADERS)

        @webchat.route("/texts.json", methods=["GET"])
        async def texts(_: Request) -> response.HTTPResponse:
            """The widget's texts in every supported language (content/languages/widget.yml) and the languages."""
            return response.json(await asyncio.to_thread(widget_texts), ensure_ascii=False,
                                 headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

        webchat.static("/static", str(STATIC_DIR))

        @webchat.route("/upload", methods=["POST"])
        async def upload(request: Request) -> response.HTTPResponse:
            """A document for the conversation (multipart: session_id, resume, file), bound to the resume
            secret the server gave this browser; PDF, JPEG or PNG judged by its bytes, size- and rate-limited."""
            return await _upload(request, sio)

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            """Resume a conversation only with the secret this server gave to that browser; the id alone
            (which another party may have seen) starts a new conversation."""
            data = data if isinstance(data, dict) else {}
            requested, given = data.get("session_id"), data.get("resume")
            client = _handover().redis
            resumed = (isinstance(requested, str) and SESSION_ID.match(requested) and isinstance(given, str)
                       and await asyncio.to_thread(_resume_ok, client, requested, given))
            if resumed:
                session_id, secret = requested, None
            else:
                session_id, secret = secrets.token_urlsafe(24), secrets.token_urlsafe(32)
                await asyncio.to_thread(_remember_resume, client, session_id, secret)
            sio.enter_room(sid, session_id)
            handover = _handover()
            state = await asyncio.to_thread(handover.state, session_id)
            from bot.core.settings import UploadSettings

            answer = {"session_id": session_id, "handover": state, "links": _legal_links(),
                      "upload_max_bytes": UploadSettings.from_env().max_bytes}
            if secret:
                answer["resume"] = secret
            await sio.emit("session_confirm", answer, room=sid)
            if secret and data.get("greet") is True:  # the widget opens a new conversation with the greeting
                language = widget_language(data)  # in the widget's language (the browser's or the chosen one)
                with speaking(language):
                    text, buttons = _greeting()
                if text:
                    output = WebchatOutput(sio, handover)
                    if buttons:
                        await output.send_text_with_buttons(session_id, text, buttons, language=language)
                    else:
                        await output.send_text_message(session_id, text, language=language)

        @sio.on("history")
        async def history(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
                return
            session_id = data["session_id"]
            if not SESSION_ID.match(session_id) or session_id not in sio.rooms(sid):
                return
            after_id = data.get("after_id")
            after = after_id if isinstance(after_id, int) else 0
            client = _handover().redis
            lines = await asyncio.to_thread(_handover().transcript, session_id, after)
            lines = await asyncio.to_thread(_with_buttons, client, session_id, lines)
            can_rate = await asyncio.to_thread(client.exists, f"wc:rate:{session_id}")
            await sio.emit("history", {"lines": lines, "rate": bool(can_rate)}, room=sid)

        @sio.on("rate")
        async def rate(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
                return
            session_id = data["session_id"]
            if not SESSION_ID.match(session_id) or session_id not in sio.rooms(sid):
                return
            handover = _handover()
            ok = await asyncio.to_thread(_rate, handover.redis, session_id, data.get("stars"), data.get("comment"))
            await sio.emit("rated", {"ok": ok}, room=session_id)
            if ok:
                language = widget_language(data)
                with speaking(language):
                    thanks = say("webchat.rating_thanks")
                await WebchatOutput(sio, handover).send_text_message(session_id, thanks, language=language)

        @sio.on("typing")
        async def typing(sid: str, data: Any) -> None:
            if isinstance(data, dict) and isinstance(data.get("session_id"), str) and data["session_id"] in sio.rooms(sid):
                await asyncio.to_thread(_handover().publish, {"type": "citizen_typing", "sender": data["session_id"],
                                                               "typing": bool(data.get("typing"))})

        @sio.on("user_uttered")
        async def handle_message(sid: str, data: Any) -> None:
            # `key`: the widget shows these in its language (content/languages/widget.yml)
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
                await sio.emit("error", {"text": "Die Nachricht konnte nicht gelesen werden.",
                                         "key": "error_unreadable"}, room=sid)
                return
            session_id, text = data["session_id"], data.get("message")
            if session_id not in sio.rooms(sid):
                await sio.emit("error", {"text": "Bitte laden Sie die Seite neu.", "key": "error_reload"}, room=sid)
                return
            if not isinstance(text, str) or not text.strip():
                return
            try:
                await process(sid, session_id, text, data)
            except redis.RedisError as error:  # shared state unreachable: an apology, never silence
                logger.error("webchat: Redis unavailable: %s", error)
                with speaking(widget_language(data)):
                    apology = _apology()
                await sio.emit("error", {"text": apology}, room=sid)

        async def process(sid: str, session_id: str, text: str, data: dict) -> None:
            environ = sio.get_environ(sid) or {}
            address = client_address(environ.get("REMOTE_ADDR", ""), environ.get("HTTP_X_FORWARDED_FOR"))
            verdict = await asyncio.to_thread(shared_limiter().hits, citizen_checks(session_id, address))
            language = widget_language(data)  # the channel's own texts in the widget's language
            if not verdict.allowed:
                if verdict.first_refusal:
                    with speaking(language):
                        refusal = say("channels.rate_limited")
                    await sio.emit("error", {"text": refusal}, room=sid)
                return
            if len(text) > MAX_MESSAGE_CHARS:
                with speaking(language):
                    too_long = say("channels.message_too_long", max=MAX_MESSAGE_CHARS)
                await sio.emit("error", {"text": too_long}, room=sid)
                return
            handover = _handover()
            # a date of birth the dialogue waits for never reaches the tracker or the transcript
            text = await asyncio.to_thread(shield, handover.redis, session_id, text, never_hide=must_be_seen)
            # a button click is recorded with the title the server offered, never a client-chosen text; the
            # widget's language switcher with the language's name
            shown = await asyncio.to_thread(_button_title, handover.redis, session_id, text) or switch_title(text) or text
            line = await asyncio.to_thread(handover.add_line, session_id, "citizen", shown[:MAX_MESSAGE_CHARS])
            await sio.emit("user_echo", line, room=session_id)
            if await asyncio.to_thread(handover.is_with_human, session_id):
                await asyncio.to_thread(handover.publish, {"type": "citizen_message", "sender": session_id,
                                                            "line": line})
                # crisis first, also while a person is (about to be) writing: bot/safety/response.py
                answers = await asyncio.to_thread(crisis_while_with_person, handover.redis, sender=session_id,
                                                  channel=self.name(), text=text, now=_local_now())
                output = WebchatOutput(sio, handover)
                for answer in answers:
                    await output.send_text_message(session_id, answer)
                return
            await sio.emit("typing", {"role": "bot", "typing": True}, room=session_id)
            output = WebchatOutput(sio, handover)
            try:
                await asyncio.wait_for(
                    on_new_message(UserMessage(text, output, session_id, input_channel=self.name(),
                                               metadata={"client": address,
                                                         **({"language": lang} if (lang := widget_language(data))
                                                            else {})})), ANSWER_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - whatever fails, the citizen must not be left with silence
                logger.error("webchat: processing failed for a message (%s)", type(error).__name__)
                logger.debug("webchat: failure details", exc_info=error)
            await sio.emit("typing", {"role": "bot", "typing": False}, room=session_id)
            if output.sent == 0:
                try:
                    with speaking(language):
                        apology = _apology()
                    await output.send_text_message(session_id, apology, language=language)
                except redis.RedisError:
                    await sio.emit("error", {"text": apology}, room=session_id)

        return webchat


def _refuse(status: int, key: str, max_mb: str = "", language: str | None = None) -> response.HTTPResponse:
    with speaking(language):
        text = say(key, max=max_mb) if max_mb else say(key)
    return response.json({"ok": False, "text": text}, status=status, headers=SECURITY_HEADERS)


async def _upload(request: Request, sio: AsyncServer) -> response.HTTPResponse:
    from bot.cases.uploads import safe_name, sniff, store_upload
    from bot.core.settings import UploadSettings

    limits = UploadSettings.from_env()
    max_mb = f"{limits.max_bytes / 2**20:g}"
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > limits.max_bytes + 64 * 1024:
        return _refuse(413, "webchat.upload_too_large", max_mb,
                       widget_language({"language": request.args.get("language")}))
    form = request.form or {}
    language = widget_language({"language": form.get("language")})  # the channel's texts in the widget's language
    session_id, secret = form.get("session_id"), form.get("resume")
    handover = _handover()
    client = handover.redis
    if not (isinstance(session_id, str) and SESSION_ID.match(session_id) and isinstance(secret, str)
            and await asyncio.to_thread(_resume_ok, client, session_id, secret)):
        return response.json({"ok": False, "text": "Bitte laden Sie die Seite neu.", "key": "error_reload"},
                             status=403, headers=SECURITY_HEADERS)
    address = client_address(request.ip or "", request.headers.get("x-forwarded-for"))
    verdict = await asyncio.to_thread(shared_limiter().hits, [
        (f"upload:s:{session_id}", limits.per_session.count, limits.per_session.seconds),
        (f"upload:a:{address}", limits.per_address.count, limits.per_address.seconds)])
    if not verdict.allowed:
        return _refuse(429, "webchat.upload_too_many", language=language)
    upload = request.files.get("file") if request.files else None
    if upload is None or not upload.body:
        return _refuse(400, "webchat.upload_wrong_type", language=language)
    if len(upload.body) > limits.max_bytes:
        return _refuse(413, "webchat.upload_too_large", max_mb, language)
    kind = sniff(upload.body)
    if kind is None:
        return _refuse(415, "webchat.upload_wrong_type", language=language)
    name = safe_name(upload.name or "", kind[1])
    try:
        transcript = [f"{line['role']}: {line['text']}" for line in
                      await asyncio.to_thread(handover.transcript, session_id)][-20:]
        case_id, _ = await asyncio.to_thread(store_upload, client, session_id, name, kind[0], upload.body,
                                             _local_now(), transcript)
        with speaking(language):
            shown, text = say("webchat.upload_line", name=name), say("webchat.upload_done", name=name, case=case_id)
        line = await asyncio.to_thread(handover.add_line, session_id, "citizen", shown)
        await sio.emit("user_echo", line, room=session_id)
        if await asyncio.to_thread(handover.is_with_human, session_id):
            await asyncio.to_thread(handover.publish, {"type": "citizen_message", "sender": session_id, "line": line})
        await WebchatOutput(sio, handover).send_text_message(session_id, text, language=language)
    except redis.RedisError as error:
        logger.error("webchat: upload not stored: %s", error)
        return _refuse(503, "webchat.upload_failed", language=language)
    return response.json({"ok": True, "case": case_id, "name": name, "text": text}, headers=SECURITY_HEADERS)


class _SocketBlueprint(Blueprint):
    def __init__(self, sio: AsyncServer, path: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.ctx.sio = sio
        self.ctx.path = path

    def register(self, app, options) -> None:
        self.ctx.sio.attach(app, self.ctx.path)
        super().register(app, options)
