"""Outbound contacts and the e-mail channel end to end: consent given and withdrawn in the chat, the contacts
worker process (`python -m bot.runtime.worker`, as `make run` starts it) delivering a reminder campaign to a
real local SMTP server and turning e-mails in the mail drop into answers and cases with the trained model, and
an outgoing call at the protocol level: Asterisk's manager interface (AMI) is asked to originate the call, the
answered call arrives over AudioSocket at the voice gateway, and the caller confirms by keypad."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import uuid
from email.message import EmailMessage

import pytest
import redis
import requests
from aiosmtpd.controller import Controller

from bot import PROJECT_ROOT
from bot.appointments.calendar import get_calendar
from bot.appointments.store import AppointmentBook
from bot.cases.store import CaseStore
from bot.mail.maildrop import MailDrop
from bot.outbound.consent import ConsentStore
from bot.outbound.store import OutboundStore
from tests.asterisk_ami import running_ami_server
from tests.integration.test_appointment_conversations import Conversation
from tests.smtp_server import Recorder
from voice.audiosocket import AUDIO, DTMF, HANGUP, UUID

ERIKA, AYSE = "12345BG0000001", "12345BG0000003"
ALL_DAY = "".join(f"    {day}: 00:00-24:00\n" for day in
                  ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"))


class Phone:
    """The citizen's telephone behind Asterisk: when the AMI test server reports the call answered, it connects to
    the gateway's AudioSocket with the call's UUID, listens, types the date of birth, confirms its read-back
    with "1" and the appointment with "1"."""

    def __init__(self, audiosocket_port: int, redis_url: str):
        self.port, self.redis = audiosocket_port, redis.Redis.from_url(redis_url)
        self.audio_bytes, self.loud_frames = 0, 0
        self.done = threading.Event()
        self.error: BaseException | None = None

    async def on_answer(self, variables: dict[str, str]) -> None:
        threading.Thread(target=self._call, args=(variables["JC_CALL_UUID"],), daemon=True).start()

    def _read(self, sock: socket.socket) -> tuple[int, bytes] | None:
        try:
            header = sock.recv(3, socket.MSG_PEEK)
            if not header:
                raise ConnectionError("closed")
        except socket.timeout:
            return None  # nothing played right now
        header = b""
        while len(header) < 3:
            header += sock.recv(3 - len(header))
        kind, length = struct.unpack(">BH", header)
        payload = b""
        while len(payload) < length:
            payload += sock.recv(length - len(payload))
        return kind, payload

    def _status(self, call_uuid: str) -> str:
        contact = OutboundStore(self.redis).contact_for_call(uuid.UUID(call_uuid).hex)
        return contact.status if contact else ""

    def _listen_until(self, sock: socket.socket, done, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not done():
            frame = self._read(sock)
            if frame is None:
                continue
            kind, payload = frame
            if kind == HANGUP:
                raise ConnectionError("the gateway hung up")
            if kind == AUDIO:
                self.audio_bytes += len(payload)
                samples = struct.unpack(f"<{len(payload) // 2}h", payload)
                self.loud_frames += max(abs(s) for s in samples) > 500

    def _call(self, call_uuid: str) -> None:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                sock.settimeout(0.3)
                sock.sendall(struct.pack(">BH", UUID, 16) + uuid.UUID(call_uuid).bytes)
                self._listen_until(sock, lambda: False, 1.5)
                # the date of birth, its read-back confirmed with 1, then the appointment confirmed with 1
                for keys, reached in (("12081985#", None), ("1#", ("delivered", "confirmed")), ("1#", ("confirmed",))):
                    for key in keys:
                        sock.sendall(struct.pack(">BH", DTMF, 1) + key.encode())
                    if reached is None:  # held for the read-back: nothing reaches the dialogue yet
                        self._listen_until(sock, lambda: False, 2)
                        assert self._status(call_uuid) not in ("delivered", "confirmed")
                    else:
                        self._listen_until(sock, lambda: self._status(call_uuid) in reached, 30)
                self._listen_until(sock, lambda: False, 3)  # the goodbye
                sock.sendall(struct.pack(">BH", HANGUP, 0))
        except BaseException as error:  # noqa: BLE001 - everything, also an assertion, is reported to the test thread
            self.error = error
        finally:
            self.done.set()


@pytest.fixture(scope="module")
def post(assistant, tmp_path_factory):
    """A local SMTP server, a mail drop, Asterisk's AMI (test server speaking the protocol) and the contacts
    worker process with contact times that allow every hour (a content copy: tests run at any time)."""
    content = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    path = content / "outbound.yml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(  phone:\n)((?:    \w+: .*\n)+)", lambda m: m.group(1) + ALL_DAY, text, count=1)
    text = re.sub(r"(  email:\n)((?:    \w+: .*\n)+)", lambda m: m.group(1) + ALL_DAY, text, count=1)
    path.write_text(text, encoding="utf-8")
    recorder, smtp_port = Recorder(), int(assistant.extra_env["SMTP_PORT"])  # the desk sends there too
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    drop_dir = tmp_path_factory.mktemp("mail") / "eingang"
    phone = Phone(assistant.audiosocket_port, assistant.redis_url)
    with running_ami_server(on_answer=phone.on_answer) as ami:
        env = {"REDIS_URL": assistant.redis_url, "RASA_URL": assistant.url(0), "INTERNAL_TOKEN": assistant.internal_token,
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "MAILDROP_DIR": str(drop_dir),
               "OUTBOUND_INTERVAL": "0.5", "OUTBOUND_REMINDER_TIME": "", "CONTENT_DIR": str(content),
               "AMI_HOST": "127.0.0.1", "AMI_PORT": str(ami.port), "AMI_USER": "assistant",
               "AMI_SECRET": "ami-secret", "PYTHONPATH": str(PROJECT_ROOT)}
        worker = assistant.start_process("outbound", f"exec {sys.executable} -m bot.runtime.worker", env)
        time.sleep(2)
        assert worker.poll() is None, (assistant.data_dir / "outbound.log").read_text()
        yield {"recorder": recorder, "drop": MailDrop(drop_dir), "env": env, "phone": phone, "ami": ami,
               "redis": redis.Redis.from_url(assistant.redis_url)}
        assistant.stop_process("outbound")
    controller.stop()


def wait_for(check, timeout: float = 60, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def campaign_command(post, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "bot.outbound", *args], env={**os.environ, **post["env"]},
                            cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return re.search(r"Kampagne (K-\d{4}-\d{4})", result.stdout).group(1)


def appointment_of(client: redis.Redis, customer: str, office: str):
    """The customer's next appointment; booked here when other tests cancelled or deleted the demo one."""
    from bot.appointments.calendar import candidate_slots

    book, now = AppointmentBook(client, get_calendar()), dt.datetime.now().replace(microsecond=0)
    upcoming = book.upcoming(customer, now)
    if upcoming:
        return upcoming[0]
    for slot in book.free_slots(candidate_slots(get_calendar(), [office], "beratung", now, lambda d: False), limit=5):
        outcome = book.book(customer, slot, now)
        if outcome.ok:
            return outcome.booking
    raise AssertionError("no free slot for the test appointment")


def give_consent(assistant, customer: str, birth_date: str, channel: str, address: str) -> Conversation:
    chat = Conversation(assistant)
    assert "BG-Nummer" in chat.say("ich möchte an meine termine erinnert werden")
    chat.say(customer)
    assert "Telefon, per E-Mail oder beides" in chat.say(birth_date)
    assert [b["title"] for b in chat.buttons()] == ["Telefon", "E-Mail", "Beides"]
    asked = chat.say(channel)
    assert ("E-Mail-Adresse" if channel == "E-Mail" else "Telefonnummer") in asked
    wording = chat.say(address)
    assert "Ich bin einverstanden" in wording and "jederzeit widerrufen" in wording
    assert "gespeichert" in chat.say("ja")
    return chat


def test_consent_is_asked_stored_with_its_wording_and_withdrawn_in_the_chat(assistant):
    chat = Conversation(assistant)
    chat.say("ich möchte an meine termine erinnert werden")
    chat.say("12345BG0000002")
    chat.say("01.02.1979")
    assert "Telefonnummer" in chat.say("Telefon")
    assert "keine gültige Telefonnummer" in chat.say("weiß ich nicht")
    chat.say("0221 555 1234")
    assert "nichts gespeichert" in chat.say("nein") or "keine Einwilligung gespeichert" in chat.last[0]["text"]
    client = redis.Redis.from_url(assistant.redis_url)
    assert ConsentStore(client).active("12345BG0000002", "phone") is None  # "nein" stores nothing

    chat = give_consent(assistant, AYSE, "30.11.1990", "E-Mail", "ayse.yilmaz@beispiel.de")
    consent = ConsentStore(client).active(AYSE, "email")
    assert consent.address == "ayse.yilmaz@beispiel.de" and "ayse.yilmaz@beispiel.de" in consent.wording
    assert consent.version == "2026-11" and consent.via == "Chat"
    withdrawn = chat.say("keine E-Mails mehr")  # identified already in this conversation: no questions
    assert "widerrufen" in withdrawn and ConsentStore(client).active(AYSE, "email") is None
    assert [h["ereignis"] for h in ConsentStore(client).history(AYSE)][-2:] == ["erteilt", "widerrufen"]


def test_reminder_campaign_reaches_consenting_citizens_by_email(assistant, post):
    give_consent(assistant, ERIKA, "12.08.1985", "E-Mail", "erika.mustermann@beispiel.de")
    appointment = appointment_of(post["redis"], ERIKA, "mitte")
    day = appointment.start.date()
    campaign = campaign_command(post, "reminder", "--day", day.isoformat(), "--channels", "email", "--by", "sara")
    mail = wait_for(lambda: next((m for m in (email.message_from_bytes(raw, policy=email.policy.default)
                                             for _, to, raw in post["recorder"].received)
                                  if m["To"] == "erika.mustermann@beispiel.de"), None), what="the reminder e-mail")
    body = " ".join(mail.get_content().split())
    assert appointment.ref in body and "Guten Tag Erika Mustermann" in body and "keine E-Mails mehr" in body
    store = OutboundStore(post["redis"])
    statuses = {c.customer: c.status for c in store.contacts(campaign)}
    assert statuses[ERIKA] == "delivered"
    assert all(s == "no_consent" for c, s in statuses.items() if c != ERIKA)  # nobody else agreed to e-mails
    listed = subprocess.run([sys.executable, "-m", "bot.outbound", "show", campaign], env={**os.environ, **post["env"]},
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "zugestellt" in listed


def incoming(subject: str, body: str, sender: str, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "service@jobcenter-musterstadt.invalid", subject
    message["Message-ID"] = f"<{uuid.uuid4()}@beispiel.de>"
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="pdf", filename="mietvertrag.pdf")
    return message.as_bytes()


def test_email_channel_turns_mails_into_answers_and_cases(assistant, post):
    drop, recorder = post["drop"], post["recorder"]
    before = len(recorder.received)
    drop.add(incoming("Frage", "Wie hoch ist der Regelsatz beim Bürgergeld?", "frage@beispiel.de"))
    drop.add(incoming("Umzug", "Ich bin umgezogen und habe eine neue Adresse. Den Mietvertrag schicke ich mit.",
                      "umzug@beispiel.de", attachment=b"%PDF-1.4 Mietvertrag"))
    drop.add(incoming("Hallo", "xqzt vrrmpf blorg", "raetsel@beispiel.de"))
    wait_for(lambda: len(recorder.received) >= before + 3, what="three answers")
    replies = {m["To"]: m for m in (email.message_from_bytes(raw, policy=email.policy.default)
                                    for _, _, raw in recorder.received[before:])}
    cases = CaseStore(post["redis"])
    answer = " ".join(replies["frage@beispiel.de"].get_content().split())
    assert "€" in answer and re.search(r"V-\d{4}-\d{6}", replies["frage@beispiel.de"]["Subject"])
    moved = [c for c in cases.search(kind="veraenderung") if c["fields"].get("absender") == "umzug@beispiel.de"]
    assert len(moved) == 1 and moved[0]["channel"] == "E-Mail" and moved[0]["id"] in replies["umzug@beispiel.de"]["Subject"]
    assert cases.files(moved[0]["id"])[0]["name"] == "mietvertrag.pdf"
    unclear = [c for c in cases.search(kind="email", status="neu") if c["fields"].get("absender") == "raetsel@beispiel.de"]
    assert len(unclear) == 1 and unclear[0]["id"] in replies["raetsel@beispiel.de"].get_content()
    assert drop.pending() == []


def test_outgoing_call_is_originated_by_ami_and_the_caller_confirms_by_keypad(assistant, post):
    give_consent(assistant, ERIKA, "12.08.1985", "Telefon", "0221 123456")
    day = appointment_of(post["redis"], ERIKA, "mitte").start.date()
    campaign = campaign_command(post, "reminder", "--day", day.isoformat(), "--channels", "phone", "--by", "sara")
    store = OutboundStore(post["redis"])

    def erika():
        return next(c for c in store.contacts(campaign) if c.customer == ERIKA)

    wait_for(lambda: erika().status == "confirmed", timeout=90, what="the confirmation by keypad")
    phone = post["phone"]
    assert phone.done.wait(30) and phone.error is None, phone.error
    originate = [a for a in post["ami"].actions if a.get("Action") == "Originate"]
    assert originate and "+49221123456" in originate[-1]["Channel"]
    assert phone.loud_frames > 50  # the caller heard speech, not silence
    contact = erika()
    results = [a["result"] for a in contact.attempts]
    assert results[:2] == ["Anruf gestartet", "angenommen"] or "angenommen" in results
    assert "Nachricht übermittelt" in results and results[-1] == "Termin bestätigt"
    transcript = [line.decode() for line in post["redis"].lrange(f"ho:transcript:{contact.data['sender']}", 0, -1)]
    assert any("Nachricht für Erika Mustermann" in line for line in transcript)
    assert any("Möchten Sie den Termin wahrnehmen" in line for line in transcript)


def desk_login(assistant, name: str, role: str) -> tuple[requests.Session, str]:
    from bot.desk.accounts import Accounts

    Accounts(assistant.data_dir / "desk_users.json").add(name, role, "test-passwort-123")
    session = requests.Session()
    response = session.post(f"{assistant.desk_url}/login", data={"username": name, "password": "test-passwort-123"},
                            allow_redirects=False)
    assert response.status_code == 302
    return session, session.get(f"{assistant.desk_url}/api/me").json()["csrf"]


def test_supervisor_starts_a_campaign_in_the_desk_and_agents_answer_mails(assistant, post):
    from playwright.sync_api import expect, sync_playwright

    from tests.integration.test_handover import BROWSER_ARGS, CHROMIUM

    agent, agent_csrf = desk_login(assistant, "olga", "agent")
    assert agent.get(f"{assistant.desk_url}/api/campaigns").status_code == 403  # supervisors only
    refused = agent.post(f"{assistant.desk_url}/api/campaigns", json={"kind": "wba"},
                         headers={"X-CSRF-Token": agent_csrf})
    assert refused.status_code == 403

    # an agent answers an e-mail case from the desk; the citizen gets it with the case number
    post["drop"].add(incoming("Rückfrage", "qwrtz plmbx", "antwort@beispiel.de"))
    case = wait_for(lambda: next((c for c in CaseStore(post["redis"]).search(kind="email")
                                  if c["fields"].get("absender") == "antwort@beispiel.de"), None), what="the case")
    sent = agent.post(f"{assistant.desk_url}/api/cases/{case['id']}/reply", json={"text": "Wir melden uns morgen."},
                      headers={"X-CSRF-Token": agent_csrf})
    assert sent.status_code == 200 and sent.json()["ok"]
    last = email.message_from_bytes(post["recorder"].received[-1][2], policy=email.policy.default)
    assert last["To"] == "antwort@beispiel.de" and case["id"] in last["Subject"]
    not_mail = CaseStore(post["redis"]).create("lob", {}, dt.datetime.now())
    assert agent.post(f"{assistant.desk_url}/api/cases/{not_mail}/reply", json={"text": "x"},
                      headers={"X-CSRF-Token": agent_csrf}).status_code == 400

    # attachments of e-mail cases: listed in the case and downloaded, never shown inline
    post["drop"].add(incoming("Umzug", "Ich bin umgezogen, hier der Mietvertrag.", "anhang@beispiel.de",
                              attachment=b"%PDF-1.4 Vertrag"))
    moved = wait_for(lambda: next((c for c in CaseStore(post["redis"]).search(kind="veraenderung")
                                   if c["fields"].get("absender") == "anhang@beispiel.de"), None), what="the case")
    detail = agent.get(f"{assistant.desk_url}/api/cases/{moved['id']}").json()
    assert detail["files"][0]["name"] == "mietvertrag.pdf"
    download = agent.get(f"{assistant.desk_url}/api/cases/{moved['id']}/files/1")
    assert download.content == b"%PDF-1.4 Vertrag" and download.headers["Content-Disposition"].startswith("attachment")
    assert requests.get(f"{assistant.desk_url}/api/cases/{moved['id']}/files/1").status_code == 401

    desk_login(assistant, "sina", "supervisor")
    consent = ConsentStore(post["redis"])
    if not consent.active(ERIKA, "email"):
        consent.grant(ERIKA, "email", "erika.mustermann@beispiel.de", "Wortlaut", "2026-11", dt.datetime.now(), "Chat")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{assistant.desk_url}/login")
            page.fill("#username", "sina")
            page.fill("#password", "test-passwort-123")
            page.get_by_role("button", name="Anmelden").click()
            expect(page.get_by_role("heading", name="Kampagnen (Kontakte mit Einwilligung)")).to_be_visible()
            page.select_option("#campaign-kind", "query")
            expect(page.locator("#campaign-day")).to_be_hidden()
            page.fill("#campaign-customers", "12345BG0000001")
            page.fill("#campaign-topic", "Kontoauszüge der letzten drei Monate")
            page.uncheck("#campaign-phone")
            page.get_by_role("button", name="Kampagne starten").click()
            expect(page.locator("#campaign-result")).to_contain_text("1 mit Einwilligung")
            first = page.locator("#campaigns tr").first
            expect(first).to_contain_text("Rückfrage zu Ihren Unterlagen")
            first.get_by_role("button", name="Kontakte").click()
            expect(page.locator("#campaign-contacts")).to_contain_text("Erika Mustermann: E-Mail, zugestellt",
                                                                        timeout=20000)
            page.select_option("#campaign-kind", "event")
            page.fill("#campaign-title", "Jobmesse")
            page.fill("#campaign-place", "Marktplatz 1")
            page.fill("#campaign-when", "2020-01-01T10:00")
            page.get_by_role("button", name="Kampagne starten").click()
            expect(page.locator("#campaign-result")).to_contain_text("Zukunft")  # a clear German refusal
        finally:
            browser.close()
    query_mail = next(email.message_from_bytes(raw, policy=email.policy.default)
                      for _, to, raw in reversed(post["recorder"].received) if "erika.mustermann@beispiel.de" in to)
    assert "Kontoauszüge der letzten drei Monate" in query_mail.get_content()
