"""Questions right after a declaration was sent: "muss ich noch was machen?", "krieg ich jetzt mehr/weniger
geld?", "wie geht es weiter?". They are about the declaration just sent, so they get its `at: question` notes
of content/declarations.yml (what to hand in, how the benefit is recalculated), not a general answer.

After sending, the knowledge context (`bot.knowledge.context.Context`) holds topic "declaration" and, in
`detail`, the declaration's intent and the positions of its matching notes ("report_change:0,2")."""

from __future__ import annotations

import re

from bot.content import Content
from bot.declarations.catalogue import Catalogue
from bot.knowledge.answers import Reply, fill
from bot.language.textparse import normalise

TOPIC = "declaration"

_WHAT_NEXT = re.compile(
    r"\b(muss|soll|sollte|muesste) ich (jetzt |dann |nun |denn |sonst |auch |noch )*(was|etwas|irgendwas|"
    r"irgendetwas|mehr|weitere\w*)\b"
    r"|\bwas (muss|soll|sollte) ich (jetzt |dann |nun |denn |sonst |auch |noch )*(machen|tun|einreichen|"
    r"schicken|abgeben|hochladen|vorlegen|beachten|noch)\b"
    r"|\b(krieg|kriege|bekomm|bekomme|gibt es|gibts|bleibt)\w* (ich |mir |es )?(jetzt |dann |nun |denn |noch |"
    r"trotzdem |ueberhaupt )*(mehr|weniger|noch (was|etwas|geld)|weiter (geld|buergergeld))\b"
    r"|\b(mehr|weniger) (geld|buergergeld|leistungen)\b"
    r"|\bwas passiert (jetzt|dann|nun)\b|\bwie geht (es|s) (jetzt |dann |nun )?weiter\b"
    r"|\b(aendert|veraendert) sich (jetzt |dann |nun )?(was|etwas) (an|bei|fuer)\b")


def asks_what_next(text: str) -> bool:
    """A question about what comes after a report: what to do or hand in, or what it means for the money."""
    return bool(_WHAT_NEXT.search(normalise(text)))


def detail(intent: str, notes: list[int]) -> str | None:
    """The context detail for a sent declaration, or None when it has nothing to say to such questions."""
    return f"{intent}:{','.join(map(str, notes))}" if notes else None


def answer(detail_value: str | None, catalogue: Catalogue, content: Content) -> Reply | None:
    """The notes kept in `detail_value` (see `detail`), or None when there is none."""
    if not detail_value or ":" not in detail_value:
        return None
    intent, _, positions = detail_value.partition(":")
    declaration = catalogue.declarations.get(intent)
    if declaration is None:
        return None
    texts = []
    for position in positions.split(","):
        if position.isdigit() and int(position) < len(declaration.notes):
            note = declaration.notes[int(position)]
            if note.at == "question":
                texts.append(fill(content, note.text)[0])
    return Reply("\n".join(texts)) if texts else None
