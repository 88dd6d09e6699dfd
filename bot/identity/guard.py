"""Identification that cannot be guessed, does not linger, and whose date of birth is never stored.

Three jobs, all in Redis so that they hold across conversations, channels and processes:

- `IdentityGuard`: failed attempts counted per BG-/Kundennummer (whatever conversation or channel they
  come from) and per client address. From the third failure on, the next attempt for that number waits
  a growing delay (2, 4, 8 … seconds); after 5 failures the number is locked for 15 minutes, after 10 for
  an hour, after 15 for a day. One address may fail 20 times an hour across all numbers, then it is locked
  for an hour. A successful identification clears the number's counter.
- Identification expires: `mark_identified` records who a conversation identified as, for 30 minutes of
  inactivity (every use renews it); `forget` ends it at once (the agent hands the conversation back).
- The date of birth never reaches the tracker or a transcript: while the dialogue waits for it
  (`expect_birth_date`), the channels hand the citizen's text to `shield`, which keeps it for ten
  minutes under the conversation and passes on the placeholder `[Geburtsdatum]`; the validating
  action takes it back once with `reveal`.

Keys hold a SHA-256 of the number or address, never the number itself.

A conversation in which a person identified is linked to the person (`customer:senders:<BG-Nummer>`,
`link_conversation`): that is how Auskunft and Löschung find the person's conversations.
`Identification` answers for these keys in Auskunft and Löschung (bot/privacy/duties.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from typing import Any, Callable

import redis

from bot.core import clock
from bot.core.subject import DataSubject, decoded

PLACEHOLDER = "[Geburtsdatum]"
IDENTIFIED_SECONDS = 30 * 60
BIRTH_DATE_SECONDS = 10 * 60
NUMBER_LOCKS = ((15, 24 * 3600), (10, 3600), (5, 15 * 60))  # failures -> lock seconds (checked top down)
NUMBER_WINDOW = 24 * 3600  # failures are forgotten a day after the last one
ADDRESS_LIMIT, ADDRESS_WINDOW, ADDRESS_LOCK = 20, 3600, 3600
SENDER_LINK_TTL = 31 * 24 * 3600  # a little longer than the conversations themselves

_FAIL = """
-- KEYS: counter, lock, last;  ARGV: window, now, lock seconds for the new count (0: none)
local n = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
redis.call('SET', KEYS[3], ARGV[2], 'EX', tonumber(ARGV[1]))
return n
"""


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value.strip().upper()}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Refusal:
    """Why an identification attempt is refused now, and for how long."""
    reason: str  # "locked" (number), "address" (this client), "wait" (too fast after a failure)
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, -(-self.seconds // 60))


class IdentityGuard:
    def __init__(self, client: redis.Redis, now: Callable[[], float] = time.time):
        self.redis, self.now = client, now
        self._fail = client.register_script(_FAIL)

    def _number_keys(self, number: str) -> tuple[str, str, str]:
        key = _digest("number", number)
        return f"idg:n:{key}", f"idg:n:{key}:lock", f"idg:n:{key}:last"

    def _address_keys(self, address: str) -> tuple[str, str, str]:
        key = _digest("address", address)
        return f"idg:a:{key}", f"idg:a:{key}:lock", f"idg:a:{key}:last"

    def refusal(self, number: str, address: str = "") -> Refusal | None:
        """None when an attempt for `number` from `address` may be checked now."""
        count_key, lock_key, last_key = self._number_keys(number)
        ttl = self.redis.ttl(lock_key)
        if ttl and ttl > 0:
            return Refusal("locked", ttl)
        if address:
            a_ttl = self.redis.ttl(self._address_keys(address)[1])
            if a_ttl and a_ttl > 0:
                return Refusal("address", a_ttl)
        failures = int(self.redis.get(count_key) or 0)
        last = self.redis.get(last_key)
        if failures >= 3 and last:  # a person who mistyped twice retries at once; a script waits
            wait = 2 ** (failures - 2) - (self.now() - float(last))
            if wait > 0:
                return Refusal("wait", int(wait) + 1)
        return None

    def failed(self, number: str, address: str = "") -> Refusal | None:
        """Record a failed attempt; returns the lock it causes, if any."""
        now = self.now()
        count_key, lock_key, last_key = self._number_keys(number)
        failures = int(self._fail(keys=[count_key, lock_key, last_key], args=[NUMBER_WINDOW, now, 0]))
        result = None
        for threshold, seconds in NUMBER_LOCKS:
            if failures >= threshold and failures % 5 == 0:
                self.redis.set(lock_key, "1", ex=seconds)
                result = Refusal("locked", seconds)
                break
        if address:
            a_count, a_lock, a_last = self._address_keys(address)
            if int(self._fail(keys=[a_count, a_lock, a_last], args=[ADDRESS_WINDOW, now, 0])) >= ADDRESS_LIMIT:
                self.redis.set(a_lock, "1", ex=ADDRESS_LOCK)
                result = result or Refusal("address", ADDRESS_LOCK)
        return result

    def succeeded(self, number: str) -> None:
        self.redis.delete(*self._number_keys(number))


# ---------------------------------------------------------------- which conversations are a person's
def _links_key(customer: str) -> str:
    return f"customer:senders:{customer}"


def link_conversation(client: redis.Redis, customer: str, sender: str) -> None:
    """Remember that this conversation belongs to the identified person (for Auskunft and Löschung)."""
    key = _links_key(customer)
    client.sadd(key, sender)
    client.expire(key, SENDER_LINK_TTL)


def linked_conversations(client: redis.Redis, customer: str) -> tuple[str, ...]:
    """The conversations (sender ids) in which the person identified, sorted."""
    return tuple(sorted(decoded(s) for s in client.smembers(_links_key(customer))))


class Identification:
    """Auskunft and Löschung for the identification keys: links, who a conversation is, failed attempts."""

    def __init__(self, client: redis.Redis):
        self.redis = client

    def export_for(self, person: DataSubject) -> dict[str, Any]:
        return {}  # links and counters are means to an end; the conversations themselves are exported

    def delete_for(self, person: DataSubject) -> int:
        for sender in person.conversations:
            forget(self.redis, sender)
        IdentityGuard(self.redis).succeeded(person.customer)
        return int(self.redis.delete(_links_key(person.customer)))


# ---------------------------------------------------------------- who a conversation is, for how long
def mark_identified(client: redis.Redis, sender: str, customer: str) -> None:
    client.set(f"ident:who:{sender}", customer, ex=IDENTIFIED_SECONDS)


def still_identified(client: redis.Redis, sender: str, customer: str) -> bool:
    """True (and renewed) while the conversation's identification has not expired."""
    key = f"ident:who:{sender}"
    value = client.get(key)
    if value is None or value.decode() != customer:
        return False
    client.expire(key, IDENTIFIED_SECONDS)
    return True


def forget(client: redis.Redis, sender: str) -> None:
    """End a conversation's identification now (an agent handed it back, the citizen restarted)."""
    client.delete(f"ident:who:{sender}", f"ident:await:{sender}", f"ident:bd:{sender}")


# ---------------------------------------------------------------- the date of birth, never stored
def expect_birth_date(client: redis.Redis, sender: str) -> None:
    """The dialogue now asks for the date of birth: the next answer is shielded."""
    client.set(f"ident:await:{sender}", "1", ex=BIRTH_DATE_SECONDS)


def looks_like_birth_date(text: str, today: dt.date | None = None) -> bool:
    from bot.identity.registry import find_birth_date

    return find_birth_date(text, today or clock.today()) is not None


def shield(client: redis.Redis, sender: str, text: str, *, never_hide: Callable[[str], bool]) -> str:
    """The text to pass on: `[Geburtsdatum]` instead of a date of birth the dialogue is waiting for.

    A text for which `never_hide` is true is never hidden (the channels pass the safety check's
    `must_be_seen`: a crisis or a threat must reach it), nor a text without a date ("abbrechen",
    "mit einem Menschen sprechen"). Identification sits below safety, so the check is passed in."""
    if not looks_like_birth_date(text) or not client.exists(f"ident:await:{sender}"):  # local check first
        return text
    if never_hide(text):
        return text
    pipe = client.pipeline()
    pipe.set(f"ident:bd:{sender}", text[:200], ex=BIRTH_DATE_SECONDS)
    pipe.delete(f"ident:await:{sender}")
    pipe.execute()
    return PLACEHOLDER


def keep_birth_date(client: redis.Redis, sender: str, text: str) -> None:
    """A date of birth given before the number ("max mustermann, geb. 1.2.1979, wann ist mein termin"):
    kept aside, out of the tracker, until the number comes."""
    client.set(f"ident:given:{sender}", text[:200], ex=BIRTH_DATE_SECONDS)


def take_birth_date(client: redis.Redis, sender: str) -> str | None:
    """The date of birth kept by `keep_birth_date`, once."""
    pipe = client.pipeline()
    pipe.get(f"ident:given:{sender}")
    pipe.delete(f"ident:given:{sender}")
    value, _ = pipe.execute()
    return value.decode() if value else None


def reveal(client: redis.Redis, sender: str, text: str) -> str:
    """The citizen's real answer behind the placeholder, once; any other text as it is."""
    if text.strip() != PLACEHOLDER:
        return text
    pipe = client.pipeline()
    pipe.get(f"ident:bd:{sender}")
    pipe.delete(f"ident:bd:{sender}")
    value, _ = pipe.execute()
    return value.decode() if value else ""
