"""What the desk's view mixins (login.py, caseviews.py, campaignviews.py, learnviews.py) use from
`bot.desk.server.Desk`, declared once for the type checker. Desk sets the attributes and defines the
methods; this class adds nothing at run time."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web
    from redis import Redis

    from bot.cases.store import CaseStore
    from bot.desk.accounts import Accounts
    from bot.desk.loginlimit import LoginLimiter


class DeskBase:
    redis: Redis
    accounts: Accounts
    cases_store: CaseStore
    login_limiter: LoginLimiter

    if TYPE_CHECKING:
        def require(self, request: web.Request, roles: set[str] | None = None, csrf: bool = True) -> dict: ...

        async def body(self, request: web.Request) -> dict: ...
