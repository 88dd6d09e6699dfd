"""Mail settings from environment variables, with documented defaults.

| variable | default | meaning |
|---|---|---|
| SMTP_HOST, SMTP_PORT | 127.0.0.1, 25 | the mail server for outgoing mail |
| SMTP_USER, SMTP_PASSWORD | empty | SMTP login (none when empty) |
| SMTP_SECURITY | none | none, starttls or ssl |
| SMTP_TIMEOUT | 20 | seconds per SMTP operation |
| MAIL_FROM | Jobcenter Musterstadt <service@jobcenter-musterstadt.invalid> | sender of outgoing mail |
| MAILDROP_DIR | DATA_DIR/mail/eingang | Maildir that receives incoming mail |
| MAIL_MAX_ATTACHMENT_MB | 10 | attachments kept from one incoming mail, in total |
| MAIL_MAX_SIZE_MB | 10 | largest mail that is read; a larger one is filed without content, answered with the limit |
| MAIL_MAX_MIME_DEPTH | 10 | deepest nesting of MIME containers (multipart, attached mails) that is parsed |
| MAIL_MAX_MIME_PARTS | 50 | most MIME parts (containers, texts, attachments) that are parsed |
| MAIL_AUTHSERV_ID | empty | authserv-id of the own mail server: only its Authentication-Results count |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot import PROJECT_ROOT

SECURITY_MODES = ("none", "starttls", "ssl")
DEFAULT_MAIL_FROM = "Jobcenter Musterstadt <service@jobcenter-musterstadt.invalid>"


@dataclass(frozen=True)
class MailSettings:
    smtp_host: str
    smtp_port: int
    smtp_user: str
    smtp_password: str
    smtp_security: str  # "none" | "starttls" | "ssl"
    mail_from: str  # full address header, e.g. "Jobcenter Musterstadt <service@...>"
    maildrop_dir: Path  # Maildir that receives incoming mail
    timeout: float  # seconds per SMTP operation
    max_attachment_bytes: int  # total size of attachments kept from one incoming mail
    max_raw_bytes: int = 10 * 2**20  # largest incoming mail that is read and parsed
    max_mime_depth: int = 10  # deepest nesting of MIME containers
    max_mime_parts: int = 50  # most MIME parts of one mail
    authserv_id: str = ""  # only Authentication-Results of this server count ("" = all)


def mail_settings(env: Mapping[str, str] | None = None) -> MailSettings:
    env = os.environ if env is None else env
    security = env.get("SMTP_SECURITY", "none").strip().lower() or "none"
    if security not in SECURITY_MODES:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
    data_dir = Path(env.get("DATA_DIR", PROJECT_ROOT / "var"))
    maildrop = env.get("MAILDROP_DIR")
    limits = {name: int(env.get(variable, default)) for name, variable, default in (
        ("max_mime_depth", "MAIL_MAX_MIME_DEPTH", "10"), ("max_mime_parts", "MAIL_MAX_MIME_PARTS", "50"))}
    if min(limits.values()) < 1:
        raise ValueError("MAIL_MAX_MIME_DEPTH and MAIL_MAX_MIME_PARTS must be at least 1")
    return MailSettings(
        smtp_host=env.get("SMTP_HOST", "127.0.0.1"),
        smtp_port=int(env.get("SMTP_PORT", "25")),
        smtp_user=env.get("SMTP_USER", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_security=security,
        mail_from=env.get("MAIL_FROM", DEFAULT_MAIL_FROM),
        maildrop_dir=Path(maildrop) if maildrop else data_dir / "mail" / "eingang",
        timeout=float(env.get("SMTP_TIMEOUT", "20")),
        max_attachment_bytes=int(float(env.get("MAIL_MAX_ATTACHMENT_MB", "10")) * 2**20),
        max_raw_bytes=int(float(env.get("MAIL_MAX_SIZE_MB", "10")) * 2**20),
        authserv_id=env.get("MAIL_AUTHSERV_ID", "").strip().lower(),
        **limits,
    )
