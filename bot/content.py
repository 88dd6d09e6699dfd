"""Editable content of the assistant: offices, figures, KdU table and answers.

`load_content()` reads `content/*.yml`, validates everything (reporting file and line of each
problem) and returns an immutable `Content`. Broken content raises `ContentError`, so the action
server refuses to start with it. `python -m bot.content` checks the files from the command line.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.core.yamlsource import ContentError, Node, Report, load
from bot.language.formatting import WEEKDAYS, with_unit

UNITS = {"eur", "percent", "days", "months", "m2", "hours", "text"}
LEGAL_REGIMES = {"buergergeld", "grundsicherung"}
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")
TIME_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

# Placeholders that answers may use besides the figure keys.
JOBCENTER_PLACEHOLDERS = {
    "jobcenter_name",
    "jobcenter_name_genitive",
    "website",
    "service_center_phone",
    "service_center_hours",
    "service_center_email",
}

# Computed answers: template name -> placeholders the code fills in.
TEMPLATE_FIELDS: dict[str, set[str]] = {
    "hours_office_day": {"office", "day", "hours"},
    "hours_office_day_closed": {"office", "day"},
    "hours_daypart_open": {"office", "day", "daypart", "hours"},
    "hours_daypart_closed": {"office", "day", "daypart", "hours"},
    "hours_daypart_closed_all_day": {"office", "day", "daypart"},
    "hours_office_week": {"office", "address", "week"},
    "hours_all_offices": {"offices"},
    "hours_holiday": {"date", "holiday"},
    "service_center_hours": {"phone", "hours"},
    "contact_office": {"office", "address", "phone", "email", "directions"},
    "contact_all": {"offices", "service_center_phone", "service_center_hours", "service_center_email"},
    "kdu_ok": {"rent", "persons", "limit", "size"},
    "kdu_too_high": {"rent", "persons", "limit", "size", "difference", "months"},
    "kdu_warm_note": set(),
    "kdu_table": {"rows"},
    "kdu_ask_persons": {"rent"},
    "kdu_invalid_amount": set(),
    "kdu_invalid_persons": set(),
    "fallback_first": JOBCENTER_PLACEHOLDERS,
    "fallback_second": JOBCENTER_PLACEHOLDERS,
    "message_too_long": set(),
    "technical_problem": set(),
    "stand": {"date"},
    "handover_queued": {"position", "minutes"},
    "handover_callback_intro": {"hours"},
    "ask_callback_contact": set(),
    "ask_callback_time": set(),
    "callback_invalid_contact": set(),
    "callback_done": {"case", "contact", "time"},
    "ask_id_number": set(),
    "ask_id_birth_date": set(),
    "ask_appointment_type": set(),
    "ask_appointment_office": set(),
    "ask_appointment_wish": set(),
    "ask_cancel_reason": set(),
    "not_understood_choice": set(),
    "id_invalid_number": set(),
    "id_invalid_birth_date": set(),
    "id_mismatch": {"attempt", "max"},
    "id_failed": set(),
    "id_locked": {"minutes"},
    "id_wait": {"seconds"},
    "decl_aborted": set(),
    "decl_to_human": set(),
    "voice_greeting": JOBCENTER_PLACEHOLDERS,
    "voice_reprompt": set(),
    "voice_goodbye_silence": set(),
    "voice_not_understood": set(),
    "voice_agent_joined": set(),
    "voice_unavailable": JOBCENTER_PLACEHOLDERS,
    "id_ok": {"name"},
    "appt_offer": {"type"},
    "appt_offer_other": {"wish", "type"},
    "appt_offer_exact_missing": {"time"},
    "appt_none": {"days", "type"},
    "appt_choice_invalid": set(),
    "appt_confirm": {"slot", "type"},
    "appt_booked": {"ref", "slot", "address", "bring", "ics_url"},
    "appt_legal": set(),
    "appt_taken": set(),
    "appt_duplicate": {"slot"},
    "appt_aborted": set(),
    "appt_list": {"appointments"},
    "appt_list_none": set(),
    "appt_which": set(),
    "appt_none_to_change": set(),
    "cancel_confirm": {"slot", "reason"},
    "cancel_done": {"slot", "reason", "case"},
    "cancel_au_hint": set(),
    "move_confirm": {"old", "new"},
    "move_done": {"slot", "ref", "ics_url"},
    "move_failed": set(),
    "confirm_unclear": set(),
    "ask_consent_channel": set(),
    "ask_consent_withdraw_channel": set(),
    "ask_consent_phone": set(),
    "ask_consent_email": set(),
    "ask_consent_confirm": {"wording"},
    "consent_invalid_channel": set(),
    "consent_invalid_phone": set(),
    "consent_invalid_email": set(),
    "consent_saved": {"channels"},
    "consent_declined": set(),
    "consent_withdrawn": {"channels"},
    "consent_none_to_withdraw": {"channels"},
    "consent_aborted": set(),
    "outbound_birth_date_mismatch": {"attempt", "max"},
}

# Intents whose answers are computed by dedicated actions (not looked up in answers.yml).
# Declarations and requests (content/declarations.yml) open a form instead of answering.
DECLARATION_INTENTS = {"report_change", "report_employment", "report_income", "report_absence", "report_sick",
                       "request_deadline_extension", "report_activity", "waive_benefits", "submit_complaint",
                       "give_praise", "report_misuse", "request_documents", "request_certificate"}
COMPUTED_INTENTS = {"ask_opening_hours", "ask_contact", "ask_housing_costs", "request_human",
                    "crisis", "urgent_need", "threat_possible",  # content/safety.yml (bot/safety/texts.py)
                    "book_appointment", "cancel_appointment", "reschedule_appointment", "check_appointment",
                    "contact_consent", *DECLARATION_INTENTS}


@dataclass(frozen=True)
class TimeRange:
    start: dt.time
    end: dt.time

    def contains(self, moment: dt.time) -> bool:
        return self.start <= moment < self.end

    def overlaps(self, start: dt.time, end: dt.time) -> bool:
        return self.start < end and start < self.end


OpeningHours = dict[int, tuple[TimeRange, ...]]  # weekday (0 = Monday) -> ranges


@dataclass(frozen=True)
class Office:
    key: str
    name: str
    aliases: tuple[str, ...]
    address: str
    phone: str
    email: str
    hours: OpeningHours
    directions: str = ""


@dataclass(frozen=True)
class ServiceCenter:
    name: str
    phone: str
    email: str
    hours: OpeningHours
    note: str = ""


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | str
    unit: str
    stand: dt.date
    label: str
    source: str

    @property
    def formatted(self) -> str:
        return with_unit(self.value, self.unit)


@dataclass(frozen=True)
class KduLimit:
    rent: float
    size_m2: float


@dataclass(frozen=True)
class KduTable:
    stand: dt.date
    source: str
    limits: dict[int, KduLimit]
    per_further_person: KduLimit

    def limit_for(self, persons: int) -> KduLimit:
        if persons < 1:
            raise ValueError("household size must be at least 1")
        if persons in self.limits:
            return self.limits[persons]
        largest = max(self.limits)
        extra = persons - largest
        base = self.limits[largest]
        return KduLimit(
            rent=round(base.rent + extra * self.per_further_person.rent, 2),
            size_m2=base.size_m2 + extra * self.per_further_person.size_m2,
        )


@dataclass(frozen=True)
class Button:
    title: str
    intent: str  # an intent name, or with raw=True the text the button sends
    raw: bool = False

    @property
    def payload(self) -> str:
        return self.intent if self.raw else f"/{self.intent}"


@dataclass(frozen=True)
class Answer:
    intent: str
    text: str
    buttons: tuple[Button, ...] = ()
    caveat: bool = False
    variants: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Content:
    name: str
    name_genitive: str
    website: str
    state: str
    service_center: ServiceCenter
    offices: dict[str, Office]
    hours_note: str
    legal_regime: str
    figures: dict[str, Figure]
    kdu: KduTable
    caveat: str
    main_topics: tuple[Button, ...]
    answers: dict[str, Answer]
    templates: dict[str, str]


# --------------------------------------------------------------------------------------------
# Parsing with validation
# --------------------------------------------------------------------------------------------


def parse_hours_text(node: Node) -> tuple[TimeRange, ...]:
    """'08:00-12:00, 14:00-18:00' -> two TimeRanges; problems are reported on the node."""
    text = node.text()
    if text is None:
        return ()
    ranges: list[TimeRange] = []
    for part in text.split(","):
        match = TIME_RANGE.match(part)
        if not match:
            node.problem(f"„{part.strip()}“ ist keine Zeitspanne im Format HH:MM-HH:MM.")
            continue
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
            node.problem(f"„{part.strip()}“ enthält eine unmögliche Uhrzeit.")
            continue
        start = dt.time(h1, m1)
        end = dt.time(23, 59) if h2 == 24 else dt.time(h2, m2)
        if end <= start:
            node.problem(f"„{part.strip()}“: Ende liegt nicht nach dem Beginn.")
            continue
        if ranges and start < ranges[-1].end:
            node.problem(f"„{part.strip()}“ überschneidet sich mit der vorigen Zeitspanne.")
            continue
        ranges.append(TimeRange(start, end))
    return tuple(ranges)


def _parse_hours(node: Node | None) -> OpeningHours:
    hours: OpeningHours = {}
    if node is None or not node.is_mapping():
        return hours
    for day, day_node in node.items():
        if str(day).lower() not in WEEKDAYS:
            day_node.problem(f"„{day}“ ist kein Wochentag (erlaubt: {', '.join(WEEKDAYS)}).")
            continue
        if day_node.value in (None, "", "geschlossen"):
            continue
        hours[WEEKDAYS.index(str(day).lower())] = parse_hours_text(day_node)
    return hours


def _text(node: Node, key: str, required: bool = True) -> str:
    child = node.get(key, required)
    return (child.text() or "") if child else ""


def _parse_jobcenter(node: Node) -> dict:
    node.unknown_keys({"name", "name_genitive", "website", "state", "service_center", "offices", "hours_note"})
    result: dict = {
        "name": _text(node, "name"),
        "name_genitive": _text(node, "name_genitive"),
        "website": _text(node, "website"),
        "state": _text(node, "state"),
        "hours_note": _text(node, "hours_note", required=False),
        "offices": {},
    }
    sc = node.get("service_center")
    if sc and sc.is_mapping():
        sc.unknown_keys({"name", "phone", "email", "hours", "note"})
        result["service_center"] = ServiceCenter(
            name=_text(sc, "name"),
            phone=_text(sc, "phone"),
            email=_text(sc, "email"),
            hours=_parse_hours(sc.get("hours")),
            note=_text(sc, "note", required=False),
        )
    offices = node.get("offices")
    if offices and offices.is_mapping():
        seen_aliases: dict[str, str] = {}
        for key, office in offices.items():
            if not office.is_mapping():
                continue
            office.unknown_keys({"name", "aliases", "address", "phone", "email", "hours", "directions"})
            aliases_node = office.get("aliases")
            aliases = tuple(
                alias.lower() for alias in (n.text() for n in (aliases_node.elements() if aliases_node else [])) if alias
            )
            for alias in aliases:
                if alias in seen_aliases and seen_aliases[alias] != key:
                    office.problem(f"Der Name „{alias}“ ist schon bei „{seen_aliases[alias]}“ eingetragen.")
                seen_aliases[alias] = str(key)
            result["offices"][str(key)] = Office(
                key=str(key),
                name=_text(office, "name"),
                aliases=aliases,
                address=_text(office, "address"),
                phone=_text(office, "phone"),
                email=_text(office, "email"),
                hours=_parse_hours(office.get("hours")),
                directions=_text(office, "directions", required=False),
            )
        if not result["offices"]:
            offices.problem("Mindestens eine Geschäftsstelle ist nötig.")
    return result


def _parse_figures(node: Node) -> tuple[str, dict[str, Figure], set[str]]:
    node.unknown_keys({"legal_regime", "figures"})
    regime = _text(node, "legal_regime")
    if regime and regime not in LEGAL_REGIMES:
        node.get("legal_regime").problem(f"Unbekannte Rechtslage „{regime}“ (erlaubt: {', '.join(sorted(LEGAL_REGIMES))}).")
    figures: dict[str, Figure] = {}
    declared: set[str] = set()
    figures_node = node.get("figures")
    if figures_node and figures_node.is_mapping():
        for key, fig in figures_node.items():
            declared.add(str(key))
            if not fig.is_mapping():
                continue
            fig.unknown_keys({"value", "unit", "stand", "label", "source"})
            unit = _text(fig, "unit")
            if unit and unit not in UNITS:
                fig.get("unit").problem(f"Unbekannte Einheit „{unit}“ (erlaubt: {', '.join(sorted(UNITS))}).")
            value_node = fig.get("value")
            value: float | str | None = None
            if value_node is not None:
                value = value_node.text() if unit == "text" else value_node.number()
                if isinstance(value, float) and value < 0:
                    value_node.problem("Der Wert darf nicht negativ sein.")
            stand_node = fig.get("stand")
            stand = stand_node.date() if stand_node else None
            label = _text(fig, "label")
            source = _text(fig, "source")
            if value is not None and stand and unit in UNITS:
                figures[str(key)] = Figure(str(key), value, unit, stand, label, source)
    return regime, figures, declared


def _parse_kdu(node: Node) -> KduTable | None:
    node.unknown_keys({"stand", "source", "limits", "per_further_person"})
    stand_node = node.get("stand")
    stand = stand_node.date() if stand_node else None
    source = _text(node, "source")

    def limit(entry: Node) -> KduLimit | None:
        if not entry.is_mapping():
            return None
        entry.unknown_keys({"rent", "size_m2"})
        rent_node, size_node = entry.get("rent"), entry.get("size_m2")
        rent = rent_node.number() if rent_node else None
        size = size_node.number() if size_node else None
        if rent is not None and rent <= 0:
            rent_node.problem("Die Miete muss größer als 0 sein.")
            return None
        if rent is None or size is None:
            return None
        return KduLimit(rent, size)

    limits: dict[int, KduLimit] = {}
    limits_node = node.get("limits")
    if limits_node and limits_node.is_mapping():
        for size, entry in limits_node.items():
            if not isinstance(size, int) or size < 1:
                entry.problem(f"„{size}“ ist keine Haushaltsgröße (1, 2, 3, …).")
                continue
            parsed = limit(entry)
            if parsed:
                limits[size] = parsed
        if limits and sorted(limits) != list(range(1, max(limits) + 1)):
            limits_node.problem("Die Haushaltsgrößen müssen lückenlos bei 1 beginnen.")
        ordered = [limits[k] for k in sorted(limits)]
        for smaller, larger in zip(ordered, ordered[1:]):
            if larger.rent < smaller.rent:
                limits_node.problem("Die Richtwerte müssen mit der Haushaltsgröße steigen.")
                break
    further_node = node.get("per_further_person")
    further = limit(further_node) if further_node else None
    if stand and limits and further:
        return KduTable(stand, source, limits, further)
    return None


def _check_placeholders(node: Node, text: str, allowed: set[str]) -> None:
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            node.problem(f"Unbekannter Platzhalter „{{{name}}}“.")


def _parse_buttons(node: Node | None, known_intents: set[str], main_topics: tuple[Button, ...]) -> tuple[Button, ...]:
    if node is None:
        return ()
    if node.value == "main_topics":
        return main_topics
    buttons: list[Button] = []
    for entry in node.elements():
        if not entry.is_mapping():
            continue
        entry.unknown_keys({"title", "intent"})
        title, intent = _text(entry, "title"), _text(entry, "intent")
        if intent and intent not in known_intents:
            entry.problem(f"Unbekanntes Intent „{intent}“ (siehe domain.yml).")
        elif title and intent:
            buttons.append(Button(title, intent))
    return tuple(buttons)


def _parse_answers(node: Node, known_intents: set[str], placeholders: set[str]) -> dict:
    """`placeholders`: figure keys and Jobcenter data, usable in every answer and template."""
    node.unknown_keys({"caveat", "main_topics", "answers", "templates"})
    main_topics = _parse_buttons(node.get("main_topics"), known_intents, ())
    answers: dict[str, Answer] = {}
    answers_node = node.get("answers")
    if answers_node and answers_node.is_mapping():
        for intent, entry in answers_node.items():
            if intent not in known_intents:
                entry.problem(f"Unbekanntes Intent „{intent}“ (siehe domain.yml).")
                continue
            if not entry.is_mapping():
                continue
            entry.unknown_keys({"text", "buttons", "caveat", "variants"})
            text = _text(entry, "text")
            _check_placeholders(entry, text, placeholders)
            variants: dict[str, str] = {}
            variants_node = entry.get("variants", required=False)
            if variants_node and variants_node.is_mapping():
                for regime, variant in variants_node.items():
                    if regime not in LEGAL_REGIMES:
                        variant.problem(f"Unbekannte Rechtslage „{regime}“.")
                        continue
                    variant_text = variant.text() or ""
                    _check_placeholders(variant, variant_text, placeholders)
                    variants[regime] = variant_text
            caveat_node = entry.get("caveat", required=False)
            if caveat_node is not None and not isinstance(caveat_node.value, bool):
                caveat_node.problem("„caveat“ ist true oder false.")
            answers[intent] = Answer(
                intent=intent,
                text=text,
                buttons=_parse_buttons(entry.get("buttons", required=False), known_intents, main_topics),
                caveat=bool(caveat_node.value) if caveat_node else False,
                variants=variants,
            )
        for intent in sorted(known_intents - COMPUTED_INTENTS - set(answers)):
            answers_node.problem(f"Für das Intent „{intent}“ fehlt eine Antwort.")
    templates: dict[str, str] = {}
    templates_node = node.get("templates")
    if templates_node and templates_node.is_mapping():
        templates_node.unknown_keys(set(TEMPLATE_FIELDS))
        for name, allowed in TEMPLATE_FIELDS.items():
            entry = templates_node.get(name)
            if entry is None:
                continue
            text = entry.text() or ""
            _check_placeholders(entry, text, allowed | placeholders)
            templates[name] = text
    return {
        "caveat": _text(node, "caveat"),
        "main_topics": main_topics,
        "answers": answers,
        "templates": templates,
    }


def domain_intents(root: Path) -> set[str]:
    with (root / "domain.yml").open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle) or {}
    return {next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents", [])}


def content_dir(root: Path = PROJECT_ROOT) -> Path:
    """The content folder: `content/` of the project, or CONTENT_DIR (e.g. a test or staging copy)."""
    override = os.environ.get("CONTENT_DIR")
    return Path(override) if override and root == PROJECT_ROOT else root / "content"


def load_content(root: Path = PROJECT_ROOT) -> Content:
    """Load and validate all content; raise ContentError listing every problem."""
    report = Report()
    content_dir_path = content_dir(root)
    nodes = {name: load(content_dir_path / f"{name}.yml", report, content_dir_path.parent) for name in ("jobcenter", "figures", "kdu", "answers")}
    jobcenter = _parse_jobcenter(nodes["jobcenter"]) if nodes["jobcenter"] and nodes["jobcenter"].is_mapping() else {}
    regime, figures, declared = "", {}, set()
    if nodes["figures"] and nodes["figures"].is_mapping():
        regime, figures, declared = _parse_figures(nodes["figures"])
    kdu = _parse_kdu(nodes["kdu"]) if nodes["kdu"] and nodes["kdu"].is_mapping() else None
    answers: dict = {}
    if nodes["answers"] and nodes["answers"].is_mapping():
        answers = _parse_answers(nodes["answers"], domain_intents(root), declared | JOBCENTER_PLACEHOLDERS)
    report.raise_if_any()
    return Content(
        name=jobcenter["name"],
        name_genitive=jobcenter["name_genitive"],
        website=jobcenter["website"],
        state=jobcenter["state"],
        service_center=jobcenter["service_center"],
        offices=jobcenter["offices"],
        hours_note=jobcenter["hours_note"],
        legal_regime=regime,
        figures=figures,
        kdu=kdu,  # type: ignore[arg-type]
        **answers,
    )


@lru_cache(maxsize=1)
def get_content() -> Content:
    """The project's content, loaded once per process."""
    return load_content()


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else PROJECT_ROOT
    try:
        content = load_content(root)
        from bot.declarations.catalogue import load_catalogue

        catalogue = load_catalogue(root)
        from bot.outbound.config import load_outbound

        load_outbound(root)
        from bot.safety.texts import load_safety

        load_safety(root)
    except ContentError as error:
        print(f"Inhalte fehlerhaft ({len(error.problems)} Problem(e)):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"Inhalte in Ordnung: {len(content.offices)} Geschäftsstellen, {len(content.figures)} Kennzahlen, "
        f"{len(content.answers)} Antworten, {len(catalogue.declarations)} Erklärungen, "
        f"{len(catalogue.documents)} Unterlagen."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
