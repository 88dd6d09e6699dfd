"""Documents a citizen uploads in the web chat (an AU-Bescheinigung, a Bescheid, a photo of a letter).

Only PDF, JPEG and PNG are taken, recognised by their first bytes (never by the file name or the type
the browser claims). All documents of one conversation go to one case of kind "unterlagen"; this module
owns the key that remembers it (`upload:case:<conversation>`, 30 days, like the transcript).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import redis

from bot.cases.store import CaseStore

# (content type, extension, magic bytes at offset 0)
ACCEPTED = (
    ("application/pdf", ".pdf", b"%PDF-"),
    ("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    ("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
)
EXTENSIONS = {".pdf": ".pdf", ".jpg": ".jpg", ".jpeg": ".jpg", ".png": ".png"}
CASE_SECONDS = 30 * 24 * 3600
MAX_NAME = 100


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG judged by its first bytes; None for anything else."""
    for content_type, extension, magic in ACCEPTED:
        if data.startswith(magic) and len(data) > len(magic):
            return content_type, extension
    return None


def safe_name(name: str, extension: str) -> str:
    """A file name to show and store: the last path part, without control or direction characters, at most
    MAX_NAME characters, and with the extension of the type the bytes are (a renamed file gets its real one)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base)
                   if unicodedata.category(c)[0] != "C" and c not in "<>\"'`")  # Cc, Cf (bidi), Co, Cn
    base = " ".join(base.split()).strip(" .") or "Dokument"
    stem, dot, ext = base.rpartition(".")
    if dot and EXTENSIONS.get("." + ext.lower()) == extension:
        stem = stem or "Dokument"
    else:
        stem = base
    return stem[: MAX_NAME - len(extension)] + extension


def _case_key(conversation: str) -> str:
    return f"upload:case:{conversation}"


def store_upload(client: redis.Redis, conversation: str, name: str, content_type: str, data: bytes,
                 now: dt.datetime, transcript: list[str] | None = None) -> tuple[str, int]:
    """Keep a checked document with the conversation's "unterlagen" case (created with the first document);
    (case id, file number)."""
    cases = CaseStore(client)
    raw = client.get(_case_key(conversation))
    case_id = raw.decode() if raw else ""
    if not case_id or cases.get(case_id) is None:
        case_id = cases.create("unterlagen", {"gespraech": conversation}, now, channel="chat",
                               summary="Unterlagen aus dem Chat", idempotency_key=f"upload:{conversation}",
                               transcript=transcript or [])
        client.set(_case_key(conversation), case_id, ex=CASE_SECONDS)
    return case_id, cases.attach(case_id, name, content_type, data)
