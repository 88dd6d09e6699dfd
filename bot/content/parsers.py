"""Parsers with validation for jobcenter.yml, figures.yml, kdu.yml, answers.yml and texts.yml.

Each parser takes the file's YAML node, reports every problem on the node it concerns (so the message
names file and line) and returns what it could read; `load_content()` assembles the results and raises
`ContentError` if any problem was reported.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from bot.content.hours import parse_hours
from bot.content.model import Answer, Button, Figure, KduLimit, KduTable, Office, ServiceCenter
from bot.content.specs import (
    COMPUTED_INTENTS,
    LEGAL_PAGES,
    LEGAL_REGIMES,
    PLACEHOLDER,
    TEMPLATE_FIELDS,
    TEXT_FIELDS,
    UNITS,
)
from bot.core.yamlsource import Node


def _text(node: Node, key: str, required: bool = True) -> str:
    child = node.get(key, required)
    return (child.text() or "") if child else ""


def _parse_legal(node: Node | None) -> dict[str, str]:
    """`legal:` the address of each page of LEGAL_PAGES: https://… or a path on this site ("/…")."""
    if node is None or not node.is_mapping():
        if node is not None:
            node.problem("Erwartet werden die Adressen: " + ", ".join(LEGAL_PAGES) + ".")
        return {}
    node.unknown_keys(set(LEGAL_PAGES))
    pages = {}
    for key in LEGAL_PAGES:
        child = node.get(key)
        if child is None:
            continue
        url = (child.text() or "").strip()
        site_path = url.startswith("/") and not url.startswith("//")
        if not (url.startswith("https://") or site_path) or any(c.isspace() for c in url):
            child.problem(f"„{url}“ ist keine Adresse: erwartet https://… oder ein Pfad, der mit / beginnt.")
        else:
            pages[key] = url
    return pages


def parse_jobcenter(node: Node) -> dict[str, Any]:
    node.unknown_keys({"name", "name_genitive", "website", "state", "service_center", "offices", "hours_note", "legal"})
    result: dict[str, Any] = {
        "name": _text(node, "name"),
        "name_genitive": _text(node, "name_genitive"),
        "website": _text(node, "website"),
        "state": _text(node, "state"),
        "hours_note": _text(node, "hours_note", required=False),
        "offices": {},
        "legal": _parse_legal(node.get("legal")),
    }
    sc = node.get("service_center")
    if sc and sc.is_mapping():
        sc.unknown_keys({"name", "phone", "email", "hours", "note"})
        result["service_center"] = ServiceCenter(
            name=_text(sc, "name"),
            phone=_text(sc, "phone"),
            email=_text(sc, "email"),
            hours=parse_hours(sc.get("hours")),
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
                hours=parse_hours(office.get("hours")),
                directions=_text(office, "directions", required=False),
            )
        if not result["offices"]:
            offices.problem("Mindestens eine Geschäftsstelle ist nötig.")
    return result


def parse_figures(node: Node) -> tuple[str, dict[str, Figure], set[str]]:
    node.unknown_keys({"legal_regime", "figures"})
    regime = _text(node, "legal_regime")
    if regime and regime not in LEGAL_REGIMES:
        (node.get("legal_regime") or node).problem(f"Unbekannte Rechtslage „{regime}“ (erlaubt: {', '.join(sorted(LEGAL_REGIMES))}).")
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
                (fig.get("unit") or fig).problem(f"Unbekannte Einheit „{unit}“ (erlaubt: {', '.join(sorted(UNITS))}).")
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


def parse_kdu(node: Node) -> KduTable | None:
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
            assert rent_node is not None  # rent comes from it
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


def check_placeholders(node: Node, text: str, allowed: Collection[str]) -> None:
    """Every {placeholder} of an editor's text must be one the code fills in; the problem names the allowed
    ones (one check for answers, templates, texts, safety and outbound texts)."""
    for name in PLACEHOLDER.findall(text):
        if name not in allowed:
            erlaubt = ", ".join(f"{{{a}}}" for a in sorted(allowed)) or "keine"
            node.problem(f"Unbekannter Platzhalter „{{{name}}}“ (erlaubt: {erlaubt}).")


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


def parse_answers(node: Node, known_intents: set[str], placeholders: set[str]) -> dict[str, Any]:
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
            check_placeholders(entry, text, placeholders)
            variants: dict[str, str] = {}
            variants_node = entry.get("variants", required=False)
            if variants_node and variants_node.is_mapping():
                for regime, variant in variants_node.items():
                    if regime not in LEGAL_REGIMES:
                        variant.problem(f"Unbekannte Rechtslage „{regime}“.")
                        continue
                    variant_text = variant.text() or ""
                    check_placeholders(variant, variant_text, placeholders)
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
            template = templates_node.get(name)
            if template is None:
                continue
            text = template.text() or ""
            check_placeholders(template, text, allowed | placeholders)
            templates[name] = text
    return {
        "caveat": _text(node, "caveat"),
        "main_topics": main_topics,
        "answers": answers,
        "templates": templates,
    }


def parse_texts(node: Node) -> dict[str, str]:
    """texts.yml: every section and text of TEXT_FIELDS, keyed "section.key", with only its own placeholders."""
    node.unknown_keys(set(TEXT_FIELDS))
    texts: dict[str, str] = {}
    for section, fields in TEXT_FIELDS.items():
        section_node = node.get(section)
        if section_node is None or not section_node.is_mapping():
            continue
        section_node.unknown_keys(set(fields))
        for key, allowed in fields.items():
            text_node = section_node.get(key, required=False)
            if text_node is None:
                section_node.problem(f"Der Text „{key}“ fehlt.")
                continue
            text = text_node.text() or ""
            check_placeholders(text_node, text, allowed)
            texts[f"{section}.{key}"] = text
    return texts
