"""Security audit of the e-mail channel (issue 16): sender authentication (item 4) and robustness (item 5).

Every test reproduces an attack that worked before. Real Redis, real Maildir, real local SMTP server; the NLU is
given as a function (the channel's decisions are under test, as in test_mail_channel.py).
"""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import time
import tracemalloc
from email.message import EmailMessage

import pytest

from bot.cases.store import CaseStore
from bot.channels.mail import MailChannel, reply_from_agent
from bot.content import say
from bot.mail import auth
from bot.mail.compose import compose, reply_subject
from bot.mail.incoming import parse
from bot.mail.maildrop import QUARANTINE_FOLDER, MailDrop
from bot.mail.settings import mail_settings
from bot.outbound.consent import ConsentStore
from tests.content_texts import said
from tests.smtp_server import Recorder, smtp_server  # noqa: F401 - fixture
from tests.unit.test_mail_channel import NOW, nlu

ERIKA = "12345BG0000001"
ERIKA_MAIL = "erika@beispiel.de"
TAGGED = re.compile(r"\[(V-\d{4}-\d{6})-([0-9a-f]{8})\]")


def raw_mail(subject: str, body: str, sender: str = f"Erika Mustermann <{ERIKA_MAIL}>", message_id: str = "",
             headers: dict | None = None, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service@jobcenter-musterstadt.invalid"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{abs(hash((subject, body, sender)))}@beispiel.de>"
    for key, value in (headers or {}).items():
        message[key] = value
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="nachweis.pdf")
    return message.as_bytes()


@pytest.fixture
def channel(redis_client, smtp_server, tmp_path):
    recorder = Recorder()
    drop = MailDrop(tmp_path / "eingang")
    return MailChannel(redis_client, drop, smtp_server(recorder), nlu, lambda: NOW), drop, recorder


def replies(recorder: Recorder) -> list[EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default) for _, _, raw in recorder.received]


def text_of(message: EmailMessage) -> str:
    return " ".join(message.get_content().split())


def first_case(channel, subject: str = "Hallo", body: str = "Erste Nachricht") -> tuple[dict, str]:
    """Erika's open e-mail case and the subject of the answer she got (quoting the tagged reference)."""
    mail_channel, drop, recorder = channel
    drop.add(raw_mail(subject, body))
    mail_channel.process_pending()
    [case] = CaseStore(mail_channel.redis).search(kind="email")
    return case, f"AW: {replies(recorder)[-1]['Subject']}"


def notes_from_mail(case: dict) -> list[str]:
    return [note["text"] for note in case.get("notes", []) if note["text"].startswith("Weitere E-Mail")]


def review_cases(client, referenced: str) -> list[dict]:
    return [c for c in CaseStore(client).search() if c["fields"].get("bezug_vorgang") == referenced]


# --- item 4: the sender is authenticated ------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "expected"), [
    ("victim@example.org <attacker@evil.example>", "attacker@evil.example"),
    ('"victim@example.org" <attacker@evil.example>', "attacker@evil.example"),
    ("=?utf-8?q?victim=40example=2Eorg?= <attacker@evil.example>", "attacker@evil.example"),
    ("attacker@evil.example (victim@example.org)", "attacker@evil.example"),
    ("victim@example.org, attacker@evil.example", ""),
    ("<victim@example.org> <attacker@evil.example>", ""),
    ("=?utf-8?q?victim=40example=2Eorg?=", ""),
    ("(" * 5000 + "victim@example.org", ""),
    ("Erika Mustermann <Erika@Beispiel.DE>", "erika@beispiel.de"),
], ids=["display-name", "quoted-display-name", "encoded-display-name", "comment", "two-mailboxes",
        "two-angle-addresses", "encoded-word-only", "deep-comment", "normal"])
def test_the_sender_is_the_addr_spec_never_an_address_in_the_display_name(header, expected):
    raw = f"From: {header}\r\nSubject: x\r\nMessage-ID: <a@b.example>\r\n\r\nHallo\r\n".encode()
    assert parse(raw).sender == expected


def test_display_name_trick_neither_withdraws_consent_nor_links_the_victim(channel, redis_client):
    mail_channel, drop, recorder = channel
    consent = ConsentStore(redis_client)
    consent.grant(ERIKA, "email", ERIKA_MAIL, "Wortlaut", "2026-11", NOW, "Chat")
    drop.add(raw_mail("Keine E-Mails mehr", "Bitte keine E-Mails mehr.",
                      sender=f"{ERIKA_MAIL} <attacker@evil.example>"))
    mail_channel.process_pending()
    assert consent.active(ERIKA, "email") is not None
    [case] = CaseStore(redis_client).search()
    assert case["fields"]["absender"] == "attacker@evil.example" and case["customer"] is None
    assert case["fields"]["name"] == ""  # an address as display name is not shown to the agents
    [reply] = replies(recorder)
    assert reply["To"] == "attacker@evil.example"


def test_replies_quote_the_case_number_with_an_unguessable_check_token(channel, redis_client):
    mail_channel, drop, recorder = channel
    case, subject = first_case(channel)
    number, token = TAGGED.search(subject).groups()
    assert number == case["id"] and token == auth.token(redis_client, case["id"])
    assert re.fullmatch(r"[0-9a-f]{64}", redis_client.get(auth.SECRET_KEY).decode())  # the HMAC key, random
    other = CaseStore(redis_client).create("lob", {}, NOW)
    assert auth.token(redis_client, other) != token
    redis_client.set(auth.SECRET_KEY, "0" * 64)
    assert auth.token(redis_client, case["id"]) != token  # depends on the secret, not on the number alone
    redis_client.delete(auth.SECRET_KEY)
    reply_from_agent(redis_client, mail_channel.settings, case["id"], "Ihr Antrag ist da.", "anna", NOW)
    assert TAGGED.search(replies(recorder)[-1]["Subject"]).group(1) == case["id"]
    assert reply_subject(f"AW: Hallo [{case['id']}] [V-2026-000099-00000000]", "V-2026-000001-1a2b3c4d") == \
        "AW: Hallo [V-2026-000001-1a2b3c4d]"  # a reply quotes only its own reference


@pytest.mark.parametrize("forged", ["untagged", "wrong-token"])
def test_a_forged_from_quoting_a_guessed_number_becomes_a_review_case(channel, redis_client, forged):
    mail_channel, drop, recorder = channel
    case, _ = first_case(channel)
    reference = case["id"] if forged == "untagged" else f"{case['id']}-00000000"
    drop.add(raw_mail(f"AW: Hallo [{reference}]", "Nachtrag vom Angreifer", attachment=b"%PDF fremd"))
    mail_channel.process_pending()
    cases = CaseStore(redis_client)
    victim = cases.raw(case["id"])
    assert notes_from_mail(victim) == [] and cases.files(case["id"]) == []
    [review] = review_cases(redis_client, case["id"])
    assert review["id"] != case["id"] and review["fields"]["pruefen"] in (auth.NO_TOKEN, auth.WRONG_TOKEN)
    assert [f["name"] for f in cases.files(review["id"])] == ["nachweis.pdf"]
    answer = replies(recorder)[-1]
    assert review["id"] in text_of(answer) and case["id"] not in answer["Subject"]
    assert "Sie ist mit der Vorgangsnummer" in text_of(answer)  # the normal case answer


def test_the_tagged_reference_from_another_sender_becomes_a_review_case(channel, redis_client):
    mail_channel, drop, recorder = channel
    case, subject = first_case(channel)
    drop.add(raw_mail(subject, "Ich gebe mich als Erika aus", sender="fremd@beispiel.de", attachment=b"%PDF x"))
    mail_channel.process_pending()
    assert notes_from_mail(CaseStore(redis_client).raw(case["id"])) == []
    [review] = review_cases(redis_client, case["id"])
    assert review["fields"]["pruefen"] == auth.OTHER_SENDER and review["fields"]["absender"] == "fremd@beispiel.de"


def test_the_right_token_from_the_case_sender_joins_the_case(channel, redis_client):
    mail_channel, drop, recorder = channel
    case, subject = first_case(channel)
    drop.add(raw_mail(subject, "Hier der Nachweis.", attachment=b"%PDF echt",
                      headers={"Authentication-Results": "mx.jobcenter.example; dkim=pass; spf=pass; dmarc=pass"}))
    mail_channel.process_pending()
    joined = CaseStore(redis_client).raw(case["id"])
    assert len(notes_from_mail(joined)) == 1 and review_cases(redis_client, case["id"]) == []
    assert "zum Vorgang" in text_of(replies(recorder)[-1])


DMARC_FAIL = ("mx.jobcenter.example; spf=pass smtp.mailfrom=evil.example; dkim=none; dmarc=fail (p=none) "
              "header.from=beispiel.de")
SPF_FAIL = "mx.jobcenter.example; spf=fail smtp.mailfrom=beispiel.de; dkim=none"


@pytest.mark.parametrize("results", [DMARC_FAIL, SPF_FAIL], ids=["dmarc-fail", "spf-fail-without-dkim"])
def test_failed_sender_authentication_sends_withdrawal_and_follow_up_to_review(channel, redis_client, results):
    mail_channel, drop, recorder = channel
    consent = ConsentStore(redis_client)
    consent.grant(ERIKA, "email", ERIKA_MAIL, "Wortlaut", "2026-11", NOW, "Chat")
    case, subject = first_case(channel)
    drop.add(raw_mail("Keine E-Mails mehr", "Keine E-Mails mehr bitte.", headers={"Authentication-Results": results}))
    drop.add(raw_mail(subject, "Nachtrag", headers={"Authentication-Results": results}))
    mail_channel.process_pending()
    assert consent.active(ERIKA, "email") is not None
    cases = CaseStore(redis_client)
    assert notes_from_mail(cases.raw(case["id"])) == [] and not cases.search(kind="email_widerruf")
    [review] = review_cases(redis_client, case["id"])
    assert review["fields"]["pruefen"].startswith("Absenderprüfung") and review["customer"] is None
    [withdrawal] = [c for c in cases.search(kind="email") if c["summary"].startswith("Prüfen: Widerruf")]
    assert withdrawal["customer"] is None and withdrawal["fields"]["absenderpruefung"]


def test_spf_fail_with_dkim_pass_still_withdraws(channel, redis_client):
    mail_channel, drop, _ = channel
    consent = ConsentStore(redis_client)
    consent.grant(ERIKA, "email", ERIKA_MAIL, "Wortlaut", "2026-11", NOW, "Chat")
    drop.add(raw_mail("Keine E-Mails mehr", "Keine E-Mails mehr.",
                      headers={"Authentication-Results": "mx.jc.example; spf=fail; dkim=pass header.d=beispiel.de"}))
    mail_channel.process_pending()
    assert consent.active(ERIKA, "email") is None


def test_withdrawal_only_from_the_address_of_the_consent(channel, redis_client):
    """Erika gave consent for a new address; the old one still points to her but may not withdraw."""
    mail_channel, drop, recorder = channel
    consent = ConsentStore(redis_client)
    consent.grant(ERIKA, "email", ERIKA_MAIL, "Wortlaut", "2026-11", NOW, "Chat")
    consent.grant(ERIKA, "email", "erika.neu@beispiel.de", "Wortlaut", "2026-11", NOW, "Chat")
    drop.add(raw_mail("Keine E-Mails mehr", "Keine E-Mails mehr."))
    mail_channel.process_pending()
    assert consent.active(ERIKA, "email").address == "erika.neu@beispiel.de"
    [review] = CaseStore(redis_client).search(kind="email")
    assert review["fields"]["pruefen"] == auth.NOT_CONSENTED and "Widerruf" in review["summary"]
    assert "Widerruf der Einwilligung" in text_of(replies(recorder)[0])


def test_authentication_results_parsing():
    check = auth.sender_check
    assert check(("mx.jc.example; spf=pass; dkim=pass; dmarc=fail header.from=x.example",)).failed
    assert check(("mx.jc.example; spf=fail; dkim=none",)).failed
    assert not check(("mx.jc.example; spf=fail; dkim=pass",)).failed
    assert not check(("mx.jc.example; spf=pass; dkim=pass; dmarc=pass",)).failed and not check(()).failed
    # sender-chosen text inside a quoted property or a comment is not a result
    assert check(('mx.jc.example; spf=fail smtp.mailfrom="x;dkim=pass"@evil.example (dkim=pass)',)).failed
    # a header the sender adds cannot cancel the server's failure
    assert check(("mx.jc.example; spf=fail; dkim=none", "forged.example; dkim=pass; dmarc=pass")).failed
    # with the own server's authserv-id only its headers count: a forged "pass" cannot hide its "fail"
    headers = ("evil.example; dmarc=pass", "mx.jc.example 1; dmarc=fail")
    assert check(headers, "mx.jc.example").failed and not check(headers[:1], "mx.jc.example").failed
    assert mail_settings({"MAIL_AUTHSERV_ID": " MX.jc.example "}).authserv_id == "mx.jc.example"


# --- item 5: the channel cannot be stopped ----------------------------------------------------------------------


def test_an_encoded_line_break_in_the_message_id_does_not_block_the_mails_after_it(channel, redis_client):
    mail_channel, drop, recorder = channel
    poisoned = raw_mail("Hallo", "Erste", headers={}).replace(
        b"Message-ID: ", b"Message-ID: =?utf-8?q?<a=0D=0ABcc:_victim@example.org=0D=0A@x>?=\nX-Old-Message-ID: ", 1)
    drop.add(poisoned)
    drop.add(raw_mail("Hallo", "Zweite"))
    assert mail_channel.process_pending() == 2
    assert len(recorder.received) == 2 and drop.pending() == [] and drop.quarantined_keys() == []
    for _, recipients, content in recorder.received:
        assert recipients == [ERIKA_MAIL] and b"victim@example.org" not in content
    assert all("\n" not in (r["In-Reply-To"] or "") for r in replies(recorder))
    message = compose(mail_channel.settings, "a@b.example", "Betreff\r\nBcc: x@y.example", "Text",
                      in_reply_to="<a\r\nb@c>", references=["<ok@c>", "<x\ny@c>"])
    assert "Bcc" not in message and message["In-Reply-To"] is None and message["References"] == "<ok@c>"


def test_a_mail_whose_handling_fails_is_quarantined_with_a_notice_and_the_next_is_handled(redis_client, smtp_server,
                                                                                         tmp_path):
    def broken_nlu(text: str) -> dict:
        if "Kaputt" in text:
            raise ValueError("NLU kaputt")
        return nlu(text)

    recorder = Recorder()
    drop = MailDrop(tmp_path / "eingang")
    mail_channel = MailChannel(redis_client, drop, smtp_server(recorder), broken_nlu, lambda: NOW)
    first = drop.add(raw_mail("Kaputt", "Persönliche Angaben: Kontostand 12 Euro", sender="max@beispiel.de"))
    time.sleep(0.01)
    drop.add(raw_mail("Öffnungszeiten", "Wann haben Sie offen?"))
    assert mail_channel.process_pending() == 1
    assert len(recorder.received) == 1 and drop.pending() == [] and drop.quarantined_keys() == [first]
    kept = (tmp_path / "eingang" / f".{QUARANTINE_FOLDER}" / "new" / first).read_bytes()
    assert b"Kontostand" in kept and b"X-Maildrop-Fehler: ValueError" in kept
    [notice] = CaseStore(redis_client).search(kind="email_quarantaene")
    assert notice["priority"] == "normal" and notice["status"] == "neu" and "Quarantäne" in notice["summary"]
    assert notice["fields"]["absender"] == "max@beispiel.de" and first in notice["fields"]["hinweis"]
    assert "Kontostand" not in str(notice) and "Kaputt" not in str(notice)  # no content beyond the address
    assert mail_channel.process_pending() == 0 and len(CaseStore(redis_client).search(kind="email_quarantaene")) == 1


def test_a_follow_up_note_is_added_once_while_smtp_is_down(channel, redis_client):
    mail_channel, drop, recorder = channel
    case, subject = first_case(channel)
    working = mail_channel.settings
    mail_channel.settings = dataclasses.replace(working, smtp_port=1)  # nothing listens there
    drop.add(raw_mail(subject, "Nachtrag mit Nachweis", attachment=b"%PDF nachweis"))
    for _ in range(5):
        assert mail_channel.process_pending() == 0
    mail_channel.settings = working
    assert mail_channel.process_pending() == 1
    joined = CaseStore(redis_client).raw(case["id"])
    assert len(notes_from_mail(joined)) == 1 and len(CaseStore(redis_client).files(case["id"])) == 1
    assert len(recorder.received) == 2


@pytest.mark.parametrize("headers, subject", [
    ({"Auto-Submitted": "auto-replied"}, None),
    ({"Precedence": "auto_reply"}, None),
    ({"X-Autoreply": "yes"}, None),
    ({}, "Automatische Antwort: {subject}"),
    ({}, "Abwesenheitsnotiz: {subject}"),
    ({}, "Out of Office: {subject}"),
], ids=["auto-submitted", "precedence", "x-autoreply", "automatische-antwort", "abwesenheitsnotiz", "ooo"])
def test_an_auto_reply_quoting_the_case_is_filed_without_answer_and_not_added(channel, redis_client, headers, subject):
    mail_channel, drop, recorder = channel
    case, reply = first_case(channel)
    subject = subject.format(subject=reply.removeprefix("AW: ")) if subject else reply
    drop.add(raw_mail(subject, "Ich bin bis 10.03. nicht im Büro.", headers=headers))
    mail_channel.process_pending()
    assert len(recorder.received) == 1  # only the first answer: no loop
    assert notes_from_mail(CaseStore(redis_client).raw(case["id"])) == []
    [filed] = review_cases(redis_client, case["id"])
    assert filed["status"] == "erledigt" and "Automatische E-Mail" in filed["summary"]


def test_bounces_and_postmaster_mails_are_automatic_but_citizens_absence_subjects_are_not():
    def automatic(sender: str, subject: str) -> bool:
        return parse(raw_mail(subject, "Text", sender=sender)).automatic

    assert automatic("MAILER-DAEMON@mx.example.org", "Undelivered Mail Returned to Sender")
    assert automatic("postmaster@mx.example.org", "Delivery Status Notification (Failure)")
    assert automatic("erika@beispiel.de", "Unzustellbar: Ihre Nachricht")
    for subject in ("Abwesenheit melden", "Urlaubsabwesenheit vom 1. bis 14. März", "Abwesend",
                    "Automatische Zahlung fehlt", "Abwesenheitsnotiz"):
        assert not automatic("erika@beispiel.de", subject)


def limit_answer(recorder: Recorder) -> str:
    [answer] = replies(recorder)
    return text_of(answer)


def test_a_34_mb_mail_is_not_read_but_answered_with_the_limit(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(raw_mail("Unterlagen", "Anbei alles.", attachment=b"%PDF" + b"x" * (25 * 2**20)))
    tracemalloc.start()
    try:
        assert mail_channel.process_pending() == 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5 * 2**20, f"{peak / 2**20:.1f} MB"  # only the header block was read, not 34 MB
    text = limit_answer(recorder)
    [case] = CaseStore(redis_client).search(kind="email")
    filled = said("mail.over_limit", text)  # followed by the closing
    assert filled and filled["limit"] == say("mail.limit_size", max_size="10 MB") and filled["reference"] == case["id"]
    assert case["fields"]["nachricht"] == "" and CaseStore(redis_client).files(case["id"]) == []
    assert case["fields"]["grenze"] == filled["limit"] and case["fields"]["absender"] == ERIKA_MAIL


def nested(depth: int) -> bytes:
    out = f"From: {ERIKA_MAIL}\r\nSubject: Unterlagen\r\nMessage-ID: <tief@beispiel.de>\r\n".encode()
    for level in range(depth):
        out += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
    out += b"Content-Type: text/plain\r\n\r\nhallo\r\n"
    for level in reversed(range(depth)):
        out += b"--b%d--\r\n" % level
    return out


def test_a_2000_level_nested_mail_is_refused_at_once(channel, redis_client):
    mail_channel, drop, recorder = channel
    drop.add(nested(2000))
    started = time.process_time()
    assert mail_channel.process_pending() == 1
    assert time.process_time() - started < 2
    assert say("mail.limit_depth", max_depth=10) in limit_answer(recorder)
    assert parse(nested(10)).over_limit == "" and parse(nested(10)).text == "hallo"
    assert parse(nested(11)).over_limit == "depth"
    assert parse(nested(2000).replace(b"\r\n", b"\r")).over_limit == "depth"  # lone CR line ends too


def test_too_many_parts_and_too_many_lines_are_limits_too(channel, redis_client):
    mail_channel, drop, recorder = channel
    message = EmailMessage()
    message["From"], message["Subject"], message["Message-ID"] = ERIKA_MAIL, "Fotos", "<viele@beispiel.de>"
    message.set_content("Alle Seiten")
    for number in range(60):
        message.add_attachment(b"x", maintype="image", subtype="jpeg", filename=f"seite{number}.jpg")
    drop.add(message.as_bytes())
    mail_channel.process_pending()
    assert "höchstens 50 Texte und Anhänge" in limit_answer(recorder)
    assert CaseStore(redis_client).files(CaseStore(redis_client).search(kind="email")[0]["id"]) == []
    started = time.process_time()
    lines = parse(f"From: {ERIKA_MAIL}\r\n\r\n".encode() + b"a\n" * 5_000_000)
    headers = parse(f"From: {ERIKA_MAIL}\r\n".encode() + b"X: y\r\n" * 100_000 + b"\r\nText")
    assert (lines.over_limit, headers.over_limit) == ("lines", "headers") and time.process_time() - started < 3
    assert headers.sender == ERIKA_MAIL


def test_limit_settings_have_documented_defaults_and_env_variables():
    defaults = mail_settings({})
    assert (defaults.max_raw_bytes, defaults.max_mime_depth, defaults.max_mime_parts) == (10 * 2**20, 10, 50)
    assert defaults.authserv_id == ""
    changed = mail_settings({"MAIL_MAX_SIZE_MB": "25", "MAIL_MAX_MIME_DEPTH": "5", "MAIL_MAX_MIME_PARTS": "80"})
    assert (changed.max_raw_bytes, changed.max_mime_depth, changed.max_mime_parts) == (25 * 2**20, 5, 80)
    with pytest.raises(ValueError):
        mail_settings({"MAIL_MAX_MIME_DEPTH": "0"})
