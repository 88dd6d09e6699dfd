"""Case exports for the e-file: CSV for spreadsheets and one structured XML document per case.

CSV: UTF-8 with BOM (Excel reads the umlauts), `;` as separator, German column names and labels, one column
per field, and every cell formula-safe: a cell starting with =, +, -, @, tab or CR gets a leading `'`, so a
spreadsheet shows it as text instead of running it (an agent-set note such as `=HYPERLINK(…)`).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from typing import Any

from bot.desk.labels import CHANGES, CHANNELS, PRIORITIES, STATUSES, field_label, field_value, label, readable_date

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("Vorgang", "Art", "Status", "Priorität", "Kunde", "Geschäftsstelle", "Bearbeitung", "Erstellt am",
           "Kanal", "Zusammenfassung")
TAIL = ("Notizen", "Verlauf")
XML_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def safe_cell(value: object) -> str:
    """A cell no spreadsheet evaluates: text starting with a formula character gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _field_keys(cases: list[dict[str, Any]]) -> list[str]:
    keys: list[str] = []
    for case in cases:
        for key in (case.get("fields") or {}):
            if key not in keys:
                keys.append(key)
    return keys


def _notes(case: dict[str, Any]) -> str:
    return " | ".join(f"{readable_date(n.get('at'))} {n.get('by', '')}: {n.get('text', '')}"
                      for n in case.get("notes") or [])


def cases_csv(cases: list[dict[str, Any]], kinds: dict[str, str], offices: dict[str, str]) -> str:
    """The cases as CSV text (with BOM); field columns are named by their German labels."""
    keys = _field_keys(cases)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in (*COLUMNS, *(field_label(k) for k in keys), *TAIL)])
    for case in cases:
        fields = case.get("fields") or {}
        row = [case.get("id", ""), label(kinds, case.get("kind")), label(STATUSES, case.get("status")),
               label(PRIORITIES, case.get("priority")), case.get("customer") or "",
               offices.get(case.get("office") or "", case.get("office") or ""), case.get("assignee") or "",
               readable_date(case.get("created_at")), label(CHANNELS, case.get("channel") or ""),
               case.get("summary") or "",
               *(field_value(k, fields[k]) if k in fields else "" for k in keys),
               _notes(case), " | ".join(case.get("transcript") or [])]
        writer.writerow([safe_cell(cell) for cell in row])
    return BOM + buffer.getvalue()


def _text(value: object) -> str:
    return ("" if value is None else str(value)).translate(XML_CONTROL)


def case_xml(case: dict[str, Any], files: list[dict[str, Any]], kinds: dict[str, str],
             offices: dict[str, str]) -> bytes:
    """One case as an XML document for the e-file: codes and labels side by side, ISO and readable dates."""
    root = ET.Element("vorgang", {"id": _text(case.get("id")), "version": "1"})

    def add(parent: ET.Element, tag: str, value: object, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, tag, {k: _text(v) for k, v in attrs.items()})
        element.text = _text(value)
        return element

    add(root, "art", label(kinds, case.get("kind")), code=case.get("kind") or "")
    add(root, "status", label(STATUSES, case.get("status")), code=case.get("status") or "")
    add(root, "prioritaet", label(PRIORITIES, case.get("priority")), code=case.get("priority") or "")
    add(root, "kunde", case.get("customer") or "")
    office = case.get("office") or ""
    add(root, "geschaeftsstelle", offices.get(office, office), code=office)
    add(root, "bearbeitung", case.get("assignee") or "")
    add(root, "erstellt", readable_date(case.get("created_at")), iso=case.get("created_at") or "")
    add(root, "kanal", label(CHANNELS, case.get("channel") or ""), code=case.get("channel") or "")
    add(root, "zusammenfassung", case.get("summary") or "")
    fields = ET.SubElement(root, "angaben")
    for key, value in (case.get("fields") or {}).items():
        add(fields, "angabe", field_value(key, value), schluessel=key, bezeichnung=field_label(key))
    notes = ET.SubElement(root, "notizen")
    for note in case.get("notes") or []:
        add(notes, "notiz", note.get("text"), von=note.get("by") or "", am=note.get("at") or "")
    history = ET.SubElement(root, "verlauf")
    for entry in case.get("history") or []:
        add(history, "aenderung", entry.get("value"), art=label(CHANGES, entry.get("change")),
            von=entry.get("by") or "", am=entry.get("at") or "")
    transcript = ET.SubElement(root, "gespraechsauszug")
    for line in case.get("transcript") or []:
        add(transcript, "zeile", line)
    attachments = ET.SubElement(root, "anhaenge")
    for item in files:
        add(attachments, "anhang", item.get("name"), nummer=str(item.get("number", "")), typ=item.get("type") or "",
            groesse=str(item.get("size", "")))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
