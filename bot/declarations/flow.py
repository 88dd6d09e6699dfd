"""The dialogue that walks a citizen through one declaration: ask each applicable field, check the
answer, show a summary, let the citizen correct any field or cancel, and only then send.

The state is a plain JSON-able dict (kept in one Rasa slot), so the dialogue survives restarts and
runs on any server process:

    {"intent": "report_change", "id": "<uuid>", "stage": "fields" | "confirm" | "correct" | "send" | "aborted",
     "fields": {"art": {"value": "umzug", "text": "Umzug / neue Adresse", "match": "umzug"}, ...},
     "message": "<closing text when aborted>"}
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.appointments.booking import is_abort, yes_or_no
from bot.content import Button, Content, say
from bot.declarations import fields as parse
from bot.declarations.catalogue import DELIVERY_OPTIONS, Catalogue, Declaration, Field, Option
from bot.knowledge.answers import Reply, fill
from bot.language.textparse import normalise

SEND_BUTTON = Button("Ja, absenden", "ja, absenden", raw=True)
CORRECT_BUTTON = Button("Korrigieren", "korrigieren", raw=True)
CANCEL_BUTTON = Button("Abbrechen", "abbrechen", raw=True)
SKIP_BUTTON = Button("Überspringen", "keine Angabe", raw=True)
CORRECT_WORDS = re.compile(r"\b(korrigieren|korrektur|aendern|falsch|stimmt nicht|nicht richtig|berichtigen|"
                           r"anpassen|nein)\b")


@dataclass
class Step:
    state: dict[str, Any]
    messages: list[str] = field(default_factory=list)


def new_state(declaration: Declaration, first_message: str, catalogue: Catalogue) -> dict[str, Any]:
    """A fresh dialogue; a choice the first message already names ("P-Konto-Bescheinigung") is taken."""
    state: dict[str, Any] = {"intent": declaration.intent, "id": uuid.uuid4().hex, "stage": "fields", "fields": {}}
    # a bare number is a menu answer, not a choice named in the first message
    if first_message and not first_message.startswith("/") and not first_message.strip().isdigit():
        for item in declaration.fields:
            if item.type in ("choice", "document") and not item.when:
                options = _options(item, catalogue)
                matched = _matching_options(first_message, options, by_alias=True)
                if len(matched) == 1:
                    state["fields"][item.key] = _option_value(matched[0])
    return state


# ----------------------------------------------------------------------------- which field next


def _options(item: Field, catalogue: Catalogue) -> dict[str, Option]:
    if item.type == "document":
        return catalogue.documents
    if item.type == "delivery":
        return {k: Option(k, label, aliases) for k, (label, aliases) in DELIVERY_OPTIONS.items()}
    return item.options


def _document(declaration: Declaration, state: dict, catalogue: Catalogue) -> Option | None:
    for item in declaration.fields:
        if item.type == "document" and item.key in state["fields"]:
            return catalogue.documents.get(state["fields"][item.key]["value"])
    return None


def applicable(declaration: Declaration, state: dict, catalogue: Catalogue) -> list[Field]:
    answered = state["fields"]
    result = []
    for item in declaration.fields:
        if any(answered.get(other, {}).get("match") not in wanted for other, wanted in item.when.items()):
            continue
        if item.type == "delivery":
            document = _document(declaration, state, catalogue)
            if document is not None and (document.post_only or not document.url):
                continue
        result.append(item)
    return result


def pending(declaration: Declaration, state: dict, catalogue: Catalogue) -> Field | None:
    return next((f for f in applicable(declaration, state, catalogue) if f.key not in state["fields"]), None)


def delivery(declaration: Declaration, state: dict, catalogue: Catalogue) -> str | None:
    """'link' or 'post' for document requests; None where nothing is delivered."""
    document = _document(declaration, state, catalogue)
    if document is None:
        return None
    if document.post_only or not document.url:
        return "post"
    for item in declaration.fields:
        if item.type == "delivery" and item.key in state["fields"]:
            return state["fields"][item.key]["value"]
    return None


def needs_identification(declaration: Declaration, state: dict, catalogue: Catalogue) -> bool:
    if declaration.identify == "always":
        return True
    if declaration.identify == "post":
        return delivery(declaration, state, catalogue) == "post"
    return False


def answers(declaration: Declaration, state: dict, catalogue: Catalogue) -> dict[str, dict]:
    """The answers that count (fields no longer asked after a correction are left out)."""
    keys = [f.key for f in applicable(declaration, state, catalogue)]
    return {k: state["fields"][k] for k in keys if k in state["fields"]}


# ----------------------------------------------------------------------------- prompts


def prompt(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content) -> Reply:
    stage = state["stage"]
    if stage == "confirm":
        lines = [f"• {item.label}: {state['fields'][item.key]['text']}"
                 for item in applicable(declaration, state, catalogue) if item.key in state["fields"]]
        text = say("declarations.summary", content, title=declaration.title, lines="\n".join(lines))
        return Reply(text, (SEND_BUTTON, CORRECT_BUTTON, CANCEL_BUTTON))
    if stage == "correct":
        items = [f for f in applicable(declaration, state, catalogue) if f.key in state["fields"] and f.type != "confirm"]
        return Reply(say("declarations.correct_which", content), tuple(Button(f.label, f.label, raw=True) for f in items))
    item = pending(declaration, state, catalogue)
    if item is None:  # everything is answered: the summary is the next question
        return prompt(declaration, {**state, "stage": "confirm"}, catalogue, content)
    text, _ = fill(content, item.ask)
    buttons: tuple[Button, ...] = ()
    if item.type in ("choice", "document", "delivery"):
        buttons = tuple(Button(o.label, o.label, raw=True) for o in _options(item, catalogue).values())
    elif item.type in ("yesno", "confirm"):
        buttons = (Button("Ja", "ja", raw=True), Button("Nein", "nein", raw=True))
    if item.optional:
        buttons += (SKIP_BUTTON,)
    return Reply(text, buttons)


# ----------------------------------------------------------------------------- answers


def _matching_options(text: str, options: dict[str, Option], by_alias: bool = True) -> list[Option]:
    norm = normalise(text)
    for option in options.values():
        if norm in (normalise(option.label), option.key):
            return [option]
    if re.fullmatch(r"\d{1,2}", norm) and 1 <= int(norm) <= len(options):
        return [list(options.values())[int(norm) - 1]]
    if not by_alias:
        return []
    found = []
    for option in options.values():
        names = (normalise(option.label),) + tuple(normalise(a) for a in option.aliases)
        if any(n and re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", norm) for n in names):
            found.append(option)
    return found


def _option_value(option: Option) -> dict[str, Any]:
    return {"value": option.key, "text": option.label, "match": option.key}


def _parse_choice(item: Field, text: str, catalogue: Catalogue) -> dict | parse.Invalid:
    options = _options(item, catalogue)
    found = _matching_options(text, options)
    if len(found) == 1:
        return _option_value(found[0])
    labels = ", ".join(f"„{o.label}“" for o in options.values())
    if found:
        return parse.hint("choice_several", options=", ".join(f"„{o.label}“" for o in found))
    return parse.hint("choice_unknown", options=labels)


def _date_bounds(item: Field, state: dict, today: dt.date) -> tuple[str, dt.date | None, dt.date | None]:
    prefer, not_before, not_after = "near", None, None
    if item.dates == "future":
        prefer, not_before = "future", today
    elif item.dates == "past":
        prefer, not_after = "past", today
    if item.after and item.after in state["fields"]:
        earlier = dt.date.fromisoformat(state["fields"][item.after]["value"]) + dt.timedelta(days=1)
        not_before = max(not_before, earlier) if not_before else earlier
    if item.dates == "any":
        not_before = not_before or today - dt.timedelta(days=3 * 366)
        not_after = today + dt.timedelta(days=2 * 366)
    return prefer, not_before, not_after


def parse_field(item: Field, text: str, state: dict, today: dt.date, catalogue: Catalogue) -> dict | parse.Invalid:
    """The stored form of one answer, or the German hint that asks again."""
    if item.optional and item.type not in ("yesno", "confirm") and parse.is_skip(text):
        return {"value": None, "text": "keine Angabe", "match": ""}
    if item.type in ("choice", "document", "delivery"):
        return _parse_choice(item, text, catalogue)
    if item.type in ("yesno", "confirm"):
        result = parse.yes_no(text)
        if isinstance(result, parse.Invalid):
            return result
        return {"value": result.value, "text": result.text, "match": result.text}
    if item.type == "date":
        prefer, not_before, not_after = _date_bounds(item, state, today)
        result = parse.date_answer(text, today, prefer, not_before, not_after)
    elif item.type == "period":
        result = parse.period_answer(text, today, "future" if item.dates == "future" else "near")
        if isinstance(result, parse.Value) and item.dates == "future" and result.value["bis"] < today.isoformat():
            result = parse.hint("period_in_past")
    elif item.type == "count":
        numbers = re.findall(r"\d+", text)
        result = (parse.Value(int(numbers[0]), numbers[0]) if len(numbers) == 1 and 0 < int(numbers[0]) < 1000
                  else parse.hint("count_invalid"))
    else:
        parser = {"text": parse.free_text, "iban": parse.iban, "amount": parse.amount, "hours": parse.hours_per_week,
                  "address": parse.address, "contact": parse.contact}[item.type]
        result = parser(text)
    if isinstance(result, parse.Invalid):
        return result
    return {"value": result.value, "text": result.text, "match": str(result.value)}


def _field_named(declaration: Declaration, state: dict, catalogue: Catalogue, text: str) -> Field | None:
    norm = normalise(text)
    candidates = [f for f in applicable(declaration, state, catalogue) if f.key in state["fields"] and f.type != "confirm"]
    for item in candidates:
        if norm == normalise(item.label) or norm == item.key:
            return item
    named = [f for f in candidates if normalise(f.label) in norm or f.key.replace("_", " ") in norm]
    return named[0] if len(named) == 1 else None


def answer(declaration: Declaration, state: dict, text: str, today: dt.date, catalogue: Catalogue,
           content: Content) -> Step:
    """Apply the citizen's answer to the dialogue; the returned messages are said before the next prompt."""
    state = {**state, "fields": dict(state["fields"])}
    text = text.strip()
    short = len(text) <= 60
    if short and is_abort(text):
        return Step({**state, "stage": "aborted", "message": ""})
    if state["stage"] == "confirm":
        if re.search(r"\babsenden\b", normalise(text)) or yes_or_no(text) is True:
            return Step({**state, "stage": "send"})
        if CORRECT_WORDS.search(normalise(text)):
            named = _field_named(declaration, state, catalogue, text)
            if named is not None:
                del state["fields"][named.key]
                return Step({**state, "stage": "fields"})
            return Step({**state, "stage": "correct"})
        named = _field_named(declaration, state, catalogue, text)
        if named is not None:
            del state["fields"][named.key]
            return Step({**state, "stage": "fields"})
        return Step(state, [say("declarations.summary_unclear", content)])
    if state["stage"] == "correct":
        named = _field_named(declaration, state, catalogue, text)
        if named is None:
            return Step(state, [say("declarations.correct_unclear", content)])
        del state["fields"][named.key]
        return Step({**state, "stage": "fields"})
    item = pending(declaration, state, catalogue)
    if item is None:
        return Step({**state, "stage": "confirm"})
    parsed = parse_field(item, text, state, today, catalogue)
    if isinstance(parsed, parse.Invalid):
        return Step(state, [parsed.message])
    if item.type == "confirm" and parsed["value"] is False:
        message, _ = fill(content, item.on_no)
        return Step({**state, "stage": "aborted", "message": message})
    state["fields"][item.key] = parsed
    if pending(declaration, state, catalogue) is None:
        if delivery(declaration, state, catalogue) == "link":
            return Step({**state, "stage": "link"})
        state["stage"] = "confirm"
    return Step(state)


FINISHED = ("send", "aborted", "link")  # stages after which the form asks nothing more
THREAT_CONFIDENCE = 0.6
HUMAN_CONFIDENCE = 0.8


def interruption(intent: str | None, confidence: float | None, text: str) -> str | None:
    """An answer that is not an answer: "threat" (handled as anywhere else, never filed), "handover" (a short
    request for a person), or None."""
    if intent == "threat" and (confidence or 0) >= THREAT_CONFIDENCE:
        return "threat"
    if intent == "request_human" and (confidence or 0) >= HUMAN_CONFIDENCE and len(text) <= 80:
        return "handover"
    return None
