"""Answers to incoming e-mails: the assistant's automatic answers and an agent's answer from the desk.

Every answer's subject quotes the case number with its check token ("[V-2026-000123-1a2b3c4d]",
bot/mail/auth.py), so that only a reply to it can join the case.
"""

from __future__ import annotations

import datetime as dt

import redis

from bot.cases.store import CaseStore
from bot.content import get_content
from bot.knowledge.answers import fill
from bot.mail.auth import tagged
from bot.mail.compose import compose, reply_subject
from bot.mail.incoming import IncomingMail
from bot.mail.settings import MailSettings
from bot.mail.smtp import PermanentMailError, send
from bot.outbound.config import get_outbound


def closing() -> str:
    return fill(get_content(), get_outbound().email_closing)[0]


def reply_body(key: str, case: str, values: dict, text: str | None = None) -> str:
    """The template `key` of content/outbound.yml (email_replies), or the ready `text`, with the closing."""
    if text is None:
        text = fill(get_content(), get_outbound().replies[key], {"reference": case, **values})[0]
    return f"{text}\n\n{closing()}"


def send_answer(client: redis.Redis, settings: MailSettings, mail: IncomingMail, case: str, body: str,
           now: dt.datetime) -> bool:
    """Send the automatic answer and note it on the case; False when the address refused it for good.
    A temporary failure raises TransientMailError (the mail is handled again later)."""
    cases = CaseStore(client)
    message = compose(settings, mail.sender, reply_subject(mail.subject, tagged(client, case)), body,
                      in_reply_to=mail.message_id, references=list(mail.references), auto_submitted="auto-replied")
    try:
        send(message, settings)
    except PermanentMailError as error:
        cases.update(case, "note", f"Antwort konnte nicht zugestellt werden: {error}", "Assistent", now)
        return False
    cases.update(case, "note", f"Antwort per E-Mail gesendet:\n{body}", "Assistent", now)
    return True


def reply_from_agent(client: redis.Redis, settings: MailSettings, case_id: str, text: str, agent: str,
                     now: dt.datetime) -> str:
    """An agent's answer to an e-mail case: sent to the sender, quoting the case number, noted on the case.
    Raises LookupError for a case that did not come by e-mail."""
    cases = CaseStore(client)
    case = cases.raw(case_id)
    fields = (case or {}).get("fields") or {}
    if not case or case.get("channel") != "E-Mail" or not fields.get("absender"):
        raise LookupError("Dieser Vorgang kam nicht per E-Mail.")
    body = f"{text.strip()}\n\n{closing()}\n\nIhre Vorgangsnummer: {case_id}"
    message = compose(settings, fields["absender"], reply_subject(fields.get("betreff", ""), tagged(client, case_id)),
                      body, in_reply_to=fields.get("message_id") or None, auto_submitted="no")
    message_id = send(message, settings)
    cases.update(case_id, "note", f"Antwort per E-Mail von {agent}:\n{text.strip()}", agent, now)
    return message_id
