"""Incoming mails: sender, subject, body text, the new part of a reply, attachments, auto-reply detection.

`parse` never raises on malformed input: every field falls back to an empty or derived value. Header values
come out on one line (an encoded line break in a Message-ID or Subject cannot reach an outgoing header).
`parse_headers` reads only the header block, for a mail over a limit (bot/mail/limits.py).

Malformed parts fall back to empty values, catching only what the email package raises on malformed input
(MALFORMED); each fallback is logged with the exception type and the place, never with mail text or addresses.
"""

from __future__ import annotations

import email
import email.errors
import email.parser
import email.policy
import logging
import re
import unicodedata
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import EmailMessage, Message

from bot.mail import headers as h
from bot.mail.htmltext import html_to_text
from bot.mail.limits import LINES, OverLimit, head, line_count, parse_limited
from bot.mail.quoting import new_text, tidy

__all__ = ["Attachment", "IncomingMail", "html_to_text", "parse", "parse_headers", "sanitize_filename"]

logger = logging.getLogger(__name__)
MAX_FILENAME_CHARS = 120
# What the email package raises on malformed input: its own errors (HeaderParseError, ...) and, for some broken
# headers, parameters, charsets and encodings, plain ValueError (UnicodeError), TypeError, LookupError (unknown
# charset, IndexError, KeyError) or AttributeError from its parsers. Anything else is a bug: it is not caught here
# and the mail channel sets the mail aside (quarantine, bot/channels/mail.py).
MALFORMED = (email.errors.MessageError, ValueError, TypeError, LookupError, AttributeError)
_AUTOMATIC_LOCAL_PART = re.compile(
    r"^(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:[-_.+].*)?$", re.IGNORECASE)
# Subjects of out-of-office notes and bounces. German words only with the colon mail programs put after them
# ("Automatische Antwort: ..."), so that a citizen's "Abwesenheit melden" or "Abwesend" stays a normal mail.
_AUTOMATIC_SUBJECT = re.compile(
    r"^(?:(?:aw|re|antw|wg|fw|fwd)\s*:\s*)*(?:"
    r"(?:automatische antwort|abwesenheitsnotiz|abwesenheitsnachricht|unzustellbar|nicht zustellbar)\s*:"
    r"|(?:auto(?:matic)?[- ]?reply|auto[- ]?response|undeliverable)\s*(?::|$)"
    r"|out of (?:the )?office\b|delivery status notification|mail delivery (?:failed|failure)"
    r"|undelivered mail returned to sender|returned mail\s*:)", re.IGNORECASE)
_LATIN1_NAMES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "iso-8859-15", "windows-1252", "cp1252"}


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised: no path parts, no control characters, at most 120 characters
    content_type: str
    data: bytes


@dataclass(frozen=True)
class IncomingMail:
    message_id: str  # "<...>" without spaces or control characters
    sender: str  # lower-cased addr-spec of the one From mailbox, "" when missing or ambiguous
    sender_name: str
    subject: str  # one line
    text: str  # full plain-text body
    cleaned: str  # only the new part: no quotes, no earlier messages, no signature
    attachments: tuple[Attachment, ...]
    dropped_attachments: tuple[str, ...]  # file names not kept because over the size limit
    in_reply_to: str
    references: tuple[str, ...]
    automatic: bool  # auto-reply, bounce, list or no-reply mail: never answer automatically
    size: int
    auth_results: tuple[str, ...] = ()  # Authentication-Results headers (bot/mail/auth.py)
    over_limit: str = ""  # the limit ("size", "depth", "parts", ...) when only the headers were read (limits.py)


def parse(raw: bytes, max_attachment_bytes: int = 10 * 2**20, max_text_chars: int = 20000, max_depth: int = 10,
          max_parts: int = 50, max_lines: int = 250_000) -> IncomingMail:
    """Read a raw RFC 5322 mail; text is cut to max_text_chars, attachments kept up to max_attachment_bytes.
    A mail with more than max_lines lines is not parsed; one with MIME parts nested deeper than max_depth or
    more than max_parts parts is parsed up to that part only. Both come back with only their headers and
    `over_limit` set (bot/mail/limits.py)."""
    if line_count(raw) > max_lines:
        return parse_headers(head(raw), len(raw), LINES)
    try:
        message = parse_limited(raw, max_depth, max_parts)
    except OverLimit as over:
        return parse_headers(head(raw), len(raw), over.limit)
    text = _body_text(message)[:max_text_chars]
    attachments, dropped = _attachments(message, max_attachment_bytes)
    return _mail(message, raw, len(raw), text, attachments, dropped, "")


def parse_headers(header_block: bytes, size: int, over_limit: str) -> IncomingMail:
    """Only the header block of a mail (sender, subject, ids, auto-reply marks); no body, no attachments."""
    try:
        message = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(header_block)
    except MALFORMED as error:  # an empty message keeps the mail's id and size
        _malformed("header block", error)
        message = EmailMessage()
    return _mail(message, header_block, size, "", (), (), over_limit)


def _mail(message: Message, raw: bytes, size: int, text: str, attachments: tuple[Attachment, ...],
          dropped: tuple[str, ...], over_limit: str) -> IncomingMail:
    sender_name, sender = h.sender(message)
    subject = h.subject(message)
    return IncomingMail(
        message_id=h.message_id(message, raw),
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        text=text,
        cleaned=new_text(text),
        attachments=attachments,
        dropped_attachments=dropped,
        in_reply_to=next(iter(h.message_ids(h.header(message, "In-Reply-To"))), ""),
        references=h.message_ids(h.header(message, "References")),
        automatic=_automatic(message, sender, subject),
        size=size,
        auth_results=h.raw_headers(message, "Authentication-Results"),
        over_limit=over_limit,
    )


def _automatic(message: Message, sender: str, subject: str) -> bool:
    """Mail written by a machine (RFC 3834, bounces, lists, out-of-office), never answered automatically."""
    auto_submitted = h.header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if h.header(message, "Precedence").strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Failed-Recipients", "List-Id"):
        if h.header(message, name).strip():
            return True
    # Exchange marks its own out-of-office and system mails with "All"; single values only ask the recipient
    if h.header(message, "X-Auto-Response-Suppress").strip().lower() == "all":
        return True
    if _AUTOMATIC_LOCAL_PART.match(sender.partition("@")[0]) or _AUTOMATIC_SUBJECT.match(subject):
        return True
    if "".join(h.header(message, "Return-Path").split()) == "<>":
        return True
    try:
        return message.get_content_type() == "multipart/report"
    except MALFORMED as error:
        _malformed("content type", error)
        return False


# --- body ----------------------------------------------------------------------------------------------------


def _leaves(message: Message) -> list[Message]:
    """Non-multipart parts in order; an attached or forwarded message counts as one part."""
    try:
        if message.is_multipart() and message.get_content_type() != "message/rfc822":
            parts = message.get_payload()
            if isinstance(parts, list):
                return [leaf for part in parts if isinstance(part, Message) for leaf in _leaves(part)]
            return []
        return [message]
    except MALFORMED as error:
        _malformed("MIME structure", error)
        return []


def _is_attachment(part: Message) -> bool:
    if part.get_content_type() == "message/rfc822":
        return True
    return bool(_raw_filename(part)) or _disposition(part) == "attachment"


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except MALFORMED as error:
        _malformed("content disposition", error)
        return ""


def _body_text(message: Message) -> str:
    plain, html = [], []
    for part in _leaves(message):
        if _is_attachment(part):
            continue
        content_type = part.get_content_type()
        if content_type == "text/plain":
            plain.append(_decoded_text(part))
        elif content_type == "text/html":
            html.append(html_to_text(_decoded_text(part)))
    texts = plain or html
    return tidy("\n\n".join(text.strip("\n") for text in texts))


def _decoded_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except MALFORMED as error:
        _malformed("body encoding", error)
        data = b""
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", errors="replace")
    try:
        declared = (part.get_content_charset() or "").lower()
    except MALFORMED as error:
        _malformed("charset", error)
        declared = ""
    candidates = ["cp1252"] if declared in _LATIN1_NAMES else [declared] if declared else []
    for charset in [*candidates, "utf-8"]:
        try:
            return data.decode(charset)
        except (LookupError, ValueError):  # unknown charset, undecodable bytes (UnicodeDecodeError), a NUL in the name
            continue
    return data.decode("cp1252", errors="replace")


def _attachments(message: Message, max_bytes: int) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    kept: list[Attachment] = []
    dropped: list[str] = []
    total = 0
    number = 0
    for part in _leaves(message):
        try:
            if not _is_attachment(part):
                continue
            number += 1
            filename = sanitize_filename(_raw_filename(part), number)
            data = _part_bytes(part)
            if total + len(data) > max_bytes:
                dropped.append(filename)
                continue
            total += len(data)
            kept.append(Attachment(filename=filename, content_type=part.get_content_type(), data=data))
        except MALFORMED as error:  # one broken part must not lose the others
            _malformed("attachment", error)
            continue
    return tuple(kept), tuple(dropped)


def _raw_filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except MALFORMED as error:
        _malformed("attachment file name", error)
        return ""
    name = h.fix_text(str(name))
    if "=?" in name:  # encoded words inside a quoted parameter: not standard, but common
        try:
            name = str(make_header(decode_header(name)))
        except MALFORMED as error:  # the name as it was written
            _malformed("encoded attachment file name", error)
    return name


def _part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message):
            try:
                return inner.as_bytes(policy=email.policy.compat32)
            except MALFORMED as error:  # e.g. non-ASCII text that compat32 cannot write as bytes
                _malformed("attached message", error)
                return inner.as_string(policy=email.policy.compat32).encode("utf-8", errors="replace")
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _malformed(where: str, error: Exception) -> None:
    """Log a fallback: the place and the exception type only (the message could quote personal data)."""
    logger.warning("mail: malformed %s (%s); using a fallback", where, type(error).__name__)


def sanitize_filename(name: str, number: int) -> str:
    """A safe file name: last path component, no control or format characters, at most 120 characters."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rpartition("/")[2]
    name = "".join(char for char in name if not unicodedata.category(char).startswith("C"))
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and 0 < len(extension) <= 10:
            name = stem[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME_CHARS].rstrip()
    return name or f"anhang-{number}"
