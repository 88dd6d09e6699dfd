"""Header values of incoming mails: decoded, on one line, bounded in length, never raising.

The sender is the addr-spec of the From header's one mailbox: inside <...> when there is an angle address,
never an address-like display name ("victim@example.org <attacker@evil.example>" is attacker@evil.example).
A From header with several mailboxes, or none that is well-formed, has no sender.
"""

from __future__ import annotations

import email.errors
import email.policy
import hashlib
import re
from email.header import decode_header, make_header
from email.message import Message

MAX_HEADER_CHARS = 16000  # longer values are cut before parsing (the header parser is slow on huge values)
MAX_FROM_CHARS = 2000
MAX_SUBJECT_CHARS = 500
MAX_REFERENCES = 20
# what decoding encoded words can raise: bad base64 (HeaderParseError), an unknown charset (LookupError, CharsetError),
# bytes invalid in the declared charset (UnicodeDecodeError, a ValueError)
_UNDECODABLE = (email.errors.MessageError, LookupError, ValueError)
_MSGID = re.compile(r"<[^<>\s\x00-\x1f\x7f]{1,250}>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ATEXT = r"[^\s@<>()\[\],;:\\\"\x00-\x1f\x7f]"
_ADDRESS = re.compile(rf"^{_ATEXT}+@{_ATEXT}+\.{_ATEXT}+$")


def raw_header(message: Message, name: str) -> str:
    return next((value for key, value in message.raw_items() if key.lower() == name.lower()), "")


def raw_headers(message: Message, name: str) -> tuple[str, ...]:
    return tuple(str(value)[:MAX_HEADER_CHARS] for key, value in message.raw_items() if key.lower() == name.lower())


def has_surrogates(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def fix_text(text: str) -> str:
    """Undo surrogate escapes left by undeclared 8-bit bytes: UTF-8 if valid, else Windows-1252."""
    if not has_surrogates(text):
        return text
    data = text.encode("utf-8", errors="surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def one_line(text: str, limit: int = MAX_HEADER_CHARS) -> str:
    """Control characters and line breaks (also decoded ones) become spaces; whitespace collapsed; cut."""
    return " ".join(_CONTROL.sub(" ", text).split())[:limit]


def header_object(message: Message, name: str) -> object | None:
    """The parsed header (value cut to MAX_HEADER_CHARS); undeclared 8-bit bytes are decoded before parsing."""
    raw = raw_header(message, name)
    if raw and (has_surrogates(raw) or len(raw) > MAX_HEADER_CHARS):
        header: object = email.policy.default.header_factory(name, fix_text(raw[:MAX_HEADER_CHARS]))
        return header
    return message.get(name)


def header(message: Message, name: str) -> str:
    """The decoded header value, "" when missing; never raises."""
    try:
        value = header_object(message, name)
        return "" if value is None else fix_text(str(value))
    except Exception:  # noqa: BLE001 - the email package's header parser has bugs raising arbitrary errors on garbage
        raw = raw_header(message, name)[:MAX_HEADER_CHARS]
        try:
            return fix_text(str(make_header(decode_header(raw))))
        except _UNDECODABLE:
            return fix_text(raw)


def subject(message: Message) -> str:
    return one_line(header(message, "Subject"), MAX_SUBJECT_CHARS)


def message_id(message: Message, raw: bytes) -> str:
    """The Message-ID as <...> without spaces or control characters; else a stable id from the mail's bytes."""
    value = header(message, "Message-ID")
    found = _MSGID.search(value)
    if found:
        return found.group(0)
    token = one_line(value, 251)
    if token and " " not in token and "<" not in token and ">" not in token and len(token) <= 250:
        return f"<{token}>"
    return f"<{hashlib.sha256(raw).hexdigest()}@maildrop.invalid>"


def message_ids(value: str) -> tuple[str, ...]:
    """Well-formed message ids of In-Reply-To or References, the last MAX_REFERENCES of them."""
    found = _MSGID.findall(value)
    if not found:
        found = [f"<{token}>" for token in one_line(value).split() if len(token) <= 250 and not set("<>") & set(token)]
    return tuple(found[-MAX_REFERENCES:])


def sender(message: Message) -> tuple[str, str]:
    """(display name, lower-cased addr-spec); ("", "") when the From header has no single well-formed mailbox."""
    raw = fix_text(raw_header(message, "From"))
    if len(raw) > MAX_FROM_CHARS:
        return "", ""
    address = real_address(raw)
    if not address:
        return "", ""
    name = one_line(_display_name(message, raw, address), 200)
    return ("" if "@" in name else name), address  # an address as display name only misleads the agents


def real_address(value: str) -> str:
    """The addr-spec of a From value with exactly one mailbox: inside <...> if present, quoted strings and
    comments ignored; "" when there is none or more than one."""
    rest = _without_quotes_and_comments(" ".join(value.split()))
    angles = re.findall(r"<([^<>]*)>", rest)
    if len(angles) > 1 or rest.count("<") != len(angles) or rest.count(">") != len(angles):
        return ""
    if angles:
        outside = re.sub(r"<[^<>]*>", " ", rest)
        if "," in outside or ";" in outside:
            return ""  # another mailbox or a group: no single sender
        candidate = angles[0].strip()
    else:
        candidate = rest.strip()
    return candidate.lower() if _ADDRESS.match(candidate) else ""


def _without_quotes_and_comments(value: str) -> str:
    """Quoted strings and (nested) comments replaced by a space, in one pass (no recursion on deep nesting)."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
        elif quoted or depth:
            if char == "\\":
                escaped = True
            elif quoted and char == '"':
                quoted = False
                out.append(" ")
            elif depth and char == "(":
                depth += 1
            elif depth and char == ")":
                depth -= 1
                if not depth:
                    out.append(" ")
        elif char == '"':
            quoted = True
        elif char == "(":
            depth = 1
        else:
            out.append(char)
    return "" if quoted or depth else "".join(out)


def _display_name(message: Message, raw: str, address: str) -> str:
    try:
        parsed = header_object(message, "From")
        for mailbox in getattr(parsed, "addresses", ()) if parsed is not None else ():
            if fix_text(mailbox.addr_spec).lower() == address:
                return fix_text(mailbox.display_name)
    except Exception:  # noqa: BLE001 - the email package's header parser has bugs raising arbitrary errors on garbage
        pass  # fall back to the text before the angle address
    before = raw.rpartition("<")[0] if "<" in raw else ""
    try:
        before = str(make_header(decode_header(before)))
    except _UNDECODABLE:
        pass
    return before.strip().strip('"').strip()
