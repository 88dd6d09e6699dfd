"""Mail settings from environment variables, with documented defaults."""

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


def mail_settings(env: Mapping[str, str] | None = None) -> MailSettings:
    env = os.environ if env is None else env
    security = env.get("SMTP_SECURITY", "none").strip().lower() or "none"
    if security not in SECURITY_MODES:
        raise ValueError(f"SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}")
    data_dir = Path(env.get("DATA_DIR", PROJECT_ROOT / "var"))
    maildrop = env.get("MAILDROP_DIR")
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
    )
