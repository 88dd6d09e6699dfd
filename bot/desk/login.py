"""Desk login and logout (a mixin of `bot.desk.server.Desk`).

Failed logins are limited per client address and per account (bot/desk/loginlimit.py); logout is a
state change like any other and needs the CSRF token (form field `csrf` or the X-CSRF-Token header).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from pathlib import Path

from aiohttp import web

from bot.desk.base import DeskBase
from bot.desk.network import behind_tls, client_address

logger = logging.getLogger("desk")
STATIC = Path(__file__).resolve().parent / "static"
SESSION_TTL = 8 * 3600


class LoginViews(DeskBase):
    """Needs `self.redis`, `self.accounts`, `self.login_limiter`, `self.require` from the Desk."""

    async def login_page(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "login.html")

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        name, password = str(form.get("username", ""))[:64], str(form.get("password", ""))[:256]
        address = client_address(request)
        refusal = await asyncio.to_thread(self.login_limiter.check, name, address)
        if refusal is not None:
            if refusal.reason == "address":
                raise web.HTTPFound(f"/login?fehler=warten&sekunden={refusal.seconds}",
                                    headers={"Retry-After": str(refusal.seconds)})
            raise web.HTTPFound("/login?fehler=gesperrt")
        role = await asyncio.to_thread(self.accounts.verify, name, password)
        if role is None:
            blocked = await asyncio.to_thread(self.login_limiter.failed, name, address)
            if blocked:
                logger.warning("desk logins from one address blocked for %d s after repeated failures", blocked)
            raise web.HTTPFound("/login?fehler=1")
        await asyncio.to_thread(self.login_limiter.succeeded, name, address)
        account = self.accounts.user(name) or {}
        token = secrets.token_urlsafe(32)
        self.redis.set(f"desk:session:{token}",
                       json.dumps({"user": name, "role": role, "office": account.get("office", ""),
                                   "csrf": secrets.token_urlsafe(24)}), ex=SESSION_TTL)
        response = web.HTTPFound("/")
        response.set_cookie("desk_session", token, httponly=True, samesite="Strict", secure=behind_tls(request),
                            max_age=SESSION_TTL, path="/")
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        session = self.require(request, csrf=False)
        sent = request.headers.get("X-CSRF-Token")
        if sent is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            sent = str((await request.post()).get("csrf", ""))
        if not sent or not secrets.compare_digest(sent.encode(), session["csrf"].encode()):
            raise web.HTTPForbidden(text="Ungültiges Sicherheitstoken.")
        self.redis.delete(f"desk:session:{request.cookies.get('desk_session')}")
        response = web.HTTPFound("/login")
        response.del_cookie("desk_session", path="/")
        raise response
