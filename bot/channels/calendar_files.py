"""Serves the calendar file (.ics) of a booked appointment at an unguessable link.

Registered in credentials.yml as `bot.channels.calendar_files.CalendarFileChannel`; the route is
GET /webhooks/termine/ics/<token>. It carries no personal data in the URL: the token is random.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from bot.core.clock import now


class CalendarFileChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "termine"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> "CalendarFileChannel":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        files = Blueprint("calendar_files", __name__)

        @files.route("/ics/<token>", methods=["GET"])
        async def ics(request: Request, token: str) -> response.HTTPResponse:
            from bot.appointments.booking import ics_file
            from bot.appointments.store import get_book

            record = get_book().by_ics_token(token) if len(token) < 100 else None
            if record is None or record.status != "booked":
                return response.text("Dieser Termin ist nicht (mehr) vorhanden.", status=404)
            return response.raw(ics_file(record, now()).encode("utf-8"), headers={
                "Content-Type": "text/calendar; charset=utf-8",
                "Content-Disposition": f'attachment; filename="termin-{record.ref}.ics"',
                "Cache-Control": "no-store",
            })

        return files
