"""Outgoing mails: UTF-8 plain text with threading and RFC 3834 auto-submission headers."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from bot.mail.settings import MailSettings

# Reply prefixes of common mail clients: "AW:", "Re:", "RE[2]:", "Antw:", "Antwort:", "SV:" (Nordic), "VS:".
_REPLY_PREFIX = re.compile(r"^\s*(?:aw|re|antw|antwort|sv|vs)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*", re.IGNORECASE)
# Case references of this assistant ("[V-2026-000123]", "[V-2026-000123-1a2b3c4d]"): a reply quotes only its own.
_CASE_TAG = re.compile(r"\s*\[V-\d{4}-\d{6}(?:-[0-9a-fA-F]{8})?\]", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


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
    message["To"] = _one_line(to)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain(settings.mail_from))
    message["Auto-Submitted"] = auto_submitted
    in_reply_to = _one_line(in_reply_to or "")
    in_reply_to = "" if " " in in_reply_to else in_reply_to  # a message id has no spaces: not a valid one
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    thread = [ref for ref in (_one_line(ref) for ref in references or []) if ref and " " not in ref]
    if in_reply_to and (not thread or thread[-1] != in_reply_to):
        thread.append(in_reply_to)
    if thread:
        message["References"] = " ".join(thread)
    for name, value in (headers or {}).items():
        del message[name]
        message[name] = _one_line(value)
    # quoted-printable keeps the mail 7-bit clean for any relay while staying readable in the raw source
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message


def reply_subject(subject: str, reference: str) -> str:
    """'AW: <subject> [<reference>]' without stacked reply prefixes, a repeated reference tag or other case tags."""
    text = _one_line(subject)
    if _CASE_TAG.search(reference if reference.startswith("[") else f"[{reference}]"):
        text = _CASE_TAG.sub("", text)
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
    """No line breaks or control characters in a header value (also ones decoded from an incoming mail)."""
    return " ".join(_CONTROL.sub(" ", text).split())


def _domain(address_header: str) -> str:
    address = parseaddr(address_header)[1]
    return address.rpartition("@")[2] or "localhost"
