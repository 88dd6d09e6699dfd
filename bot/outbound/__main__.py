"""Command line for campaigns (the contacts worker that delivers them: `python -m bot.runtime.worker`).

    python -m bot.outbound reminder [--day 2026-11-25] [--channels email,phone] --by NAME
    python -m bot.outbound cancel --office mitte --day 2026-11-26 [--from 08:00 --to 12:00] --reason TEXT --by NAME
    python -m bot.outbound wba [--within-days 56] --by NAME
    python -m bot.outbound event --title TEXT --when "2026-12-03 10:00" --place TEXT [--details TEXT]
                                 [--offices mitte,nord] --by NAME
    python -m bot.outbound query --customers 12345BG0000001,... --topic TEXT --by NAME
    python -m bot.outbound run-once        deliver what is due now, once
    python -m bot.outbound list | show K-2026-0001
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import sys

from bot.outbound.campaigns import CampaignError, Planner
from bot.outbound.store import STATUS_TEXT, Campaign, OutboundStore


def _channels(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot.outbound", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run-once")
    sub.add_parser("list")
    show = sub.add_parser("show")
    show.add_argument("campaign")
    for name in ("reminder", "cancel", "wba", "event", "query"):
        command = sub.add_parser(name)
        command.add_argument("--by", required=True, help="who starts the campaign (recorded)")
        command.add_argument("--channels", help="order of channels, e.g. email,phone (default)")
        if name == "reminder":
            command.add_argument("--day", type=dt.date.fromisoformat, help="appointment day (default: tomorrow)")
        elif name == "cancel":
            command.add_argument("--office", required=True)
            command.add_argument("--day", type=dt.date.fromisoformat, required=True)
            command.add_argument("--from", dest="start", type=dt.time.fromisoformat, default=dt.time(0, 0))
            command.add_argument("--to", dest="end", type=dt.time.fromisoformat, default=dt.time(23, 59))
            command.add_argument("--reason", required=True)
        elif name == "wba":
            command.add_argument("--within-days", type=int, default=56)
        elif name == "event":
            command.add_argument("--title", required=True)
            command.add_argument("--when", type=dt.datetime.fromisoformat, required=True)
            command.add_argument("--place", required=True)
            command.add_argument("--details", default="")
            command.add_argument("--offices", default="")
        else:
            command.add_argument("--customers", required=True, help="BG- or Kundennummern, comma-separated")
            command.add_argument("--topic", required=True)
    return parser


def start_campaign(planner: Planner, args: argparse.Namespace, now: dt.datetime) -> Campaign:
    channels = _channels(args.channels)
    if args.command == "reminder":
        return planner.reminder(args.day or now.date() + dt.timedelta(days=1), args.by, now, channels)
    if args.command == "cancel":
        return planner.cancellation(args.office, args.day, args.reason, args.by, now, args.start, args.end, channels)
    if args.command == "wba":
        return planner.wba(args.within_days, args.by, now, channels)
    if args.command == "event":
        offices = [o.strip() for o in args.offices.split(",") if o.strip()]
        return planner.event(args.title, args.when, args.place, args.details, offices, args.by, now, channels)
    return planner.query(args.customers.split(","), args.topic, args.by, now, channels)


def main(argv: list[str] | None = None) -> int:
    from bot.core.clock import now_local
    from bot.core.redis_server import redis_client
    from bot.outbound.service import deliverer, planner

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    client = redis_client()
    store = OutboundStore(client)
    if args.command == "run-once":
        done = asyncio.run(deliverer(client).run_due(now_local()))
        for contact in done:
            fresh = store.contact(contact.id) or contact
            print(f"{fresh.campaign} {fresh.customer} {fresh.channel or '-'}: {STATUS_TEXT[fresh.status]}")
        return 0
    if args.command == "list":
        for campaign in store.campaigns():
            counts = ", ".join(f"{STATUS_TEXT[k]} {v}" for k, v in sorted(store.counts(campaign.id).items()))
            print(f"{campaign.id}  {campaign.created_at}  {campaign.title}  ({campaign.created_by}): {counts or 'leer'}")
        return 0
    if args.command == "show":
        for contact in store.contacts(args.campaign):
            print(f"{contact.customer} {contact.name}: {contact.channel or '-'} {STATUS_TEXT[contact.status]}")
            for attempt in contact.attempts:
                print(f"    {attempt['at']} {attempt['result']} {attempt.get('detail', '')}")
        return 0
    try:
        campaign = start_campaign(planner(client), args, now_local())
    except CampaignError as error:
        print(f"Kampagne nicht gestartet: {error}", file=sys.stderr)
        return 1
    started = store.counts(campaign.id)
    print(f"Kampagne {campaign.id} ({campaign.title}) gestartet: {campaign.contacts} Bürger/innen, davon "
          f"{started.get('planned', 0)} mit Einwilligung (werden kontaktiert), {started.get('no_consent', 0)} ohne.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
