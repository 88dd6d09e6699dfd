"""Cases (Vorgänge) in the desk: inbox, detail, files, changes, e-mail replies, export, access log.

A mixin of `bot.desk.server.Desk`. Every entry point applies the user's scope (bot/desk/access.py) and
every read of a case's content (detail, export, file) is written to the access log first.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.cases.store import BUILTIN_KINDS
from bot.core.clock import now_local
from bot.desk.access import AccessLog, Scope
from bot.desk.base import DeskBase
from bot.desk.export import cases_csv
from bot.desk.labels import kind_labels
from bot.desk.network import client_address

MAX_TEXT = 4000
LIST_FIELDS = ("id", "kind", "status", "priority", "summary", "office", "assignee", "created_at", "channel")


class CaseViews(DeskBase):
    """Needs `self.redis`, `self.cases_store`, `self.accounts`, `self.require`, `self.body` from the Desk."""

    def _scoped(self, request: web.Request, roles: set[str] | None = None) -> tuple[dict, Scope]:
        session = self.require(request, roles or {"agent", "supervisor"})
        return session, Scope(session)

    def _log(self, request: web.Request, session: dict, action: str, targets: list[str]) -> None:
        AccessLog(self.redis).record(session, action, targets, client_address(request))

    def _case(self, request: web.Request, scope: Scope) -> dict:
        return scope.require_case(self.cases_store.raw(request.match_info["case_id"]))

    def _search_cases(self, request: web.Request) -> tuple[dict, list[dict]]:
        session, scope = self._scoped(request)
        query = request.query
        found = self.cases_store.search(kind=query.get("kind", ""), status=query.get("status", ""),
                                        office=query.get("office", ""))
        return session, scope.cases(found)

    async def cases(self, request: web.Request) -> web.Response:
        """The inbox: one line per case, the content only in the (logged) detail view."""
        from bot.content import get_content
        from bot.declarations.catalogue import get_catalogue

        session, found = self._search_cases(request)
        offices = Scope(session).offices({key: office.name for key, office in get_content().offices.items()})
        return web.json_response({"cases": [{k: c.get(k, "") for k in LIST_FIELDS} for c in found],
                                  "kinds": {**BUILTIN_KINDS, **get_catalogue().kinds()}, "offices": offices})

    async def case(self, request: web.Request) -> web.Response:
        from bot.outbound.consent import CHANNELS, ConsentStore

        session, scope = self._scoped(request)
        case = self._case(request, scope)
        self._log(request, session, "case_view", [case["id"]])
        consent = {}
        if case.get("customer"):
            given = ConsentStore(self.redis).all(case["customer"])
            consent = {CHANNELS[c]: (f"erteilt am {v.at[:10]} ({v.address})" if v.granted else f"widerrufen am {v.at[:10]}")
                       for c, v in given.items()}
        return web.json_response({"case": case, "files": self.cases_store.files(case["id"]), "consent": consent})

    async def case_file(self, request: web.Request) -> web.StreamResponse:
        session, scope = self._scoped(request)
        case = self._case(request, scope)
        try:
            number = int(request.match_info["number"])
        except ValueError:
            raise web.HTTPNotFound(text="Datei nicht gefunden.")
        found = self.cases_store.file(case["id"], number)
        if found is None:
            raise web.HTTPNotFound(text="Datei nicht gefunden.")
        self._log(request, session, "case_file", [f"{case['id']}/{number}"])
        meta, data = found
        name = "".join(ch for ch in meta["name"] if ch.isalnum() or ch in "._- ") or "anhang"
        # Always a download, never rendered in the desk's origin (an e-mail attachment is untrusted content).
        return web.Response(body=data, content_type="application/octet-stream",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def reply_case(self, request: web.Request) -> web.Response:
        from bot.channels.mail import reply_from_agent
        from bot.mail.settings import mail_settings
        from bot.mail.smtp import MailError

        session, scope = self._scoped(request)
        text = str((await self.body(request)).get("text", "")).strip()
        if not text or len(text) > MAX_TEXT:
            raise web.HTTPBadRequest(text=f"Bitte einen Antworttext mit höchstens {MAX_TEXT} Zeichen eingeben.")
        case = self.cases_store.raw(request.match_info["case_id"])
        if case is not None:
            scope.require_case(case)
        try:
            await asyncio.to_thread(reply_from_agent, self.redis, mail_settings(), request.match_info["case_id"], text,
                                    session["user"], now_local())
        except LookupError as error:
            raise web.HTTPBadRequest(text=str(error))
        except MailError as error:
            return web.json_response({"ok": False, "message": f"Die E-Mail konnte nicht gesendet werden: {error}"},
                                     status=502)
        return web.json_response({"ok": True})

    async def update_case(self, request: web.Request) -> web.Response:
        session, scope = self._scoped(request)
        data = await self.body(request)
        change = data.get("change", "")
        if not isinstance(change, str):
            raise web.HTTPBadRequest(text="Ungültige Änderung.")
        case = self._case(request, scope)
        if change == "assignee":
            value = await asyncio.to_thread(scope.assignee, case, data.get("value"), self.accounts)
        else:
            value = str(data.get("value", ""))[:2000]
        try:
            updated = self.cases_store.update(case["id"], change, value, session["user"], now_local())
        except ValueError as error:
            raise web.HTTPBadRequest(text=f"Ungültige Änderung: {error}")
        if updated is None:
            raise web.HTTPNotFound(text="Vorgang nicht gefunden.")
        self._log(request, session, f"case_{change}", [case["id"]])
        return web.json_response(updated)

    async def export_cases(self, request: web.Request) -> web.StreamResponse:
        """All matching cases the user may see, as JSON or CSV (bot/desk/export.py: BOM, German labels, one column
        per field, formula-safe cells)."""
        session, found = self._search_cases(request)
        self._log(request, session, "case_export", [case["id"] for case in found])
        if request.match_info["format"] == "json":
            return web.json_response(found, headers={"Content-Disposition": 'attachment; filename="vorgaenge.json"'})
        from bot.content import get_content

        offices = {key: office.name for key, office in get_content().offices.items()}
        text = cases_csv(found, kind_labels(), offices)
        return web.Response(body=text.encode("utf-8"), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="vorgaenge.csv"'})

    async def access_log(self, request: web.Request) -> web.Response:
        """Supervisors: who read which case or conversation, newest first (filters: user, target, action)."""
        self.require(request, {"supervisor"})
        query = request.query
        try:
            limit = max(1, min(int(query.get("limit", "200")), 1000))
        except ValueError:
            raise web.HTTPBadRequest(text="Ungültige Anzahl (limit).")
        entries = await asyncio.to_thread(AccessLog(self.redis).entries, query.get("user", "")[:64],
                                          query.get("target", "")[:200], query.get("action", "")[:40], limit)
        return web.json_response({"entries": entries})
