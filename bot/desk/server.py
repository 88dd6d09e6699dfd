"""Agent desk: login, live queue, claim, chat with the citizen, hand back, close; supervisor view.

An aiohttp server (`python -m bot.desk.server`, started by `make run`). All state is in Redis
(bot/handover/state.py), so desks and Rasa servers can run as several processes. Pushes to the browser go
over one websocket per desk (only from the desk's own or listed origins); actions are small JSON POSTs
protected by the session cookie (HttpOnly, SameSite=Strict) and a CSRF token header.

Parts: login.py (login, logout, with loginlimit.py), caseviews.py (cases, scoped by access.py, access log),
campaignviews.py (campaigns), learnviews.py (training data), workviews.py ("Meine Gespräche", notes, transfer,
canned responses, customer panel, statistics, XML export; records in worklist.py), labels.py (German labels),
export.py (CSV and XML), network.py (client address, origins).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import redis
from aiohttp import WSMsgType, web

from bot.cases.store import CaseStore
from bot.content import say
from bot.core.clock import now_local
from bot.core.ratelimit import RateLimiter
from bot.core.redis_server import redis_url
from bot.core.relay import relay as redis_relay
from bot.core.settings import DeskSettings
from bot.core.webheaders import security_headers
from bot.desk.access import AccessLog, Scope, conversation_readers, mark_handled
from bot.desk.accounts import Accounts, accounts_path
from bot.desk.campaignviews import CampaignViews
from bot.desk.caseviews import CaseViews
from bot.desk.labels import desk_labels
from bot.desk.learnviews import LearnViews
from bot.desk.login import LoginViews
from bot.desk.loginlimit import LoginLimiter
from bot.desk.network import behind_tls, client_address, origin_allowed
from bot.desk.worklist import Worklist
from bot.desk.workviews import WorkViews
from bot.handover.routing import wait_estimate_minutes
from bot.handover.state import EVENTS, Handover
from bot.languages.context import speaking
from bot.languages.registry import get_catalog

logger = logging.getLogger("desk")
STATIC = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4000
CONVERSATION_EVENTS = ("citizen_message", "citizen_typing", "to_citizen")  # content: holder and supervisors only
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# What the citizen reads from the desk: the texts of the `desk:` section in content/texts.yml.
QUICK_TEXTS = ("desk.quick_moment", "desk.quick_identify", "desk.quick_callback", "desk.quick_anything_else")


def flood_guard(limiter: "RateLimiter"):
    """Too many requests from one address (DESK_LIMIT_PER_ADDRESS, default 600 per minute) get 429."""
    limit = DeskSettings.from_env().limit_per_address
    count, seconds = limit.count, limit.seconds

    @web.middleware
    async def guard(request: web.Request, handler):
        verdict = await asyncio.to_thread(limiter.hit, f"desk:{client_address(request)}", count, seconds)
        if not verdict.allowed:
            raise web.HTTPTooManyRequests(text="Zu viele Anfragen. Bitte warten Sie einen Moment.")
        return await handler(request)

    return guard


class Desk(LoginViews, CaseViews, CampaignViews, LearnViews, WorkViews):
    def __init__(self, redis_url: str, accounts: Accounts):
        self.redis = redis.Redis.from_url(redis_url)
        self.redis_url = redis_url
        self.handover = Handover(self.redis)
        self.worklist = Worklist(self.redis, self.handover)
        self.cases_store = CaseStore(self.redis)
        self.login_limiter = LoginLimiter(self.redis)
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
        if "office" not in session:  # a session from before offices existed
            session["office"] = (self.accounts.user(session["user"]) or {}).get("office", "")
        return session

    async def body(self, request: web.Request) -> dict:
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            raise web.HTTPBadRequest(text="Ungültige Anfrage (JSON erwartet).")
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="Ungültige Anfrage.")
        return data

    # ------------------------------------------------------------------ pages (login and logout: bot/desk/login.py)
    async def index(self, request: web.Request) -> web.StreamResponse:
        if self.session(request) is None:
            raise web.HTTPFound("/login")
        return web.FileResponse(STATIC / "desk.html")

    async def me(self, request: web.Request) -> web.Response:
        session = self.require(request)
        return web.json_response({"user": session["user"], "role": session["role"], "office": session["office"],
                                  "display": self.accounts.display_name(session["user"]),
                                  "csrf": session["csrf"], "quick_texts": [say(key) for key in QUICK_TEXTS],
                                  "labels": desk_labels()})

    # ------------------------------------------------------------------ queue and conversations
    def queue_snapshot(self) -> dict:
        now = time.time()
        entries = self.handover.queue()
        agents = self.handover.agents_online()
        return {
            "now": now,
            "queue": [{"sender": e.sender, "priority": e.priority, "topic": e.topic, "summary": e.summary,
                       "channel": e.channel, "customer": bool(e.customer), "waiting": e.waiting_seconds(now),
                       "queued_at": e.queued_at, "team": e.team,
                       "language": e.language, "language_name": language_name(e.language)}
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
        session = self.require(request, {"agent", "supervisor"})
        sender = request.match_info["sender"]
        state, owner = self.handover.state(sender), self.handover.owner(sender)
        transcript = self.handover.transcript(sender)
        if not Scope(session).sees_conversation(self.redis, sender, state, owner, transcript):
            raise web.HTTPForbidden(text="Kein Zugriff: Dieses Gespräch betreuen Sie nicht.")
        AccessLog(self.redis).record(session, "conversation_view", [sender], client_address(request))
        return web.json_response({"sender": sender, "state": state, "agent": owner, "transcript": transcript,
                                  "meta": self.worklist.meta(sender), "notes": self.worklist.notes(sender)})

    async def claim(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        sender = str((await self.body(request)).get("sender", ""))
        entry = next((e for e in self.handover.queue() if e.sender == sender), None)
        ok, holder = self.handover.claim(sender, session["user"], self.accounts.display_name(session["user"]))
        if not ok:
            return web.json_response({"ok": False, "message": f"Bereits übernommen von {holder or 'jemand anderem'}."},
                                     status=409)
        mark_handled(self.redis, sender, session["user"])
        meta = {"topic": entry.topic, "summary": entry.summary, "channel": entry.channel, "customer": entry.customer,
                "priority": entry.priority, "queued_at": entry.queued_at} if entry else {}
        self.worklist.took(session["user"], sender, {**meta, "claimed_at": now_local().isoformat(timespec="seconds"),
                                                         "taken": time.time()})
        with speaking(self.handover.language(sender)):  # the citizen's language; the agent's own words go out as written
            greeting = say("desk.agent_greeting")
        line = self.handover.add_line(sender, "agent", greeting, agent=session["user"])
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
        if not self.handover.release(sender, session["user"], outcome, display=self.accounts.display_name(session["user"])):
            raise web.HTTPConflict(text="Das Gespräch konnte nicht freigegeben werden.")
        with speaking(self.handover.language(sender)):
            text = say("desk.back_to_bot" if kind == "released" else "desk.closed")
        line = self.handover.add_line(sender, "system", text)
        self.handover.publish({"type": "to_citizen", "sender": sender, "line": line})
        self.worklist.gave_up(session["user"], sender)
        if kind == "closed":
            self.handover.publish({"type": "closed", "sender": sender, "agent": session["user"]})
        return web.json_response({"ok": True})

    async def handback(self, request: web.Request) -> web.Response:
        return await self._release(request, "released")

    async def close(self, request: web.Request) -> web.Response:
        return await self._release(request, "closed")

    # ------------------------------------------------------------------ push
    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if not origin_allowed(request, behind_tls):  # another site's page must not ride on the desk's cookie
            raise web.HTTPForbidden(text="Verbindung von dieser Herkunft nicht erlaubt.")
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
        await redis_relay(self.redis_url, EVENTS, self.dispatch, name="desk relay")

    async def dispatch(self, event: dict) -> None:
        kind = event.get("type")
        snapshot = (self.queue_snapshot() if kind in ("queued", "claimed", "released", "closed", "presence", "transferred")
                    else None)
        readers = conversation_readers(self.redis, str(event.get("sender", ""))) if kind in CONVERSATION_EVENTS else set()
        for ws, session in list(self.sockets.items()):
            try:
                if snapshot is not None:
                    await ws.send_json({"type": "queue", **snapshot})
                if kind in ("claimed", "released", "closed", "transferred"):
                    await ws.send_json(event)
                if kind in CONVERSATION_EVENTS and (session["role"] == "supervisor" or session["user"] in readers):
                    await ws.send_json(event)
                if kind == "supervisor_alert" and session["role"] == "supervisor":
                    await ws.send_json(event)
                if kind == "crisis_alert":  # a person in crisis: every desk, whatever the role
                    await ws.send_json(event)
            except ConnectionResetError:
                self.sockets.pop(ws, None)

    async def presence_loop(self, app: web.Application) -> None:
        while True:
            for session in list(self.sockets.values()):
                self.handover.mark_present(session["user"])
            await asyncio.sleep(15)


def create_app(redis_url: str, accounts: Accounts) -> web.Application:
    get_catalog()  # the languages' names for the queue: read at start, not during the first request
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
    app.router.add_get("/api/mine", desk.mine)
    app.router.add_post("/api/conversations/{sender}/notes", desk.add_note)
    app.router.add_get("/api/conversations/{sender}/customer", desk.customer)
    app.router.add_post("/api/transfer", desk.transfer)
    app.router.add_get("/api/colleagues", desk.colleagues)
    app.router.add_get("/api/canned", desk.canned)
    app.router.add_post("/api/canned", desk.save_canned)
    app.router.add_get("/api/stats", desk.stats)
    app.router.add_get("/api/cases", desk.cases)
    app.router.add_post("/api/cases/{case_id}", desk.update_case)
    app.router.add_get("/api/cases/export.{format:json|csv}", desk.export_cases)
    app.router.add_get("/api/cases/{case_id}", desk.case)
    app.router.add_get("/api/cases/{case_id}/export.xml", desk.export_case_xml)
    app.router.add_get("/api/cases/{case_id}/files/{number}", desk.case_file)
    app.router.add_post("/api/cases/{case_id}/reply", desk.reply_case)
    app.router.add_get("/api/campaigns", desk.campaigns)
    app.router.add_post("/api/campaigns", desk.start_campaign)
    app.router.add_get("/api/campaigns/{campaign_id}", desk.campaign)
    app.router.add_get("/api/learn", desk.learn)
    app.router.add_post("/api/learn/assign", desk.learn_assign)
    app.router.add_post("/api/learn/noise", desk.learn_noise)
    app.router.add_get("/api/access-log", desk.access_log)
    app.router.add_get("/ws", desk.websocket)
    app.router.add_static("/static", STATIC)

    async def start_background(app: web.Application) -> None:
        # the retention purge runs in the contacts worker, once per deployment (bot/runtime/worker.py)
        app["tasks"] = [asyncio.create_task(desk.relay(app)), asyncio.create_task(desk.presence_loop(app))]

    async def stop_background(app: web.Application) -> None:
        for task in app["tasks"]:
            task.cancel()
        for ws in list(desk.sockets):
            await ws.close()

    # aiohttp 3.9 annotates its signals for the older aiosignal; aiosignal 1.4's Signal takes the argument types
    app.on_startup.append(start_background)  # type: ignore[arg-type]
    app.on_cleanup.append(stop_background)  # type: ignore[arg-type]
    return app


def language_name(code: str) -> str:
    """The German name of a conversation's language for the desk ("Ukrainisch")."""
    language = get_catalog().languages.get(code)
    return language.name if language else code


def main() -> None:
    from bot.core.redact import install_log_redaction

    install_log_redaction()
    logging.basicConfig(level=logging.INFO)
    accounts = Accounts(accounts_path())
    password = accounts.ensure_admin()
    if password:
        print(f"Erstes Desk-Konto angelegt: admin / {password}  (nur jetzt sichtbar; "
              f"weitere Konten: python -m bot.desk.accounts add NAME agent)", flush=True)
    settings = DeskSettings.from_env()
    web.run_app(create_app(redis_url(), accounts), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
