"""The e-mail channel: incoming e-mails become answers, cases and work for the agents.

Each e-mail in the mail drop (a Maildir that the mail server delivers to, MAILDROP_DIR) is understood
with the assistant's own NLU (Rasa's /model/parse) and becomes exactly one case (Vorgang) whose
number every reply quotes:
- a general question the assistant can answer -> answer e-mail, case closed (kind email_auskunft);
- a declaration or request (content/declarations.yml) -> case of that kind with the e-mail and its
  attachments for the responsible team, confirmation e-mail;
- "keine E-Mails mehr" from an address with e-mail consent -> consent withdrawn, confirmation;
- a threat -> urgent case and supervisor alert;
- anything unclear -> case for the agents (kind email), who answer from the desk;
- a reply quoting a case number from the same address -> added to that case.
Automatic mails (auto-replies, bounces) are filed without an answer, so two robots never talk in a loop.
A message is marked done only after its case exists and its answer was handed to the mail server;
a crash in between repeats the work without a second case (idempotency key = Message-ID).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass
from typing import Callable

import redis
import requests

from bot.cases import CaseStore
from bot.consent import ConsentStore, channels_in, wants_withdrawal
from bot.content import get_content
from bot.declarations import get_catalogue
from bot.knowledge import answer_for_intent, contact, fill, opening_hours
from bot.mail.compose import compose, reply_subject
from bot.mail.incoming import IncomingMail, parse
from bot.mail.maildrop import MailDrop
from bot.mail.settings import MailSettings, mail_settings
from bot.mail.smtp import PermanentMailError, TransientMailError, send
from bot.outbound.config import get_outbound

logger = logging.getLogger("mail")
REFERENCE = re.compile(r"\bV-\d{4}-\d{6}\b")
ANSWER_CONFIDENCE = 0.6
CASE_CONFIDENCE = 0.5
THREAT_CONFIDENCE = 0.6
NLU_CHARS = 600  # the NLU was trained on chat messages: subject and the start of the new text decide
# Intents whose answer would need the person identified or a dialogue: they go to an agent.
NOT_BY_MAIL = {"request_human", "out_of_scope", "ask_case_status", "ask_payment", "inform", "book_appointment",
               "cancel_appointment", "reschedule_appointment", "check_appointment", "contact_consent", "greet",
               "goodbye", "thank", "affirm", "deny", "bot_challenge", "help", "nlu_fallback"}
MAIL_KINDS = {"email": "E-Mail-Anfrage", "email_auskunft": "E-Mail-Auskunft", "email_widerruf": "Widerruf per E-Mail"}

Nlu = Callable[[str], dict]


@dataclass(frozen=True)
class Handled:
    case: str
    kind: str
    replied: bool


def rasa_nlu(url: str, token: str, timeout: float = 10) -> Nlu:
    def parse_text(text: str) -> dict:
        response = requests.post(f"{url.rstrip('/')}/model/parse", params={"token": token} if token else None,
                                 json={"text": text}, timeout=timeout)
        response.raise_for_status()
        return response.json()

    return parse_text


class MailChannel:
    def __init__(self, client: redis.Redis, drop: MailDrop, settings: MailSettings, nlu: Nlu,
                 now: Callable[[], dt.datetime]):
        self.redis, self.drop, self.settings, self.nlu, self.now = client, drop, settings, nlu, now
        self.cases = CaseStore(client)
        self.consent = ConsentStore(client)

    # ------------------------------------------------------------------ the drop
    def process_pending(self) -> int:
        handled = 0
        for key, raw in self.drop.pending():
            try:
                mail = parse(raw, self.settings.max_attachment_bytes)
            except Exception as error:  # parse() is lenient; this is a last resort
                logger.warning("mail: unreadable message moved aside: %s", type(error).__name__)
                self.drop.failed(key, "unlesbar")
                continue
            try:
                self.handle(mail)
            except (TransientMailError, requests.RequestException, redis.RedisError) as error:
                logger.warning("mail: will retry later (%s)", type(error).__name__)
                continue  # stays in the drop; the case is created only once
            self.drop.done(key)
            handled += 1
        return handled

    # ------------------------------------------------------------------ one e-mail
    def handle(self, mail: IncomingMail) -> Handled:
        done = self.redis.get(f"mail:done:{mail.message_id}")
        if done:
            return Handled(done.decode(), "", False)
        customer = self.consent.customer_for_email(mail.sender) if mail.sender else None
        follow_up = self._follow_up(mail)
        if follow_up:
            return self._finish(mail, follow_up, "follow_up", "follow_up", {})
        text = " ".join(f"{mail.subject}\n{mail.cleaned}".split())[:NLU_CHARS]
        if mail.automatic or not mail.sender:
            case = self._case(mail, "email", "Automatische E-Mail (ohne Antwort abgelegt)", customer, status="erledigt")
            return self._finish(mail, case, "automatic", None, {})
        parsed = self.nlu(text) if text.strip() else {"intent": {"name": "nlu_fallback", "confidence": 0}}
        intent = (parsed.get("intent") or {}).get("name") or "nlu_fallback"
        confidence = float((parsed.get("intent") or {}).get("confidence") or 0)
        catalogue = get_catalogue()

        if intent == "threat" and confidence >= THREAT_CONFIDENCE:
            case = self._case(mail, "drohung", "Drohung per E-Mail", customer, priority="urgent")
            from bot.handover import Handover

            Handover(self.redis).publish({"type": "supervisor_alert", "sender": f"mail:{mail.sender}", "case": case,
                                          "text": mail.cleaned[:300]})
            return self._finish(mail, case, "threat", "unclear", {})
        if intent == "contact_consent" and confidence >= ANSWER_CONFIDENCE and customer and wants_withdrawal(text) \
                and "email" in (channels_in(text) or ("email",)):
            self.consent.withdraw(customer, "email", self.now(), "E-Mail", mail.message_id)
            case = self._case(mail, "email_widerruf", "Einwilligung für E-Mails widerrufen", customer,
                              status="erledigt")
            return self._finish(mail, case, "withdrawn", "withdrawn", {})
        declaration = catalogue.declarations.get(intent)
        if declaration is not None and confidence >= CASE_CONFIDENCE:
            case = self._case(mail, declaration.kind, f"{declaration.title} per E-Mail", customer,
                              priority=declaration.priority)
            return self._finish(mail, case, declaration.kind, "case", {"topic": declaration.title})
        answer = self._answer(intent, text) if confidence >= ANSWER_CONFIDENCE and intent not in NOT_BY_MAIL else None
        if answer:
            case = self._case(mail, "email_auskunft", f"Allgemeine Auskunft per E-Mail ({intent})", customer,
                              status="erledigt", extra={"antwort": answer})
            return self._finish(mail, case, "answer", "answer", {"answer": answer})
        case = self._case(mail, "email", "E-Mail für das Service Center", customer)
        return self._finish(mail, case, "unclear", "unclear", {})

    def _answer(self, intent: str, text: str) -> str | None:
        content = get_content()
        if intent == "ask_opening_hours":
            return opening_hours(content, text, self.now()).text
        if intent == "ask_contact":
            return contact(content, text).text
        reply = answer_for_intent(content, intent)
        return reply.text if reply else None

    def _follow_up(self, mail: IncomingMail) -> str | None:
        match = REFERENCE.search(mail.subject) or REFERENCE.search(mail.cleaned[:500])
        if not match:
            return None
        case = self.cases.raw(match.group(0))
        if case is None or (case.get("fields") or {}).get("absender", "").lower() != mail.sender:
            return None  # another person's case number is not enough to add to it
        self.cases.update(case["id"], "note", f"Weitere E-Mail: {mail.subject}\n\n{mail.cleaned[:4000]}",
                          "E-Mail", self.now())
        if case["status"] == "erledigt":
            self.cases.update(case["id"], "status", "neu", "E-Mail", self.now())
        self._attach(case["id"], mail)
        return case["id"]

    def _case(self, mail: IncomingMail, kind: str, summary: str, customer: str | None, priority: str = "normal",
              status: str = "neu", extra: dict | None = None) -> str:
        fields = {"absender": mail.sender, "name": mail.sender_name, "betreff": mail.subject,
                  "nachricht": mail.cleaned[:8000] or mail.text[:8000], "message_id": mail.message_id,
                  "anhaenge": ", ".join(a.filename for a in mail.attachments),
                  **({"nicht_uebernommen": ", ".join(mail.dropped_attachments)} if mail.dropped_attachments else {}),
                  "zuordnung": "über die E-Mail-Adresse der Einwilligung" if customer else "keine (Absender unbekannt)",
                  **(extra or {})}
        office = ""
        if customer:
            from bot.registry import get_registry

            person = get_registry().find(customer)
            office = person.office if person else ""
        case = self.cases.create(kind, fields, self.now(), customer=customer, priority=priority,
                                 idempotency_key=f"mail:{mail.message_id}", summary=summary, office=office,
                                 status=status, channel="E-Mail", history_note="per E-Mail eingegangen")
        self._attach(case, mail)
        return case

    def _attach(self, case: str, mail: IncomingMail) -> None:
        marker = f"mail:attached:{case}:{mail.message_id}"
        if mail.attachments and self.redis.set(marker, "1", nx=True, ex=30 * 86400):
            for attachment in mail.attachments:
                self.cases.attach(case, attachment.filename, attachment.content_type, attachment.data)

    def _finish(self, mail: IncomingMail, case: str, kind: str, reply: str | None, values: dict) -> Handled:
        replied = False
        if reply and not self.redis.get(f"mail:replied:{mail.message_id}"):
            body = self._reply_text(reply, case, values)
            message = compose(self.settings, mail.sender, reply_subject(mail.subject, case), body,
                              in_reply_to=mail.message_id, references=list(mail.references),
                              auto_submitted="auto-replied")
            try:
                send(message, self.settings)
                replied = True
                self.cases.update(case, "note", f"Antwort per E-Mail gesendet:\n{body}", "Assistent", self.now())
            except PermanentMailError as error:
                self.cases.update(case, "note", f"Antwort konnte nicht zugestellt werden: {error}", "Assistent",
                                  self.now())
            self.redis.set(f"mail:replied:{mail.message_id}", "1", ex=30 * 86400)
        self.redis.set(f"mail:done:{mail.message_id}", case, ex=30 * 86400)
        logger.info("mail: %s -> case %s (%s)", kind, case, "answered" if replied else "no answer")
        return Handled(case, kind, replied)

    def _reply_text(self, key: str, case: str, values: dict) -> str:
        config, content = get_outbound(), get_content()
        text = fill(content, config.replies[key], {"reference": case, **values})[0]
        return f"{text}\n\n{fill(content, config.email_closing)[0]}"


def reply_from_agent(client: redis.Redis, settings: MailSettings, case_id: str, text: str, agent: str,
                     now: dt.datetime) -> str:
    """An agent's answer to an e-mail case: sent to the sender, quoting the case number, noted on the case.
    Raises LookupError for a case that did not come by e-mail."""
    cases = CaseStore(client)
    case = cases.raw(case_id)
    fields = (case or {}).get("fields") or {}
    if not case or case.get("channel") != "E-Mail" or not fields.get("absender"):
        raise LookupError("Dieser Vorgang kam nicht per E-Mail.")
    closing = fill(get_content(), get_outbound().email_closing)[0]
    body = f"{text.strip()}\n\n{closing}\n\nIhre Vorgangsnummer: {case_id}"
    message = compose(settings, fields["absender"], reply_subject(fields.get("betreff", ""), case_id), body,
                      in_reply_to=fields.get("message_id") or None, auto_submitted="no")
    message_id = send(message, settings)
    cases.update(case_id, "note", f"Antwort per E-Mail von {agent}:\n{text.strip()}", agent, now)
    return message_id


def channel_from_env(client: redis.Redis) -> MailChannel:
    from bot.outbound.worker import local_now
    from bot.settings import load_settings, secret

    settings = load_settings()
    token = os.environ.get("RASA_AUTH_TOKEN") or secret(settings.data_dir, "rasa_token")
    nlu = rasa_nlu(os.environ.get("RASA_URL", f"http://127.0.0.1:{settings.rasa_port}"), token)
    mail = mail_settings()
    return MailChannel(client, MailDrop(mail.maildrop_dir), mail, nlu, local_now)
