"""The e-mail channel: incoming e-mails become answers, cases and work for the agents.

Each e-mail in the mail drop (a Maildir that the mail server delivers to, MAILDROP_DIR) is understood
with the assistant's own NLU (Rasa's /model/parse) and becomes exactly one case (Vorgang) whose
number every reply quotes:
- a general question the assistant can answer -> answer e-mail, case closed (kind email_auskunft);
- a declaration or request (content/declarations.yml) -> case of that kind with the e-mail and its
  attachments for the responsible team, confirmation e-mail;
- "keine E-Mails mehr" from the consented address (not failing sender authentication) -> consent withdrawn,
  confirmation; from any other address -> a case for review (bot/mail/auth.py);
- a threat -> urgent case and supervisor alert;
- anything unclear -> case for the agents (kind email), who answer from the desk;
- a reply quoting "[case number-check token]" from the case's own sender -> added to that case; any other mail
  quoting a case number -> a new case for review naming it, with the normal case answer.
Automatic mails (auto-replies, bounces) are recognised first and filed without an answer, so two robots never
talk in a loop. A mail over a limit (size, MIME depth or parts, bot/mail/limits.py) is filed without its content
and answered with the limit. A message is marked done only after its case exists and its answer was handed to
the mail server; a crash in between repeats the work without a second case or note (idempotency key =
Message-ID). Any other failure while handling one mail sets that mail aside in the Maildir's .quarantaene
folder with a desk notice (case email_quarantaene), and the next mail is handled.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Callable

import redis
import requests

from bot.cases.store import CaseStore
from bot.channels.mail_replies import reply_body, reply_from_agent, send_answer
from bot.content import get_content
from bot.declarations.catalogue import get_catalogue
from bot.knowledge.answers import answer_for_intent, contact, fill, opening_hours
from bot.languages.context import speaking
from bot.languages.detect import language_rule
from bot.mail.auth import (
    NOT_CONSENTED,
    Reference,
    SenderCheck,
    find_reference,
    follow_up_problem,
    sender_check,
    withdrawal_problem,
)
from bot.mail.incoming import IncomingMail, parse, parse_headers
from bot.mail.limits import HEAD_BYTES, LIMIT_SUMMARIES, SIZE, head, limit_reason, limit_values, max_lines
from bot.mail.maildrop import QUARANTINE_FOLDER, Entry, MailDrop
from bot.mail.settings import MailSettings, mail_settings
from bot.mail.smtp import TransientMailError
from bot.outbound.config import get_outbound
from bot.outbound.consent import ConsentStore, channels_in, wants_withdrawal

# reply_from_agent lives in bot/channels/mail_replies.py; the desk imports it from here
__all__ = ["Handled", "MailChannel", "channel_from_env", "rasa_nlu", "reply_from_agent"]
logger = logging.getLogger("mail")
MARKER_SECONDS = 30 * 86400
ANSWER_CONFIDENCE = 0.6
CASE_CONFIDENCE = 0.5
THREAT_CONFIDENCE = 0.6
NLU_CHARS = 600  # the NLU was trained on chat messages: subject and the start of the new text decide
# Intents whose answer would need the person identified or a dialogue: they go to an agent.
NOT_BY_MAIL = {"request_human", "out_of_scope", "ask_case_status", "ask_payment", "inform", "book_appointment",
               "cancel_appointment", "reschedule_appointment", "check_appointment", "contact_consent", "greet",
               "goodbye", "thank", "affirm", "deny", "bot_challenge", "help", "nlu_fallback"}
MAIL_KINDS = {"email": "E-Mail-Anfrage", "email_auskunft": "E-Mail-Auskunft", "email_widerruf": "Widerruf per E-Mail",
              "email_quarantaene": "E-Mail in Quarantäne"}
QUARANTINE_NOTE = ("Diese E-Mail konnte nicht automatisch bearbeitet werden. Sie liegt im Ordner „.{folder}“ "
                   "des E-Mail-Eingangs (Datei {key}). Bitte prüfen Sie sie dort und antworten Sie dem Absender "
                   "bei Bedarf.")

Nlu = Callable[[str], dict[str, Any]]


@dataclass(frozen=True)
class Handled:
    case: str
    kind: str
    replied: bool


def rasa_nlu(url: str, token: str, timeout: float = 10) -> Nlu:
    """Rasa's NLU (safety check included) through the internal endpoint, the token in a header, never in
    a URL (bot/channels/nlu.py)."""
    def parse_text(text: str) -> dict:
        response = requests.post(f"{url.rstrip('/')}/webhooks/nlu/parse", headers={"Authorization": f"Bearer {token}"},
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
        """Handle every pending mail, each on its own: a failure sets that one mail aside, never the others."""
        handled = 0
        for entry in self.drop.entries():
            try:
                mail = self._read(entry)
                if mail is None:
                    continue  # taken by another worker
                self.handle(mail)
                self.drop.done(entry.key, entry.path)
            except (TransientMailError, requests.RequestException, redis.ConnectionError, redis.TimeoutError) as error:
                logger.warning("mail: will retry later (%s)", type(error).__name__)
                continue  # stays in the drop; the case and its notes are created only once
            except Exception as error:  # noqa: BLE001 - one mail must never block the ones after it
                self._quarantine(entry, error)
                continue
            handled += 1
        return handled

    def _read(self, entry: Entry) -> IncomingMail | None:
        """Parse within the limits; of a mail over the size limit only the first HEAD_BYTES are read."""
        settings = self.settings
        if entry.size > settings.max_raw_bytes:
            raw = self.drop.read(entry.key, HEAD_BYTES, entry.path)
            return None if raw is None else parse_headers(head(raw), entry.size, SIZE)
        raw = self.drop.read(entry.key, settings.max_raw_bytes + 1, entry.path)
        if raw is None:
            return None
        if len(raw) > settings.max_raw_bytes:  # grew after it was listed
            return parse_headers(head(raw), entry.size, SIZE)
        return parse(raw, settings.max_attachment_bytes, max_depth=settings.max_mime_depth,
                     max_parts=settings.max_mime_parts, max_lines=max_lines(settings.max_raw_bytes))

    def _quarantine(self, entry: Entry, error: Exception) -> None:
        """Set the mail aside with a desk notice naming only the sender address; on failure it is retried."""
        logger.warning("mail: handling failed (%s); mail set aside in .%s", type(error).__name__, QUARANTINE_FOLDER)
        logger.debug("mail: failure details", exc_info=error)
        try:
            try:
                raw = self.drop.read(entry.key, HEAD_BYTES, entry.path) or b""
                sender = parse_headers(head(raw), entry.size, "").sender
            except Exception as unreadable:  # noqa: BLE001 - any failure: the notice matters more than the address
                logger.warning("mail: sender of the set-aside mail unreadable (%s)", type(unreadable).__name__)
                sender = ""
            fields = {"absender": sender, "fehler": type(error).__name__,
                      "hinweis": QUARANTINE_NOTE.format(folder=QUARANTINE_FOLDER, key=entry.key)}
            case = self.cases.create("email_quarantaene", fields, self.now(), priority="normal",
                                     idempotency_key=f"mail:quarantine:{entry.key}", status="neu", channel="E-Mail",
                                     summary="E-Mail konnte nicht verarbeitet werden (Quarantäne)",
                                     history_note="E-Mail in die Quarantäne gelegt")
            self.drop.quarantine(entry.key, f"{type(error).__name__} (Vorgang {case})")
        except Exception as failure:  # noqa: BLE001 - e.g. Redis down: the mail stays and is tried again
            logger.warning("mail: could not set the mail aside (%s)", type(failure).__name__)

    # ------------------------------------------------------------------ one e-mail
    def handle(self, mail: IncomingMail) -> Handled:
        """Answer in the mail's language (bot/languages/: German unless the mail is clearly in another one)."""
        with speaking(language_rule().next_language("de", f"{mail.subject}\n{mail.cleaned}"[:2000])):
            return self._handle(mail)

    def _handle(self, mail: IncomingMail) -> Handled:
        done = self.redis.get(f"mail:done:{mail.message_id}")
        if done:
            return Handled(done.decode(), "", False)
        check = sender_check(mail.auth_results, self.settings.authserv_id)
        customer = self.consent.customer_for_email(mail.sender) if mail.sender and not check.failed else None
        reference = find_reference(self.redis, mail.subject, mail.cleaned)
        link = {"bezug_vorgang": reference.case} if reference else {}
        if mail.automatic or not mail.sender:  # first of all: never answered, never added to a case (no loops)
            summary = "Automatische E-Mail (ohne Antwort abgelegt)" if mail.automatic else \
                "E-Mail ohne eindeutigen Absender (ohne Antwort abgelegt)"
            case = self._case(mail, "email", summary, customer, status="erledigt", extra=link)
            return self._finish(mail, case, "automatic", None, {})
        handled = self._safety_first(mail, customer)
        if handled is not None:
            return handled
        if mail.over_limit:
            return self._over_limit(mail, customer, link)
        if reference is not None:
            return self._referenced(mail, reference, check, customer)
        text = " ".join(f"{mail.subject}\n{mail.cleaned}".split())[:NLU_CHARS]
        parsed: dict[str, Any] = self.nlu(text) if text.strip() else {"intent": {"name": "nlu_fallback", "confidence": 0}}
        intent = (parsed.get("intent") or {}).get("name") or "nlu_fallback"
        confidence = float((parsed.get("intent") or {}).get("confidence") or 0)
        catalogue = get_catalogue()

        if intent == "threat" and confidence >= THREAT_CONFIDENCE:
            case = self._case(mail, "drohung", "Drohung per E-Mail", customer, priority="urgent")
            from bot.handover.state import Handover

            Handover(self.redis).publish({"type": "supervisor_alert", "sender": f"mail:{mail.sender}", "case": case,
                                          "text": mail.cleaned[:300]})
            return self._finish(mail, case, "threat", "unclear", {})
        if intent == "threat_possible":  # a vague menace: a normal case for supervisors, no alert
            case = self._case(mail, "drohung_pruefen", "Prüfen: mögliche Drohung (E-Mail)", customer)
            return self._finish(mail, case, "threat_possible", "unclear", {})
        if intent == "contact_consent" and confidence >= ANSWER_CONFIDENCE and wants_withdrawal(text) \
                and "email" in (channels_in(text) or ("email",)):
            return self._withdraw(mail, check)
        declaration = catalogue.declarations.get(intent)
        if declaration is not None and confidence >= CASE_CONFIDENCE:
            team_title = get_catalogue.german().declarations[intent].title  # the team reads German
            case = self._case(mail, declaration.kind, f"{team_title} per E-Mail", customer,
                              priority=declaration.priority)
            return self._finish(mail, case, declaration.kind, "case", {"topic": declaration.title})
        answer = self._answer(intent, text) if confidence >= ANSWER_CONFIDENCE and intent not in NOT_BY_MAIL else None
        if answer:
            case = self._case(mail, "email_auskunft", f"Allgemeine Auskunft per E-Mail ({intent})", customer,
                              status="erledigt", extra={"antwort": answer})
            return self._finish(mail, case, "answer", "answer", {"answer": answer})
        case = self._case(mail, "email", "E-Mail für das Service Center", customer)
        return self._finish(mail, case, "unclear", "unclear", {})

    def _safety_first(self, mail: IncomingMail, customer: str | None) -> Handled | None:
        """A crisis or an acute lack of money is handled before anything else, also in a reply to a case:
        an urgent case for the agents and an immediate answer (content/safety.yml)."""
        from bot.handover.state import Handover
        from bot.safety.detect import CRISIS, URGENT_NEED, assess
        from bot.safety.response import safety_text

        verdict = assess(f"{mail.subject}\n{mail.cleaned or mail.text}")
        if verdict.kind == CRISIS:
            case = self._case(mail, "krise", "Krise per E-Mail: bitte sofort Kontakt aufnehmen", customer,
                              priority="crisis")
            Handover(self.redis).publish({"type": "crisis_alert", "sender": f"mail:{mail.sender}", "case": case,
                                          "channel": "E-Mail", "person": "none"})
            return self._finish(mail, case, "crisis", "crisis", {}, text=safety_text("crisis_email", case=case))
        if verdict.kind == URGENT_NEED:
            case = self._case(mail, "notlage", "Notlage per E-Mail: kein Geld, bitte heute zurückrufen", customer,
                              priority="high")
            return self._finish(mail, case, "urgent_need", "urgent_need", {},
                                text=safety_text("urgent_need_email", case=case))
        return None

    def _answer(self, intent: str, text: str) -> str | None:
        content = get_content()
        if intent == "ask_opening_hours":
            return opening_hours(content, text, self.now()).text
        if intent == "ask_contact":
            return contact(content, text).text
        reply = answer_for_intent(content, intent)
        return reply.text if reply else None

    def _referenced(self, mail: IncomingMail, reference: Reference, check: SenderCheck,
                    customer: str | None) -> Handled:
        """A mail quoting a case number: added to that case only when it passes every check, else a new case
        for review naming it (the sender gets the normal case answer either way, learning nothing)."""
        case = self.cases.raw(reference.case)
        problem = follow_up_problem(self.redis, reference, case, mail.sender, check)
        if case is not None and not problem:
            self._add_note(case, mail)
            return self._finish(mail, case["id"], "follow_up", "follow_up", {})
        review = self._case(mail, "email", f"Prüfen: E-Mail mit Bezug auf Vorgang {reference.case}", customer,
                            extra={"bezug_vorgang": reference.case, "pruefen": problem})
        return self._finish(mail, review, "review", "case", {"topic": "Nachricht zu einem Vorgang"})

    def _add_note(self, case: dict, mail: IncomingMail) -> None:
        """Once per Message-ID, also when the mail is handled again after the answer could not be sent."""
        if self.redis.set(f"mail:noted:{case['id']}:{mail.message_id}", "1", nx=True, ex=MARKER_SECONDS):
            self.cases.update(case["id"], "note", f"Weitere E-Mail: {mail.subject}\n\n{mail.cleaned[:4000]}",
                              "E-Mail", self.now())
            if case["status"] == "erledigt":
                self.cases.update(case["id"], "status", "neu", "E-Mail", self.now())
        self._attach(case["id"], mail)

    def _withdraw(self, mail: IncomingMail, check: SenderCheck) -> Handled:
        """Withdrawal only from the consented address and not failing sender authentication; else review."""
        owner = self.consent.customer_for_email(mail.sender)
        consent = self.consent.get(owner, "email") if owner else None
        problem = withdrawal_problem(consent.address if consent else None, mail.sender, check)
        if problem or owner is None:
            case = self._case(mail, "email", "Prüfen: Widerruf der E-Mail-Einwilligung", None,
                              extra={"pruefen": problem or NOT_CONSENTED})
            return self._finish(mail, case, "withdrawal_review", "case", {"topic": "Widerruf der Einwilligung"})
        self.consent.withdraw(owner, "email", self.now(), "E-Mail", mail.message_id)
        case = self._case(mail, "email_widerruf", "Einwilligung für E-Mails widerrufen", owner, status="erledigt")
        return self._finish(mail, case, "withdrawn", "withdrawn", {})

    def _over_limit(self, mail: IncomingMail, customer: str | None, link: dict) -> Handled:
        """Filed without the content (only the headers were read) and answered with the limit."""
        reason = limit_reason(mail.over_limit, self.settings)
        case = self._case(mail, "email", f"E-Mail {LIMIT_SUMMARIES[mail.over_limit]}: Inhalt nicht übernommen",
                          customer, extra={**link, "grenze": reason, "groesse": f"{mail.size} Bytes"})
        template = get_outbound().replies.get("over_limit") or get_content().texts["mail.over_limit"]
        text = fill(get_content(), template, {"reference": case, "limit": reason, **limit_values(self.settings)})[0]
        return self._finish(mail, case, f"over_limit_{mail.over_limit}", "over_limit", {}, text=text)

    def _case(self, mail: IncomingMail, kind: str, summary: str, customer: str | None, priority: str = "normal",
              status: str = "neu", extra: dict | None = None) -> str:
        check = sender_check(mail.auth_results, self.settings.authserv_id)
        fields = {"absender": mail.sender, "name": mail.sender_name, "betreff": mail.subject,
                  "nachricht": mail.cleaned[:8000] or mail.text[:8000], "message_id": mail.message_id,
                  "anhaenge": ", ".join(a.filename for a in mail.attachments),
                  **({"nicht_uebernommen": ", ".join(mail.dropped_attachments)} if mail.dropped_attachments else {}),
                  "zuordnung": "über die E-Mail-Adresse der Einwilligung" if customer else
                  f"keine ({check.reason})" if check.failed else "keine (Absender unbekannt)",
                  **({"absenderpruefung": check.detail} if check.failed else {}),
                  **(extra or {})}
        office = ""
        if customer:
            from bot.identity.registry import get_registry

            person = get_registry().find(customer)
            office = person.office if person else ""
        case = self.cases.create(kind, fields, self.now(), customer=customer, priority=priority,
                                 idempotency_key=f"mail:{mail.message_id}", summary=summary, office=office,
                                 status=status, channel="E-Mail", history_note="per E-Mail eingegangen")
        self._attach(case, mail)
        return case

    def _attach(self, case: str, mail: IncomingMail) -> None:
        marker = f"mail:attached:{case}:{mail.message_id}"
        if mail.attachments and self.redis.set(marker, "1", nx=True, ex=MARKER_SECONDS):
            for attachment in mail.attachments:
                self.cases.attach(case, attachment.filename, attachment.content_type, attachment.data)

    def _finish(self, mail: IncomingMail, case: str, kind: str, reply: str | None, values: dict,
                text: str | None = None) -> Handled:
        """`text`: a ready answer (safety answers, limits) instead of the reply template `reply`."""
        replied = False
        if reply and not self.redis.get(f"mail:replied:{mail.message_id}"):
            body = reply_body(reply, case, values, text)
            replied = send_answer(self.redis, self.settings, mail, case, body, self.now())
            self.redis.set(f"mail:replied:{mail.message_id}", "1", ex=MARKER_SECONDS)
        self.redis.set(f"mail:done:{mail.message_id}", case, ex=MARKER_SECONDS)
        logger.info("mail: %s -> case %s (%s)", kind, case, "answered" if replied else "no answer")
        return Handled(case, kind, replied)


def channel_from_env(client: redis.Redis) -> MailChannel:
    from bot.core.clock import now_local
    from bot.core.settings import EndpointSettings, SecuritySettings, data_dir, secret

    token = SecuritySettings.from_env().token("INTERNAL_TOKEN") or secret(data_dir(), "internal_token")
    nlu = rasa_nlu(EndpointSettings.from_env().rasa_url, token)
    mail = mail_settings()
    return MailChannel(client, MailDrop(mail.maildrop_dir), mail, nlu, now_local)
