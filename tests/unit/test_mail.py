"""E-mail plumbing: composing and sending to a real local SMTP server, parsing incoming mail, the Maildir drop."""

from __future__ import annotations

import email
import email.policy
import os
import time
from dataclasses import replace
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from bot.mail.compose import compose, reply_subject
from bot.mail.incoming import parse
from bot.mail.maildrop import MailDrop
from bot.mail.settings import mail_settings
from bot.mail.smtp import PermanentMailError, TransientMailError, send
from tests.smtp_server import Recorder, free_port, settings_for, smtp_server  # noqa: F401 - fixture

BODY = ("Guten Tag Frau Müller,\n\nIhr Weiterbewilligungsantrag über 563,00 € ist eingegangen.\n"
        "Grüße aus Köln – ß\n")


# --- settings ------------------------------------------------------------------------------------------------


def test_settings_defaults_and_maildrop_below_the_data_dir():
    settings = mail_settings({"DATA_DIR": "/srv/jc"})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("127.0.0.1", 25, "none")
    assert settings.mail_from == "Jobcenter Musterstadt <service@jobcenter-musterstadt.invalid>"
    assert settings.maildrop_dir == Path("/srv/jc/mail/eingang")
    assert settings.max_attachment_bytes == 10 * 2**20 and settings.timeout == 20


def test_settings_default_data_dir_matches_the_assistant_settings():
    from bot.core.settings import load_settings

    assert mail_settings({}).maildrop_dir == load_settings({}).data_dir / "mail" / "eingang"


def test_settings_reject_unknown_security_mode_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="none, starttls, ssl"):
        mail_settings({"SMTP_SECURITY": "tls"})


def test_settings_read_explicit_values():
    settings = mail_settings({"SMTP_HOST": "mail.example", "SMTP_PORT": "587", "SMTP_SECURITY": "STARTTLS",
                              "SMTP_USER": "bot", "SMTP_PASSWORD": "geheim", "MAILDROP_DIR": "/var/mail/in",
                              "SMTP_TIMEOUT": "7.5", "MAIL_MAX_ATTACHMENT_MB": "2"})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_security) == ("mail.example", 587, "starttls")
    assert (settings.smtp_user, settings.smtp_password, settings.timeout) == ("bot", "geheim", 7.5)
    assert settings.maildrop_dir == Path("/var/mail/in") and settings.max_attachment_bytes == 2 * 2**20


# --- compose and send ----------------------------------------------------------------------------------------


def test_german_mail_arrives_byte_correct_at_a_real_smtp_server(smtp_server):
    handler = Recorder()
    settings = smtp_server(handler)
    message = compose(settings, "buerger@example.org", "Ihr Antrag über Leistungen – Bestätigung", BODY)

    message_id = send(message, settings)

    assert len(handler.received) == 1
    mail_from, recipients, content = handler.received[0]
    assert mail_from == "service@jobcenter-musterstadt.invalid" and recipients == ["buerger@example.org"]
    arrived = email.message_from_bytes(content, policy=email.policy.default)
    assert str(arrived["Subject"]) == "Ihr Antrag über Leistungen – Bestätigung"
    assert arrived.get_content().replace("\r\n", "\n") == BODY  # CRLF is the SMTP line ending
    assert arrived["Auto-Submitted"] == "auto-generated"
    assert arrived["Message-ID"].strip() == message_id  # a long Message-ID may be folded onto its own line
    assert message_id.endswith("@jobcenter-musterstadt.invalid>")
    assert arrived["From"].addresses[0].display_name == "Jobcenter Musterstadt"
    assert content.isascii()  # 7-bit clean for any relay


def test_reply_carries_threading_headers_and_auto_replied():
    settings = settings_for(25)
    message = compose(settings, "a@example.org", "AW: Frage [JC-1]", "Antwort", in_reply_to="<b@x>",
                      references=["<a@x>"], auto_submitted="auto-replied", headers={"X-Vorgang": "JC-1"})
    assert message["In-Reply-To"] == "<b@x>"
    assert message["References"] == "<a@x> <b@x>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Vorgang"] == "JC-1"
    assert message["Date"]


def test_first_mail_has_no_threading_headers():
    message = compose(settings_for(25), "a@example.org", "Termin", "Text")
    assert message["In-Reply-To"] is None and message["References"] is None


@pytest.mark.parametrize(("subject", "expected"), [
    ("Frage zum Antrag", "AW: Frage zum Antrag [JC-42]"),
    ("AW: AW: Re: Frage zum Antrag", "AW: Frage zum Antrag [JC-42]"),
    ("RE[2]: Antw: Frage", "AW: Frage [JC-42]"),
    ("AW: Frage zum Antrag [JC-42]", "AW: Frage zum Antrag [JC-42]"),
    ("Re: Termin [jc-42] verschoben", "AW: Termin [jc-42] verschoben"),
    ("", "Ihre Nachricht [JC-42]"),
    ("  AW:  ", "Ihre Nachricht [JC-42]"),
    ("Wohnung\n gefunden", "AW: Wohnung gefunden [JC-42]"),
])
def test_reply_subject(subject, expected):
    assert reply_subject(subject, "JC-42") == expected


def test_recipient_refused_with_550_is_permanent_and_keeps_the_body_out_of_the_error(smtp_server):
    handler = Recorder(refuse={"weg@example.org": "550 5.1.1 Unbekannter Empfänger"})
    settings = smtp_server(handler)
    with pytest.raises(PermanentMailError) as error:
        send(compose(settings, "weg@example.org", "Termin", BODY), settings)
    assert "550" in str(error.value) and "Unbekannter Empfänger" in str(error.value)
    assert "Weiterbewilligungsantrag" not in str(error.value)
    assert handler.received == []


def test_recipient_refused_with_451_is_transient(smtp_server):
    settings = smtp_server(Recorder(refuse={"voll@example.org": "451 4.2.2 Postfach voll"}))
    with pytest.raises(TransientMailError, match="451"):
        send(compose(settings, "voll@example.org", "Termin", BODY), settings)


def test_data_rejected_with_554_is_permanent_and_with_452_transient(smtp_server):
    settings = smtp_server(Recorder(data_reply="554 5.6.0 Inhalt abgelehnt"))
    with pytest.raises(PermanentMailError, match="554"):
        send(compose(settings, "a@example.org", "Termin", BODY), settings)
    settings = smtp_server(Recorder(data_reply="452 4.3.1 Zu wenig Speicher"))
    with pytest.raises(TransientMailError, match="452"):
        send(compose(settings, "a@example.org", "Termin", BODY), settings)


def test_rejected_login_is_permanent(smtp_server):
    def refuse_all(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    settings = smtp_server(Recorder(), authenticator=refuse_all, auth_require_tls=False)
    settings = replace(settings, smtp_user="bot", smtp_password="falsch")
    with pytest.raises(PermanentMailError, match="535"):
        send(compose(settings, "a@example.org", "Termin", BODY), settings)


def test_nothing_listening_is_transient():
    settings = settings_for(free_port(), timeout=2.0)
    with pytest.raises(TransientMailError):
        send(compose(settings, "a@example.org", "Termin", BODY), settings)


# --- incoming mail -------------------------------------------------------------------------------------------


def mail(headers: str, body: str, encoding: str = "utf-8") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).replace("\n", "\r\n").encode(encoding)


NORMAL = mail("""
From: Erika Mustermann <Erika.Mustermann@Example.ORG>
To: service@jobcenter-musterstadt.invalid
Subject: Frage zu meinem Antrag
Message-ID: <abc123@example.org>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
""", "Guten Tag,\nwann wird mein Antrag bearbeitet?\nViele Grüße\nErika Mustermann\n")


def test_plain_mail_fields():
    parsed = parse(NORMAL)
    assert parsed.message_id == "<abc123@example.org>"
    assert (parsed.sender, parsed.sender_name) == ("erika.mustermann@example.org", "Erika Mustermann")
    assert parsed.subject == "Frage zu meinem Antrag"
    assert parsed.text == "Guten Tag,\nwann wird mein Antrag bearbeitet?\nViele Grüße\nErika Mustermann"
    assert parsed.cleaned == parsed.text
    assert not parsed.automatic
    assert parsed.size == len(NORMAL) and parsed.attachments == () and parsed.in_reply_to == ""


def test_multipart_mail_with_text_and_pdf_attachment():
    message = email.message.EmailMessage()
    message["From"] = "erika@example.org"
    message["Subject"] = "Unterlagen"
    message["In-Reply-To"] = "<out-1@jobcenter-musterstadt.invalid>"
    message["References"] = "<out-0@jobcenter-musterstadt.invalid> <out-1@jobcenter-musterstadt.invalid>"
    message.set_content("Anbei der Mietvertrag.")
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 40
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="Mietvertrag Müller.pdf")
    parsed = parse(message.as_bytes())
    assert parsed.text == "Anbei der Mietvertrag."
    assert [(a.filename, a.content_type, a.data) for a in parsed.attachments] == [
        ("Mietvertrag Müller.pdf", "application/pdf", pdf)]
    assert parsed.in_reply_to == "<out-1@jobcenter-musterstadt.invalid>"
    assert parsed.references == ("<out-0@jobcenter-musterstadt.invalid>", "<out-1@jobcenter-musterstadt.invalid>")


def test_html_only_mail_becomes_readable_text():
    raw = mail("""
From: a@example.org
Subject: Termin
Content-Type: text/html; charset=iso-8859-1
""", "<html><head><style>p {color: red}</style><script>alert(1)</script></head><body>"
     "<p>Sehr geehrte Damen und Herren,</p><div>ich kann am Montag&nbsp;nicht kommen.<br>Gr&uuml;&szlig;e</div>"
     "<ul><li>Krank</li><li>Kind</li></ul></body></html>", encoding="latin-1")
    parsed = parse(raw)
    assert parsed.text == ("Sehr geehrte Damen und Herren,\n\nich kann am Montag nicht kommen.\nGrüße\n"
                           "- Krank\n- Kind")
    assert "alert" not in parsed.text and "color" not in parsed.text


def test_html_preferred_only_when_there_is_no_plain_part():
    message = email.message.EmailMessage()
    message["From"] = "a@example.org"
    message.set_content("Klartext")
    message.add_alternative("<p>HTML-Text</p>", subtype="html")
    assert parse(message.as_bytes()).text == "Klartext"


THUNDERBIRD = """Hallo,

ich habe den Termin erhalten und komme.

Mit freundlichen Grüßen
Erika Mustermann

Am 03.03.26 um 10:00 schrieb Jobcenter Musterstadt:
> Guten Tag,
>
> Ihr Termin ist am 10.03.2026.
"""

OUTLOOK = """Ich komme am Dienstag.
MfG Erika

-----Ursprüngliche Nachricht-----
Von: Jobcenter Musterstadt <service@jobcenter-musterstadt.invalid>
Gesendet: Dienstag, 3. März 2026 10:00
An: erika@example.org
Betreff: Ihr Termin [JC-42]

Guten Tag, Ihr Termin ist am 10.03.2026.
"""

OUTLOOK_WITHOUT_SEPARATOR = """Ich komme am Dienstag.

________________________________
Von: Jobcenter Musterstadt <service@jobcenter-musterstadt.invalid>
Gesendet: Dienstag, 3. März 2026 10:00
An: erika@example.org
Betreff: Ihr Termin [JC-42]

Guten Tag, Ihr Termin ist am 10.03.2026.
"""

GMAIL = """Danke, ich komme.

Am Di., 3. März 2026 um 10:00 Uhr schrieb Jobcenter Musterstadt <
service@jobcenter-musterstadt.invalid>:

> Guten Tag,
> Ihr Termin ist am 10.03.2026.
"""

GMX = """Danke, ich komme.

Gesendet: Dienstag, 03. März 2026 um 10:00 Uhr
Von: "Jobcenter Musterstadt" <service@jobcenter-musterstadt.invalid>
An: erika@example.org
Betreff: Ihr Termin

Guten Tag, Ihr Termin ist am 10.03.2026.
"""

ENGLISH_WITH_SIGNATURE = """I will come on Tuesday.

-- 
Erika Mustermann
Musterstraße 1

On Tue, Mar 3, 2026 at 10:00 AM Jobcenter <service@jobcenter-musterstadt.invalid> wrote:
> Your appointment
"""  # noqa: W291 - the signature separator is "-- " with a trailing space


@pytest.mark.parametrize(("body", "expected"), [
    (THUNDERBIRD, "Hallo,\n\nich habe den Termin erhalten und komme.\n\nMit freundlichen Grüßen\nErika Mustermann"),
    (OUTLOOK, "Ich komme am Dienstag.\nMfG Erika"),
    (OUTLOOK_WITHOUT_SEPARATOR, "Ich komme am Dienstag."),
    (GMAIL, "Danke, ich komme."),
    (GMX, "Danke, ich komme."),
    (ENGLISH_WITH_SIGNATURE, "I will come on Tuesday."),
], ids=["thunderbird", "outlook", "outlook-web", "gmail", "gmx", "english-signature"])
def test_quoted_reply_yields_only_the_new_text(body, expected):
    parsed = parse(mail("From: erika@example.org\nSubject: AW: Ihr Termin [JC-42]\n"
                        "Content-Type: text/plain; charset=utf-8", body))
    assert parsed.cleaned == expected
    assert parsed.text.startswith(expected.splitlines()[0]) and len(parsed.text) > len(expected) + 20


def test_bottom_posted_answer_after_the_quote_is_kept():
    body = "Am 03.03.26 um 10:00 schrieb Jobcenter:\n> Kommen Sie am Dienstag?\n\nJa, ich komme.\n"
    assert parse(mail("From: a@example.org\nContent-Type: text/plain; charset=utf-8", body)).cleaned \
        == "Ja, ich komme."


def test_ordinary_sentences_about_writing_are_not_cut():
    body = "Am Montag schrieb ich Ihnen:\nDie Miete ist gestiegen.\nVon: Vermieter\n"
    assert parse(mail("From: a@example.org\nContent-Type: text/plain; charset=utf-8", body)).cleaned \
        == body.strip()


def test_gmail_html_reply_with_blockquote_yields_only_the_new_text():
    html = ('<div dir="ltr">Danke, ich komme.</div><br><div class="gmail_quote"><div>Am Di., 3. März 2026 um '
            '10:00 Uhr schrieb Jobcenter &lt;service@jobcenter-musterstadt.invalid&gt;:<br></div>'
            '<blockquote class="gmail_quote">Guten Tag,<br>Ihr Termin ist am 10.03.2026.</blockquote></div>')
    parsed = parse(mail("From: a@example.org\nContent-Type: text/html; charset=utf-8", html))
    assert parsed.cleaned == "Danke, ich komme."
    assert "> Ihr Termin ist am 10.03.2026." in parsed.text


@pytest.mark.parametrize("headers", [
    "From: erika@example.org\nAuto-Submitted: auto-replied",
    "From: erika@example.org\nPrecedence: bulk",
    "From: erika@example.org\nX-Autoreply: yes",
    "From: erika@example.org\nX-Auto-Response-Suppress: All",
    "From: noreply@portal.example\nSubject: Ihr Konto",
    "From: No-Reply <no-reply@portal.example>",
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>",
    "From: erika@example.org\nReturn-Path: <>",
    "From: erika@example.org\nList-Id: <nachrichten.example.org>",
], ids=["auto-submitted", "precedence", "x-autoreply", "exchange-oof", "noreply", "no-reply", "mailer-daemon",
        "null-return-path", "mailing-list"])
def test_auto_replies_are_flagged_automatic(headers):
    assert parse(mail(headers + "\nContent-Type: text/plain", "Ich bin bis 10.03. nicht im Büro.")).automatic


def test_bounce_report_is_automatic_and_a_normal_mail_is_not():
    bounce = mail("""
From: postmaster-relay@mx.example.org
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"
""", '--b1\nContent-Type: text/plain\n\nThe mail could not be delivered.\n'
     '--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n'
     'Final-Recipient: rfc822; weg@example.org\nAction: failed\nStatus: 5.1.1\n--b1--\n')
    parsed = parse(bounce)
    assert parsed.automatic and parsed.text == "The mail could not be delivered."
    assert not parse(NORMAL).automatic
    assert not parse(mail("From: erika@example.org\nAuto-Submitted: no", "Hallo")).automatic


def test_encoded_word_sender_name_and_subject_are_decoded():
    raw = mail("""
From: =?UTF-8?Q?M=C3=BCller=2C_J=C3=BCrgen?= <Juergen@Example.de>
Subject: =?ISO-8859-1?Q?Antrag_f=FCr_Bildung_und?= =?UTF-8?B?IFRlaWxoYWJl?=
""", "Hallo")
    parsed = parse(raw)
    assert (parsed.sender_name, parsed.sender) == ("Müller, Jürgen", "juergen@example.de")
    assert parsed.subject == "Antrag für Bildung und Teilhabe"


def test_oversized_attachment_is_dropped_and_listed():
    message = email.message.EmailMessage()
    message["From"] = "a@example.org"
    message.set_content("Drei Anhänge")
    message.add_attachment(b"a" * 600, maintype="image", subtype="jpeg", filename="seite1.jpg")
    message.add_attachment(b"b" * 600, maintype="image", subtype="jpeg", filename="seite2.jpg")
    message.add_attachment(b"c" * 300, maintype="image", subtype="jpeg", filename="seite3.jpg")
    parsed = parse(message.as_bytes(), max_attachment_bytes=1000)
    assert [a.filename for a in parsed.attachments] == ["seite1.jpg", "seite3.jpg"]
    assert parsed.dropped_attachments == ("seite2.jpg",)


def test_attachment_filenames_are_sanitised():
    message = email.message.EmailMessage()
    message["From"] = "a@example.org"
    message.set_content("Anhänge")
    for name in ["../../etc/passwd", "C:\\Users\\Erika\\Bescheid.pdf", "rechnung\u202egpj.exe", "x" * 300 + ".pdf"]:
        message.add_attachment(b"data", maintype="application", subtype="octet-stream", filename=name)
    message.add_attachment(b"data", maintype="application", subtype="octet-stream", disposition="attachment")
    names = [a.filename for a in parse(message.as_bytes()).attachments]
    assert names[:3] == ["passwd", "Bescheid.pdf", "rechnunggpj.exe"]
    assert len(names[3]) == 120 and names[3].endswith(".pdf")
    assert names[4] == "anhang-5"


def test_inline_image_with_filename_is_an_attachment():
    message = email.message.EmailMessage()
    message["From"] = "a@example.org"
    message.set_content("Foto anbei")
    message.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="foto.png", disposition="inline")
    parsed = parse(message.as_bytes())
    assert [(a.filename, a.data) for a in parsed.attachments] == [("foto.png", b"\x89PNG")]
    assert parsed.text == "Foto anbei"


def test_attached_mail_is_one_attachment_and_stays_out_of_the_body():
    forwarded = email.message.EmailMessage()
    forwarded["Subject"] = "Kündigung der Wohnung"
    forwarded.set_content("Hiermit kündigen wir Ihnen die Wohnung.")
    message = email.message.EmailMessage()
    message["From"] = "a@example.org"
    message.set_content("Siehe die weitergeleitete Nachricht.")
    message.add_attachment(forwarded)
    parsed = parse(message.as_bytes())
    assert parsed.text == "Siehe die weitergeleitete Nachricht."
    assert [a.content_type for a in parsed.attachments] == ["message/rfc822"]
    assert b"Hiermit k" in parsed.attachments[0].data


def test_broken_charset_and_bytes_do_not_raise():
    raw = mail("From: J\xfcrgen <a@example.org>\nSubject: Gr\xfc\xdfe\nContent-Type: text/plain; charset=x-kaputt",
               "Gr\xfc\xdfe aus K\xf6ln \x81", encoding="latin-1")
    parsed = parse(raw)
    assert parsed.text.startswith("Grüße aus Köln")
    assert parsed.subject == "Grüße" and parsed.sender_name == "Jürgen"


def test_malformed_mail_without_from_or_message_id_does_not_raise():
    raw = b"To: \"\r\nSubject: =?utf-8?b?!!!?=\r\nContent-Type: multipart/mixed\r\n\r\nkein MIME"
    parsed = parse(raw)
    assert parsed.sender == "" and not parsed.automatic
    assert parse(raw).message_id == parsed.message_id  # stable
    assert parsed.message_id.endswith("@maildrop.invalid>") and len(parsed.message_id) == 64 + 19
    assert parse(b"").sender == ""


def test_long_text_is_truncated():
    parsed = parse(mail("From: a@example.org", "x" * 500), max_text_chars=100)
    assert len(parsed.text) == 100


# --- maildrop ------------------------------------------------------------------------------------------------


def test_maildrop_pending_done_failed_cycle(tmp_path):
    drop = MailDrop(tmp_path / "mail" / "eingang")
    assert all((tmp_path / "mail" / "eingang" / sub).is_dir() for sub in ("new", "cur", "tmp"))
    assert drop.pending() == []

    first = drop.add(NORMAL)
    time.sleep(0.01)
    (tmp_path / "mail" / "eingang" / "new" / "1700000000.direkt.host").write_bytes(b"Subject: direkt\n\nHallo")
    os.utime(tmp_path / "mail" / "eingang" / "new" / "1700000000.direkt.host", (time.time() + 5,) * 2)
    time.sleep(0.01)
    third = drop.add(b"Subject: kaputt\r\n\r\n")

    pending = drop.pending()
    assert [key for key, _ in pending] == [first, third, "1700000000.direkt.host"]  # oldest first
    assert pending[0][1] == NORMAL

    drop.done(first)
    drop.failed(third, "Zerlegen fehlgeschlagen: ungültiger Aufbau")
    assert [key for key, _ in drop.pending()] == ["1700000000.direkt.host"]
    assert os.listdir(tmp_path / "mail" / "eingang" / "cur") == [f"{first}:2,S"]

    failed_file = tmp_path / "mail" / "eingang" / ".Fehler" / "new" / third
    reason = email.message_from_bytes(failed_file.read_bytes(), policy=email.policy.default)["X-Maildrop-Fehler"]
    assert reason == "Zerlegen fehlgeschlagen: ungültiger Aufbau"
    assert failed_file.read_bytes().endswith(b"Subject: kaputt\r\n\r\n")
    assert drop.failed_keys() == [third]

    drop.done("1700000000.direkt.host")
    assert drop.pending() == []


def test_maildrop_mail_in_cur_without_seen_flag_is_pending(tmp_path):
    drop = MailDrop(tmp_path / "drop")
    (tmp_path / "drop" / "cur" / "1.gelesen.host:2,").write_bytes(b"Subject: a\n\nx")
    (tmp_path / "drop" / "cur" / "2.erledigt.host:2,S").write_bytes(b"Subject: b\n\nx")
    assert [key for key, _ in drop.pending()] == ["1.gelesen.host"]
    drop.done("1.gelesen.host")
    assert sorted(os.listdir(tmp_path / "drop" / "cur")) == ["1.gelesen.host:2,S", "2.erledigt.host:2,S"]


def test_maildrop_vanished_key_is_ignored_and_a_bad_key_refused(tmp_path):
    drop = MailDrop(tmp_path / "drop")
    key = drop.add(NORMAL)
    other_worker = MailDrop(tmp_path / "drop")
    other_worker.done(key)
    drop.done(key)
    drop.failed("gibt-es-nicht", "egal")
    assert drop.pending() == [] and drop.failed_keys() == []
    with pytest.raises(ValueError):
        drop.done("../new/x")
