"""Parsing opening hours: „08:00-12:00, 14:00-18:00“ per weekday into `TimeRange`s.

Used for the offices and the service center in `content/jobcenter.yml` and by other capabilities
that read opening hours from their own content files (allowed contact times, calendar slots).
Problems are reported on the YAML node, with file and line.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.content.model import OpeningHours, TimeRange
from bot.core.yamlsource import Node
from bot.language.formatting import WEEKDAYS

TIME_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours_text(node: Node) -> tuple[TimeRange, ...]:
    """'08:00-12:00, 14:00-18:00' -> two TimeRanges; problems are reported on the node."""
    text = node.text()
    if text is None:
        return ()
    ranges: list[TimeRange] = []
    for part in text.split(","):
        match = TIME_RANGE.match(part)
        if not match:
            node.problem(f"„{part.strip()}“ ist keine Zeitspanne im Format HH:MM-HH:MM.")
            continue
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            node.problem(f"„{part.strip()}“ enthält eine unmögliche Uhrzeit.")
            continue
        start = dt.time(h1, m1)
        end = dt.time(23, 59) if h2 == 24 else dt.time(h2, m2)
        if end <= start:
            node.problem(f"„{part.strip()}“: Ende liegt nicht nach dem Beginn.")
            continue
        if ranges and start < ranges[-1].end:
            node.problem(f"„{part.strip()}“ überschneidet sich mit der vorigen Zeitspanne.")
            continue
        ranges.append(TimeRange(start, end))
    return tuple(ranges)


def parse_hours(node: Node | None) -> OpeningHours:
    hours: OpeningHours = {}
    if node is None or not node.is_mapping():
        return hours
    for day, day_node in node.items():
        if str(day).lower() not in WEEKDAYS:
            day_node.problem(f"„{day}“ ist kein Wochentag (erlaubt: {', '.join(WEEKDAYS)}).")
            continue
        if day_node.value in (None, "", "geschlossen"):
            continue
        hours[WEEKDAYS.index(str(day).lower())] = parse_hours_text(day_node)
    return hours
