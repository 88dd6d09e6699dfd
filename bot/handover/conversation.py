"""What a handover takes from the conversation, independent of Rasa: the topic and a short summary for
the agent's queue entry, the messages worth the editors' review, and the callback request's case."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

NOT_A_TOPIC = ("request_human", "affirm", "deny", "nlu_fallback")
NOT_FOR_REVIEW = ("request_human", "affirm", "deny", "greet", "thank")


def _user_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e.get("event") == "user"]


# Answers inside a flow (a phone number, "nachmittags", "ja"): no topic, and not what a callback is about
NOT_THE_MATTER = NOT_A_TOPIC + ("inform", "greet", "thank", "goodbye")


def topic_and_summary(events: list[dict[str, Any]], customer_name: str | None,
                      matter_only: bool = False) -> tuple[str, str]:
    """The citizen's last topic (intent) and a short summary for the agent's queue entry. `matter_only` (a
    callback case): the summary leaves out the answers given inside the callback form and small talk, so it says
    what the call is about; the topic skips bare answers too."""
    users = _user_events(events)
    intents = [e.get("parse_data", {}).get("intent", {}).get("name") for e in users]
    skip = NOT_THE_MATTER if matter_only else NOT_A_TOPIC
    topic = next((i for i in reversed(intents) if i and i not in skip), "")
    said = [(e.get("text") or "", i) for e, i in zip(users, intents) if not (e.get("text") or "").startswith("/")]
    texts = [t for t, i in said if not matter_only or i not in NOT_THE_MATTER] or [t for t, _ in said]
    summary = (f"identifiziert: {customer_name}; " if customer_name else "nicht identifiziert; ") \
        + " | ".join(t[:80] for t in texts[-3:])
    return topic, summary


def for_review(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(text, intent) of the citizen's last messages before asking for a person, not the request itself."""
    users = _user_events(events)
    texts = [e.get("text") or "" for e in users]
    intents = [(e.get("parse_data") or {}).get("intent", {}).get("name", "") for e in users]
    return [(text, intent) for text, intent in list(zip(texts, intents))[-4:-1] if intent not in NOT_FOR_REVIEW]


@dataclass(frozen=True)
class CallbackCase:
    kind: str
    fields: dict[str, str]
    priority: str
    summary: str


URGENT_SUMMARY = "Notlage: kein Geld, bitte heute zurückrufen"


def urgent_case_key(sender: str, day: str) -> str:
    """One Notlage case per conversation and day: opened with the first answer, completed by the callback."""
    return f"urgent:{sender}:{day}"


def callback_case(topic: str, summary: str, contact: str, when: str, reason: str | None) -> CallbackCase:
    """The case a callback request becomes; no money today (`urgent_need`) is a priority callback."""
    urgent = reason == "urgent_need"
    return CallbackCase("notlage" if urgent else "rueckruf",
                        {"kontakt": contact, "wunschzeit": when, "thema": topic, "verlauf": summary},
                        "high" if urgent else "normal",
                        URGENT_SUMMARY if urgent else f"Rückrufbitte: {topic}")


def tried_contact(text: str) -> bool:
    """Did the citizen try to give a phone number or an e-mail address (so that a format hint is in place)?"""
    return bool(re.search(r"@|\d{3,}", text))


def asked_before(events: list[dict[str, Any]], form: str) -> bool:
    """Is the form's question a repeat: was `form` activated before the citizen's latest message (rather than by
    it)? The ask actions run inside the form, so their own runs leave no event to count."""
    for event in reversed(events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "active_loop" and event.get("name") == form:
            return False
    return False


# One's own Arbeitsvermittler(in), Fallmanager(in), Sachbearbeiter(in), Ansprechpartner(in), by role or name:
# the Service Center cannot put the citizen through; a Beratungstermin (or a message for the team) can.
CASEWORKER = re.compile(r"(?i)\b(mein(e|em|en|er)?|unser(e|em|en|er)?|zu(stündig|staendig)\w*)\s+(\w+\s+)?"
                        r"(arbeitsvermittler\w*|vermittler\w*|fallmanager\w*|sachbearbeiter\w*|ansprechpartner\w*|"
                        r"integrationsfachkr\w*|betreuer\w*|berater\w*)\b")


def asks_for_caseworker(text: str) -> bool:
    """Does the citizen want to talk to their own caseworker ("kann ich mit meiner arbeitsvermittlerin frau schulz
    sprechen")?"""
    return bool(CASEWORKER.search(text))


ASKS_WHEN_CALLED = re.compile(r"(?i)\b(wann|uhrzeit|wie lange|wie schnell)\b.{0,40}\b(ruf\w*|anruf\w*|zurückruf\w*|"
                              r"zurueckruf\w*|rückruf\w*|rueckruf\w*|meld\w*)\b")


def recorded_callback(events: list[dict[str, Any]]) -> tuple[str, str] | None:
    """(contact, wished time) of the callback taken in this conversation (the slots keep them until the
    request is filed), or None."""
    contact = when = None
    for event in reversed(events):
        if event.get("event") == "slot" and event.get("value"):
            if event.get("name") == "callback_time" and when is None:
                when = str(event["value"])
            elif event.get("name") == "callback_contact" and contact is None:
                contact = str(event["value"])
        if contact and when:
            return contact, when
    return None


def asks_when_called(text: str) -> bool:
    """ "und wann genau ruft ihr an?" after a callback request."""
    return bool(ASKS_WHEN_CALLED.search(text))
