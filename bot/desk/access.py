"""Who may read and change which case and conversation, and the access log (Sozialdatenschutz, § 67 ff. SGB X).

Scope:
- supervisors: every case and conversation;
- agents with an office (`python -m bot.desk.accounts add NAME agent --office nord`): cases of their office
  and cases without an office; agents without an office: all offices;
- conversations (handover transcripts): agents read those waiting in the queue, the ones they hold and the
  ones they took part in; supervisors all;
- assignee of a case: an existing agent or supervisor account whose office fits the case; agents may only
  assign themselves or clear the field.

Access log: a Redis stream `desk:access` (XADD only, never rewritten) with who, role, action, case or
conversation id, time and client address, for every case detail view, export and file download and
every conversation view. Supervisors read it at `/api/access-log`.
"""

from __future__ import annotations

import datetime as dt

import redis
from aiohttp import web

from bot.core.clock import now_local
from bot.core.settings import DeskSettings
from bot.desk.accounts import Accounts

ACCESS_LOG = "desk:access"
HANDLED = "desk:handled:{sender}"  # set of agents who held a conversation (written when claiming)
HANDLED_TTL = 30 * 24 * 3600
CASE_ROLES = ("agent", "supervisor")


class Scope:
    """The access rules for one logged-in desk user (the session dict: user, role, office)."""

    def __init__(self, session: dict):
        self.user = session["user"]
        self.role = session["role"]
        self.office = session.get("office") or ""

    @property
    def all_offices(self) -> bool:
        return self.role == "supervisor" or not self.office

    def sees_case(self, case: dict) -> bool:
        return self.all_offices or not case.get("office") or case.get("office") == self.office

    def require_case(self, case: dict | None) -> dict:
        if case is None:
            raise web.HTTPNotFound(text="Vorgang nicht gefunden.")
        if not self.sees_case(case):
            raise web.HTTPForbidden(text="Kein Zugriff: Dieser Vorgang gehört zu einer anderen Geschäftsstelle.")
        return case

    def cases(self, found: list[dict]) -> list[dict]:
        return [case for case in found if self.sees_case(case)]

    def offices(self, offices: dict[str, str]) -> dict[str, str]:
        return offices if self.all_offices else {k: v for k, v in offices.items() if k == self.office}

    def assignee(self, case: dict, wanted: object, accounts: Accounts) -> str:
        """The validated new assignee: a missing value means oneself, "" clears the field."""
        if wanted is None:
            return self.user
        if not isinstance(wanted, str) or len(wanted) > 64:
            raise web.HTTPBadRequest(text="Ungültige Bearbeitung: bitte einen Kontonamen angeben.")
        wanted = wanted.strip()
        if not wanted:
            return ""
        if self.role != "supervisor" and wanted != self.user:
            raise web.HTTPForbidden(text="Sie können Vorgänge nur sich selbst zuweisen oder die Zuweisung aufheben.")
        account = accounts.user(wanted)
        if account is None or account["role"] not in CASE_ROLES:
            raise web.HTTPBadRequest(text=f"Unbekanntes Desk-Konto für die Bearbeitung: {wanted}")
        office = account.get("office") or ""
        if account["role"] != "supervisor" and office and case.get("office") and case["office"] != office:
            raise web.HTTPBadRequest(text=f"{wanted} gehört zu einer anderen Geschäftsstelle als der Vorgang.")
        return wanted

    def sees_conversation(self, client: redis.Redis, sender: str, state: str, owner: str | None,
                          transcript: list[dict]) -> bool:
        if self.role == "supervisor" or state == "queued" or owner == self.user:
            return True
        if client.sismember(HANDLED.format(sender=sender), self.user):
            return True
        return any(line.get("agent") == self.user for line in transcript)  # held before the set existed


def mark_handled(client: redis.Redis, sender: str, user: str) -> None:
    key = HANDLED.format(sender=sender)
    pipe = client.pipeline()
    pipe.sadd(key, user)
    pipe.expire(key, HANDLED_TTL)
    pipe.execute()


def conversation_readers(client: redis.Redis, sender: str) -> set[str]:
    """Agents besides supervisors who may follow a conversation live: its holder and former holders."""
    readers = {m.decode() for m in client.smembers(HANDLED.format(sender=sender))}
    owner = client.hget(f"ho:conv:{sender}", "agent")
    if owner:
        readers.add(owner.decode())
    return readers


class AccessLog:
    """Append-only record of who read which case or conversation."""

    def __init__(self, client: redis.Redis):
        self.redis = client
        self.max_entries = DeskSettings.from_env().access_log_max

    def record(self, session: dict, action: str, targets: list[str], address: str = "",
               now: dt.datetime | None = None) -> None:
        at = (now or now_local()).isoformat(timespec="seconds")
        pipe = self.redis.pipeline()
        for target in targets:
            pipe.xadd(ACCESS_LOG, {"at": at, "user": session["user"], "role": session["role"], "action": action,
                                   "target": target, "address": address},
                      maxlen=self.max_entries, approximate=True)
        pipe.execute()

    def entries(self, user: str = "", target: str = "", action: str = "", limit: int = 200,
                scan: int = 100_000) -> list[dict]:
        """Newest first, filtered; looks at the newest `scan` entries at most."""
        found: list[dict] = []
        last, seen = "+", 0
        while len(found) < limit and seen < scan:
            batch = self.redis.xrevrange(ACCESS_LOG, max=last, min="-", count=1000)
            if last != "+":
                batch = batch[1:]  # the boundary entry was in the previous batch
            if not batch:
                break
            for entry_id, fields in batch:
                seen += 1
                entry = {k.decode(): v.decode() for k, v in fields.items()}
                if (not user or entry["user"] == user) and (not target or entry["target"] == target) \
                        and (not action or entry["action"] == action):
                    found.append({"id": entry_id.decode(), **entry})
                    if len(found) >= limit:
                        break
            last = batch[-1][0].decode()
        return found
