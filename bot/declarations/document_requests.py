"""Is a message a request for a form, leaflet or link (the documents of content/documents.yml)?

The NLU often files "meine waschmaschine ist kaputt, gibts dafür ein formular?" or "antrag für klassenfahrt als
link" under the topic's question (Mehrbedarf, Bildung und Teilhabe) because the topic's words outweigh the few
words that ask for the paper. Such a message wants the document, not the explanation: it names a document of the
catalogue (by title or alias) and asks for it as a form, PDF, link or download. Questions about handing a form in
or filling it out ("wo geb ich das formular ab", "wie fülle ich die anlage kdu aus") are not requests for it.
"""

from __future__ import annotations

import re

from bot.declarations.catalogue import Catalogue, Option
from bot.declarations.flow import named_documents
from bot.language.textparse import normalise

# words that ask for the paper itself (spelling normalised: umlauts as ae/oe/ue, lower case)
DOCUMENT_WORDS = re.compile(r"\b(formular\w*|fomular\w*|formlar\w*|vordruck\w*|pdf|link|links|download\w*|"
                            r"herunterlad\w*|runterlad\w*|herunterzuladen|runterzuladen|ausdruck\w*|auszudrucken|"
                            r"als datei)\b")
# what is done with a form one has: not a request for it
ABOUT_A_FORM_IN_HAND = re.compile(r"\b(hochlad\w*|hochzuladen|upload\w*|abgeb\w*|abzugeben|abgegeben|einreich\w*|"
                                  r"einzureichen|eingereicht|ausfuell\w*|auszufuellen|ausgefuellt|wohin|wo geb\w*)\b")


def asks_for_document(text: str, catalogue: Catalogue) -> list[Option]:
    """The documents a message asks for as a form, PDF, link or download (empty: not a document request)."""
    norm = normalise(text or "")
    if not DOCUMENT_WORDS.search(norm) or ABOUT_A_FORM_IN_HAND.search(norm):
        return []
    return named_documents(text, catalogue)


# "kann ich das nicht auch gleich hier melden": the citizen takes the offer to report in the chat instead
REPORT_HERE = re.compile(r"\b(hier|gleich|direkt|sofort|im chat|bei ihnen|bei euch|online)\b.{0,30}"
                         r"\b(melden|mitteilen|angeben|machen|erledigen|aufnehmen|eintragen)\b|"
                         r"\b(melden|mitteilen|angeben|erledigen)\b.{0,20}\b(hier|im chat|gleich|direkt)\b")


def wants_to_report_here(text: str) -> bool:
    """Does the message ask to give the declaration in the chat rather than on the form?"""
    return bool(REPORT_HERE.search(normalise(text or "")))
