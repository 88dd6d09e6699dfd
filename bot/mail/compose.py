"""Outgoing mails: UTF-8 plain text with threading and RFC 3834 auto-submission headers."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from bot.mail.settings import MailSettings

# Reply prefixes of common mail clients: "AW:", "Re:", "RE[2]:", "Antw:", "Antwort:", "SV:" (Nordic), "VS:".
_REPLY_PREFIX = re.compile(r"^\s*(?:aw|re|antw|antwort|sv|vs)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*", re.IGNORECASE)


def compose(
    settings: MailSettings,
    to: str,
    subject: str,
    body: str,
    *,
    in_reply_to: str | None = None,
    references: list[str] | None = None,
    auto_submitted: str = "auto-generated",
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A plain-text mail from the Jobcenter address; `auto_submitted` is "auto-replied" for answers."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain(settings.mail_from))
    message["Auto-Submitted"] = auto_submitted
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    thread = [ref for ref in (references or []) if ref]
    if in_reply_to and (not thread or thread[-1] != in_reply_to):
        thread.append(in_reply_to)
    if thread:
        message["References"] = " ".join(thread)
    for name, value in (headers or {}).items():
        del message[name]
        message[name] = value
    # quoted-printable keeps the mail 7-bit clean for any relay while staying readable in the raw source
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


def reply_subject(subject: str, reference: str) -> str:
    """'AW: <subject> [<reference>]' without stacked reply prefixes or a repeated reference tag."""
    text = _one_line(subject)
    while True:
        stripped = _REPLY_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    text = text.strip()
    tag = f"[{reference}]"
    if not text:
        return f"Ihre Nachricht {tag}"
    if tag.lower() not in text.lower():
        text = f"{text} {tag}"
    return f"AW: {text}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _domain(address_header: str) -> str:
    address = parseaddr(address_header)[1]
    return address.rpartition("@")[2] or "localhost"
