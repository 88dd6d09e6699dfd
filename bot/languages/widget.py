"""The web chat widget's own texts per language (content/languages/widget.yml): read and checked.

German is the reference (every key the widget uses); each other language may leave keys out (German shows).
The web chat channel serves them to the page (bot/channels/webchat.py); `make content-check` reports the
problems with file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.yamlsource import Report, load
from bot.languages.registry import GERMAN, get_catalog

WIDGET_TEXTS = "widget.yml"


def read_widget_texts(path: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """language code -> key -> text of widget.yml, and what is wrong in it (file and line): YAML, a language that
    languages.yml does not list, a key German does not have, a placeholder the German text does not have.
    German is the reference: every key the widget uses is there. Broken entries are left out (German shows)."""
    report = Report()
    node = load(path, report, path.parent.parent.parent)
    texts: dict[str, dict[str, str]] = {}
    if node is None or not node.is_mapping():
        return texts, [str(problem) for problem in report.problems]
    german_node = node.get(GERMAN)
    german = {str(key): text for key, entry in german_node.items() if (text := entry.text())} if german_node else {}
    texts[GERMAN] = german
    languages = get_catalog().languages
    for code, language in node.items():
        if code == GERMAN or language.value is None or not language.is_mapping():
            continue
        if code not in languages:
            language.problem(f"„{code}“ steht nicht in languages.yml.")
        table: dict[str, str] = {}
        for key, entry in language.items():
            text = entry.text()
            if not text:
                continue
            if key not in german:
                entry.problem("Diesen Schlüssel gibt es auf Deutsch nicht (Tippfehler?).")
            elif _placeholders(text) != _placeholders(german[key]):
                entry.problem(f"Platzhalter {sorted(_placeholders(text))} statt {sorted(_placeholders(german[key]))} "
                              "wie im deutschen Text.")
            else:
                table[str(key)] = text
        texts[str(code)] = table
    return texts, [str(problem) for problem in report.problems]


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{([A-Za-z0-9_]+)\}", text))
