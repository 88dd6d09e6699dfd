"""Agent desk: login, live queue, claim, chat with the citizen, hand back, close; supervisor view.

An aiohttp server (`python -m bot.desk.server`, started by `make run`). All state is in Redis
(bot/handover.py), so desks and Rasa servers can run as several processes. Pushes to the browser go
over one websocket per desk; actions are small JSON POSTs protected by the session cookie
(HttpOnly, SameSite=Strict) and a CSRF token header.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import logging
import os
import secrets
import sys
import time
from pathlib import Path

import redis
import redis.asyncio as aioredis
from aiohttp import WSMsgType, web

from bot.cases import BUILTIN_KINDS, CaseStore
from bot.desk.accounts import Accounts, accounts_path
from bot.handover import EVENTS, Handover
from bot.handover_policy import wait_estimate_minutes
from bot.ratelimit import RateLimiter
from bot.webheaders import security_headers

logger = logging.getLogger("desk")
STATIC = Path(__file__).resolve().parent / "static"
SESSION_TTL = 8 * 3600
MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 15 * 60
MAX_TEXT = 4000
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
BACK_TO_BOT = "Sie schreiben jetzt wieder mit dem digitalen Assistenten. Fragen Sie gern weiter."
CLOSED = "Das Service Center hat das Gespräch beendet. Bei weiteren Fragen hilft Ihnen der digitale Assistent."


def behind_tls(request: web.Request) -> bool:
    """TLS directly, or at a reverse proxy that says so (only trusted with DESK_BEHIND_TLS_PROXY=1)."""
    if request.secure:
        return True
    return os.environ.get("DESK_BEHIND_TLS_PROXY") == "1" and request.headers.get("X-Forwarded-Proto") == "https"


def flood_guard(limiter: "RateLimiter"):
    """Too many requests from one address (DESK_LIMIT_PER_ADDRESS, default 600 per minute) get 429."""
    from bot.ratelimit import _limit

    count, seconds = _limit("DESK_LIMIT_PER_ADDRESS", "600/60")

    @web.middleware
    async def guard(request: web.Request, handler):
        verdict = await asyncio.to_thread(limiter.hit, f"desk:{request.remote or ''}", count, seconds)
        if not verdict.allowed:
            raise web.HTTPTooManyRequests(text="Zu viele Anfragen. Bitte warten Sie einen Moment.")
        return await handler(request)

    return guard


class Desk:
    def __init__(self, redis_url: str, accounts: Accounts):
        self.redis = redis.Redis.from_url(redis_url)
        self.redis_url = redis_url
        self.handover = Handover(self.redis)
        self.cases_store = CaseStore(self.redis)
        self.accounts = accounts
        self.sockets: dict[web.WebSocketResponse, dict] = {}

    # ------------------------------------------------------------------ sessions
    def session(self, request: web.Request) -> dict | None:
        token = request.cookies.get("desk_session", "")
        raw = self.redis.get(f"desk:session:{token}") if token and len(token) < 100 else None
        return json.loads(raw) if raw else None

    def require(self, request: web.Request, roles: set[str] | None = None, csrf: bool = True) -> dict:
        session = self.session(request)
        if session is None:
            raise web.HTTPUnauthorized(text="Bitte melden Sie sich an.")
        if roles and session["role"] not in roles:
            raise web.HTTPForbidden(text="Keine Berechtigung.")
        if csrf and request.method == "POST" and request.headers.get("X-CSRF-Token") != session["csrf"]:
            raise web.HTTPForbidden(text="Ungültiges Sicherheitstoken.")
        return session

    async def body(self, request: web.Request) -> dict:
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            raise web.HTTPBadRequest(text="Ungültige Anfrage (JSON erwartet).")
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="Ungültige Anfrage.")
        return data

    # ------------------------------------------------------------------ pages and login
    async def login_page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "login.html")

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        name, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
        fails_key = f"desk:fails:{name}"
        if int(self.redis.get(fails_key) or 0) >= MAX_FAILED_LOGINS:
            raise web.HTTPFound("/login?fehler=gesperrt")
        role = await asyncio.to_thread(self.accounts.verify, name, password)
        if role is None:
            self.redis.incr(fails_key)
            self.redis.expire(fails_key, LOCKOUT_SECONDS)
            raise web.HTTPFound("/login?fehler=1")
        self.redis.delete(fails_key)
        token = secrets.token_urlsafe(32)
        self.redis.set(f"desk:session:{token}", json.dumps({"user": name, "role": role,
                                                            "csrf": secrets.token_urlsafe(24)}), ex=SESSION_TTL)
        response = web.HTTPFound("/")
        response.set_cookie("desk_session", token, httponly=True, samesite="Strict", secure=behind_tls(request),
                            max_age=SESSION_TTL, path="/")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        self.require(request, csrf=False)  # a plain form; the SameSite=Strict cookie blocks cross-site posts
        self.redis.delete(f"desk:session:{request.cookies.get('desk_session')}")
        response = web.HTTPFound("/login")
        response.del_cookie("desk_session", path="/")
        raise response

    async def index(self, request: web.Request) -> web.StreamResponse:
        if self.session(request) is None:
            raise web.HTTPFound("/login")
        return web.FileResponse(STATIC / "desk.html")

    async def me(self, request: web.Request) -> web.Response:
        session = self.require(request)
        return web.json_response({"user": session["user"], "role": session["role"], "csrf": session["csrf"],
                                  "quick_texts": QUICK_TEXTS})

    # ------------------------------------------------------------------ queue and conversations
    def queue_snapshot(self) -> dict:
        now = time.time()
        entries = self.handover.queue()
        agents = self.handover.agents_online()
        return {
            "queue": [{"sender": e.sender, "priority": e.priority, "topic": e.topic, "summary": e.summary,
                       "channel": e.channel, "customer": bool(e.customer), "waiting": e.waiting_seconds(now)}
                      for e in entries],
            "stats": {"queue_length": len(entries),
                      "longest_wait": max((e.waiting_seconds(now) for e in entries), default=0),
                      "agents_online": agents,
                      "estimate_minutes": wait_estimate_minutes(len(entries), len(agents)) if entries else 0},
        }

    async def queue(self, request: web.Request) -> web.Response:
        self.require(request, {"agent", "supervisor"})
        return web.json_response(self.queue_snapshot())

    async def conversation(self, request: web.Request) -> web.Response:
        self.require(request, {"agent", "supervisor"})
        sender = request.match_info["sender"]
        return web.json_response({"sender": sender, "state": self.handover.state(sender),
                                  "agent": self.handover.owner(sender),
                                  "transcript": self.handover.transcript(sender)})

    async def claim(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        sender = str((await self.body(request)).get("sender", ""))
        ok, holder = self.handover.claim(sender, session["user"])
        if not ok:
            return web.json_response({"ok": False, "message": f"Bereits übernommen von {holder or 'jemand anderem'}."},
                                     status=409)
        line = self.handover.add_line(sender, "agent", "Guten Tag, hier ist das Service Center. Wie kann ich helfen?",
                                      agent=session["user"])
        self.handover.publish({"type": "to_citizen", "sender": sender, "line": line})
        return web.json_response({"ok": True})

    def _owned(self, session: dict, sender: str) -> None:
        if self.handover.owner(sender) != session["user"]:
            raise web.HTTPConflict(text="Dieses Gespräch gehört Ihnen nicht (mehr).")

    async def send(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        data = await self.body(request)
        sender, text = str(data.get("sender", "")), data.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise web.HTTPBadRequest(text=f"Nachricht leer oder länger als {MAX_TEXT} Zeichen.")
        self._owned(session, sender)
        line = self.handover.add_line(sender, "agent", text.strip(), agent=session["user"])
        self.handover.publish({"type": "to_citizen", "sender": sender, "line": line})
        return web.json_response({"ok": True, "line": line})

    async def typing(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        data = await self.body(request)
        sender = str(data.get("sender", ""))
        self._owned(session, sender)
        self.handover.publish({"type": "agent_typing", "sender": sender, "typing": bool(data.get("typing"))})
        return web.json_response({"ok": True})

    async def _release(self, request: web.Request, kind: str) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        data = await self.body(request)
        sender, outcome = str(data.get("sender", "")), str(data.get("outcome", ""))[:1000]
        self._owned(session, sender)
        if kind == "closed" and not outcome.strip():
            raise web.HTTPBadRequest(text="Bitte eine Notiz zum Ergebnis angeben.")
        if not self.handover.release(sender, session["user"], outcome):
            raise web.HTTPConflict(text="Das Gespräch konnte nicht freigegeben werden.")
        line = self.handover.add_line(sender, "system", BACK_TO_BOT if kind == "released" else CLOSED)
        self.handover.publish({"type": "to_citizen", "sender": sender, "line": line})
        if kind == "closed":
            self.handover.publish({"type": "closed", "sender": sender, "agent": session["user"]})
        return web.json_response({"ok": True})

    async def handback(self, request: web.Request) -> web.Response:
        return await self._release(request, "released")

    async def close(self, request: web.Request) -> web.Response:
        return await self._release(request, "closed")

    # ------------------------------------------------------------------ cases (Vorgänge)
    def _search_cases(self, request: web.Request) -> list[dict]:
        self.require(request, {"agent", "supervisor"})
        query = request.query
        return self.cases_store.search(kind=query.get("kind", ""), status=query.get("status", ""),
                                       office=query.get("office", ""))

    async def cases(self, request: web.Request) -> web.Response:
        from bot.content import get_content
        from bot.declarations import get_catalogue

        offices = {key: office.name for key, office in get_content().offices.items()}
        return web.json_response({"cases": self._search_cases(request),
                                  "kinds": {**BUILTIN_KINDS, **get_catalogue().kinds()}, "offices": offices})

    async def case(self, request: web.Request) -> web.Response:
        from bot.consent import CHANNELS, ConsentStore

        self.require(request, {"agent", "supervisor"})
        case = self.cases_store.raw(request.match_info["case_id"])
        if case is None:
            raise web.HTTPNotFound(text="Vorgang nicht gefunden.")
        consent = {}
        if case.get("customer"):
            given = ConsentStore(self.redis).all(case["customer"])
            consent = {CHANNELS[c]: (f"erteilt am {v.at[:10]} ({v.address})" if v.granted else f"widerrufen am {v.at[:10]}")
                       for c, v in given.items()}
        return web.json_response({"case": case, "files": self.cases_store.files(case["id"]), "consent": consent})

    async def case_file(self, request: web.Request) -> web.StreamResponse:
        self.require(request, {"agent", "supervisor"})
        try:
            number = int(request.match_info["number"])
        except ValueError:
            raise web.HTTPNotFound(text="Datei nicht gefunden.")
        found = self.cases_store.file(request.match_info["case_id"], number)
        if found is None:
            raise web.HTTPNotFound(text="Datei nicht gefunden.")
        meta, data = found
        name = "".join(ch for ch in meta["name"] if ch.isalnum() or ch in "._- ") or "anhang"
        # Always a download, never rendered in the desk's origin (an e-mail attachment is untrusted content).
        return web.Response(body=data, content_type="application/octet-stream",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def reply_case(self, request: web.Request) -> web.Response:
        from bot.mail.channel import reply_from_agent
        from bot.mail.settings import mail_settings
        from bot.mail.smtp import MailError

        session = self.require(request, {"agent", "supervisor"})
        text = str((await self.body(request)).get("text", "")).strip()
        if not text or len(text) > MAX_TEXT:
            raise web.HTTPBadRequest(text=f"Bitte einen Antworttext mit höchstens {MAX_TEXT} Zeichen eingeben.")
        try:
            await asyncio.to_thread(reply_from_agent, self.redis, mail_settings(), request.match_info["case_id"], text,
                                    session["user"], dt.datetime.now().replace(microsecond=0))
        except LookupError as error:
            raise web.HTTPBadRequest(text=str(error))
        except MailError as error:
            return web.json_response({"ok": False, "message": f"Die E-Mail konnte nicht gesendet werden: {error}"},
                                     status=502)
        return web.json_response({"ok": True})

    # ------------------------------------------------------------------ campaigns (supervisors)
    async def campaigns(self, request: web.Request) -> web.Response:
        from bot.content import get_content
        from bot.outbound.store import STATUS_TEXT, OutboundStore

        self.require(request, {"supervisor"})
        store = OutboundStore(self.redis)
        listed = [{**campaign.__dict__, "counts": store.counts(campaign.id)} for campaign in store.campaigns()]
        return web.json_response({"campaigns": listed, "statuses": STATUS_TEXT,
                                  "offices": {k: o.name for k, o in get_content().offices.items()}})

    async def campaign(self, request: web.Request) -> web.Response:
        from bot.outbound.store import OutboundStore

        self.require(request, {"supervisor"})
        store = OutboundStore(self.redis)
        campaign = store.campaign(request.match_info["campaign_id"])
        if campaign is None:
            raise web.HTTPNotFound(text="Kampagne nicht gefunden.")
        contacts = [{"customer": c.customer, "name": c.name, "channel": c.channel, "status": c.status,
                     "attempts": c.attempts, "next_at": c.next_at} for c in store.contacts(campaign.id)]
        return web.json_response({"campaign": campaign.__dict__, "contacts": contacts})

    async def start_campaign(self, request: web.Request) -> web.Response:
        from bot.outbound.campaigns import CampaignError
        from bot.outbound.worker import local_now, planner

        session = self.require(request, {"supervisor"})
        data = await self.body(request)
        kind, channels = str(data.get("kind", "")), data.get("channels") or None
        if channels is not None and (not isinstance(channels, list) or not all(isinstance(c, str) for c in channels)):
            raise web.HTTPBadRequest(text="Ungültige Kanäle.")

        def text(key: str, limit: int = 500) -> str:
            return str(data.get(key) or "").strip()[:limit]

        def start():
            plan, now, by = planner(self.redis), local_now(), session["user"]
            if kind == "reminder":
                return plan.reminder(dt.date.fromisoformat(text("day")), by, now, channels)
            if kind == "cancellation":
                return plan.cancellation(text("office"), dt.date.fromisoformat(text("day")), text("reason"), by, now,
                                         dt.time.fromisoformat(text("from") or "00:00"),
                                         dt.time.fromisoformat(text("to") or "23:59"), channels)
            if kind == "wba":
                return plan.wba(int(text("within_days") or 56), by, now, channels)
            if kind == "event":
                offices = [o for o in text("offices").split(",") if o]
                return plan.event(text("title", 200), dt.datetime.fromisoformat(text("when")), text("place"),
                                  text("details", 1000), offices, by, now, channels)
            if kind == "query":
                return plan.query(text("customers", 2000).replace(";", ",").split(","), text("topic"), by, now,
                                  channels)
            raise CampaignError("Bitte eine Kampagnenart wählen.")

        try:
            campaign = await asyncio.to_thread(start)
        except CampaignError as error:
            raise web.HTTPBadRequest(text=str(error))
        except ValueError:
            raise web.HTTPBadRequest(text="Bitte Datum als JJJJ-MM-TT und Uhrzeit als HH:MM angeben.")
        logger.info("campaign %s (%s) started by %s", campaign.id, kind, session["user"])
        from bot.outbound.store import OutboundStore

        return web.json_response({"ok": True, "campaign": campaign.__dict__,
                                  "counts": OutboundStore(self.redis).counts(campaign.id)})

    async def update_case(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        data = await self.body(request)
        change, value = str(data.get("change", "")), str(data.get("value", ""))[:2000]
        if change == "assignee" and not value:
            value = session["user"]
        try:
            case = self.cases_store.update(request.match_info["case_id"], change, value, session["user"],
                                           dt.datetime.now())
        except ValueError as error:
            raise web.HTTPBadRequest(text=f"Ungültige Änderung: {error}")
        if case is None:
            raise web.HTTPNotFound(text="Vorgang nicht gefunden.")
        return web.json_response(case)

    # ------------------------------------------------------------------ learning (editors)
    async def learn(self, request: web.Request) -> web.Response:
        from bot import PROJECT_ROOT
        from bot.content import domain_intents
        from bot.editor.learning import LearningInbox

        self.require(request, {"editor", "supervisor"})
        groups = await asyncio.to_thread(LearningInbox(self.redis).groups)
        return web.json_response({"groups": groups, "intents": sorted(domain_intents(PROJECT_ROOT))})

    async def learn_assign(self, request: web.Request) -> web.Response:
        from bot import PROJECT_ROOT
        from bot.content import domain_intents
        from bot.editor.learning import LearningInbox, write_examples

        session = self.require(request, {"editor", "supervisor"})
        data = await self.body(request)
        ids, intent = data.get("ids"), data.get("intent")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or intent not in domain_intents(PROJECT_ROOT):
            raise web.HTTPBadRequest(text="Bitte Nachrichten und einen bekannten Intent angeben.")
        items = LearningInbox(self.redis).remove(ids[:200])
        if not items:
            return web.json_response({"ok": False, "message": "Diese Nachrichten sind schon bearbeitet."})
        path = await asyncio.to_thread(write_examples, intent, [i["text"] for i in items])
        logger.info("learning: %s assigned %d message(s) to %s", session["user"], len(items), intent)
        shown = os.path.relpath(path, PROJECT_ROOT) if PROJECT_ROOT in path.parents else path.name
        return web.json_response({"ok": True, "added": len(items), "file": shown})

    async def learn_noise(self, request: web.Request) -> web.Response:
        from bot.editor.learning import LearningInbox

        self.require(request, {"editor", "supervisor"})
        data = await self.body(request)
        ids = data.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise web.HTTPBadRequest(text="Bitte Nachrichten angeben.")
        return web.json_response({"ok": True, "removed": len(LearningInbox(self.redis).remove(ids[:200]))})

    async def export_cases(self, request: web.Request) -> web.StreamResponse:
        """All matching cases as JSON or CSV, for transfer into the e-file."""
        found = self._search_cases(request)
        if request.match_info["format"] == "json":
            return web.json_response(found, headers={"Content-Disposition": 'attachment; filename="vorgaenge.json"'})
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(["id", "art", "status", "prioritaet", "kunde", "geschaeftsstelle", "bearbeitung", "erstellt",
                         "zusammenfassung", "angaben", "notizen", "kanal", "verlauf"])
        for case in found:
            writer.writerow([case["id"], case["kind"], case["status"], case["priority"], case.get("customer") or "",
                             case["office"], case["assignee"],
                             case["created_at"], case.get("summary", ""),
                             json.dumps(case["fields"], ensure_ascii=False),
                             " | ".join(n["text"] for n in case.get("notes", [])), case.get("channel", ""),
                             " | ".join(case.get("transcript", []))])
        return web.Response(text=buffer.getvalue(), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="vorgaenge.csv"'})

    # ------------------------------------------------------------------ push
    async def websocket(self, request: web.Request) -> web.StreamResponse:
        session = self.require(request, {"agent", "supervisor"}, csrf=False)
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        self.sockets[ws] = session
        self.handover.mark_present(session["user"])
        self.handover.publish({"type": "presence", "agent": session["user"]})
        await ws.send_json({"type": "queue", **self.queue_snapshot()})
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    current = self.session(request)  # logged out or role changed meanwhile: close
                    if current is None or current["role"] not in ("agent", "supervisor"):
                        await ws.close(code=4401, message=b"session ended")
                        break
                    self.handover.mark_present(session["user"])  # any message is a heartbeat
                elif message.type == WSMsgType.ERROR:
                    break
        finally:
            self.sockets.pop(ws, None)
            if not any(s["user"] == session["user"] for s in self.sockets.values()):
                self.redis.delete(f"ho:presence:{session['user']}")
        return ws

    async def relay(self, app: web.Application) -> None:
        """Redis pub/sub -> desk websockets, reconnecting after Redis restarts."""
        while True:
            try:
                client = aioredis.from_url(self.redis_url)
                pubsub = client.pubsub()
                await pubsub.subscribe(EVENTS)
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        await self.dispatch(json.loads(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("desk relay: %s; reconnecting", error)
                await asyncio.sleep(1)

    async def dispatch(self, event: dict) -> None:
        kind = event.get("type")
        snapshot = self.queue_snapshot() if kind in ("queued", "claimed", "released", "closed", "presence") else None
        for ws, session in list(self.sockets.items()):
            try:
                if snapshot is not None:
                    await ws.send_json({"type": "queue", **snapshot})
                if kind in ("citizen_message", "citizen_typing", "claimed", "released", "closed", "to_citizen"):
                    await ws.send_json(event)
                if kind == "supervisor_alert" and session["role"] == "supervisor":
                    await ws.send_json(event)
            except ConnectionResetError:
                self.sockets.pop(ws, None)

    async def presence_loop(self, app: web.Application) -> None:
        while True:
            for session in list(self.sockets.values()):
                self.handover.mark_present(session["user"])
            await asyncio.sleep(15)

    async def retention_loop(self, app: web.Application) -> None:
        """Delete cases and appointment records past their retention period, hourly."""
        from bot.privacy import PrivacyOffice, Retention

        while True:
            try:
                await asyncio.to_thread(PrivacyOffice(self.redis).purge, dt.datetime.now(), Retention.from_env())
            except redis.RedisError as error:
                logging.getLogger(__name__).warning("retention purge failed, retrying later: %s", error)
            await asyncio.sleep(3600)


QUICK_TEXTS = [
    "Einen Moment bitte, ich sehe mir das an.",
    "Dazu brauche ich Ihre BG-Nummer und Ihr Geburtsdatum.",
    "Ich gebe Ihr Anliegen an Ihr Team weiter; Sie werden zurückgerufen.",
    "Vielen Dank für Ihre Geduld. Kann ich sonst noch etwas für Sie tun?",
]


def create_app(redis_url: str, accounts: Accounts) -> web.Application:
    desk = Desk(redis_url, accounts)
    app = web.Application(middlewares=[security_headers(HEADERS, behind_tls), flood_guard(RateLimiter(desk.redis))],
                          client_max_size=64 * 1024)
    app["desk"] = desk
    app.router.add_get("/login", desk.login_page)
    app.router.add_post("/login", desk.login)
    app.router.add_post("/logout", desk.logout)
    app.router.add_get("/", desk.index)
    app.router.add_get("/api/me", desk.me)
    app.router.add_get("/api/queue", desk.queue)
    app.router.add_get("/api/conversations/{sender}", desk.conversation)
    app.router.add_post("/api/claim", desk.claim)
    app.router.add_post("/api/send", desk.send)
    app.router.add_post("/api/typing", desk.typing)
    app.router.add_post("/api/handback", desk.handback)
    app.router.add_post("/api/close", desk.close)
    app.router.add_get("/api/cases", desk.cases)
    app.router.add_post("/api/cases/{case_id}", desk.update_case)
    app.router.add_get("/api/cases/export.{format:json|csv}", desk.export_cases)
    app.router.add_get("/api/cases/{case_id}", desk.case)
    app.router.add_get("/api/cases/{case_id}/files/{number}", desk.case_file)
    app.router.add_post("/api/cases/{case_id}/reply", desk.reply_case)
    app.router.add_get("/api/campaigns", desk.campaigns)
    app.router.add_post("/api/campaigns", desk.start_campaign)
    app.router.add_get("/api/campaigns/{campaign_id}", desk.campaign)
    app.router.add_get("/api/learn", desk.learn)
    app.router.add_post("/api/learn/assign", desk.learn_assign)
    app.router.add_post("/api/learn/noise", desk.learn_noise)
    app.router.add_get("/ws", desk.websocket)
    app.router.add_static("/static", STATIC)

    async def start_background(app: web.Application) -> None:
        app["tasks"] = [asyncio.create_task(desk.relay(app)), asyncio.create_task(desk.presence_loop(app)),
                        asyncio.create_task(desk.retention_loop(app))]

    async def stop_background(app: web.Application) -> None:
        for task in app["tasks"]:
            task.cancel()
        for ws in list(desk.sockets):
            await ws.close()

    app.on_startup.append(start_background)
    app.on_cleanup.append(stop_background)
    return app


def main() -> None:
    from bot.redact import install_log_redaction

    install_log_redaction()
    logging.basicConfig(level=logging.INFO)
    accounts = Accounts(accounts_path())
    password = accounts.ensure_admin()
    if password:
        print(f"Erstes Desk-Konto angelegt: admin / {password}  (nur jetzt sichtbar; "
              f"weitere Konten: python -m bot.desk.accounts add NAME agent)", flush=True)
    port = int(os.environ.get("DESK_PORT", "8081"))
    web.run_app(create_app(os.environ.get("REDIS_URL", "redis://127.0.0.1:6380/0"), accounts),
                host=os.environ.get("DESK_HOST", "127.0.0.1"), port=port, print=None)


if __name__ == "__main__":
    sys.exit(main())
