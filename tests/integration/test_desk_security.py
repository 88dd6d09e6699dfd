"""Agent desk security, issue 16 item 7: failed logins limited per address and per account, logout with
the CSRF token, cases and transcripts scoped by role and office with an access log, and the websocket
only from the desk's own origin (or listed ones). Each test reproduces the attack against the running
desk (the real assistant, a real browser for the pages)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import redis
import requests

from bot import PROJECT_ROOT
from bot.cases.store import CaseStore
from bot.desk.accounts import Accounts
from bot.handover.state import Handover
from tests.integration.servers import Assistant
from tests.integration.test_handover import BROWSER_ARGS, CHROMIUM, PASSWORD, browser_login, desk_session

PARTNER = "https://desk.partner.example"  # an origin listed in DESK_ALLOWED_ORIGINS
ACCOUNTS = (("anna", "agent", ""), ("nora", "agent", "nord"), ("sven", "agent", "sued"), ("sara", "supervisor", ""),
            ("eddi", "editor", ""), ("tom", "agent", ""), ("lisa", "agent", ""))


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The assistant (as in test_handover's `live`) behind a trusted proxy at 127.0.0.1, with desk accounts
    in two offices; X-Forwarded-For stands for the clients' addresses."""
    data_dir = tmp_path_factory.mktemp("desk_security")
    accounts = Accounts(data_dir / "desk_users.json")
    for name, role, office in ACCOUNTS:
        accounts.add(name, role, PASSWORD, office=office)
    env = {"CHAT_LIMIT_PER_ADDRESS": "100000/60", "DESK_LIMIT_PER_ADDRESS": "100000/60",
           "DESK_TRUSTED_PROXIES": "127.0.0.1, ::1", "DESK_ALLOWED_ORIGINS": PARTNER}
    running = Assistant(data_dir, rasa_servers=1, extra_env=env).start()
    yield running
    running.stop()


def login(desk, name: str, password: str = PASSWORD, address: str | None = None) -> requests.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    return requests.post(f"{desk.desk_url}/login", data={"username": name, "password": password}, headers=headers,
                         allow_redirects=False, timeout=10)


def client(desk) -> redis.Redis:
    return redis.Redis.from_url(desk.redis_url)


# ---------------------------------------------------------------------------------------------- 1. logins
def test_password_spraying_from_one_address_is_refused_with_growing_waits(desk):
    sprayer, other = "203.0.113.7", "198.51.100.20"
    names = ["anna", "nora", "sven", "sara", "tom", "gibtsnicht1", "gibtsnicht2", "gibtsnicht3", "lisa", "eddi"]
    for name in names:  # one guess per name: the per-account lockout never triggers
        assert login(desk, name, "Sommer2026!", sprayer).headers["Location"] == "/login?fehler=1"
    refused = login(desk, "anna", PASSWORD, sprayer)  # even the right password is not tried now
    assert refused.headers["Location"] == "/login?fehler=warten&sekunden=30"
    assert 0 < int(refused.headers["Retry-After"]) <= 30
    assert "desk_session" not in refused.cookies
    assert login(desk, "anna", PASSWORD, other).headers["Location"] == "/"  # other addresses are not affected

    client(desk).delete(f"desk:login:block:{sprayer}")  # as if the 30 seconds had passed
    assert login(desk, "ben", "Winter2026!", sprayer).headers["Location"] == "/login?fehler=1"
    longer = login(desk, "anna", PASSWORD, sprayer)
    assert longer.headers["Location"] == "/login?fehler=warten&sekunden=60"  # the wait doubles
    assert 30 < int(longer.headers["Retry-After"]) <= 60


def test_a_stranger_cannot_lock_an_agent_out(desk):
    stranger, office = "203.0.113.50", "192.0.2.10"
    for _ in range(5):
        assert login(desk, "tom", "falsch", stranger).headers["Location"] == "/login?fehler=1"
    assert login(desk, "tom", PASSWORD, stranger).headers["Location"] == "/login?fehler=gesperrt"
    assert login(desk, "tom", PASSWORD, office).headers["Location"] == "/"  # tom at his desk still gets in


def test_many_addresses_lock_an_account_but_not_from_its_known_address(desk):
    home = "192.0.2.77"
    assert login(desk, "lisa", PASSWORD, home).headers["Location"] == "/"  # lisa's usual address
    for n in range(10):  # a distributed attack: 10 addresses x 5 guesses
        for _ in range(5):
            login(desk, "lisa", "falsch", f"198.18.0.{n + 1}")
    assert login(desk, "lisa", PASSWORD, "198.18.1.1").headers["Location"] == "/login?fehler=gesperrt"
    assert login(desk, "lisa", PASSWORD, home).headers["Location"] == "/"


def test_client_address_trusts_forwarded_for_only_from_listed_proxies(monkeypatch):
    from aiohttp.test_utils import make_mocked_request

    from bot.desk import network

    def address(peer: str, forwarded: str | None) -> str:
        class Transport:
            def get_extra_info(self, name, default=None):
                return (peer, 4711) if name == "peername" else default

        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return network.client_address(make_mocked_request("POST", "/login", headers=headers, transport=Transport()))

    monkeypatch.delenv("DESK_TRUSTED_PROXIES", raising=False)
    assert address("203.0.113.5", "1.2.3.4") == "203.0.113.5"  # no trusted proxies: the header is ignored
    monkeypatch.setenv("DESK_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
    assert address("203.0.113.5", "1.2.3.4") == "203.0.113.5"  # an untrusted peer cannot claim an address
    assert address("10.1.2.3", "1.2.3.4") == "1.2.3.4"
    assert address("10.1.2.3", "6.6.6.6, 1.2.3.4, 192.0.2.1") == "1.2.3.4"  # right-most untrusted, not spoofable
    assert address("10.1.2.3", "kaputt, 10.0.0.9") == "10.0.0.9"
    assert address("10.1.2.3", None) == "10.1.2.3"


def test_failed_login_waits_double_up_to_an_hour(redis_client):
    from bot.desk.loginlimit import LoginLimiter

    limiter, now = LoginLimiter(redis_client), 1_000_000.0
    waits = []
    for n in range(20):
        waits.append(limiter.failed(f"name{n}", "203.0.113.9", now + n))
        redis_client.delete("desk:login:block:203.0.113.9")
    assert waits[:9] == [0] * 9 and waits[9:16] == [30, 60, 120, 240, 480, 960, 1920] and waits[-1] == 3600
    assert limiter.check("x", "203.0.113.10", now) is None


# ---------------------------------------------------------------------------------------------- 2. logout
def test_logout_needs_the_csrf_token(desk):
    session, csrf = desk_session(desk, "anna")
    refused = session.post(f"{desk.desk_url}/logout", allow_redirects=False)  # e.g. a forged form or a script
    assert refused.status_code == 403 and "Sicherheitstoken" in refused.text
    assert session.get(f"{desk.desk_url}/api/me").status_code == 200  # still logged in
    assert session.post(f"{desk.desk_url}/logout", data={"csrf": "falsch"}, allow_redirects=False).status_code == 403
    done = session.post(f"{desk.desk_url}/logout", data={"csrf": csrf}, allow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert session.get(f"{desk.desk_url}/api/me").status_code == 401


# ---------------------------------------------------------------------------------------------- 3. scope
@pytest.fixture(scope="module")
def cases(desk):
    store, now = CaseStore(client(desk)), dt.datetime.now()
    found = {office: store.create("rueckruf", {"kontakt": f"0221 {office}"}, now, summary=f"Rückruf {office}",
                                  office=office, customer="12345BG0000002", idempotency_key=uuid.uuid4().hex)
             for office in ("nord", "sued", "")}
    store.attach(found["sued"], "bescheid.pdf", "application/pdf", b"%PDF-1.4 sued")
    return found


def test_agents_see_and_change_only_cases_of_their_office(desk, cases):
    nora, csrf = desk_session(desk, "nora")
    headers = {"X-CSRF-Token": csrf}
    listed = nora.get(f"{desk.desk_url}/api/cases").json()
    ids = [c["id"] for c in listed["cases"]]
    assert cases["nord"] in ids and cases[""] in ids and cases["sued"] not in ids
    assert list(listed["offices"]) == ["nord"]
    assert "transcript" not in listed["cases"][0] and "fields" not in listed["cases"][0]  # content: detail view only
    assert nora.get(f"{desk.desk_url}/api/cases", params={"office": "sued"}).json()["cases"] == []
    foreign = nora.get(f"{desk.desk_url}/api/cases/{cases['sued']}")
    assert foreign.status_code == 403 and "anderen Geschäftsstelle" in foreign.text
    assert nora.get(f"{desk.desk_url}/api/cases/{cases['sued']}/files/1").status_code == 403
    for change in ({"change": "status", "value": "erledigt"}, {"change": "note", "value": "x"}, {"change": "assignee"}):
        assert nora.post(f"{desk.desk_url}/api/cases/{cases['sued']}", json=change, headers=headers).status_code == 403
    assert nora.post(f"{desk.desk_url}/api/cases/{cases['sued']}/reply", json={"text": "Hallo"},
                     headers=headers).status_code == 403
    for fmt in ("csv", "json"):
        exported = nora.get(f"{desk.desk_url}/api/cases/export.{fmt}").text
        assert cases["nord"] in exported and cases["sued"] not in exported
    assert nora.get(f"{desk.desk_url}/api/cases/{cases['nord']}").json()["case"]["fields"]["kontakt"] == "0221 nord"

    for name in ("sara", "anna"):  # a supervisor, and an agent without an office (account files before offices)
        other, _ = desk_session(desk, name)
        seen = [c["id"] for c in other.get(f"{desk.desk_url}/api/cases").json()["cases"]]
        assert all(cases[office] in seen for office in cases), name
        assert other.get(f"{desk.desk_url}/api/cases/{cases['sued']}").status_code == 200
    assert CaseStore(client(desk)).raw(cases["sued"])["status"] == "neu"


def test_the_assignee_is_an_existing_account_and_agents_assign_only_themselves(desk, cases):
    nora, csrf = desk_session(desk, "nora")
    url, headers = f"{desk.desk_url}/api/cases/{cases['nord']}", {"X-CSRF-Token": csrf}
    to_other = nora.post(url, json={"change": "assignee", "value": "anna"}, headers=headers)
    assert to_other.status_code == 403 and "nur sich selbst" in to_other.text
    assert nora.post(url, json={"change": "assignee", "value": "nora"}, headers=headers).json()["assignee"] == "nora"
    assert nora.post(url, json={"change": "assignee", "value": ""}, headers=headers).json()["assignee"] == ""
    assert nora.post(url, json={"change": "assignee"}, headers=headers).json()["assignee"] == "nora"  # "Übernehmen"
    assert nora.post(url, json={"change": "assignee", "value": ["nora"]}, headers=headers).status_code == 400

    sara, sara_csrf = desk_session(desk, "sara")
    headers = {"X-CSRF-Token": sara_csrf}
    unknown = sara.post(url, json={"change": "assignee", "value": "mallory"}, headers=headers)
    assert unknown.status_code == 400 and "Unbekanntes Desk-Konto" in unknown.text
    assert sara.post(url, json={"change": "assignee", "value": "eddi"}, headers=headers).status_code == 400  # editor
    wrong_office = sara.post(url, json={"change": "assignee", "value": "sven"}, headers=headers)
    assert wrong_office.status_code == 400 and "anderen Geschäftsstelle" in wrong_office.text
    assert sara.post(url, json={"change": "assignee", "value": "anna"}, headers=headers).json()["assignee"] == "anna"
    assert CaseStore(client(desk)).raw(cases["nord"])["assignee"] == "anna"


def test_agents_read_only_conversations_they_hold_or_held(desk):
    import websocket

    handover = Handover(client(desk))
    held, waiting = f"held-{uuid.uuid4().hex}", f"wait-{uuid.uuid4().hex}"
    handover.enqueue(held, summary="Frage zum Bescheid")
    handover.add_line(held, "citizen", "meine BG-Nummer ist 12345BG0000002")
    nora, nora_csrf = desk_session(desk, "nora")
    sven, _ = desk_session(desk, "sven")
    assert nora.post(f"{desk.desk_url}/api/claim", json={"sender": held}, headers={"X-CSRF-Token": nora_csrf}).ok
    refused = sven.get(f"{desk.desk_url}/api/conversations/{held}")
    assert refused.status_code == 403 and "Kein Zugriff" in refused.text
    assert "12345BG0000002" not in refused.text
    assert "12345BG0000002" in nora.get(f"{desk.desk_url}/api/conversations/{held}").text
    sara, _ = desk_session(desk, "sara")
    assert sara.get(f"{desk.desk_url}/api/conversations/{held}").status_code == 200
    handover.enqueue(waiting, summary="wartet")
    assert sven.get(f"{desk.desk_url}/api/conversations/{waiting}").status_code == 200  # the queue is everyone's
    assert nora.post(f"{desk.desk_url}/api/close", json={"sender": held, "outcome": "erledigt"},
                     headers={"X-CSRF-Token": nora_csrf}).ok
    assert nora.get(f"{desk.desk_url}/api/conversations/{held}").status_code == 200  # held before: still hers
    assert sven.get(f"{desk.desk_url}/api/conversations/{held}").status_code == 403

    # live: the citizen's messages go to the holder's desk and supervisors, not to every agent
    handover.enqueue(held, summary="noch einmal")
    assert nora.post(f"{desk.desk_url}/api/claim", json={"sender": held}, headers={"X-CSRF-Token": nora_csrf}).ok
    ws_url = desk.desk_url.replace("http", "ws") + "/ws"
    sockets = {name: websocket.create_connection(ws_url, timeout=10,
                                                 header=[f"Cookie: desk_session={s.cookies['desk_session']}"])
               for name, s in (("nora", nora), ("sven", sven), ("sara", sara))}
    try:
        time.sleep(0.5)
        line = handover.add_line(held, "citizen", "geheime Angabe 4711")
        handover.publish({"type": "citizen_message", "sender": held, "line": line})
        handover.publish({"type": "claimed", "sender": f"marker-{uuid.uuid4().hex}", "agent": "x"})  # to everyone
        received = {}
        for name, socket in sockets.items():
            frames = []
            while not any('"marker-' in f for f in frames):
                frames.append(socket.recv())
            received[name] = "\n".join(frames)
    finally:
        for socket in sockets.values():
            socket.close()
    assert "geheime Angabe 4711" in received["nora"] and "geheime Angabe 4711" in received["sara"]
    assert "geheime Angabe 4711" not in received["sven"]


def test_every_case_and_conversation_read_is_in_the_access_log(desk, cases):
    anna, anna_csrf = desk_session(desk, "anna")
    sender = f"log-{uuid.uuid4().hex}"
    Handover(client(desk)).enqueue(sender, summary="Protokoll")
    assert anna.get(f"{desk.desk_url}/api/cases/{cases['sued']}").ok
    assert anna.get(f"{desk.desk_url}/api/cases/{cases['sued']}/files/1").content == b"%PDF-1.4 sued"
    assert anna.get(f"{desk.desk_url}/api/cases/export.csv").ok
    assert anna.get(f"{desk.desk_url}/api/conversations/{sender}").ok

    assert anna.get(f"{desk.desk_url}/api/access-log").status_code == 403  # supervisors only
    sara, _ = desk_session(desk, "sara")
    entries = sara.get(f"{desk.desk_url}/api/access-log", params={"user": "anna"}).json()["entries"]
    seen = {(e["action"], e["target"]) for e in entries}
    assert {("case_view", cases["sued"]), ("case_file", f"{cases['sued']}/1"), ("case_export", cases["sued"]),
            ("conversation_view", sender)} <= seen
    assert all(e["user"] == "anna" and e["role"] == "agent" and e["at"] for e in entries)
    about_case = sara.get(f"{desk.desk_url}/api/access-log", params={"target": cases["sued"]}).json()["entries"]
    assert {e["action"] for e in about_case} >= {"case_view", "case_export"}
    stream = client(desk).xrange("desk:access")
    assert len(stream) >= 4  # a Redis stream: appended, never rewritten by the desk


# ---------------------------------------------------------------------------------------------- 4. websocket
def test_the_desk_websocket_refuses_other_origins_before_the_upgrade(desk):
    import websocket

    agent, _ = desk_session(desk, "anna")
    ws_url = desk.desk_url.replace("http", "ws") + "/ws"
    cookie = [f"Cookie: desk_session={agent.cookies['desk_session']}"]
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null"):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(ws_url, header=cookie, origin=origin, timeout=5)
        assert refused.value.status_code == 403, origin
    with pytest.raises(websocket.WebSocketBadStatusException) as missing:
        websocket.create_connection(ws_url, header=cookie, suppress_origin=True, timeout=5)
    assert missing.value.status_code == 403
    for origin in (desk.desk_url, PARTNER):  # the desk itself and a listed origin
        socket = websocket.create_connection(ws_url, header=cookie, origin=origin, timeout=5)
        assert json.loads(socket.recv())["type"] == "queue"
        socket.close()


# ---------------------------------------------------------------------------------------------- browser, accounts
def test_in_the_browser_an_agent_sees_her_office_and_logs_out_with_the_form(desk, cases):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            browser_login(page, desk, "nora")
            expect(page.locator("#me")).to_contain_text("nora")
            expect(page.locator("#queue li").first).to_be_visible()  # the websocket (own origin) delivers the queue
            expect(page.locator("#cases tr", has_text=cases["nord"])).to_be_visible()
            expect(page.locator("#cases tr", has_text=cases["sued"])).to_have_count(0)
            page.get_by_role("button", name="Abmelden").click()
            expect(page).to_have_url(f"{desk.desk_url}/login")
            page.goto(f"{desk.desk_url}/")
            expect(page).to_have_url(f"{desk.desk_url}/login")  # the session is gone
        finally:
            browser.close()


def test_accounts_get_an_optional_office_and_old_files_keep_working(tmp_path):
    path = tmp_path / "desk_users.json"
    env = {**os.environ, "DESK_USERS_FILE": str(path)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "bot.desk.accounts", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)

    made = run("add", "nina", "agent", "--office", "nord", "--display", "Frau Nina K.")
    assert made.returncode == 0 and "Geschäftsstelle nord" in made.stdout
    assert run("add", "olaf", "agent", "--office", "atlantis").returncode == 2
    assert run("add", "paul", "agent").returncode == 0
    accounts = Accounts(path)
    assert accounts.user("nina") == {"role": "agent", "office": "nord", "display": "Frau Nina K."}
    assert accounts.user("paul") == {"role": "agent", "office": "", "display": ""} and accounts.user("olaf") is None
    old = {"users": {"alt": {**json.loads(path.read_text())["users"]["paul"]}}}  # written before offices existed
    path.write_text(json.dumps(old))
    assert accounts.user("alt") == {"role": "agent", "office": "", "display": ""}
