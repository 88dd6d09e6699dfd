"""The agent's working tools in the desk: "Meine Gespräche", internal notes, transfer to a colleague, canned
responses (supervisors edit them), the customer panel, the statistics view and the per-case XML export.

A mixin of `bot.desk.server.Desk`; records live in bot/desk/worklist.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter

from aiohttp import web

from bot.content import get_content
from bot.core.clock import now_local
from bot.desk.access import AccessLog, Scope
from bot.desk.base import DeskBase
from bot.desk.export import case_xml
from bot.desk.labels import kind_labels, label, readable_date
from bot.desk.network import client_address
from bot.desk.worklist import CannedResponses, Worklist
from bot.handover.state import Handover

TEAM_PREFIX = "team:"  # a transfer target that is a team (an office), not a colleague


def _offices() -> dict[str, str]:
    from bot.content import get_content

    return {key: office.name for key, office in get_content().offices.items()}


class WorkViews(DeskBase):
    """Needs `self.handover`, `self.worklist` besides the DeskBase attributes."""

    handover: Handover
    worklist: Worklist

    def _owned_or_409(self, session: dict, sender: str) -> None:
        if self.handover.owner(sender) != session["user"] or self.handover.state(sender) != "agent":
            raise web.HTTPConflict(text="Dieses Gespräch gehört Ihnen nicht (mehr).")

    async def mine(self, request: web.Request) -> web.Response:
        """Meine Gespräche: every conversation Redis assigns to this agent (restored after a reload)."""
        session = self.require(request, {"agent", "supervisor"})
        return web.json_response({"conversations": await asyncio.to_thread(self.worklist.mine, session["user"])})

    async def add_note(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        sender = request.match_info["sender"]
        text = str((await self.body(request)).get("text", "")).strip()
        if not text:
            raise web.HTTPBadRequest(text="Bitte einen Notiztext eingeben.")
        self._owned_or_409(session, sender)
        return web.json_response({"ok": True, "note": self.worklist.add_note(sender, session["user"], text)})

    async def transfer(self, request: web.Request) -> web.Response:
        """Hand a conversation to a colleague (an agent or supervisor account), with a note for them."""
        session = self.require(request, {"agent", "supervisor"})
        data = await self.body(request)
        sender, target, note = str(data.get("sender", "")), str(data.get("to", "")), str(data.get("note", ""))[:500]
        self._owned_or_409(session, sender)
        if target.startswith(TEAM_PREFIX):
            return self._to_team(session, sender, target.removeprefix(TEAM_PREFIX), note)
        if target == session["user"] or target not in {c["user"] for c in self.accounts.colleagues()}:
            raise web.HTTPBadRequest(text="Bitte eine Kollegin oder einen Kollegen auswählen.")
        meta = self.worklist.meta(sender)
        if not self.handover.transfer(sender, session["user"], target, self.accounts.display_name(target)):
            raise web.HTTPConflict(text="Das Gespräch konnte nicht weitergeleitet werden.")
        self.worklist.gave_up(session["user"], sender)
        self.worklist.took(target, sender, {**meta, "claimed_at": now_local().isoformat(timespec="seconds"),
                                            "from": session["user"], "taken": time.time()})
        self.worklist.add_note(sender, session["user"], f"Weitergeleitet an {target}" + (f": {note}" if note else ""))
        self.handover.publish({"type": "transferred", "sender": sender, "agent": target, "from": session["user"], "taken": time.time()})
        return web.json_response({"ok": True})

    def _to_team(self, session: dict, sender: str, team: str, note: str) -> web.Response:
        """Hand a conversation to a team (an office): back in the queue, shown to that office's agents first."""
        offices = get_content().offices
        if team not in offices:
            raise web.HTTPBadRequest(text="Bitte ein Team auswählen.")
        name = offices[team].short_name
        if not self.handover.to_team(sender, session["user"], team, name):
            raise web.HTTPConflict(text="Das Gespräch konnte nicht weitergeleitet werden.")
        self.worklist.gave_up(session["user"], sender)
        self.worklist.add_note(sender, session["user"], f"An Team {name} weitergeleitet" + (f": {note}" if note else ""))
        return web.json_response({"ok": True})

    async def colleagues(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        online = set(self.handover.agents_online())
        return web.json_response({
            "colleagues": [{"user": c["user"], "display": c["display"] or c["user"], "online": c["user"] in online}
                           for c in self.accounts.colleagues() if c["user"] != session["user"]],
            "teams": [{"key": TEAM_PREFIX + key, "name": f"Team {office.short_name}"}
                      for key, office in get_content().offices.items()]})

    # ------------------------------------------------------------------ canned responses
    def _seed(self) -> list[tuple[str, str, str]]:
        from bot.content import say

        return [("Einen Moment", "moment", say("desk.quick_moment")),
                ("Identifizierung", "ident", say("desk.quick_identify")),
                ("Rückruf", "rueckruf", say("desk.quick_callback")),
                ("Noch etwas?", "noch", say("desk.quick_anything_else"))]

    async def canned(self, request: web.Request) -> web.Response:
        self.require(request, {"agent", "supervisor"})
        return web.json_response({"canned": CannedResponses(self.redis).all(self._seed())})

    async def save_canned(self, request: web.Request) -> web.Response:
        self.require(request, {"supervisor"})
        data = await self.body(request)
        store = CannedResponses(self.redis)
        if data.get("delete"):
            return web.json_response({"ok": store.delete(str(data.get("id", "")))})
        try:
            entry = store.save(str(data.get("id", "")), str(data.get("title", "")), str(data.get("shortcut", "")),
                               str(data.get("text", "")))
        except ValueError as error:
            return web.json_response({"ok": False, "message": str(error)}, status=400)
        return web.json_response({"ok": True, "entry": entry})

    # ------------------------------------------------------------------ customer panel
    def _customer_panel(self, session: dict, sender: str) -> dict:
        from bot.appointments.calendar import get_calendar
        from bot.appointments.store import AppointmentBook
        from bot.identity.registry import get_registry

        number = str(self.worklist.meta(sender).get("customer") or "")
        customer = get_registry().find(number) if number else None
        if customer is None:
            return {"identified": False}
        offices, kinds = _offices(), kind_labels()
        scope = Scope(session)
        cases = [c for c in (self.cases_store.raw(i) for i in self.cases_store.ids_of(customer.id)) if c]
        calendar = get_calendar()
        book, types = AppointmentBook(self.redis, calendar), {key: t.name for key, t in calendar.types.items()}
        return {
            "identified": True, "number": customer.id, "customer_number": customer.customer_number,
            "name": customer.name, "office": offices.get(customer.office, customer.office),
            "cases": [{"id": c["id"], "kind": label(kinds, c["kind"]), "status": c["status"],
                       "created": readable_date(c.get("created_at"))} for c in scope.cases(cases)][-20:],
            "appointments": [{"ref": b.ref, "when": readable_date(b.start), "type": types.get(b.type, b.type),
                              "office": offices.get(b.office, b.office)}
                             for b in book.upcoming(customer.id, now_local())],
        }

    async def customer(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        sender = request.match_info["sender"]
        if self.handover.owner(sender) != session["user"] and session["role"] != "supervisor":
            raise web.HTTPForbidden(text="Kein Zugriff: Dieses Gespräch betreuen Sie nicht.")
        panel = await asyncio.to_thread(self._customer_panel, session, sender)
        if panel["identified"]:
            AccessLog(self.redis).record(session, "customer_view", [panel["number"]], client_address(request))
        return web.json_response(panel)

    # ------------------------------------------------------------------ statistics
    async def stats(self, request: web.Request) -> web.Response:
        """Ratings (supervisors: all, agents: their own) and the cases per kind and status they may see."""
        from bot.handover.ratings import RatingStore

        session = self.require(request, {"agent", "supervisor"})
        agent = None if session["role"] == "supervisor" else session["user"]
        ratings = RatingStore(self.redis)
        month = now_local() - dt.timedelta(days=30)
        recent = [r for r in ratings.recent(50) if agent is None or r.agent == agent][:20]
        cases = Scope(session).cases(self.cases_store.search(limit=5000))
        kinds = kind_labels()
        by_kind = Counter(label(kinds, c["kind"]) for c in cases)
        by_status = Counter(c["status"] for c in cases)
        return web.json_response({
            "ratings": {"all": ratings.summary(agent=agent), "month": ratings.summary(since=month, agent=agent),
                        "recent": [{"stars": r.stars, "comment": r.comment, "agent": r.agent,
                                    "at": readable_date(r.at)} for r in recent]},
            "cases": {"total": len(cases), "by_kind": dict(by_kind.most_common()), "by_status": dict(by_status)},
        })

    async def export_case_xml(self, request: web.Request) -> web.Response:
        session = self.require(request, {"agent", "supervisor"})
        case = Scope(session).require_case(self.cases_store.raw(request.match_info["case_id"]))
        AccessLog(self.redis).record(session, "case_export", [case["id"]], client_address(request))
        body = case_xml(case, self.cases_store.files(case["id"]), kind_labels(), _offices())
        return web.Response(body=body, content_type="application/xml", charset="utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{case["id"]}.xml"'})
