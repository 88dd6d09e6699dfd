"""Sending a confirmed declaration: one durable case in the inbox (idempotent per dialogue), the
absence standard-case decision, and the closing texts for the citizen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import redis

from bot.appointments.booking import booking_text
from bot.appointments.store import AppointmentBook
from bot.cases.store import CaseStore
from bot.content import Button, Content, say
from bot.declarations import absence, sick_note
from bot.declarations.catalogue import Catalogue, Declaration, get_catalogue
from bot.declarations.flow import APPOINTMENT, answers, documents
from bot.knowledge.answers import Reply, fill
from bot.language.formatting import date as format_date
from bot.language.formatting import with_unit
from bot.language.textparse import normalise
from bot.languages.context import current as current_language
from bot.languages.context import speaking

SUMMARY_LENGTH = 160
TRANSCRIPT_LINES = 40
LINE_LENGTH = 300


@dataclass(frozen=True)
class Submitter:
    """Who sends: the identified customer (id, office) or nobody, the channel and the transcript excerpt."""

    customer: str | None
    office: str
    channel: str
    transcript: tuple[str, ...] = ()


def _days(count: int) -> str:
    return with_unit(count, "days")


def link_reply(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content) -> Reply:
    """Documents sent as links: no case, one line per document; for a form the chat can take instead (a
    Veränderungsmitteilung), the offer to take it right here."""
    lines = []
    for document in documents(declaration, state, catalogue):
        url, _ = fill(content, document.url)
        text, _ = fill(content, declaration.texts["done_link"], {"document": document.label, "url": url})
        lines.append(text)
    here = report_here(declaration, state, catalogue)
    if here is None:
        return Reply("\n".join(lines))
    lines.append(say("declarations.report_here_offer", content, what=catalogue.declarations[here].title))
    return Reply("\n".join(lines), (Button(say("declarations.report_here_button", content), here),))


def report_here(declaration: Declaration, state: dict, catalogue: Catalogue) -> str | None:
    """The declaration (intent) the chat can take instead of the form sent as link, or None."""
    return next((d.declaration for d in documents(declaration, state, catalogue)
                 if d.declaration in catalogue.declarations), None)


def _said(given: dict[str, dict]) -> str:
    return normalise(" ".join(f"{entry.get('text', '')} {entry.get('original', '')}" for entry in given.values()))


def notes_for(declaration: Declaration, given: dict[str, dict], content: Content) -> list[str]:
    """The declaration's notes whose pattern matches the answers (the citizen's words included)."""
    said = _said(given)
    return [fill(content, note.text)[0] for note in declaration.notes if note.at == "done" and re.search(note.match, said)]


def question_notes(declaration: Declaration, state: dict, catalogue: Catalogue) -> list[int]:
    """The positions of the declaration's `at: question` notes whose pattern matches the answers: what is said
    when the citizen asks what comes next right after sending (`bot.declarations.after`)."""
    said = _said(answers(declaration, state, catalogue))
    return [i for i, note in enumerate(declaration.notes) if note.at == "question" and re.search(note.match, said)]


def next_step(content: Content, state: dict | None = None) -> Reply:
    """What comes after a declaration: the second request the citizen named, or the offer of more help."""
    also = (state or {}).get("also") or []
    if also:
        button = Button("Termin vereinbaren", "book_appointment") if also[0] == APPOINTMENT else \
            Button(f"{also[0]} melden", f"{also[0]} melden", raw=True)
        return Reply(say("declarations.also_offer", content, what=also[0]), (button,))
    return Reply(say("declarations.next_step", content))


def submit(declaration: Declaration, state: dict, catalogue: Catalogue, content: Content, client: redis.Redis,
           book: AppointmentBook, who: Submitter, now: dt.datetime) -> list[Reply]:
    """Create the case (once per dialogue) and return what the citizen is told."""
    given = answers(declaration, state, catalogue)
    # the team reads the case in German: title and answers from the German catalogue, the citizen's own
    # words (originaltext, transcript) and the conversation's language beside them
    language = current_language()
    team_declaration = declaration
    fields = {key: entry["text"] for key, entry in given.items()}
    if language != "de":
        with speaking("de"):
            german = get_catalogue()
            team_declaration = german.declarations.get(declaration.intent, declaration)
            fields = {key: entry["text"] for key, entry in answers(team_declaration, state, german).items()}
    values = {key: entry["value"] for key, entry in given.items()}
    # the citizen's own words beside the clean value, where they differ ("lindenweg 5 ... hab ich doch geschrieben")
    originals = {key: entry["original"] for key, entry in given.items()
                 if entry.get("original") and entry["original"] != entry["text"]}
    unidentified = who.customer is None and bool(state.get("unidentified"))
    summary = f"{team_declaration.title}: " + "; ".join(fields.values())
    if unidentified:
        fields = {"identifizierung": "nicht identifiziert", **fields}
        summary = "(nicht identifiziert) " + summary
    summary = summary if len(summary) <= SUMMARY_LENGTH else summary[:SUMMARY_LENGTH - 1] + "…"
    extra: dict[str, str] = {} if language == "de" else {"sprache": language}
    replies: list[Reply] = []
    status, history_note = "neu", ""
    decision = None
    if declaration.intent == "report_absence" and who.customer:
        decision, approved = _absence_decision(values["zeitraum"], content, client, book, who.customer, now,
                                               state["id"])
        extra = {**extra, "entscheidung": "genehmigt (Standardfall, im Namen des Jobcenters)" if approved
                 else "zur Entscheidung: " + " ".join(decision.reasons),
                 "tage": str(decision.total)}
        status = "erledigt" if approved else "neu"
        history_note = "automatisch genehmigt (Standardfall)" if approved else ""
        summary = ("Ortsabwesenheit genehmigt: " if approved else "Ortsabwesenheit zur Entscheidung: ") + fields["zeitraum"]
    case_id = CaseStore(client).create(
        declaration.kind, {**fields, **extra, "werte": values, **({"originaltext": originals} if originals else {})},
        now, customer=who.customer,
        priority=declaration.priority, idempotency_key=f"decl:{state['id']}", summary=summary, office=who.office,
        status=status, transcript=list(who.transcript), channel=who.channel, history_note=history_note)
    if decision is not None:
        assert who.customer is not None  # a decision is only made for an identified customer (above)
        replies.append(_absence_reply(declaration, content, decision, status == "erledigt", fields["zeitraum"],
                                      values["zeitraum"], case_id, client, who.customer))
    else:
        text, _ = fill(content, declaration.texts["done"], {"case": case_id})
        replies.append(Reply(text))
    if unidentified:
        replies.append(Reply(say("declarations.unidentified_done", content, case=case_id)))
    replies.extend(Reply(text) for text in notes_for(declaration, given, content))
    if declaration.intent == "report_sick" and who.customer:
        sick_note.remember(client, who.customer, values["zeitraum"], case_id, now)
        replies.extend(_appointments_during(values["zeitraum"], book, content, who.customer, now))
    return replies


def _absence_decision(period: dict, content: Content, client: redis.Redis, book: AppointmentBook, customer: str,
                      now: dt.datetime, dialogue_id: str) -> tuple[absence.Decision, bool]:
    start, end = dt.date.fromisoformat(period["von"]), dt.date.fromisoformat(period["bis"])
    max_days = int(content.figures["abwesenheit_max_tage"].value)
    ledger = absence.AbsenceLedger(client)
    key = f"decl:{dialogue_id}"
    if client.exists(f"absence:reserved:{key}"):  # a retried submission: already approved
        return absence.Decision(True, absence.days_per_year(start, end)), True
    appointments = [b.start for b in book.upcoming(customer, now)]
    decision = absence.check(start, end, now.date(), ledger.used(customer), max_days, appointments, content)
    approved = decision.approved and ledger.reserve(customer, decision.days, max_days, key)
    if decision.approved and not approved:  # days were used up in the meantime
        decision = absence.check(start, end, now.date(), ledger.used(customer), max_days, appointments, content)
    return decision, approved


def _absence_reply(declaration: Declaration, content: Content, decision: absence.Decision, approved: bool,
                   period_text: str, period: dict, case_id: str, client: redis.Redis, customer: str) -> Reply:
    max_days = int(content.figures["abwesenheit_max_tage"].value)
    if approved:
        end = dt.date.fromisoformat(period["bis"])
        used = absence.AbsenceLedger(client).used(customer)
        start_year = dt.date.fromisoformat(period["von"]).year
        left = "; ".join(f"{max(0, max_days - used.get(year, 0))} Tage für {year}" for year in sorted(decision.days)) \
            if len(decision.days) > 1 else _days(max(0, max_days - used.get(start_year, 0)))
        text, _ = fill(content, declaration.texts["done_approved"], {
            "case": case_id, "period": period_text, "days": _days(decision.total), "left": left,
            "return_day": format_date(end + dt.timedelta(days=1))})
        return Reply(text)
    text, _ = fill(content, declaration.texts["done_forwarded"], {
        "case": case_id, "period": period_text, "days": _days(decision.total), "reasons": " ".join(decision.reasons)})
    start, end = dt.date.fromisoformat(period["von"]), dt.date.fromisoformat(period["bis"])
    if any(start <= a.date() <= end for a in decision.appointments):  # the appointment can be moved right away
        return Reply(text, (Button(say("declarations.absence_move_button", content), "reschedule_appointment"),))
    return Reply(text)


def _appointments_during(period: dict, book: AppointmentBook, content: Content, customer: str,
                         now: dt.datetime) -> list[Reply]:
    start, end = dt.date.fromisoformat(period["von"]), dt.date.fromisoformat(period["bis"])
    inside = [b for b in book.upcoming(customer, now) if start <= b.start.date() <= end]
    if not inside:
        return []
    lines = "\n".join(f"• {booking_text(content, b)} (Buchungsnummer {b.ref})" for b in inside)
    return [Reply(say("declarations.sick_appointments", content, appointments=lines),
                  (Button("Termin absagen", "cancel_appointment"),))]



def transcript_excerpt(events: list[dict], start_action: str = "action_start_declaration") -> list[str]:
    """The conversation since the declaration started, for the case; the date of birth is left out."""
    start = max((i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == start_action),
                default=0)
    lines, requested = [], None
    # the user message that started the declaration comes right before the start action
    first_user = max((i for i, e in enumerate(events[:start]) if e.get("event") == "user"), default=start)
    for event in events[first_user:]:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
        elif kind == "user":
            text = event.get("text") or ""
            shown = "[Geburtsdatum, geprüft]" if requested == "id_birth_date" else text[:LINE_LENGTH]
            lines.append(f"Bürger/in: {shown}")
        elif kind == "bot" and event.get("text"):
            lines.append(f"Assistent: {event['text'][:LINE_LENGTH]}")
    return lines[-TRANSCRIPT_LINES:]
