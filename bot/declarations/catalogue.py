"""The catalogue of declarations and requests (content/declarations.yml, content/documents.yml),
loaded and validated with file-and-line messages for editors.

The dialogue that walks through a declaration is in bot/declarations/flow.py; what happens when the
citizen sends it is in bot/declarations/submit.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import JOBCENTER_PLACEHOLDERS, PLACEHOLDER, content_dir, domain_intents, get_content
from bot.core.yamlsource import ContentError, Node, Report, load
from bot.languages.localize import PerLanguage

FIELD_TYPES = {"choice", "text", "date", "period", "iban", "amount", "hours", "count", "address", "contact",
               "yesno", "confirm", "document", "delivery"}
IDENTIFY = {"always", "never", "post"}
PRIORITIES = {"normal", "high"}
DATE_RANGES = {"past", "future", "any"}
# How a text field's value is found in a longer message (bot/declarations/extract.py); without `find` a text
# field is only filled by the answer to its own question.
FINDERS = {"employer", "person", "reason", "letter", "provider", "destination", "description", "month"}
# Placeholders each closing text may use, besides the Jobcenter's and the legal figures.
DONE_PLACEHOLDERS = {
    "done": {"case"},
    "done_approved": {"case", "period", "days", "left", "return_day"},
    "done_forwarded": {"case", "period", "days", "reasons"},
    "done_link": {"document", "url"},
}
DELIVERY_OPTIONS = {"link": ("als Link", ("link", "herunterladen", "runterladen", "download", "online", "pdf", "internet",
                                         "digital", "email", "e-mail", "mail", "per mail", "per email")),
                    "post": ("per Post", ("post", "per post", "brief", "zuschicken", "schicken", "nach hause"))}


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    aliases: tuple[str, ...]
    url: str = ""
    post_only: bool = False
    refer: str = ""  # documents another office issues: what the citizen is told instead
    declaration: str = ""  # documents: the declaration (intent) the assistant can take in the chat instead


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str
    ask: str
    optional: bool = False
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    options: dict[str, Option] = field(default_factory=dict)
    dates: str = "any"
    after: str = ""
    on_no: str = ""
    find: str = ""  # text fields: one of FINDERS
    cue: str = ""  # regular expression (normalised text) that must be near a value found in a longer message


@dataclass(frozen=True)
class Note:
    """A sentence said after sending when an answer matches (e.g. pregnancy: the Mehrbedarf)."""

    match: str  # regular expression on the answers (lower case, umlauts as ae/oe/ue)
    text: str
    at: str = "done"  # "done": after sending; "summary": with the summary; "start": instead of the declaration;
    # "question": the answer to "muss ich noch was machen?" / "krieg ich mehr geld?" right after sending
    offer: str = ""  # with the summary: the intent of a declaration offered instead (a button)
    buttons: tuple[tuple[str, str], ...] = ()  # with `at: start`: (title, intent) offered with the text
    bare: bool = False  # with `at: start`: only for a first message without values (a question, no report yet)


@dataclass(frozen=True)
class Declaration:
    intent: str
    kind: str
    title: str
    identify: str
    priority: str
    intro: str
    fields: tuple[Field, ...]
    texts: dict[str, str]
    notes: tuple[Note, ...] = ()

    def field(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Catalogue:
    declarations: dict[str, Declaration]
    documents: dict[str, Option]

    def kinds(self) -> dict[str, str]:
        """Case kind -> title, for the desk's inbox filter."""
        return {d.kind: d.title for d in self.declarations.values()}


def _aliases(node: Node | None) -> tuple[str, ...]:
    if node is None:
        return ()
    result = []
    for entry in node.elements():
        text = entry.text()
        if text:
            result.append(text.lower())
    return tuple(result)


def _check_text(node: Node, text: str, allowed: set[str]) -> str:
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            node.problem(f"Unbekannter Platzhalter „{{{name}}}“.")
    return text


def _parse_documents(node: Node, placeholders: set[str]) -> dict[str, Option]:
    node.unknown_keys({"documents"})
    documents: dict[str, Option] = {}
    docs = node.get("documents")
    if docs is None or not docs.is_mapping():
        return documents
    for key, entry in docs.items():
        if not entry.is_mapping():
            continue
        entry.unknown_keys({"title", "aliases", "url", "post_only", "refer", "declaration"})
        title = entry.get("title")
        url_node = entry.get("url", required=False)
        refer_node = entry.get("refer", required=False)
        post_only = bool(entry.value.get("post_only", False))
        if not url_node and not post_only and not refer_node:
            entry.problem("Bitte „url“ oder „refer“ angeben oder „post_only: true“ setzen.")
        url = _check_text(url_node, url_node.text() or "", placeholders) if url_node else ""
        refer = _check_text(refer_node, refer_node.text() or "", placeholders) if refer_node else ""
        declaration_node = entry.get("declaration", required=False)
        documents[str(key)] = Option(str(key), (title.text() if title else "") or str(key),
                                     _aliases(entry.get("aliases")), url, post_only, refer,
                                     (declaration_node.text() or "") if declaration_node else "")
    return documents


def _parse_options(node: Node | None) -> dict[str, Option]:
    options: dict[str, Option] = {}
    if node is None or not node.is_mapping():
        return options
    for key, entry in node.items():
        if not entry.is_mapping():
            continue
        entry.unknown_keys({"label", "aliases"})
        label = entry.get("label")
        options[str(key)] = Option(str(key), (label.text() if label else "") or str(key), _aliases(entry.get("aliases")))
    if len(options) < 2:
        node.problem("Eine Auswahl braucht mindestens zwei Möglichkeiten.")
    return options


def _parse_field(node: Node, earlier: dict[str, Field], placeholders: set[str]) -> Field | None:
    if not node.is_mapping():
        return None
    node.unknown_keys({"key", "label", "type", "ask", "optional", "when", "options", "dates", "after", "on_no",
                       "find", "cue"})
    key_node, label_node, type_node, ask_node = (node.get(k) for k in ("key", "label", "type", "ask"))
    key = key_node.text() if key_node else None
    if key_node and key and not re.fullmatch(r"[a-z][a-z0-9_]*", key):
        key_node.problem("Schlüssel bitte klein, ohne Leerzeichen und Umlaute (z. B. neue_adresse).")
    kind = type_node.text() if type_node else None
    if type_node and kind and kind not in FIELD_TYPES:
        type_node.problem(f"Unbekannter Typ „{kind}“ (erlaubt: {', '.join(sorted(FIELD_TYPES))}).")
        kind = None
    options = _parse_options(node.get("options")) if kind == "choice" else {}
    if kind != "choice" and node.value.get("options") is not None:
        node.problem("„options“ gibt es nur beim Typ choice.")
    when: dict[str, tuple[str, ...]] = {}
    when_node = node.get("when", required=False)
    if when_node and when_node.is_mapping():
        for other, values in when_node.items():
            target = earlier.get(str(other))
            if target is None:
                values.problem(f"„when“ verweist auf „{other}“, das vorher nicht gefragt wird.")
                continue
            wanted = tuple(str(v) for v in values.value) if isinstance(values.value, list) else (str(values.value),)
            allowed = set(target.options) if target.type == "choice" else {"ja", "nein"} if target.type in (
                "yesno", "confirm") else set(DELIVERY_OPTIONS) if target.type == "delivery" else None
            if target.type == "document":
                allowed = None  # checked against the document catalogue in load_catalogue
            if allowed is not None:
                for value in wanted:
                    if value not in allowed:
                        values.problem(f"„{value}“ ist keine Antwort von „{other}“ (möglich: {', '.join(sorted(allowed))}).")
            when[str(other)] = wanted
    dates = str(node.value.get("dates", "any"))
    if dates not in DATE_RANGES:
        node.problem(f"„dates“ muss past, future oder any sein, nicht „{dates}“.")
    after = str(node.value.get("after", "") or "")
    if after and (after not in earlier or earlier[after].type != "date"):
        node.problem(f"„after“ muss auf ein vorher gefragtes Datum verweisen, nicht „{after}“.")
    on_no_node = node.get("on_no", required=kind == "confirm")
    find = str(node.value.get("find", "") or "")
    if find and (find not in FINDERS or kind != "text"):
        node.problem(f"„find“ gibt es nur beim Typ text, mit einem von: {', '.join(sorted(FINDERS))}.")
        find = ""
    cue = str(node.value.get("cue", "") or "")
    if cue:
        try:
            re.compile(cue)
        except re.error:
            node.problem(f"„cue“ ist kein gültiger regulärer Ausdruck: „{cue}“.")
            cue = ""
    if not (key and label_node and ask_node and kind):
        return None
    return Field(key, label_node.text() or key, kind, _check_text(ask_node, ask_node.text() or "", placeholders),
                 bool(node.value.get("optional", False)), when, options, dates, after,
                 _check_text(on_no_node, on_no_node.text() or "", placeholders) if on_no_node else "", find, cue)


def _parse_declaration(intent: str, node: Node, placeholders: set[str]) -> Declaration | None:
    if not node.is_mapping():
        return None
    node.unknown_keys({"kind", "title", "identify", "priority", "intro", "fields", "notes", *DONE_PLACEHOLDERS})
    kind_node, title_node, identify_node, priority_node = (node.get(k) for k in ("kind", "title", "identify", "priority"))
    identify = identify_node.text() if identify_node else None
    if identify_node and identify and identify not in IDENTIFY:
        identify_node.problem(f"„identify“ muss always, never oder post sein, nicht „{identify}“.")
    priority = priority_node.text() if priority_node else None
    if priority_node and priority and priority not in PRIORITIES:
        priority_node.problem(f"„priority“ muss normal oder high sein, nicht „{priority}“.")
    intro_node = node.get("intro", required=False)
    intro = _check_text(intro_node, intro_node.text() or "", placeholders) if intro_node else ""
    fields: dict[str, Field] = {}
    fields_node = node.get("fields")
    if fields_node:
        for entry in fields_node.elements():
            parsed = _parse_field(entry, fields, placeholders)
            if parsed:
                if parsed.key in fields:
                    entry.problem(f"Das Feld „{parsed.key}“ gibt es in dieser Erklärung schon.")
                fields[parsed.key] = parsed
    texts: dict[str, str] = {}
    for name, allowed in DONE_PLACEHOLDERS.items():
        text_node = node.get(name, required=False)
        if text_node:
            texts[name] = _check_text(text_node, text_node.text() or "", allowed | placeholders)
    if intent == "report_absence":
        for name in ("done_approved", "done_forwarded"):
            if name not in texts:
                node.problem(f"Pflichtangabe „{name}“ fehlt.")
    elif "done" not in texts:
        node.problem("Pflichtangabe „done“ fehlt.")
    if any(f.type == "delivery" for f in fields.values()) and "done_link" not in texts:
        node.problem("Pflichtangabe „done_link“ fehlt (für den Versand als Link).")
    notes: list[Note] = []
    notes_node = node.get("notes", required=False)
    if notes_node:
        for entry in notes_node.elements():
            if not entry.is_mapping():
                continue
            entry.unknown_keys({"match", "text", "at", "offer", "buttons", "bare"})
            match_node, text_node = entry.get("match"), entry.get("text")
            if not (match_node and text_node):
                continue
            at, offer = str(entry.value.get("at", "done")), str(entry.value.get("offer", "") or "")
            if at not in ("done", "summary", "start", "question"):
                entry.problem(f"„at“ muss done, summary, start oder question sein, nicht „{at}“.")
            if offer and at != "summary":
                entry.problem("„offer“ gibt es nur mit „at: summary“.")
            raw_buttons = entry.value.get("buttons") or {}
            if not isinstance(raw_buttons, dict) or (raw_buttons and at != "start"):
                entry.problem("„buttons“ (Titel: Intent) gibt es nur mit „at: start“.")
                raw_buttons = {}
            bare = entry.value.get("bare", False) is True
            if bare and at != "start":
                entry.problem("„bare“ gibt es nur mit „at: start“.")
            try:
                re.compile(match_node.text() or "")
            except re.error:
                match_node.problem("„match“ ist kein gültiger regulärer Ausdruck.")
                continue
            notes.append(Note(match_node.text() or "", _check_text(text_node, text_node.text() or "", placeholders),
                              at, offer, tuple((str(t), str(i)) for t, i in raw_buttons.items()), bare))
    if not (kind_node and title_node and identify and priority and fields):
        return None
    return Declaration(intent, kind_node.text() or intent, title_node.text() or intent, identify, priority, intro,
                       tuple(fields.values()), texts, tuple(notes))


def load_catalogue(root: Path = PROJECT_ROOT) -> Catalogue:
    """Load and check both files; raise ContentError listing every problem."""
    report = Report()
    folder = content_dir(root)
    content = get_content() if root == PROJECT_ROOT else None
    placeholders = set(JOBCENTER_PLACEHOLDERS) | set(content.figures if content else ())
    if content is None:
        from bot.content import load_content

        placeholders |= set(load_content(root).figures)
    documents_node = load(folder / "documents.yml", report, folder.parent)
    documents = _parse_documents(documents_node, placeholders) if documents_node and documents_node.is_mapping() else {}
    node = load(folder / "declarations.yml", report, folder.parent)
    declarations: dict[str, Declaration] = {}
    if node and node.is_mapping():
        node.unknown_keys({"declarations"})
        entries = node.get("declarations")
        intents = domain_intents(root)
        if entries and entries.is_mapping():
            for intent, entry in entries.items():
                if str(intent) not in intents:
                    entry.problem(f"„{intent}“ ist kein Intent aus domain.yml.")
                    continue
                parsed = _parse_declaration(str(intent), entry, placeholders)
                if parsed:
                    declarations[str(intent)] = parsed
            kinds = [d.kind for d in declarations.values()]
            for kind in {k for k in kinds if kinds.count(k) > 1}:
                entries.problem(f"Die Vorgangsart „{kind}“ ist mehrfach vergeben.")
            for document in documents.values():
                if document.declaration and document.declaration not in declarations:
                    entries.problem(f"content/documents.yml, {document.key}: „declaration: {document.declaration}“ "
                                    f"ist keine Erklärung.")
            for declaration in declarations.values():
                for note in declaration.notes:
                    if note.offer and note.offer not in declarations:
                        entries.problem(f"{declaration.intent}: „offer: {note.offer}“ ist keine Erklärung.")
                for item in declaration.fields:
                    for other, wanted in item.when.items():
                        target = declaration.field(other)
                        if target and target.type == "document":
                            for value in wanted:
                                if value not in documents:
                                    entries.problem(f"{declaration.intent}.{item.key}: „{value}“ steht nicht in "
                                                    f"content/documents.yml.")
    report.raise_if_any()
    return Catalogue(declarations, documents)


def _project_catalogue() -> Catalogue:
    return load_catalogue()


# The catalogue in the conversation's language (bot/languages/); `.german()` for the team's case texts.
get_catalogue: PerLanguage[Catalogue] = PerLanguage(_project_catalogue, "catalogue")


__all__ = ["Catalogue", "ContentError", "Declaration", "Field", "Option", "get_catalogue", "load_catalogue",
           "DELIVERY_OPTIONS"]
