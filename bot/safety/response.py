"""What happens when a citizen is in crisis, has no money today, or may have threatened someone.

Plain functions over Redis (cases, the handover queue) and the content; the Rasa actions
(actions/safety.py), the e-mail channel and the channels' handover paths call them.

A crisis:
- answers first with the crisis lines (content/safety.yml: `crisis`, plus `crisis_violence` for
  violence at home), never with identification, a form or legal text;
- offers a person now: in the web chat and on the phone within service hours with an agent online,
  the conversation goes to the top of the queue marked "Krise"; a conversation already waiting moves
  to the top; otherwise the answer says that nobody can take over now;
- always creates a case of kind "krise" (priority "crisis") and sends a `crisis_alert` to every desk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import redis

from bot.cases.store import CaseStore
from bot.content import get_content
from bot.handover.routing import LIVE_CHANNELS, live_queue_available
from bot.handover.state import Handover
from bot.knowledge import answers as knowledge
from bot.safety.texts import get_safety

CRISIS_TOPIC = "Krise"
CASE_TEXT_CHARS = 2000


@dataclass(frozen=True)
class CrisisOutcome:
    messages: list[str]
    case: str
    person: str  # "now" (queued at the top), "already" (was waiting or with an agent), "none"


def safety_text(name: str, **values: object) -> str:
    """A text of content/safety.yml with the crisis lines, the Jobcenter data and `values` filled in."""
    safety = get_safety()
    extra = {**safety.lines, **{key: str(value) for key, value in values.items()}}
    return knowledge.fill(get_content(), safety.texts[name], extra)[0]


def _key(sender: str, text: str) -> str:
    return hashlib.sha256(f"{sender}\n{text}".encode()).hexdigest()[:24]


def handle_crisis(client: redis.Redis, *, sender: str, channel: str, text: str, now: dt.datetime,
                  violence: bool = False, customer: str | None = None, office: str = "") -> CrisisOutcome:
    """Answer texts, queue and case for a citizen in crisis (see the module docstring)."""
    content = get_content()
    handover = Handover(client)
    messages = [safety_text("crisis")]
    if violence:
        messages.append(safety_text("crisis_violence"))
    case = CaseStore(client).create(
        "krise", {"nachricht": text[:CASE_TEXT_CHARS], "kanal": channel, "gewalt_zu_hause": "ja" if violence else "nein"},
        now, customer=customer, priority="crisis", idempotency_key=f"crisis:{_key(sender, text)}",
        summary="Krise: Person braucht jetzt Hilfe, bitte sofort Kontakt aufnehmen", office=office, channel=channel)
    state = handover.state(sender)
    if state in ("queued", "agent"):
        handover.escalate(sender, "crisis", CRISIS_TOPIC)
        person = "already"
        messages.append(safety_text("crisis_already_with_person"))
    elif channel in LIVE_CHANNELS and live_queue_available(content, now, len(handover.agents_online())):
        handover.enqueue(sender, priority="crisis", topic=CRISIS_TOPIC, summary=f"KRISE (Vorgang {case}): {text[:200]}",
                         channel=channel, customer=customer or "")
        person = "now"
        messages.append(safety_text("crisis_person"))
    else:
        person = "none"
        messages.append(safety_text("crisis_no_person", hours=knowledge.compact_week(content.service_center.hours)))
    handover.publish({"type": "crisis_alert", "sender": sender, "case": case, "channel": channel, "person": person})
    return CrisisOutcome(messages, case, person)


def record_possible_threat(client: redis.Redis, *, sender: str, channel: str, text: str, now: dt.datetime,
                           customer: str | None = None, office: str = "") -> str:
    """A normal case for supervisors to look at; no alert, no queue, nothing said to the citizen about it."""
    return CaseStore(client).create(
        "drohung_pruefen", {"nachricht": text[:CASE_TEXT_CHARS], "kanal": channel}, now, customer=customer,
        priority="normal", idempotency_key=f"threat_possible:{_key(sender, text)}",
        summary="Prüfen: mögliche Drohung", office=office, channel=channel)


def open_urgent_case(client: redis.Redis, *, sender: str, channel: str, text: str, now: dt.datetime,
                     customer: str | None = None, office: str = "") -> str:
    """No money or food today: the priority callback case exists from the first answer on, also when the
    citizen gives no contact (the Service Center sees it when they call); the callback adds the contact."""
    from bot.handover.conversation import URGENT_SUMMARY, urgent_case_key

    return CaseStore(client).create(
        "notlage", {"nachricht": text[:CASE_TEXT_CHARS], "kontakt": "noch offen", "kanal": channel}, now,
        customer=customer, priority="high", idempotency_key=urgent_case_key(sender, now.date().isoformat()),
        summary=URGENT_SUMMARY, office=office, channel=channel)


def crisis_while_with_person(client: redis.Redis, *, sender: str, channel: str, text: str,
                             now: dt.datetime) -> list[str]:
    """A citizen message that goes to a person (waiting or with an agent) bypasses the dialogue; it is
    still checked. A crisis there raises the conversation to the top of the queue, creates the case and
    alerts the desks; a citizen still waiting also gets the crisis lines at once (returned texts)."""
    from bot.safety.detect import CRISIS, assess

    verdict = assess(text)
    if verdict.kind != CRISIS:
        return []
    state = Handover(client).state(sender)
    outcome = handle_crisis(client, sender=sender, channel=channel, text=text, now=now,
                            violence=verdict.rule == "violence")
    return outcome.messages if state == "queued" else []
