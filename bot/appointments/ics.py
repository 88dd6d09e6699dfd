"""Calendar files (RFC 5545) for booked appointments."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import TIMEZONE, aware


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF + space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar_file(uid: str, start: dt.datetime, end: dt.datetime, summary: str, location: str,
                  description: str, stamp: dt.datetime) -> str:
    """An iCalendar file with one event in the Jobcenter's local time (`bot/core/clock.py` TIMEZONE); a naive
    `stamp` is Berlin wall-clock time."""
    fmt = "%Y%m%dT%H%M%S"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Jobcenter-Assistent//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{aware(stamp).astimezone(dt.timezone.utc):%Y%m%dT%H%M%SZ}",
        f"DTSTART;TZID={TIMEZONE.key}:{start.strftime(fmt)}",
        f"DTEND;TZID={TIMEZONE.key}:{end.strftime(fmt)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"DESCRIPTION:{_escape(description)}",
        "BEGIN:VALARM",
        "TRIGGER:-P1D",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
