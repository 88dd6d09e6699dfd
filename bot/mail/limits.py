"""Limits for incoming mails, checked before and while parsing: raw size, MIME nesting depth, number of parts.

A mail over the size limit is never read beyond its first HEAD_BYTES. Parsing stops at the first MIME part
that is nested too deep or one too many (the parser's cost grows with the depth). Of a mail over a limit only
the header block is read (sender, subject, ids); the channel files it as a case without the content and answers
with the limit.
"""

from __future__ import annotations

import email.feedparser
import email.policy
import re
from email.message import EmailMessage

from bot.content import say
from bot.mail.settings import MailSettings

HEAD_BYTES = 256 * 1024  # read of an oversized mail: enough for any real header block
CHUNK_BYTES = 64 * 1024
MAX_HEADER_LINES = 2000  # header lines of one part (a real mail has a few hundred at most)
MIN_AVERAGE_LINE = 40  # bytes: base64 and quoted-printable lines have 76; the parser's cost is per line
SIZE, DEPTH, PARTS, HEADERS, LINES = "size", "depth", "parts", "headers", "lines"

# The answer to a mail over a limit and the reasons in it are citizen-facing: content/texts.yml, section
# `mail` (over_limit, limit_<limit>). The summaries are for the case list (staff).
LIMIT_SUMMARIES = {SIZE: "zu groß", DEPTH: "zu tief verschachtelt", PARTS: "zu viele Teile",
                   HEADERS: "zu viele Kopfzeilen", LINES: "zu viele Zeilen"}


def megabytes(size: int) -> str:
    value = size / 2**20
    return f"{value:.0f} MB" if value >= 1 and value == int(value) else f"{value:.1f} MB".replace(".", ",")


def limit_values(settings: MailSettings) -> dict[str, str]:
    return {"max_size": megabytes(settings.max_raw_bytes), "max_depth": str(settings.max_mime_depth),
            "max_parts": str(settings.max_mime_parts), "max_headers": f"{MAX_HEADER_LINES:,}".replace(",", "."),
            "max_lines": f"{max_lines(settings.max_raw_bytes):,}".replace(",", ".")}


def max_lines(max_raw_bytes: int) -> int:
    """Most lines of one mail: 250,000, more when the size limit is raised (1 line per 40 bytes)."""
    return max(250_000, max_raw_bytes // MIN_AVERAGE_LINE)


def line_count(raw: bytes) -> int:
    """Lines as the parser sees them (LF, CRLF or a lone CR end a line), counted without copying."""
    return max(raw.count(b"\n"), raw.count(b"\r"))


def limit_reason(limit: str, settings: MailSettings) -> str:
    """Why the mail was not taken, for the answer to the citizen: mail.limit_<limit> of content/texts.yml."""
    return say(f"mail.limit_{limit}", None, **limit_values(settings))


def head(raw: bytes) -> bytes:
    """The header block of a mail (up to the first empty line), at most HEAD_BYTES and MAX_HEADER_LINES lines."""
    raw = raw[:HEAD_BYTES]
    match = re.search(rb"\r?\n\r?\n", raw)
    block = raw[: match.end()] if match else raw
    if block.count(b"\n") > MAX_HEADER_LINES:
        block = b"\n".join(block.split(b"\n", MAX_HEADER_LINES)[:MAX_HEADER_LINES]) + b"\n\n"
    return block


class OverLimit(Exception):
    """The mail is over a limit: `limit` is SIZE, DEPTH or PARTS."""

    def __init__(self, limit: str) -> None:
        super().__init__(limit)
        self.limit = limit


class _LimitedParser(email.feedparser.BytesFeedParser):
    """The email package's own parser, stopped at the first part over the depth or count limit, so what is
    counted is exactly what would be parsed (also multipart/digest parts, lone-CR line ends, missing blank
    lines). The parser creates every part, container or leaf, in _new_message with the open containers in
    _msgstack (CPython's feedparser since 3.2; tests/unit/test_mail_security.py fails if that changes)."""

    def __init__(self, max_depth: int, max_parts: int) -> None:
        super().__init__(policy=email.policy.default)
        self.max_depth, self.max_parts, self.parts = max_depth, max_parts, 0

    def _new_message(self) -> None:
        self.parts += 1
        if self.parts > self.max_parts:
            raise OverLimit(PARTS)
        # _msgstack, _new_message and _parse_headers are the standard library FeedParser's private hooks (no stubs)
        if len(self._msgstack) >= self.max_depth + 1:  # type: ignore[attr-defined]  # top-level message: depth 0
            raise OverLimit(DEPTH)
        super()._new_message()  # type: ignore[misc]

    def _parse_headers(self, lines: list[str]) -> None:
        if len(lines) > MAX_HEADER_LINES:  # thousands of headers make every later header look-up slow
            raise OverLimit(HEADERS)
        super()._parse_headers(lines)  # type: ignore[misc]


def parse_limited(raw: bytes, max_depth: int, max_parts: int) -> EmailMessage:
    """Parse in chunks (no full decoded copy of the mail at once); raises OverLimit(DEPTH | PARTS)."""
    parser = _LimitedParser(max_depth, max_parts)
    for start in range(0, len(raw), CHUNK_BYTES):
        parser.feed(raw[start:start + CHUNK_BYTES])
    message = parser.close()
    assert isinstance(message, EmailMessage)
    return message
