"""Is an e-mail really from whom it claims, and may it change a case or a consent?

- Case references cannot be guessed: every reply quotes "[V-2026-000123-1a2b3c4d]", the case number and a check
  token (the first 8 hex digits of an HMAC-SHA256 of the case number with a secret kept in Redis).
- A follow-up joins its case only with the right token, from the case's own sender, and not failing the mail
  server's sender authentication (Authentication-Results: dmarc=fail, or spf=fail without any dkim=pass).
  Anything else that quotes a case number becomes a new case for review naming the referenced case.
- Consent is withdrawn by e-mail only from the consented address and not failing sender authentication.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

import redis

SECRET_KEY = "mail:reference_secret"  # noqa: S105 - the Redis key, not a secret
TOKEN_CHARS = 8
REFERENCE = re.compile(r"\b(V-\d{4}-\d{6})(?:-([0-9a-fA-F]{8}))?\b")
_RESULT = re.compile(r"^\s*(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.IGNORECASE)  # at the start of a resinfo

# Reasons shown to the agents on a review case (German, like everything in the desk).
NO_TOKEN = "Vorgangsnummer ohne Prüfzeichen (nicht aus einer Antwort von uns)"
WRONG_TOKEN = "Prüfzeichen passt nicht zur Vorgangsnummer"
UNKNOWN_CASE = "Vorgang nicht gefunden"
OTHER_SENDER = "Absender ist nicht der Absender des Vorgangs"
NOT_CONSENTED = "Absender ist nicht die Adresse der E-Mail-Einwilligung"


@dataclass(frozen=True)
class SenderCheck:
    failed: bool
    detail: str  # e.g. "dmarc=fail", "" when nothing failed

    @property
    def reason(self) -> str:
        return f"Absenderprüfung des Mailservers fehlgeschlagen ({self.detail})"


@dataclass(frozen=True)
class Reference:
    case: str
    token: str  # "" when the mail quoted the number without a token


def sender_check(auth_results: tuple[str, ...], authserv_id: str = "") -> SenderCheck:
    """The verdict of the receiving mail server's Authentication-Results headers (RFC 8601).

    Each header is judged on its own and any failing header fails the mail, so a header the sender adds
    ("dkim=pass", "dmarc=pass") can never cancel the server's failure; it can only make the sender's own mail
    fail. With `authserv_id` only that server's headers count."""
    for value in auth_results:
        server, *results = _without_comments_and_quotes(" ".join(value.split())).split(";")
        if authserv_id and (server.split() or [""])[0].lower() != authserv_id:
            continue
        seen: dict[str, set[str]] = {}
        for resinfo in results:
            match = _RESULT.match(resinfo)
            if match:
                seen.setdefault(match.group(1).lower(), set()).add(match.group(2).lower())
        if "fail" in seen.get("dmarc", set()):
            return SenderCheck(True, "dmarc=fail")
        if "fail" in seen.get("spf", set()) and "pass" not in seen.get("dkim", set()):
            return SenderCheck(True, "spf=fail, kein dkim=pass")
    return SenderCheck(False, "")


def token(client: redis.Redis, case_id: str) -> str:
    return hmac.new(_secret(client), case_id.encode(), hashlib.sha256).hexdigest()[:TOKEN_CHARS]


def tagged(client: redis.Redis, case_id: str) -> str:
    """The reference quoted in reply subjects: case number and check token."""
    return f"{case_id}-{token(client, case_id)}"


def find_reference(client: redis.Redis, subject: str, text: str) -> Reference | None:
    """The case a mail refers to: a reference with a valid token first, else the first number quoted."""
    found = [Reference(m.group(1), (m.group(2) or "").lower())
             for m in [*REFERENCE.finditer(subject), *REFERENCE.finditer(text[:500])]]
    for reference in found:
        if reference.token and hmac.compare_digest(reference.token, token(client, reference.case)):
            return reference
    return found[0] if found else None


def follow_up_problem(client: redis.Redis, reference: Reference, case: dict[str, Any] | None, sender: str,
                      check: SenderCheck) -> str:
    """Why a mail quoting `reference` must not be added to that case; "" when it may."""
    if not reference.token:
        return NO_TOKEN
    if not hmac.compare_digest(reference.token, token(client, reference.case)):
        return WRONG_TOKEN
    if case is None:
        return UNKNOWN_CASE
    if not sender or ((case.get("fields") or {}).get("absender") or "").lower() != sender:
        return OTHER_SENDER
    if check.failed:
        return check.reason
    return ""


def withdrawal_problem(consented_address: str | None, sender: str, check: SenderCheck) -> str:
    """Why a withdrawal by this mail must not be applied directly; "" when it may."""
    if not sender or not consented_address or consented_address.lower() != sender:
        return NOT_CONSENTED
    if check.failed:
        return check.reason
    return ""


def _secret(client: redis.Redis) -> bytes:
    value = client.get(SECRET_KEY)
    if value is None:
        client.set(SECRET_KEY, secrets.token_hex(32), nx=True)
        value = client.get(SECRET_KEY)
    secret: bytes = value  # present now: set above when missing (NX keeps a concurrent writer's value)
    return secret


def _without_comments_and_quotes(value: str) -> str:
    """Comments and quoted strings (which may hold sender-chosen text like "a;dkim=pass") become a space."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and (quoted or depth):
            escaped = True
        elif quoted:
            if char == '"':
                quoted = False
                out.append(" ")
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if not depth:
                out.append(" ")
        elif depth:
            continue
        elif char == '"':
            quoted = True
        else:
            out.append(char)
    return "".join(out)
