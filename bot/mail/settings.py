"""Mail settings: SMTP for outgoing mail, the Maildir and the limits for incoming mail.

The variables (SMTP_*, MAIL_*, MAILDROP_DIR), their defaults and meanings are in the one table of
bot/core/settings.py (`VARIABLES`, area "mail") and in the README; they are read through its `Env`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.settings import Env

SECURITY_MODES = ("none", "starttls", "ssl")


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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailSettings:
        """Through bot.core.settings (the variables and defaults are in its table); SettingsError for a bad value."""
        read = Env(env)
        maildrop = read.optional_path("MAILDROP_DIR")
        return cls(
            smtp_host=read.text("SMTP_HOST"),
            smtp_port=read.port("SMTP_PORT"),
            smtp_user=read.text("SMTP_USER"),
            smtp_password=read.text("SMTP_PASSWORD"),
            smtp_security=read.choice("SMTP_SECURITY", SECURITY_MODES),
            mail_from=read.text("MAIL_FROM"),
            maildrop_dir=maildrop or read.path("DATA_DIR") / "mail" / "eingang",
            timeout=read.number("SMTP_TIMEOUT", 0.1),
            max_attachment_bytes=int(read.number("MAIL_MAX_ATTACHMENT_MB", 0) * 2**20),
            max_raw_bytes=int(read.number("MAIL_MAX_SIZE_MB", 0) * 2**20),
            max_mime_depth=read.integer("MAIL_MAX_MIME_DEPTH", 1),
            max_mime_parts=read.integer("MAIL_MAX_MIME_PARTS", 1),
            authserv_id=read.text("MAIL_AUTHSERV_ID").strip().lower(),
        )


def mail_settings(env: Mapping[str, str] | None = None) -> MailSettings:
    return MailSettings.from_env(env)
