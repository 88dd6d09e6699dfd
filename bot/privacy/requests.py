"""What a citizen's message about data protection is: a request for Auskunft or Löschung, or a question
(what is stored, who reads along, what happens to a phone call)."""

from __future__ import annotations

import re

from bot.language.textparse import normalise

_DELETE = re.compile(r"\w*(losch|loesch)\w*|\bentfern\w*|\bvergessen werden|\bart\.? ?17\b|\bdaten weg\b")
_ACCESS = re.compile(r"\b(auskunft|art\.? ?15|kopie meiner daten|was (habt|haben) (ihr|sie) (alles )?(ueber|von) mir"
                     r"|welche daten (habt|haben|speichert|speichern) (ihr|sie))")
_REQUEST = re.compile(r"\b(ich (will|moechte|moecht|hätte gern|haette gern|verlange|beantrage)|bitte|beantragen)\b")
_WHO = re.compile(r"\b(wer (liest|sieht|hoert)|liest .{0,20}mit|sieht (mein|der|die) .{0,30}(chat|das))")
_RECORDING = re.compile(r"\b(aufgenommen|aufnahme|aufgezeichnet|mitgeschnitten|aufzeichnung)")


def privacy_topic(text: str, channel: str = "") -> str:
    """"loeschung" or "auskunft" for a request; otherwise the question: "who_reads", "recording" or "info"."""
    norm = normalise(text)
    if _DELETE.search(norm):
        return "loeschung"
    if _ACCESS.search(norm) and (_REQUEST.search(norm) or "auskunft" in norm or "dsgvo" in norm):
        return "auskunft"
    if _RECORDING.search(norm) or channel == "voice":
        return "recording"
    if _WHO.search(norm):
        return "who_reads"
    return "info"
