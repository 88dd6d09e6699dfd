"""The dialogue of an outgoing call and the consent wording, independent of Rasa: which call a conversation
belongs to, the texts of the call (content/outbound.yml) and what the citizen can do after the message."""

from __future__ import annotations

from bot.content import Button, get_content
from bot.knowledge.answers import fill
from bot.outbound.config import get_outbound
from bot.outbound.store import Contact


def call_text(key: str, **values: str) -> str:
    """A text of the call (`call_greeting`, `call_ended`, ...) with its placeholders filled."""
    return fill(get_content(), get_outbound().call_texts[key], values or None)[0]


def consent_wording(channel: str, address: str) -> str:
    """The exact sentence the citizen agrees to for `channel` (kept as proof with the consent)."""
    return fill(get_content(), get_outbound().consent_wording[channel], {"address": address})[0]


def answered_call(contact: Contact | None, wanted: str) -> bool:
    """Whether the conversation is the call to contact `wanted` that is being made now."""
    return contact is not None and contact.id == wanted and contact.status == "calling"


def next_steps(kind: str) -> tuple[Button, ...]:
    """The buttons after the campaign's message: confirm, move or cancel a reminded appointment; a new
    appointment after a cancellation."""
    if kind == "reminder":
        return (Button("Ich komme", "affirm"), Button("Termin verschieben", "reschedule_appointment"),
                Button("Termin absagen", "cancel_appointment"))
    if kind == "cancellation":
        return (Button("Ja, neuen Termin", "book_appointment"), Button("Nein", "deny"))
    return ()
