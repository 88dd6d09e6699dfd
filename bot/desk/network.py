"""Who is asking: the client address behind trusted proxies, and which origins may open the desk websocket.

- DESK_TRUSTED_PROXIES (comma-separated IPs or CIDRs, default empty): when the TCP peer is one of them, the
  client is the right-most address of X-Forwarded-For that is not a trusted proxy. Without it the peer is
  the client and X-Forwarded-For is ignored (anyone can write that header).
- DESK_ALLOWED_ORIGINS (comma-separated, e.g. `https://desk.example`): origins besides the desk's own that
  may open the websocket. The own origin is the scheme (https behind TLS, see `behind_tls`) and the Host
  header of the request.
"""

from __future__ import annotations

from typing import Callable

from aiohttp import web

from bot.core import netaddr
from bot.core.settings import DeskSettings


def client_address(request: web.Request) -> str:
    """The address failed logins and floods are counted for (bot/core/netaddr.py, with DESK_TRUSTED_PROXIES)."""
    return netaddr.client_address(request.remote or "", request.headers.getall("X-Forwarded-For", []),
                                  trusted=DeskSettings.from_env().trusted_proxies)


def behind_tls(request: web.Request) -> bool:
    """TLS directly, or at a reverse proxy that says so (only trusted with DESK_BEHIND_TLS_PROXY=1)."""
    if request.secure:
        return True
    return DeskSettings.from_env().behind_tls_proxy and request.headers.get("X-Forwarded-Proto") == "https"


def _allowed_origins() -> frozenset[str]:
    return DeskSettings.from_env().allowed_origins


def origin_allowed(request: web.Request, behind_tls: Callable[[web.Request], bool]) -> bool:
    """The Origin header names the desk itself or an origin in DESK_ALLOWED_ORIGINS; a missing one is refused."""
    origin = request.headers.get("Origin", "").strip().rstrip("/").lower()
    if not origin or origin == "null":
        return False
    own = f"{'https' if behind_tls(request) else 'http'}://{request.host}".lower()
    return origin == own or origin in _allowed_origins()
