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
from bot.content import Button, Content, get_content, say
from bot.declarations import extract
from bot.declarations import fields as parse
from bot.declarations.catalogue import DELIVERY_OPTIONS, Catalogue, Declaration, Field, Option
from bot.knowledge.answers import Reply, fill
from bot.language.formatting import date as format_date
from bot.language.textparse import normalise

SEND_BUTTON = Button("Ja, absenden", "ja, absenden", raw=True)
CORRECT_BUTTON = Button("Korrigieren", "korrigieren", raw=True)
CANCEL_BUTTON = Button("Abbrechen", "abbrechen", raw=True)
SKIP_BUTTON = Button("Überspringen", "keine Angabe", raw=True)
CORRECT_WORDS = re.compile(r"\b(korrigieren|korrektur|aendern|falsch|stimmt nicht|nicht richtig|berichtigen|"
                           r"anpassen|nein|nee|ne|aber|stimmt (was|etwas) nicht)\b")
# Words that name a field by its type at a correction ("datum ist doch der 16.", "die iban ist ...").
TYPE_WORDS = {"date": r"datum|tag|wann", "period": r"zeitraum|datum|von|bis", "iban": r"iban|konto|bankverbindung",
              "address": r"adresse|anschrift|strasse|hausnummer|plz|postleitzahl|ort",
              "amount": r"betrag|euro|summe|brutto|netto", "contact": r"telefon|handy|nummer|mail|erreichbar",
              "hours": r"stunden", "count": r"anzahl|bewerbungen"}
# Aliases too general to decide a choice the citizen was not asked about.
GENERIC_ALIASES = {"ja", "nein", "nicht", "noch nicht", "habe ich", "hab ich", "morgen", "anderes", "sonstiges",
                   "ganz", "teil", "alles", "gesamt"}
SELF = re.compile(r"^\s*(ich|ich selbst|ich selber|selbst|selber|mir|meins|mein eigenes|das bin ich|ich bin das|"
                  r"ich bin es|ich bins|auf mich|meiner)\b")
LANGUAGES = re.compile(r"\b(arabisch|englisch|tuerkisch|russisch|ukrainisch|polnisch|franzoesisch|persisch|farsi|"
                       r"rumaenisch|bulgarisch|kurdisch|italienisch|spanisch|griechisch|serbisch|kroatisch|albanisch|"
                       r"tigrinya|dari|paschtu|somali|vietnamesisch|leichte sprache|andere(n|r)? sprache)\b")
# "ich will keine Beschwerde (, ich will mein Geld)": the citizen wants something else.
NOT_WANTED = re.compile(r"(^(nein,? )?|\b(will|moechte|brauche|wollte|mag)\s+(doch\s+)?)(keine?n?|nicht)\s+"
                        r"(beschwerde|beschweren|meldung|krankmeldung|veraenderungsmitteilung|verzicht|verzichten|"
                        r"hinweis|lob)\b")
APPOINTMENT = "Termin"  # a second request for an appointment, offered after the declaration
ALSO = re.compile(r"\b(auch|ausserdem|zusaetzlich|und noch|ebenfalls)\b")
MONEY = re.compile(r"\b(geld|zahlung|ueberweisung|ueberwiesen|auszahlung|bezahlt)\b")
REASON_CUE = r"\b(weil|da|denn|wegen|aufgrund|grund)\b"
LETTER_CUE = (r"\b((aktuell|letzt|neu|alt)\w*\s+)?(\w*bescheid\w*|schreiben|aufforderung|brief|anhoerung|"
              r"anhörung|mahnung|einladung)\b")
PROVIDER = re.compile(r"(?i)\b(?P<what>[\wäöüß-]*(?:rente|geld|leistung|unterhalt|bafög|bafoeg)[\wäöüß-]*)\s+"
                      r"(?P<from>(?:von|vom|bei)\s+[^,;.!?]+)")


@dataclass
class Step:
    state: dict[str, Any]
    messages: list[str] = field(default_factory=list)


def new_state(declaration: Declaration, first_message: str, catalogue: Catalogue,
              today: dt.date | None = None, content: Content | None = None) -> dict[str, Any]:
    """A fresh dialogue; every value the first message already holds (a choice such as
    "P-Konto-Bescheinigung", dates, amounts, IBAN, address, employer, ...) is taken and not asked again.
    The keys taken are in state["noted"]."""
    state: dict[str, Any] = {"intent": declaration.intent, "id": uuid.uuid4().hex, "stage": "fields", "fields": {}}
    # a bare number is a menu answer, not a value named in the first message
    if first_message and not first_message.startswith("/") and not first_message.strip().isdigit():
        norm = normalise(first_message)
        state["noted"] = take_values(declaration, state, first_message, today or dt.date.today(), catalogue,
                                     opening=True)
        state.pop("sources", None)
        _referral(declaration, state, catalogue, content)
        _post_only(declaration, state, catalogue, content)
        for note in declaration.notes:  # not this declaration after all ("mein Sohn ist krank")
            if note.at == "start" and re.search(note.match, norm) and not (
                    note.bare and not _bare(declaration, state, first_message)):
                state.update({"stage": "aborted", "message": fill(content or get_content(), note.text)[0]})
                if note.buttons:  # "muss ich das melden?": answered, the declaration offered
                    state["buttons"] = [list(button) for button in note.buttons]
                return state
        if documents(declaration, state, catalogue) and LANGUAGES.search(normalise(first_message)):
            state["notes"] = [fill(content or get_content(), say("declarations.language_note", content))[0]]
        for item in declaration.fields:  # "umgezogen und neue bank": the second is offered afterwards
            if item.type == "choice" and not item.when and item.key in state["fields"]:
                named = _matching_options(first_message, item.options, generic=False)
                if len(named) > 1 and ALSO.search(normalise(first_message)):
                    state["also"] = [o.label for o in named[1:]]
        if ALSO.search(norm) and re.search(r"\btermin\b", norm) and not re.search(r"\b(absag|verschieb|verleg)",
                                                                                   norm):
            state["also"] = [*state.get("also", []), APPOINTMENT]  # "umgezogen und brauche auch einen Termin"
        _complete(declaration, state, catalogue)
    return state


def _bare(declaration: Declaration, state: dict, first_message: str) -> bool:
    """The first message names no value but the kind of report (a choice) or a description of itself:
    a question ("hab arbeit gefunden, muss ich das melden?"), not yet a report."""
    if re.search(r"\d", first_message):
        return False
    kinds = {f.key for f in declaration.fields if f.type == "choice" or (f.type == "text" and f.find == "description")}
    return set(state.get("noted") or []) <= kinds


def _referral(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content | None) -> None:
    """Documents of another office (Kindergeld: Familienkasse): said instead, nothing is sent."""
    docs = documents(declaration, state, catalogue)
    referred = [d for d in docs if d.refer]
    if not referred:
        return
    text = " ".join(fill(content or get_content(), say("declarations.refer", content, document=d.label,
                                                      where=d.refer))[0] for d in referred)
    rest = [d for d in docs if not d.refer]
    key = next(f.key for f in declaration.fields if f.type == "document")
    if rest:
        state["fields"][key] = _several_documents(rest) if len(rest) > 1 else _option_value(rest[0])
        state.setdefault("notes", []).append(text)
    else:
        state["fields"].pop(key, None)
        state.update({"stage": "aborted", "message": text})


def _post_only(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content | None) -> None:
    """A document sent only by post (a copy of a Bescheid) asked for as link or PDF: the wish is not noted as the
    delivery, and the citizen is told that it comes by post."""
    wished = [f.key for f in declaration.fields if f.type == "delivery" and f.key in state["fields"]
              and state["fields"][f.key].get("value") == "link"]
    post_only = [d for d in documents(declaration, state, catalogue) if d.post_only]
    if not wished or not post_only:
        return
    for key in wished:
        state["fields"].pop(key)
    state["noted"] = [k for k in state.get("noted", []) if k not in wished]
    state.setdefault("notes", []).extend(fill(content or get_content(), say("declarations.post_only_note", content,
                                                                            document=d.label))[0] for d in post_only)


def _complete(declaration: Declaration, state: dict, catalogue: Catalogue) -> None:
    """Everything answered: the summary (or, for a link, the link) comes next."""
    if state["stage"] == "fields" and pending(declaration, state, catalogue) is None:
        state["stage"] = "link" if delivery(declaration, state, catalogue) == "link" else "confirm"


# ----------------------------------------------------------------------------- which field next


def _options(item: Field, catalogue: Catalogue) -> dict[str, Option]:
    if item.type == "document":
        return catalogue.documents
    if item.type == "delivery":
        return {k: Option(k, label, aliases) for k, (label, aliases) in DELIVERY_OPTIONS.items()}
    return item.options


def documents(declaration: Declaration, state: dict, catalogue: Catalogue) -> list[Option]:
    """The documents asked for (one or several)."""
    for item in declaration.fields:
        if item.type == "document" and item.key in state["fields"]:
            value = state["fields"][item.key]["value"]
            keys = value if isinstance(value, list) else [value]
            return [catalogue.documents[k] for k in keys if k in catalogue.documents]
    return []


def named_documents(text: str, catalogue: Catalogue) -> list[Option]:
    """The documents of the catalogue a text names (title or alias; generic words such as "ja" do not count)."""
    return _matching_options(text, catalogue.documents, generic=False)


def _document(declaration: Declaration, state: dict, catalogue: Catalogue) -> Option | None:
    found = documents(declaration, state, catalogue)
    return found[0] if found else None


def _matches(entry: dict) -> list[str]:
    value = entry.get("value")
    return [str(v) for v in value] if isinstance(value, list) else [str(entry.get("match"))]


# Asked first when a declaration is taken without BG-Nummer: who it is, for the team to match the case.
UNIDENTIFIED = Field("person", "Angaben zur Person (nicht identifiziert)", "person", "")


def applicable(declaration: Declaration, state: dict, catalogue: Catalogue) -> list[Field]:
    answered = state["fields"]
    result = [UNIDENTIFIED] if state.get("unidentified") else []
    for item in declaration.fields:
        if any(other not in answered or not set(_matches(answered[other])) & set(wanted)
               for other, wanted in item.when.items()):
            continue
        if item.type == "delivery":
            docs = documents(declaration, state, catalogue)
            if docs and any(d.post_only or not d.url for d in docs):
                continue
        result.append(item)
    return result


def pending(declaration: Declaration, state: dict, catalogue: Catalogue) -> Field | None:
    return next((f for f in applicable(declaration, state, catalogue) if f.key not in state["fields"]), None)


def delivery(declaration: Declaration, state: dict, catalogue: Catalogue) -> str | None:
    """'link' or 'post' for document requests; None where nothing is delivered."""
    docs = documents(declaration, state, catalogue)
    if not docs:
        return None
    if any(d.post_only or not d.url for d in docs):
        return "post"
    for item in declaration.fields:
        if item.type == "delivery" and item.key in state["fields"]:
            return state["fields"][item.key]["value"]
    return None


def needs_identification(declaration: Declaration, state: dict, catalogue: Catalogue) -> bool:
    if state.get("unidentified"):  # no number: taken with contact data, marked "nicht identifiziert"
        return False
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
        notes, offers = summary_notes(declaration, state, catalogue)
        if notes:
            text = "\n".join([*(fill(content, n)[0] for n in notes), text])
        return Reply(text, (SEND_BUTTON, CORRECT_BUTTON, CANCEL_BUTTON,
                            *(Button(_offer_title(o), _offer_title(o), raw=True) for o in offers)))
    if stage == "correct":
        items = [f for f in applicable(declaration, state, catalogue) if f.key in state["fields"] and f.type != "confirm"]
        return Reply(say("declarations.correct_which", content), tuple(Button(f.label, f.label, raw=True) for f in items))
    item = pending(declaration, state, catalogue)
    if item is None:  # everything is answered: the summary is the next question
        return prompt(declaration, {**state, "stage": "confirm"}, catalogue, content)
    if item is UNIDENTIFIED:
        post = delivery(declaration, state, catalogue) == "post"
        return Reply(say("declarations.unidentified_ask_post" if post else "declarations.unidentified_ask", content))
    text, _ = fill(content, item.ask)
    text = _with_notes(declaration, state, catalogue, content, text)
    buttons: tuple[Button, ...] = ()
    if item.type in ("choice", "document", "delivery"):
        buttons = tuple(Button(o.label, o.label, raw=True) for o in _options(item, catalogue).values())
    elif item.type in ("yesno", "confirm"):
        buttons = (Button("Ja", "ja", raw=True), Button("Nein", "nein", raw=True))
    if item.optional:
        buttons += (SKIP_BUTTON,)
    return Reply(text, buttons)


def _said(declaration: Declaration, state: dict, catalogue: Catalogue) -> str:
    given = answers(declaration, state, catalogue)
    return normalise(" ".join(f"{e.get('text', '')} {e.get('original', '')}" for e in given.values()))


def summary_notes(declaration: Declaration, state: dict, catalogue: Catalogue) -> tuple[list[str], list[Declaration]]:
    """Notes shown with the summary (e.g. work found while waiving) and the declarations they offer instead."""
    said = _said(declaration, state, catalogue)
    matching = [n for n in declaration.notes if n.at == "summary" and re.search(n.match, said)]
    offers = [catalogue.declarations[n.offer] for n in matching if n.offer in catalogue.declarations]
    return [n.text for n in matching], offers


def _offer_title(declaration: Declaration) -> str:
    return f"Stattdessen: {declaration.title}"


def _switch(text: str, catalogue: Catalogue, today: dt.date) -> dict | None:
    """A click on "Stattdessen: <Erklärung>": that declaration starts in the same dialogue."""
    norm = normalise(text)
    for other in catalogue.declarations.values():
        if norm == normalise(_offer_title(other)):
            return new_state(other, "", catalogue, today)
    return None


def opening_notes(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content) -> str:
    """What the first message already said, as one text (empty when nothing)."""
    return _with_notes(declaration, state, catalogue, content, "").strip()


def _with_notes(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content, question: str) -> str:
    """The question, after what was just taken from the citizen's message (and a second request announced)."""
    parts = list(state.get("notes") or [])
    if state.get("noted"):
        parts.append(say("declarations.noted", content,
                         lines=noted_lines(declaration, state, catalogue, state["noted"])))
    if "noted" in state and state.get("also"):
        parts.append(say("declarations.also_later", content, what=" und ".join(state["also"])))
    return "\n".join([*parts, question] if question else parts)


# ----------------------------------------------------------------------------- answers


_OTHER_SCRIPT = re.compile(r"[^\x00-\u024f]")


def _matching_options(text: str, options: dict[str, Option], by_alias: bool = True,
                      generic: bool = True) -> list[Option]:
    """The options the text names, in the order the text names them (a click sends the label: exact).
    Without `generic`, aliases such as "ja" or "nicht" do not count (a choice nobody asked about)."""
    norm = normalise(text)
    folded = " ".join(text.casefold().split())  # the other languages' letters, which `normalise` drops
    for option in options.values():
        if folded == " ".join(option.label.casefold().split()) or norm and norm in (normalise(option.label), option.key):
            return [option]
    if re.fullmatch(r"\d{1,2}", norm) and 1 <= int(norm) <= len(options):
        return [list(options.values())[int(norm) - 1]]
    if not by_alias:
        return []
    found: list[tuple[int, Option]] = []
    for option in options.values():
        aliases = [a for a in option.aliases if generic or a not in GENERIC_ALIASES]
        names = (normalise(option.label),) + tuple(normalise(a) for a in aliases)
        starts = [m.start() for n in names if n
                  for m in [re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", norm)] if m]
        # aliases in other scripts ("переїхала", "انتقلت") are looked for in the text as written
        starts += [len(norm) + m.start() for a in aliases if _OTHER_SCRIPT.search(a)
                   for m in [re.search(rf"(?<!\w){re.escape(a.casefold())}", folded)] if m]
        if starts:
            found.append((min(starts), option))
    return [option for _, option in sorted(found, key=lambda pair: pair[0])]


def _option_value(option: Option) -> dict[str, Any]:
    return {"value": option.key, "text": option.label, "match": option.key}


def _several_documents(found: list[Option]) -> dict[str, Any]:
    return {"value": [o.key for o in found], "text": ", ".join(o.label for o in found), "match": found[0].key}


def _parse_choice(item: Field, text: str, catalogue: Catalogue) -> dict | parse.Invalid:
    options = _options(item, catalogue)
    found = _matching_options(text, options)
    if len(found) == 1:
        return _option_value(found[0])
    if len(found) > 1 and item.type == "document":  # "beide, weiterbewilligung und merkblatt"
        return _several_documents(found)
    if len(found) > 1 and item.type == "delivery":  # "per email schicken": the first named wins
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


def _base_date(item: Field, state: dict) -> dt.date | None:
    if item.after and item.after in state["fields"] and state["fields"][item.after].get("value"):
        return dt.date.fromisoformat(state["fields"][item.after]["value"])
    return None


def _person(text: str) -> dict | parse.Invalid:
    """Who is writing without a number: a name (two words at least) and whatever contact data comes with it."""
    cleaned = " ".join(text.split())
    words = re.findall(r"[^\W\d_]{2,}", cleaned)
    if len(words) < 2:
        return parse.hint("unidentified_name")
    value: dict[str, Any] = {"angaben": cleaned}
    shown = cleaned
    before, address = extract.split_address(cleaned)
    if address is not None:  # "lisa mustermann lindenweg fünf ..." -> "lisa mustermann, Lindenweg 5, ..."
        value["anschrift"] = address.value
        shown = f"{before}, {address.text}" if before else address.text
    found = extract.find_contact(cleaned)
    if found:
        value["kontakt"] = found.value
    return {"value": value, "text": shown, "match": ""}


def parse_field(item: Field, text: str, state: dict, today: dt.date, catalogue: Catalogue) -> dict | parse.Invalid:
    """The stored form of one answer, or the German hint that asks again."""
    if item.type == "person":
        return _person(text)
    if item.optional and item.type not in ("yesno", "confirm") and parse.is_skip(text):
        return {"value": None, "text": "keine Angabe", "match": ""}
    if item.type == "text" and item.find == "person" and SELF.match(normalise(text)) and state.get("customer_name"):
        name = state["customer_name"]
        return {"value": name, "text": name, "match": name}
    if item.type == "address":  # the clean address out of "lindenweg 5 50667 musterstadt hab ich doch geschrieben"
        found = extract.find_address(text)
        if found:
            return {"value": found.value, "text": found.text, "match": found.value}
    if item.type in ("choice", "document", "delivery"):
        return _parse_choice(item, text, catalogue)
    if item.type in ("yesno", "confirm"):
        result = parse.yes_no(text)
        if isinstance(result, parse.Invalid):
            return result
        return {"value": result.value, "text": result.text, "match": result.text}
    if item.type == "date":
        prefer, not_before, not_after = _date_bounds(item, state, today)
        result = parse.date_answer(text, today, prefer, not_before, not_after, base=_base_date(item, state))
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


# ----------------------------------------------------------------------------- values found in any message


def _find(item: Field, text: str, state: dict, today: dt.date, catalogue: Catalogue, opening: bool,
          avoid: str) -> tuple[dict, str] | None:
    """The value of `item` somewhere in `text` (already without identification), and the clause it came from
    ("" when not from one clause); None when there is none. Never a hint: nobody asked for this value."""
    norm = normalise(text)
    if item.cue and item.type not in ("date", "period", "amount") and not re.search(item.cue, norm):
        return None
    if item.type in ("choice", "document", "delivery"):
        found = _matching_options(text, _options(item, catalogue), generic=False)
        if not found:
            return None
        if item.type == "document" and len(found) > 1:
            return _several_documents(found), ""
        return _option_value(found[0]), ""
    if item.type in ("date", "period"):
        prefer, not_before, not_after = _date_bounds(item, state, today)
        for clause in extract.clauses(text):
            clause_norm = normalise(clause)
            cue = re.search(item.cue, clause_norm) if item.cue else None
            if item.cue and not cue or avoid and re.search(avoid, clause_norm):
                continue
            if cue is not None:  # the date after its words ("frist bis 9.12.", "brauche bis zum 23.12.")
                clause = clause_norm[cue.start():]
                clause_norm = clause
            if item.type == "period":
                period = parse.period_answer(clause, today, "future" if item.dates == "future" else "near")
                if isinstance(period, parse.Value) and not (item.dates == "future"
                                                            and period.value["bis"] < today.isoformat()):
                    return {"value": period.value, "text": period.text, "match": str(period.value)}, clause
                continue
            if cue is None and re.search(r"\s(bis|-)\s*\d", clause_norm) and re.search(r"\b(vom|von|ab)\b", clause_norm):
                continue  # a period is no single date
            day = parse.parse_date(clause, today, prefer, base=_base_date(item, state), loose=False)
            if isinstance(day, dt.date) and (not not_before or day >= not_before) and (not not_after or day <= not_after):
                return {"value": day.isoformat(), "text": format_date(day), "match": day.isoformat()}, clause
        return None
    value: parse.Value | None = None
    source = ""
    if item.type == "iban":
        value = extract.find_iban(text)
    elif item.type == "address":
        value = extract.find_address(text)
    elif item.type == "contact":
        value = extract.find_contact(text)
    elif item.type == "amount":
        for clause in extract.clauses(text):
            if avoid and re.search(avoid, normalise(clause)):
                continue
            value = extract.find_amount(clause, item.cue)
            if value:
                source = clause
                break
    elif item.type == "hours":
        value = extract.find_hours(text)
    elif item.type == "count":
        value = extract.find_count(text)
    elif item.type == "text":
        value = _find_text(item, text, today, opening)
    if value is None:
        return None
    return {"value": value.value, "text": value.text, "match": str(value.value)}, source


def _find_text(item: Field, text: str, today: dt.date, opening: bool) -> parse.Value | None:
    if item.find == "employer":
        return extract.find_employer(text)
    if item.find == "person":
        return extract.find_person(text, item.cue) if item.cue or opening else None
    if item.find == "reason":
        return extract.find_clause(text, item.cue or REASON_CUE, start_at_cue=True)
    if item.find == "letter":  # "Bescheid vom 15.10.", "aktueller Bewilligungsbescheid"; not the word alone
        found = extract.find_clause(text, item.cue or LETTER_CUE, start_at_cue=True)
        return found if found and re.search(r"\d|\b(vom|von|aktuell\w*|letzt\w*|neu\w*|zeitraum|wegen|zur|zum)\b",
                                            normalise(found.text)) else None
    if item.find == "provider":
        match = PROVIDER.search(text)
        return parse.Value(f"{match.group('what')} {match.group('from')}".strip(),
                           f"{match.group('what')} {match.group('from')}".strip()) if match else None
    if item.find == "destination":
        return extract.find_destination(text)
    if item.find == "month":
        return extract.find_month(text, today)
    if item.find == "description" and opening and extract.is_substantial(text):
        cleaned = " ".join(text.split()).strip(" ,.")
        return parse.Value(cleaned, cleaned)
    return None


def take_values(declaration: Declaration, state: dict, text: str, today: dt.date, catalogue: Catalogue,
                opening: bool = False, skip: Field | None = None) -> list[str]:
    """Fill every unanswered field whose value the text holds (changes `state`); the keys taken, in order.
    Later answers fill free-text fields only when the question asked was not itself a free-text one."""
    text = extract.strip_identity(text)
    if not text:
        return []
    taken: list[str] = []
    sources: list[str] = []
    changed = True
    while changed:
        changed = False
        for item in applicable(declaration, state, catalogue):
            if item.key in state["fields"] or item is skip or item.type in ("yesno", "confirm", "person"):
                continue
            if not opening and item.type == "text" and (skip is None or skip.type in ("text", "person")):
                continue
            siblings = [f.cue for f in declaration.fields if f.type == item.type and f is not item and f.cue]
            avoid = "|".join(f"(?:{c})" for c in siblings) if not item.cue else ""
            found = _find(item, text, state, today, catalogue, opening, avoid)
            if found is None:
                continue
            state["fields"][item.key] = {**found[0], "original": text[:300]}
            taken.append(item.key)
            if found[1]:
                sources.append(found[1])
            changed = True
    state["sources"] = sources
    return taken


def noted_lines(declaration: Declaration, state: dict, catalogue: Catalogue, keys: list[str]) -> str:
    labels = {f.key: f.label for f in declaration.fields}
    return "\n".join(f"• {labels.get(k, k)}: {state['fields'][k]['text']}" for k in keys if k in state["fields"])


def _field_named(declaration: Declaration, state: dict, catalogue: Catalogue, text: str) -> Field | None:
    norm = normalise(text)
    candidates = [f for f in applicable(declaration, state, catalogue) if f.key in state["fields"]
                  and f.type not in ("confirm", "person")]
    for item in candidates:
        if norm == normalise(item.label) or norm == item.key:
            return item
    named = [f for f in candidates if normalise(f.label) in norm or f.key.replace("_", " ") in norm]
    if len(named) == 1:
        return named[0]
    by_type = [f for f in candidates if f.type in TYPE_WORDS and re.search(rf"\b({TYPE_WORDS[f.type]})\b", norm)]
    return by_type[0] if len(by_type) == 1 else None


def _correct(declaration: Declaration, state: dict, text: str, today: dt.date, catalogue: Catalogue) -> list[str]:
    """A correction in the same message ("nein, die IBAN ist DE77...", "hausnummer ist 14", "datum ist der 16."):
    the changed keys (changes `state`)."""
    changed = []
    fields_ = state["fields"]
    for item in applicable(declaration, state, catalogue):
        if item.key not in fields_ or item.type in ("choice", "document", "delivery", "yesno", "confirm", "text",
                                                     "person"):
            continue
        if item.type == "address":
            replaced = extract.replace_house_number(fields_[item.key]["text"], text)
            if replaced and replaced != fields_[item.key]["text"]:
                fields_[item.key] = {**fields_[item.key], "value": replaced, "text": replaced, "match": replaced}
                changed.append(item.key)
                continue
        probe = {**state, "fields": {k: v for k, v in fields_.items() if k != item.key}}
        found = _find(item, extract.strip_identity(text), probe, today, catalogue, False, "")
        if found is None and item.type == "date" and fields_[item.key].get("value"):
            old = dt.date.fromisoformat(fields_[item.key]["value"])  # "der 16." in the same month
            day = re.search(r"\b(\d{1,2})\.?(?!\s*\d)", normalise(text))
            if day and re.search(rf"\b({TYPE_WORDS['date']})\b|\bder\b", normalise(text)):
                try:
                    new = old.replace(day=int(day.group(1)))
                    found = ({"value": new.isoformat(), "text": format_date(new), "match": new.isoformat()}, "")
                except ValueError:
                    found = None
        if found and found[0]["value"] != fields_[item.key]["value"]:
            fields_[item.key] = {**found[0], "original": extract.strip_identity(text)[:300]}
            changed.append(item.key)
    return changed


ATTEMPTS = {"iban": r"\b[a-z]{2}\s?\d{2}", "date": r"\d{1,2}\.", "period": r"\d{1,2}\.", "amount": r"\d",
            "hours": r"\d", "count": r"\d", "address": r"\d{4,5}", "contact": r"@|\d{5,}"}


def _attempted(item: Field, text: str) -> bool:
    """Did the citizen try to give the value asked for (so that a hint about it is in place)?"""
    pattern = ATTEMPTS.get(item.type)
    return bool(pattern and re.search(pattern, normalise(text)))


def _without(text: str, sources: list[str]) -> str:
    """The answer without the clauses another field's value came from ("thomas mustermann, seit samstag")."""
    parts = [c for c in extract.clauses(text) if c not in sources]
    return ", ".join(parts) if parts and sources else text


def answer(declaration: Declaration, state: dict, text: str, today: dt.date, catalogue: Catalogue,
           content: Content) -> Step:
    """Apply the citizen's answer to the dialogue; the returned messages are said before the next prompt."""
    state = {**state, "fields": dict(state["fields"])}
    state.pop("noted", None)
    state.pop("notes", None)
    text = text.strip()
    short = len(text) <= 60
    asked = pending(declaration, state, catalogue) if state["stage"] == "fields" else None
    if asked is not None and asked.type == "confirm" and yes_or_no(text) is False or (
            asked is not None and asked.type == "confirm" and re.search(r"\b(doch nicht|lieber nicht)\b",
                                                                       normalise(text))):
        message, _ = fill(content, asked.on_no)
        return Step({**state, "stage": "aborted", "message": message})
    if short and is_abort(text):
        return Step({**state, "stage": "aborted", "message": ""})
    if len(text) <= 120 and NOT_WANTED.search(normalise(text)):
        message = fill(content, say("declarations.not_wanted_money", content))[0] if MONEY.search(
            normalise(text)) else ""
        return Step({**state, "stage": "aborted", "message": message})
    if state["stage"] in ("confirm", "correct"):
        norm = normalise(text)
        switched = _switch(text, catalogue, today)
        if switched is not None:
            return Step({**switched, "customer_name": state.get("customer_name", ""),
                         "unidentified": state.get("unidentified", False)})
        # a value in the message changes it, even after a yes ("ja, aber die hausnummer ist 14")
        if _correct(declaration, state, text, today, catalogue):
            return Step({**state, "stage": "confirm"})
        if state["stage"] == "confirm" and (re.search(r"\babsenden\b", norm)
                                            or yes_or_no(text) is True and not re.search(r"\baber\b", norm)
                                            or re.search(r"\b(stimmts?|stimmt es|stimmt das|passt|alles richtig|"
                                                         r"ist richtig|korrekt|in ordnung)\b", norm)
                                            and not re.search(r"\b(nicht|nein|falsch|kein|aber)\b", norm)):
            return Step({**state, "stage": "send"})
        named = _field_named(declaration, state, catalogue, text)
        if named is not None:
            del state["fields"][named.key]
            return Step({**state, "stage": "fields"})
        if state["stage"] == "correct":
            return Step(state, [say("declarations.correct_unclear", content)])
        if CORRECT_WORDS.search(norm):
            return Step({**state, "stage": "correct"})
        return Step(state, [say("declarations.summary_unclear", content)])
    item = pending(declaration, state, catalogue)
    if item is None:
        return Step({**state, "stage": "confirm"})
    before = set(state["fields"])
    others = take_values(declaration, state, text, today, catalogue, skip=item)
    sources = state.pop("sources", [])
    if item.key in state["fields"] or item not in applicable(declaration, state, catalogue):
        parsed: dict | parse.Invalid = state["fields"].get(item.key) or {}
    else:
        answer_text = _without(text, sources) if item.type in ("text", "person") else text
        parsed = parse_field(item, answer_text, state, today, catalogue)
    messages: list[str] = []
    if isinstance(parsed, parse.Invalid):
        if others:  # the citizen said something else too: keep it; a hint only if they tried to answer
            state["noted"] = others
            _complete(declaration, state, catalogue)
            return Step(state, [parsed.message] if _attempted(item, text) else [])
        description = next((f for f in applicable(declaration, state, catalogue)
                            if f.find == "description" and f.key in state["fields"]), None)
        if description is not None and len(text.split()) >= 5:  # more about what happened
            entry = state["fields"][description.key]
            combined = f"{entry['text']} {text}"[:parse.MAX_TEXT]
            state["fields"][description.key] = {**entry, "value": combined, "text": combined, "match": combined}
            return Step(state, [say("declarations.added_to_description", content)])
        for key in set(state["fields"]) - before:
            del state["fields"][key]
        return Step(state, [parsed.message])
    if item.type == "confirm" and parsed.get("value") is False:
        message, _ = fill(content, item.on_no)
        return Step({**state, "stage": "aborted", "message": message})
    if parsed and item.key not in state["fields"]:
        state["fields"][item.key] = {**parsed, "original": extract.strip_identity(text)[:300]}
        # fields this answer opened ("ja, antwort an max@example.org"), and several documents named back
        others += take_values(declaration, state, text, today, catalogue, skip=item)
        state.pop("sources", None)
        if item.type == "document" and isinstance(parsed.get("value"), list):
            others = [item.key, *others]
        if item.type in ("date", "period") and not re.search(r"\d{1,2}\.\s?\d{1,2}\.", text):  # "so 2 Wochen mehr"
            messages.append(say("declarations.understood", content, label=item.label, value=parsed["text"]))
    if item.type == "document":
        _referral(declaration, state, catalogue, content)
    _complete(declaration, state, catalogue)
    if others and state["stage"] == "fields":
        state["noted"] = others
    return Step(state, messages)


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


QUESTION = re.compile(r"\?\s*$|^\s*(wie|was|wann|wo|wieso|warum|weshalb|welche[rsnm]?|muss|kann|darf|gibt|bekomme|krieg|"
                      r"ist|sind|wird|werden|zahlt|uebernimmt)\b")
NO_NUMBER = re.compile(r"\b((noch )?keine?n?|ohne)\s+(bg[- ]?)?(nummer|kundennummer|bg[- ]?nummer|bg[- ]?nr|nr)\b|"
                       r"\bnoch nie (buergergeld|leistungen)|\berst (beantragen|einen antrag)|\berstantrag\b")
FORGOTTEN = re.compile(r"\b(weiss|kenne?|finde|hab|habe)\b.{0,25}\b(nicht|nich)\b|\bvergessen\b|\bnicht zur hand\b|"
                       r"\bnicht (da|hier|dabei)\b|\bkeine ahnung\b")


def is_question(text: str) -> bool:
    return bool(QUESTION.search(normalise(text) + ("?" if text.strip().endswith("?") else "")))


def took_nothing(before: dict, after: dict) -> bool:
    """The answer changed nothing in the dialogue (a question, not an answer)."""
    return before.get("stage") == after.get("stage") and before.get("fields") == after.get("fields")


def no_number(text: str) -> str | None:
    """'none' when the citizen has no BG-Nummer (yet), 'forgotten' when it is not at hand, else None."""
    norm = normalise(text)
    if re.search(r"\d{5}\s*bg|\b\d{3}\s*[a-z]\s*\d{6}\b", norm):
        return None
    if NO_NUMBER.search(norm):
        return "none"
    if FORGOTTEN.search(norm) and (len(norm) <= 40 or re.search(r"\b(nummer|bescheid|hand|nr)\b", norm)):
        return "forgotten"
    return None


def unidentified(state: dict) -> dict:
    """The dialogue without BG-Nummer: the person's details are asked first (also when all else is known)."""
    stage = "fields" if state.get("stage") in ("confirm", "correct", "link") else state.get("stage")
    return {**state, "unidentified": True, "stage": stage}


def may_go_unidentified(declaration: Declaration, state: dict, catalogue: Catalogue) -> bool:
    """Declarations can be taken without a number; what holds case-specific information (a certificate, a copy
    of a Bescheid) cannot."""
    if declaration.intent == "request_certificate":
        return False
    return not any(d.post_only for d in documents(declaration, state, catalogue))
