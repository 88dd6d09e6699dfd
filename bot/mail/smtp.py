"""Sending over SMTP, with failures classified as worth retrying (transient) or not (permanent)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from bot.mail.settings import MailSettings

log = logging.getLogger(__name__)


class MailError(Exception):
    """Sending failed; the message never contains the mail body."""


class TransientMailError(MailError):
    """Temporary failure (network, timeout, 4xx): try again later."""


class PermanentMailError(MailError):
    """Permanent failure (5xx, rejected login, unsupported feature): retrying will not help."""


def send(message: EmailMessage, settings: MailSettings) -> str:
    """Send the message and return its Message-ID header; raises TransientMailError or PermanentMailError."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        client = _connect(settings)
        try:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            refused = client.send_message(message)
        finally:
            _close(client)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        details = "; ".join(_reply_text(code, text) for code, text in error.recipients.values())
        error_class = PermanentMailError if codes and all(_permanent(code) for code in codes) else TransientMailError
        raise error_class(f"SMTP {where}: recipient refused: {details}") from None
    except smtplib.SMTPResponseException as error:  # sender refused, data error, authentication, HELO, connect
        error_class = PermanentMailError if _permanent(error.smtp_code) else TransientMailError
        raise error_class(f"SMTP {where}: {type(error).__name__} {_reply_text(error.smtp_code, error.smtp_error)}") \
            from None
    except smtplib.SMTPServerDisconnected as error:
        raise TransientMailError(f"SMTP {where}: server disconnected: {error}") from None
    except smtplib.SMTPNotSupportedError as error:  # e.g. STARTTLS or SMTPUTF8 not offered by the server
        raise PermanentMailError(f"SMTP {where}: not supported by the server: {error}") from None
    except smtplib.SMTPException as error:  # e.g. no suitable authentication method
        raise PermanentMailError(f"SMTP {where}: {type(error).__name__}: {error}") from None
    except OSError as error:  # connection refused, timeouts, TLS handshake, DNS
        raise TransientMailError(f"SMTP {where}: {type(error).__name__}: {error}") from None
    if refused:
        log.warning("SMTP %s: %d of the recipients refused, mail sent to the others", where, len(refused))
    return str(message.get("Message-ID", ""))


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)


def _close(client: smtplib.SMTP) -> None:
    """End the session; a failing QUIT after a successful send must not turn into a send failure."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _permanent(code: int) -> bool:
    return 500 <= code <= 599


def _reply_text(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {' '.join(text.split())}"[:300]
