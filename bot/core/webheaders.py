"""Security headers for the aiohttp servers (agent desk, voice gateway): one middleware, each server its set."""

from __future__ import annotations

from typing import Callable

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware


def security_headers(headers: dict[str, str], hsts: Callable[[web.Request], bool] | None = None) -> Middleware:
    """Middleware adding `headers` to every response, error responses included; HSTS when `hsts(request)` says
    the request came over TLS. Responses already sent (websockets) are left alone."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            response = await handler(request)
        except web.HTTPException as error:
            response = error
        if not response.prepared:
            response.headers.update(headers)
            if hsts is not None and hsts(request):
                response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if isinstance(response, web.HTTPException):
            raise response
        return response

    return middleware
