"""A real local SMTP server (aiosmtpd) for tests: records accepted mails, refuses chosen recipients."""

from __future__ import annotations

import socket
from dataclasses import replace

import pytest
from aiosmtpd.controller import Controller

from bot.mail.settings import MailSettings, mail_settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """SMTP handler: refuses chosen recipients or the data with a given reply, records accepted mails."""

    def __init__(self, refuse: dict[str, str] | None = None, data_reply: str | None = None) -> None:
        self.refuse = refuse or {}
        self.data_reply = data_reply
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd API
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        if self.data_reply:
            return self.data_reply
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    controllers = []

    def start(handler: Recorder, **options) -> MailSettings:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=True, **options)
        controller.start()
        controllers.append(controller)
        return settings_for(port)

    yield start
    for controller in controllers:
        controller.stop()


def settings_for(port: int, **changes) -> MailSettings:
    settings = mail_settings({"SMTP_PORT": str(port), "SMTP_TIMEOUT": "5", "DATA_DIR": "/tmp/unused"})
    return replace(settings, **changes)
