"""German labels for the codes the desk shows (topics, priorities, statuses, channels, field keys) and
readable dates: staff read "Rückruf gewünscht", "dringend", "in Bearbeitung", "29.11.2026 09:24", never
"request_human", "urgent", "in_bearbeitung" or "2026-11-29T09:24:42".

`desk_labels()` is what the browser gets (/api/me); the CSV and XML exports use the same functions.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

PRIORITIES = {"crisis": "KRISE", "urgent": "dringend", "high": "hoch", "normal": "normal"}
STATUSES = {"neu": "neu", "in_bearbeitung": "in Bearbeitung", "erledigt": "erledigt"}
CONVERSATION_STATES = {"bot": "beim Assistenten", "queued": "wartet", "agent": "bei einer Person", "closed": "beendet"}
CHANNELS = {"webchat": "Chat", "chat": "Chat", "socketio": "Chat", "voice": "Anruf", "phone": "Telefon",
            "rest": "Schnittstelle (REST)", "E-Mail": "E-Mail", "email": "E-Mail", "post": "Post", "": "–"}
ROLES = {"citizen": "Bürger/in", "bot": "Assistent", "agent": "Service Center", "system": "System"}
CHANGES = {"status": "Status", "assignee": "Bearbeitung", "note": "Notiz", "fields": "Angaben"}

# Topics are the NLU intents of the citizen's last request (bot/handover/conversation.py).
TOPICS = {
    "greet": "Begrüßung", "goodbye": "Verabschiedung", "affirm": "Zustimmung", "deny": "Ablehnung",
    "thank": "Dank", "bot_challenge": "Frage, ob ein Mensch schreibt", "help": "Hilfe",
    "request_human": "Wunsch nach einer Person", "out_of_scope": "anderes Anliegen", "inform": "Angabe / Auskunft",
    "set_language": "Sprache gewählt",
    "nlu_fallback": "nicht verstanden", "ask_opening_hours": "Öffnungszeiten", "ask_contact": "Kontakt / Anschrift",
    "ask_eligibility": "Anspruch auf Bürgergeld", "ask_benefit_amount": "Höhe des Bürgergelds",
    "ask_assets": "Vermögen", "ask_housing_costs": "Kosten der Unterkunft", "ask_online_services": "Online-Dienste",
    "ask_application": "Antragstellung", "ask_funding": "Förderung", "ask_education_participation": "Bildung und Teilhabe",
    "ask_additional_needs": "Mehrbedarf", "ask_payment": "Zahlung / Auszahlung", "ask_case_status": "Bearbeitungsstand",
    "ask_sanctions": "Leistungsminderung", "book_appointment": "Termin buchen", "cancel_appointment": "Termin absagen",
    "reschedule_appointment": "Termin verschieben", "check_appointment": "Termin nachfragen",
    "report_change": "Veränderungsmitteilung", "report_employment": "Arbeitsaufnahme", "report_income": "Einkommen",
    "report_absence": "Ortsabwesenheit", "report_sick": "Krankmeldung",
    "request_deadline_extension": "Fristverlängerung", "report_activity": "Eigenbemühungen",
    "waive_benefits": "Verzicht auf Leistungen", "submit_complaint": "Beschwerde", "give_praise": "Lob",
    "report_misuse": "Hinweis auf Leistungsmissbrauch", "threat": "Drohung", "threat_possible": "mögliche Drohung",
    "crisis": "Krise", "urgent_need": "Notlage", "request_documents": "Unterlagen anfordern",
    "request_certificate": "Bescheinigung anfordern", "contact_consent": "Einwilligung zur Kontaktaufnahme",
    "privacy_request": "Datenschutz-Anfrage",
}

# Field keys of the built-in flows; declarations add theirs (with labels) from content/declarations.yml.
BUILTIN_FIELDS = {
    "kontakt": "Kontakt", "wunschzeit": "Wunschzeit", "thema": "Thema", "verlauf": "Verlauf", "grund": "Grund",
    "termin": "Termin", "buchung": "Buchung", "absender": "Absender", "betreff": "Betreff",
    "nachricht": "Nachricht", "originaltext": "Originaltext", "kanal": "Kanal", "identifizierung": "Identifizierung",
    "fehler": "Fehler", "art": "Art", "name": "Name", "werte": "Werte", "anliegen": "Anliegen",
}
FIELD_VALUES = {"thema": TOPICS, "kanal": CHANNELS}  # fields that hold a code themselves


@lru_cache(maxsize=1)
def field_labels() -> dict[str, str]:
    from bot.declarations.catalogue import get_catalogue

    labels = dict(BUILTIN_FIELDS)
    for declaration in get_catalogue().declarations.values():
        for field in declaration.fields:
            labels.setdefault(field.key, field.label)
    return labels


def kind_labels() -> dict[str, str]:
    from bot.cases.store import BUILTIN_KINDS
    from bot.declarations.catalogue import get_catalogue

    return {**BUILTIN_KINDS, **get_catalogue().kinds()}


def label(table: dict[str, str], code: object) -> str:
    """The German label of a code; an unknown code readably ("some_code" -> "some code")."""
    text = "" if code is None else str(code)
    return table.get(text) or text.replace("_", " ")


def field_label(key: str) -> str:
    return field_labels().get(key) or key.replace("_", " ").capitalize()


def field_value(key: str, value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(field_value(key, v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {field_value(k, v)}" for k, v in value.items())
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if key in FIELD_VALUES:
        return label(FIELD_VALUES[key], value)
    return "" if value is None else str(value)


def readable_date(value: str | dt.datetime | None) -> str:
    """'dd.mm.yyyy HH:MM' in Berlin time; naive timestamps are Berlin wall-clock time already."""
    if not value:
        return ""
    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(BERLIN)
    return moment.strftime("%d.%m.%Y %H:%M")


def office_labels() -> dict[str, str]:
    """Office key -> short name ("nord" -> "Nord"), for teams and offices in the desk."""
    from bot.content import get_content

    return {key: office.short_name for key, office in get_content().offices.items()}


def desk_labels() -> dict[str, dict[str, str]]:
    return {"priorities": PRIORITIES, "statuses": STATUSES, "states": CONVERSATION_STATES, "channels": CHANNELS,
            "roles": ROLES, "changes": CHANGES, "topics": TOPICS, "fields": field_labels(), "kinds": kind_labels(),
            "offices": office_labels()}
