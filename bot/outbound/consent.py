"""Consent to be contacted (Einwilligung) per customer and channel, with proof, stored in Redis.

Nothing is sent or called without an active consent for that channel. Each grant keeps the exact
wording the citizen agreed to, its version, the time, the channel it was given in and the address;
each change is appended to the customer's consent history, which stays as proof after a withdrawal.

Keys: `consent:<customer>` (hash: channel -> JSON of the current state), `consent:log:<customer>`
(list of JSON events), `consent:email:<address>` (customer who gave that e-mail address),
`consent:customers` (set of customers with a consent record, for campaigns). `export_for` and
`delete_for` answer for them in Auskunft and Löschung (bot/privacy/duties.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import redis

from bot.core.subject import DataSubject

CHANNELS = {"phone": "Telefon", "email": "E-Mail"}
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Consent:
    channel: str
    granted: bool
    address: str
    wording: str
    version: str
    at: str
    via: str  # where it was given or withdrawn: chat, voice, email, desk
    conversation: str = ""


def normalise_email(text: str) -> str | None:
    """The e-mail address in the answer, lower-cased, or None."""
    match = re.search(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", text or "")
    if not match or not EMAIL.match(match.group(0)):
        return None
    return match.group(0).strip(".").lower()


def normalise_phone(text: str) -> str | None:
    """A German phone number as +49..., or None. Spoken digit groups and separators are allowed."""
    digits = re.sub(r"[\s/().-]", "", text or "")
    match = re.search(r"(\+|00)?\d{6,15}", digits)
    if not match:
        return None
    number = match.group(0)
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0"):
        number = "+49" + number[1:]
    elif not number.startswith("+"):
        return None
    return number if 9 <= len(number) <= 16 else None


class ConsentStore:
    def __init__(self, client: redis.Redis):
        self.redis = client

    def grant(self, customer: str, channel: str, address: str, wording: str, version: str, now: dt.datetime,
              via: str, conversation: str = "") -> Consent:
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {sorted(CHANNELS)}")
        consent = Consent(channel, True, address, wording, version, now.isoformat(timespec="seconds"), via,
                          conversation)
        self._write(customer, consent, "erteilt")
        self.redis.sadd("consent:customers", customer)
        if channel == "email":
            self.redis.set(f"consent:email:{address.lower()}", customer)
        return consent

    def withdraw(self, customer: str, channel: str, now: dt.datetime, via: str, conversation: str = "") -> bool:
        """Withdraw consent for a channel; False when there was none to withdraw."""
        current = self.get(customer, channel)
        if current is None or not current.granted:
            return False
        consent = Consent(channel, False, current.address, current.wording, current.version,
                          now.isoformat(timespec="seconds"), via, conversation)
        self._write(customer, consent, "widerrufen")
        return True

    def _write(self, customer: str, consent: Consent, event: str) -> None:
        record = json.dumps(asdict(consent), ensure_ascii=False)
        pipe = self.redis.pipeline()
        pipe.hset(f"consent:{customer}", consent.channel, record)
        pipe.rpush(f"consent:log:{customer}", json.dumps({"ereignis": event, **asdict(consent)}, ensure_ascii=False))
        pipe.execute()

    def get(self, customer: str, channel: str) -> Consent | None:
        raw = self.redis.hget(f"consent:{customer}", channel)
        return Consent(**json.loads(raw)) if raw else None

    def active(self, customer: str, channel: str) -> Consent | None:
        consent = self.get(customer, channel)
        return consent if consent and consent.granted else None

    def all(self, customer: str) -> dict[str, Consent]:
        return {k.decode(): Consent(**json.loads(v)) for k, v in self.redis.hgetall(f"consent:{customer}").items()}

    def history(self, customer: str) -> list[dict[str, Any]]:
        return [json.loads(x) for x in self.redis.lrange(f"consent:log:{customer}", 0, -1)]

    def customer_for_email(self, address: str) -> str | None:
        value = self.redis.get(f"consent:email:{address.lower()}")
        return value.decode() if value else None

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {"einwilligungen": self.history(person.customer)}

    def delete_for(self, person: DataSubject) -> int:
        """Art. 17: remove consent and its history (the privacy log records the deletion); the number of
        consent events removed."""
        customer = person.customer
        events = int(self.redis.llen(f"consent:log:{customer}"))
        emails = {c.address.lower() for c in self.all(customer).values() if c.channel == "email"}
        emails |= {str(e.get("address", "")).lower() for e in self.history(customer) if e.get("channel") == "email"}
        owned = [f"consent:email:{a}" for a in sorted(emails) if a and self.customer_for_email(a) == customer]
        self.redis.delete(f"consent:{customer}", f"consent:log:{customer}", *owned)
        self.redis.srem("consent:customers", customer)
        return events

    def delete(self, customer: str) -> None:
        """Art. 17 for one customer number (see `delete_for`)."""
        self.delete_for(DataSubject(customer))


_PHONE_WORDS = re.compile(r"\b(telefon\w*|anruf\w*|anrufen|angerufen|rufen|ruft|handy|mobil\w*|phone|call\w*)\b")
_EMAIL_WORDS = re.compile(r"\b(e ?-?mails?|mails?|email\w*|elektronische post)\b")
_BOTH_WORDS = re.compile(r"\b(beide|beides|beiden|beidem|alles|alle|ueberall|jede\w*)\b")


def channels_in(text: str) -> tuple[str, ...]:
    """The contact channels a message talks about ("keine Anrufe mehr" -> phone), in a fixed order."""
    from bot.language.textparse import normalise

    norm = normalise(text)
    if _BOTH_WORDS.search(norm):
        return ("phone", "email")
    return tuple(c for c, pattern in (("phone", _PHONE_WORDS), ("email", _EMAIL_WORDS)) if pattern.search(norm))


def channels_text(channels: tuple[str, ...] | list[str]) -> str:
    """German: "Anrufe", "E-Mails" or "Anrufe und E-Mails"."""
    names = {"phone": "Anrufe", "email": "E-Mails"}
    return " und ".join(names[c] for c in channels)


_WITHDRAW = re.compile(
    r"\b(keine?[nmrs]?|nicht mehr|nie wieder|nie mehr|widerruf\w*|widerrufe|zurueck\w*|abbestell\w*|"
    r"bestelle?n? \w* ?ab|abmeld\w*|melde?n? \w* ?ab|austrag\w*|deaktivier\w*|abschalt\w*|ausschalt\w*|"
    r"abstell\w*|stell\w* \w* ?ab|beend\w*|stopp?\w*|aufhoer\w*|hoer\w* \w* ?auf|unterlass\w*|untersag\w*|"
    r"loesch\w*|nerv\w*|gilt nicht)\b")


def wants_withdrawal(text: str) -> bool:
    """Whether a message about contact consent withdraws it ("keine Anrufe mehr") rather than gives it."""
    from bot.language.textparse import normalise

    norm = normalise(text)
    if re.search(r"verpass|vergess", norm):  # "damit ich keinen Termin verpasse": a wish for reminders
        return False
    return bool(_WITHDRAW.search(norm))


# ----------------------------------------------------------------------------- the consent dialogue's decisions
QUESTIONS_PER_CHANNEL = {"phone": "consent_phone", "email": "consent_email"}


def chosen_channels(value: str | None) -> tuple[str, ...]:
    """The channels kept in the dialogue's `consent_channel` slot ("phone,email"), in a fixed order."""
    return tuple(c for c in ("phone", "email") if c in (value or "").split(","))


def channel_answer(text: str) -> str | None:
    """The answer to "Telefon, E-Mail oder beides?" as the slot keeps it ("phone,email"); None: not understood."""
    channels = channels_in(text) if "," not in text else tuple(text.split(","))
    return ",".join(channels) or None


def consent_questions(slots: list[str], action: str | None, chosen: tuple[str, ...]) -> list[str]:
    """The consent form's questions still to ask: a withdrawal needs no address and no confirmation; a grant
    asks only for the addresses of the chosen channels."""
    if action == "withdraw":
        return [s for s in slots if s not in ("consent_phone", "consent_email", "consent_confirm")]
    skipped = {slot for channel, slot in QUESTIONS_PER_CHANNEL.items() if channel not in chosen}
    return [s for s in slots if s not in skipped]


def given_via(input_channel: str | None) -> str:
    """Where the consent was given or withdrawn, for the proof."""
    return "Telefon" if (input_channel or "").lower() == "voice" else "Chat"


def withdraw_all(store: ConsentStore, customer: str, channels: tuple[str, ...], now: dt.datetime, via: str,
                 conversation: str) -> tuple[list[str], list[str]]:
    """Withdraw the consent for each channel: (withdrawn, had none to withdraw)."""
    withdrawn = [c for c in channels if store.withdraw(customer, c, now, via, conversation)]
    return withdrawn, [c for c in channels if c not in withdrawn]
