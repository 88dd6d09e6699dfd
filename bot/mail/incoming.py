"""Incoming mails: sender, subject, body text, the new part of a reply, attachments, auto-reply detection.

`parse` never raises on malformed input: every field falls back to an empty or derived value.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.utils import parseaddr
from html.parser import HTMLParser

MAX_FILENAME_CHARS = 120
_MSGID = re.compile(r"<[^<>\s]+>")
_AUTOMATIC_LOCAL_PART = re.compile(
    r"^(?:mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:[-_.+].*)?$", re.IGNORECASE)
_LATIN1_NAMES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "iso-8859-15", "windows-1252", "cp1252"}


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised: no path parts, no control characters, at most 120 characters
    content_type: str
    data: bytes


@dataclass(frozen=True)
class IncomingMail:
    message_id: str
    sender: str  # lower-cased bare address, "" when missing
    sender_name: str
    subject: str
    text: str  # full plain-text body
    cleaned: str  # only the new part: no quotes, no earlier messages, no signature
    attachments: tuple[Attachment, ...]
    dropped_attachments: tuple[str, ...]  # file names not kept because over the size limit
    in_reply_to: str
    references: tuple[str, ...]
    automatic: bool  # auto-reply, bounce, list or no-reply mail: never answer automatically
    size: int


def parse(raw: bytes, max_attachment_bytes: int = 10 * 2**20, max_text_chars: int = 20000) -> IncomingMail:
    """Read a raw RFC 5322 mail; text is cut to max_text_chars, attachments kept up to max_attachment_bytes."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    sender_name, sender = _sender(message)
    text = _body_text(message)[:max_text_chars]
    attachments, dropped = _attachments(message, max_attachment_bytes)
    return IncomingMail(
        message_id=_header(message, "Message-ID").strip() or f"<{hashlib.sha256(raw).hexdigest()}@maildrop.invalid>",
        sender=sender,
        sender_name=sender_name,
        subject=" ".join(_header(message, "Subject").split()),
        text=text,
        cleaned=_new_text(text),
        attachments=attachments,
        dropped_attachments=dropped,
        in_reply_to=next(iter(_message_ids(_header(message, "In-Reply-To"))), ""),
        references=_message_ids(_header(message, "References")),
        automatic=_automatic(message, sender),
        size=len(raw),
    )


# --- headers -------------------------------------------------------------------------------------------------


def _header(message: Message, name: str) -> str:
    """The decoded header value, "" when missing; never raises."""
    try:
        value = _header_object(message, name)
        return "" if value is None else _fix_text(str(value))
    except Exception:  # noqa: BLE001 - the header parser of the email package can fail on garbage
        raw = _raw_header(message, name)
        try:
            return _fix_text(str(make_header(decode_header(raw))))
        except Exception:  # noqa: BLE001
            return _fix_text(raw)


def _header_object(message: Message, name: str) -> object | None:
    """The parsed header; undeclared 8-bit bytes (UTF-8 or Windows-1252) are decoded before parsing."""
    raw = _raw_header(message, name)
    if raw and _has_surrogates(raw):
        return email.policy.default.header_factory(name, _fix_text(raw))
    return message.get(name)


def _raw_header(message: Message, name: str) -> str:
    return next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")


def _has_surrogates(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def _fix_text(text: str) -> str:
    """Undo surrogate escapes left by undeclared 8-bit bytes: UTF-8 if valid, else Windows-1252."""
    if not _has_surrogates(text):
        return text
    data = text.encode("utf-8", errors="surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _sender(message: Message) -> tuple[str, str]:
    try:
        header = _header_object(message, "From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if addresses:
            first = addresses[0]
            return _fix_text(first.display_name), _fix_text(first.addr_spec).lower().strip("<>")
    except Exception:  # noqa: BLE001
        pass
    name, address = parseaddr(_header(message, "From"))
    return name, address.lower()


def _message_ids(value: str) -> tuple[str, ...]:
    found = _MSGID.findall(value)
    return tuple(found) if found else tuple(value.split())


def _automatic(message: Message, sender: str) -> bool:
    """Mail written by a machine (RFC 3834, bounces, lists, out-of-office), never answered automatically."""
    auto_submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if _header(message, "Precedence").strip().lower() in {"bulk", "junk", "list", "auto_reply"}:
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autogenerated", "X-Failed-Recipients", "List-Id"):
        if _header(message, name).strip():
            return True
    # Exchange marks its own out-of-office and system mails with "All"; single values only ask the recipient
    if _header(message, "X-Auto-Response-Suppress").strip().lower() == "all":
        return True
    if _AUTOMATIC_LOCAL_PART.match(sender.partition("@")[0]):
        return True
    if "".join(_header(message, "Return-Path").split()) == "<>":
        return True
    try:
        return message.get_content_type() == "multipart/report"
    except Exception:  # noqa: BLE001
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
    except Exception:  # noqa: BLE001
        return []


def _is_attachment(part: Message) -> bool:
    if part.get_content_type() == "message/rfc822":
        return True
    return bool(_raw_filename(part)) or _disposition(part) == "attachment"


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:  # noqa: BLE001
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
    return _tidy("\n\n".join(text.strip("\n") for text in texts))


def _decoded_text(part: Message) -> str:
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        data = b""
    if not isinstance(data, bytes):
        data = str(data).encode("utf-8", errors="replace")
    try:
        declared = (part.get_content_charset() or "").lower()
    except Exception:  # noqa: BLE001
        declared = ""
    candidates = ["cp1252"] if declared in _LATIN1_NAMES else [declared] if declared else []
    for charset in [*candidates, "utf-8"]:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


# --- HTML to text ----------------------------------------------------------------------------------------

_SKIP_TAGS = {"script", "style", "title", "template"}
_LINE_TAGS = {"div", "li", "tr", "ul", "ol", "dl", "dt", "dd", "table", "hr", "section", "article", "header",
              "footer", "address", "center", "form"}
_PARAGRAPH_TAGS = {"p", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class _HtmlText(HTMLParser):
    """Visible text of an HTML mail; block elements become line breaks, blockquotes become '>' quotes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.skip = 0
        self.quote = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "br":
            self._push()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            self.quote += tag == "blockquote"
            self.pre += tag == "pre"
        elif tag in _LINE_TAGS:
            self._end_line()
            if tag == "li":
                self._write("- ")
        elif tag in ("td", "th"):
            self._write(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in _LINE_TAGS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            self._write(re.sub(r"\s+", " ", data))
            return
        for number, piece in enumerate(data.replace("\r\n", "\n").split("\n")):
            if number:
                self._push()
            self._write(piece)

    def text(self) -> str:
        self._end_line()
        return "\n".join(self.lines)

    def _write(self, text: str) -> None:
        if not self.line:
            text = text if self.pre else text.lstrip()
            if not text:
                return
            if self.quote:
                self.line = ">" * self.quote + " "
        self.line += text

    def _push(self) -> None:
        self.lines.append(self.line.rstrip())
        self.line = ""

    def _end_line(self) -> None:
        if self.line.strip():
            self._push()
        self.line = ""

    def _paragraph(self) -> None:
        self._end_line()
        if self.lines and self.lines[-1]:
            self.lines.append("")


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - keep what was read so far
        pass
    return parser.text()


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


def _new_text(text: str) -> str:
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
    return _tidy("\n".join(kept)).strip()


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
        except Exception:  # noqa: BLE001 - one broken part must not lose the others
            continue
    return tuple(kept), tuple(dropped)


def _raw_filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # noqa: BLE001
        return ""
    name = _fix_text(str(name))
    if "=?" in name:  # encoded words inside a quoted parameter: not standard, but common
        try:
            name = str(make_header(decode_header(name)))
        except Exception:  # noqa: BLE001
            pass
    return name


def _part_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(inner, Message):
            try:
                return inner.as_bytes(policy=email.policy.compat32)
            except Exception:  # noqa: BLE001
                return inner.as_string(policy=email.policy.compat32).encode("utf-8", errors="replace")
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


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
