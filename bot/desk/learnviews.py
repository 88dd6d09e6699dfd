"""Collected messages the assistant did not understand (editors and supervisors): review and assign as
training data. A mixin of `bot.desk.server.Desk`."""

from __future__ import annotations

import asyncio
import logging
import os

from aiohttp import web

from bot.desk.base import DeskBase

logger = logging.getLogger("desk")


class LearnViews(DeskBase):
    """Needs `self.redis`, `self.require`, `self.body` from the Desk."""

    async def learn(self, request: web.Request) -> web.Response:
        from bot import PROJECT_ROOT
        from bot.content import domain_intents
        from bot.editor.learning import LearningInbox

        self.require(request, {"editor", "supervisor"})
        groups = await asyncio.to_thread(LearningInbox(self.redis).groups)
        return web.json_response({"groups": groups, "intents": sorted(domain_intents(PROJECT_ROOT))})

    async def learn_assign(self, request: web.Request) -> web.Response:
        from bot import PROJECT_ROOT
        from bot.content import domain_intents
        from bot.editor.learning import LearningInbox, write_examples

        session = self.require(request, {"editor", "supervisor"})
        data = await self.body(request)
        ids, intent = data.get("ids"), data.get("intent")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or intent not in domain_intents(PROJECT_ROOT):
            raise web.HTTPBadRequest(text="Bitte Nachrichten und einen bekannten Intent angeben.")
        items = LearningInbox(self.redis).remove(ids[:200])
        if not items:
            return web.json_response({"ok": False, "message": "Diese Nachrichten sind schon bearbeitet."})
        path = await asyncio.to_thread(write_examples, intent, [i["text"] for i in items])
        logger.info("learning: %s assigned %d message(s) to %s", session["user"], len(items), intent)
        shown = os.path.relpath(path, PROJECT_ROOT) if PROJECT_ROOT in path.parents else path.name
        return web.json_response({"ok": True, "added": len(items), "file": shown})

    async def learn_noise(self, request: web.Request) -> web.Response:
        from bot.editor.learning import LearningInbox

        self.require(request, {"editor", "supervisor"})
        data = await self.body(request)
        ids = data.get("ids")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise web.HTTPBadRequest(text="Bitte Nachrichten angeben.")
        return web.json_response({"ok": True, "removed": len(LearningInbox(self.redis).remove(ids[:200]))})
