"""The citizen's new words in a reply: quoted earlier mails, "On … wrote:" intros, forwarded header blocks
and signatures cut off (German and English mail clients: Outlook, Thunderbird, Gmail, Apple Mail)."""

from __future__ import annotations

import re


def tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- the new part of a reply ---------------------------------------------------------------------------------

_SIGNATURE = re.compile(
    r"^(?:--\s*|(?:gesendet von meinem|von meinem .{1,40} gesendet|sent from my)\b.*)$", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*[-_=]{2,}\s*(?:ursprüngliche nachricht|original[- ]?nachricht|original message)\s*[-_=]{2,}\s*$",
    re.IGNORECASE)
_HEADER_LINE = re.compile(r"^\s*\*?(von|from|gesendet|sent|datum|date|an|to|cc|betreff|subject)\s*:\s*\*?\s*\S",
                          re.IGNORECASE)
_HEADER_BLOCK_START = {"von", "from", "gesendet", "sent", "datum", "date"}
# "Am 3. März 2026 um 10:00 schrieb X <x@y>:" - a time or an address tells it apart from "Am Montag schrieb ich:"
_DATED_INTRO = re.compile(r"^\s*(?:am|on)\s(?=.*(?:\d{1,2}[:.]\d{2}|@)).*\b(?:schrieb|wrote)\b.*:\s*$", re.IGNORECASE)
_PLAIN_INTRO = re.compile(r"\b(?:schrieb|wrote)(?:\s+am\s.*)?\s*:\s*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s_\-=*]*$")


def new_text(text: str) -> str:
    """The part a person just wrote: without quotes, earlier messages of the thread and signature."""
    lines = [line.replace("\xa0", " ") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if _SIGNATURE.match(line.strip()) or _ORIGINAL_MESSAGE.match(line) or _header_block(lines, index):
            break
        intro = _intro_length(lines, index)
        if intro:
            quote_follows = _next_text_line(lines, index + intro).startswith(">")
            if quote_follows:  # bottom posting: the answer may follow the quote, keep looking
                index += intro
                continue
            if _DATED_INTRO.match(" ".join(lines[index:index + intro])):
                break
        if not line.lstrip().startswith(">"):
            kept.append(line)
        index += 1
    while kept and _SEPARATOR.match(kept[-1]):
        kept.pop()
    return tidy("\n".join(kept)).strip()


def _intro_length(lines: list[str], index: int) -> int:
    """1 or 2 when a reply intro ("Am ... schrieb X:", "On ... wrote:") starts here, possibly wrapped; else 0."""
    line = lines[index].strip()
    if _DATED_INTRO.match(line) or _PLAIN_INTRO.search(line):
        return 1
    if index + 1 < len(lines) and re.match(r"^(?:am|on)\s", line, re.IGNORECASE):
        joined = f"{line} {lines[index + 1].strip()}"
        if _DATED_INTRO.match(joined):
            return 2
    return 0


def _header_block(lines: list[str], index: int) -> bool:
    """An Outlook/GMX style header block of a quoted message: 'Von: ... Gesendet: ... An: ... Betreff: ...'."""
    first = _HEADER_LINE.match(lines[index])
    if not first or first.group(1).lower() not in _HEADER_BLOCK_START:
        return False
    following = [line for line in lines[index + 1:index + 5] if line.strip()][:3]
    return sum(1 for line in following if _HEADER_LINE.match(line)) >= 2


def _next_text_line(lines: list[str], start: int) -> str:
    return next((line.lstrip() for line in lines[start:] if line.strip()), "")


# --- attachments ---------------------------------------------------------------------------------------------
