"""Outbound campaigns in the desk (supervisors only): list, detail, start. A mixin of `bot.desk.server.Desk`."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from aiohttp import web

from bot.desk.base import DeskBase

logger = logging.getLogger("desk")


class CampaignViews(DeskBase):
    """Needs `self.redis`, `self.require`, `self.body` from the Desk."""

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
        from bot.core.clock import now_local
        from bot.outbound.campaigns import CampaignError
        from bot.outbound.service import planner

        session = self.require(request, {"supervisor"})
        data = await self.body(request)
        kind, channels = str(data.get("kind", "")), data.get("channels") or None
        if channels is not None and (not isinstance(channels, list) or not all(isinstance(c, str) for c in channels)):
            raise web.HTTPBadRequest(text="Ungültige Kanäle.")

        def text(key: str, limit: int = 500) -> str:
            return str(data.get(key) or "").strip()[:limit]

        def start():
            plan, now, by = planner(self.redis), now_local(), session["user"]
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
