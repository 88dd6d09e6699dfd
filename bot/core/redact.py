"""Removing personal data from text that leaves the conversation: log lines and collected training
examples. BG-Nummern, Kundennummern, IBANs, e-mail addresses, phone numbers, dates of birth, street
addresses and recognisable names become placeholders such as "[IBAN]".

`install_log_redaction()` makes every log record of the process pass through `redact`, whatever
handler prints it (Rasa, Sanic, aiohttp and our own loggers alike).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Iterable

from bot.core.clock import today
from bot.language.dates import MONTHS

_NAME = r"[A-ZÄÖÜ][a-zäöüßéèáàçğışñ]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàçğışñ]+)?"
_MONTH_NAMES = "|".join(sorted({m for m in MONTHS if len(m) > 3} | {"märz"}, key=len, reverse=True))

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # the local part is bounded (RFC 5321: 64 characters): unbounded, 100,000 letters without "@" took 30 s
    # conversation ids and tokens (web chat session ids, voice call ids): not in access logs either
    ("[Sitzung]", re.compile(r"(?<![\w-])(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_-]{24,64}(?![\w-])")),
    ("[E-Mail]", re.compile(r"[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+")),
    ("[IBAN]", re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b", re.IGNORECASE)),
    ("[BG-Nummer]", re.compile(r"\b\d{5}\s*-?\s*BG\s*-?\s*\d{7}\b", re.IGNORECASE)),
    ("[Kundennummer]", re.compile(r"\b\d{3}\s*-?\s*[A-Z]\s*-?\s*\d{6}\b", re.IGNORECASE)),
    ("[Geburtsdatum]", re.compile(r"\b\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*(?P<year>19\d{2}|20\d{2}|\d{2})\b")),
    ("[Geburtsdatum]", re.compile(rf"\b\d{{1,2}}\.?\s*(?:{_MONTH_NAMES})\s+(?P<year>(?:19|20)\d{{2}})\b",
                                  re.IGNORECASE)),
    ("[Telefon]", re.compile(r"(?<![\w.])(?:\+\d{2}|0)\s*\(?\d{2,5}\)?(?:[ /-]?\d){4,12}\b")),
    ("[Adresse]", re.compile(r"\b[A-ZÄÖÜ][\wäöüß.-]*(?:straße|strasse|str\.|weg|allee|platz|ring|gasse|damm|ufer|chaussee)"
                             r"\s*\d+\s*[a-zA-Z]?\b", re.IGNORECASE)),
    ("[Name]", re.compile(rf"\b(?P<lead>(?i:ich hei(?:ße|sse)|mein name ist|name:|frau|herrn?))\s+"
                          rf"(?P<name>{_NAME}(?:\s+{_NAME})?)")),
]


def redact(text: str, known_names: Iterable[str] = ()) -> str:
    """The text with personal data replaced; placeholders are never redacted twice."""
    for placeholder, pattern in PATTERNS:
        if placeholder == "[Name]":
            text = pattern.sub(lambda m: f"{m.group('lead')} {placeholder}", text)
        elif placeholder == "[Geburtsdatum]":
            text = pattern.sub(lambda m: placeholder if _birth_year(m.group("year")) else m.group(0), text)
        else:
            text = pattern.sub(placeholder, text)
    for name in known_names:
        for part in sorted({name, *name.split()}, key=len, reverse=True):  # the full name first
            if len(part) >= 3:
                text = re.sub(rf"\b{re.escape(part)}\b", "[Name]", text, flags=re.IGNORECASE)
    return text


def _birth_year(year: str) -> bool:
    """Dates of birth: at least ten years ago (appointment and absence dates stay readable)."""
    current = today().year
    full = int(year) if len(year) == 4 else (1900 + int(year) if int(year) > current % 100 else 2000 + int(year))
    return full <= current - 10


def contains_personal_data(text: str) -> list[str]:
    """Which kinds of personal data the text seems to contain (for editor checks)."""
    before = set(re.findall(r"\[[A-Za-z-]+\]", text))
    found = set(re.findall(r"\[[A-Za-z-]+\]", redact(text))) - before
    return sorted(p.strip("[]") for p in found)


_installed = False
LOG_MESSAGE_CHARS = 4000  # longer log messages are cut (a citizen may send 5,000 characters; debug logs repeat them)


def install_log_redaction() -> None:
    """Redact every log record created in this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    original = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string or a failing __str__ of an argument: logging's own
            # error handling reports it when the record is emitted (logging here would recurse into this factory)
            return record
        if len(message) > LOG_MESSAGE_CHARS:
            message = message[:LOG_MESSAGE_CHARS] + f" … [{len(message) - LOG_MESSAGE_CHARS} Zeichen gekürzt]"
        record.msg, record.args = redact(message), ()
        return record

    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)  # Python warnings (which may quote a slot value) go through the redaction too
    _installed = True

