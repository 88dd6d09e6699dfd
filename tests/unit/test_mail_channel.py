"""The e-mail channel on a real Redis, a real Maildir and a real local SMTP server. The NLU is given as the
intent per subject here (the channel's decisions are under test); tests/integration/test_outbound.py runs the
same channel against the trained model."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage

import pytest

from bot.cases.store import CaseStore
from bot.channels.mail import MailChannel, reply_from_agent
from bot.mail.maildrop import MailDrop
from bot.outbound.consent import ConsentStore
from tests.smtp_server import Recorder, smtp_server  # noqa: F401 - fixture

NOW = dt.datetime(2026, 11, 24, 10, 0)
ERIKA = "12345BG0000001"
INTENTS = {  # subject -> what the NLU says
    "Öffnungszeiten": ("ask_opening_hours", 0.95),
    "Neue Adresse": ("report_change", 0.9),
    "Keine E-Mails mehr": ("contact_consent", 0.93),
    "Frage zu meinem Fall": ("ask_case_status", 0.9),
    "Hallo": ("nlu_fallback", 0.2),
    "Ihr macht was erleben": ("threat", 0.95),
    "Opening hours": ("ask_opening_hours", 0.9),
    "Нова адреса": ("report_change", 0.9),
}


def nlu(text: str) -> dict:
    for subject, (intent, confidence) in INTENTS.items():
        if text.startswith(subject):
            return {"intent": {"name": intent, "confidence": confidence}}
    return {"intent": {"name": "nlu_fallback", "confidence": 0.1}}


def mail(subject: str, body: str, sender: str = "erika@beispiel.de", message_id: str | None = None,
         attachment: bytes | None = None, headers: dict | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = f"Erika Mustermann <{sender}>"
    message["To"] = "service@jobcenter-musterstadt.invalid"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{abs(hash((subject, body)))}@beispiel.de>"
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="mietvertrag.pdf")
    return message.as_bytes()


@pytest.fixture
def channel(redis_client, smtp_server, tmp_path):
    recorder = Recorder()
    settings = smtp_server(recorder)
    drop = MailDrop(tmp_path / "eingang")
    return MailChannel(redis_client, drop, settings, nlu, lambda: NOW), drop, recorder


def replies(recorder: Recorder) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default) for _, _, raw in recorder.received]


def text_of(message: email.message.EmailMessage) -> str:
    """The body with line breaks as spaces (e-mail texts are wrapped)."""
    return " ".join(message.get_content().split())


def test_general_question_gets_an_answer_quoting_the_reference(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Öffnungszeiten", "Wann hat die Geschäftsstelle Nord geöffnet?", message_id="<q1@beispiel.de>"))
    assert mail_channel.process_pending() == 1
    [reply] = replies(recorder)
    case = CaseStore(redis_client).search(kind="email_auskunft", status="erledigt")[0]
    assert case["id"] in reply["Subject"] and case["id"] in reply.get_content()
    assert "Geschäftsstelle Nord" in text_of(reply) and reply["In-Reply-To"] == "<q1@beispiel.de>"
    assert reply["Auto-Submitted"] == "auto-replied" and drop.pending() == []


def test_declaration_becomes_a_case_with_the_mail_and_its_attachment(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Neue Adresse", "Ich bin umgezogen, Mietvertrag anbei.", attachment=b"%PDF-1.4 vertrag"))
    mail_channel.process_pending()
    cases = CaseStore(redis_client)
    [case] = cases.search(kind="veraenderung")
    assert case["channel"] == "E-Mail" and case["fields"]["absender"] == "erika@beispiel.de"
    assert "umgezogen" in case["fields"]["nachricht"] and case["customer"] is None  # address unknown: not linked
    [meta] = cases.files(case["id"])
    assert meta["name"] == "mietvertrag.pdf" and cases.file(case["id"], 1)[1] == b"%PDF-1.4 vertrag"
    assert case["id"] in replies(recorder)[0].get_content()


def test_sender_with_email_consent_is_linked_and_can_withdraw_by_mail(channel, redis_client):
    mail_channel, drop, recorder = channel
    consent = ConsentStore(redis_client)
    consent.grant(ERIKA, "email", "erika@beispiel.de", "Wortlaut", "2026-11", NOW, "Chat")
    drop.add(mail("Keine E-Mails mehr", "Bitte schicken Sie mir keine E-Mails mehr."))
    mail_channel.process_pending()
    assert consent.active(ERIKA, "email") is None and consent.history(ERIKA)[-1]["via"] == "E-Mail"
    [case] = CaseStore(redis_client).search(kind="email_widerruf")
    assert case["customer"] == ERIKA and "keine E-Mails mehr" in text_of(replies(recorder)[0])


def test_unclear_and_case_specific_mails_go_to_the_agents(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Hallo", "Können Sie mir helfen?"))
    drop.add(mail("Frage zu meinem Fall", "Wann wird mein Antrag bearbeitet?"))
    mail_channel.process_pending()
    open_cases = CaseStore(redis_client).search(kind="email", status="neu")
    assert len(open_cases) == 2 and len(recorder.received) == 2
    assert all("Mitarbeiterin oder ein Mitarbeiter" in text_of(r) for r in replies(recorder))


def test_threat_by_mail_is_an_urgent_case(channel, redis_client):
    mail_channel, drop, _ = channel
    drop.add(mail("Ihr macht was erleben", "Ich komme vorbei."))
    mail_channel.process_pending()
    [case] = CaseStore(redis_client).search(kind="drohung")
    assert case["priority"] == "urgent"


def test_reply_quoting_the_reference_joins_that_case(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Hallo", "Erste Nachricht"))
    mail_channel.process_pending()
    [case] = CaseStore(redis_client).search(kind="email")
    subject = f"AW: {replies(recorder)[0]['Subject']}"  # the answer quotes the number with its check token
    drop.add(mail(subject, "Hier noch der Nachweis.", attachment=b"%PDF nachweis"))
    drop.add(mail(subject, "Ich bin jemand anderes.", sender="fremd@beispiel.de"))
    mail_channel.process_pending()
    cases = CaseStore(redis_client)
    updated = cases.raw(case["id"])
    assert any("Hier noch der Nachweis" in n["text"] for n in updated["notes"]) and len(cases.files(case["id"])) == 1
    assert len(cases.search(kind="email")) == 2  # a stranger quoting the number gets a case of their own


def test_automatic_mails_are_filed_without_an_answer(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Abwesenheitsnotiz", "Ich bin im Urlaub.", headers={"Auto-Submitted": "auto-replied"}))
    mail_channel.process_pending()
    assert recorder.received == [] and CaseStore(redis_client).search(kind="email", status="erledigt")


def test_mail_server_down_keeps_the_mail_and_makes_one_case(channel, redis_client):
    mail_channel, drop, recorder = channel
    working = mail_channel.settings
    mail_channel.settings = working.__class__(**{**working.__dict__, "smtp_port": 1})  # nothing listens there
    drop.add(mail("Hallo", "Bitte um Rückmeldung"))
    assert mail_channel.process_pending() == 0 and len(drop.pending()) == 1
    mail_channel.settings = working
    assert mail_channel.process_pending() == 1
    assert len(CaseStore(redis_client).search(kind="email")) == 1 and len(recorder.received) == 1


def test_agent_reply_goes_to_the_sender_and_is_noted(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Hallo", "Frage", message_id="<first@beispiel.de>"))
    mail_channel.process_pending()
    [case] = CaseStore(redis_client).search(kind="email")
    reply_from_agent(redis_client, mail_channel.settings, case["id"], "Ihr Antrag ist vollständig.", "anna", NOW)
    answer = replies(recorder)[-1]
    assert answer["To"] == "erika@beispiel.de" and answer["In-Reply-To"] == "<first@beispiel.de>"
    assert "Ihr Antrag ist vollständig." in text_of(answer) and case["id"] in answer["Subject"]
    assert CaseStore(redis_client).raw(case["id"])["notes"][-1]["by"] == "anna"
    other = CaseStore(redis_client).create("lob", {}, NOW)
    with pytest.raises(LookupError):
        reply_from_agent(redis_client, mail_channel.settings, other, "x", "anna", NOW)


def _crisis_numbers() -> list[str]:
    from bot.safety.texts import get_safety

    lines = get_safety().lines
    return [lines[n] for n in ("telefonseelsorge", "telefonseelsorge_2", "telefonseelsorge_kurz", "notruf")]


def test_a_crisis_by_mail_gets_the_crisis_lines_at_once_and_an_urgent_case_with_alert(channel, redis_client):
    mail_channel, drop, recorder = channel
    pubsub = redis_client.pubsub()
    pubsub.subscribe("ho:events")
    drop.add(mail("Hallo", "sehr geehrte damen und herren, wegen der rückforderung: ich weiss nicht mehr weiter "
                           "und denke seit tagen daran mir das leben zu nehmen. mit freundlichen grüßen"))
    mail_channel.process_pending()
    [case] = CaseStore(redis_client).search(kind="krise")
    assert case["priority"] == "crisis" and case["channel"] == "E-Mail"
    [reply] = replies(recorder)
    body = text_of(reply)
    assert all(number in body for number in _crisis_numbers()) and case["id"] in body
    assert body.index(_crisis_numbers()[0]) < body.index(case["id"])  # the numbers come first
    alerts = []
    while (message := pubsub.get_message(timeout=0.3)) is not None:
        if message["type"] == "message":
            alerts.append(message["data"])
    assert any(b"crisis_alert" in a and case["id"].encode() in a for a in alerts)


def test_a_crisis_in_a_reply_to_an_open_case_is_not_just_a_note(channel, redis_client):
    """Follow-ups are joined to their case; a crisis in one still gets the crisis answer first."""
    mail_channel, drop, recorder = channel
    drop.add(mail("Hallo", "Erste Nachricht"))
    mail_channel.process_pending()
    drop.add(mail(f"AW: {replies(recorder)[0]['Subject']}", "ich kann nicht mehr. ich will nicht mehr leben."))
    mail_channel.process_pending()
    assert CaseStore(redis_client).search(kind="krise")
    assert all(number in text_of(replies(recorder)[-1]) for number in _crisis_numbers())


def test_no_money_by_mail_is_a_priority_callback_case_with_help_for_today(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(mail("Geld", "das geld ist immer noch nicht gekommen und wir haben nichts mehr zu essen"))
    mail_channel.process_pending()
    [case] = CaseStore(redis_client).search(kind="notlage")
    assert case["priority"] == "high"
    body = text_of(replies(recorder)[0])
    assert "Vorschuss" in body and case["id"] in body


def test_a_worried_question_by_mail_is_no_threat_and_no_crisis(channel, redis_client):
    mail_channel, drop, _ = channel
    drop.add(mail("Hallo", "was passiert wenn meine miete zu teuer ist? muss ich dann ausziehen?"))
    mail_channel.process_pending()
    kinds = [c["kind"] for c in CaseStore(redis_client).search()]
    assert kinds == ["email"]


def test_a_mail_in_another_language_is_answered_in_it_and_filed_in_german(channel, redis_client):
    """An English question gets the English answer; a Ukrainian change notice a Ukrainian receipt, while the case
    keeps the German title for the team (bot/languages/)."""
    mail_channel, drop, recorder = channel
    drop.add(mail("Opening hours", "Hello, when is the office Nord open this week? Thank you very much.",
                  message_id="<en1@beispiel.de>"))
    drop.add(mail("Нова адреса", "Добрий день, я переїхала на нову квартиру, договір оренди надішлю пізніше.",
                  message_id="<uk1@beispiel.de>"))
    mail_channel.process_pending()
    english, ukrainian = replies(recorder)
    assert "Geschäftsstelle Nord" in text_of(english) and "Guten Tag" not in text_of(english)
    assert any(word in text_of(english).lower() for word in ("hello", "dear", "thank"))
    assert any("\u0400" <= ch <= "\u04ff" for ch in text_of(ukrainian)) and "Guten Tag" not in text_of(ukrainian)
    [case] = CaseStore(redis_client).search(kind="veraenderung")
    assert case["summary"].startswith("Veränderung") or "per E-Mail" in case["summary"]
    assert not any("\u0400" <= ch <= "\u04ff" for ch in case["summary"])
