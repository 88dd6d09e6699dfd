"""The editors' content check: `python -m bot.editor.content_check [project root]` (`make content-check`).

Loads and validates every content file of the project: the answers content and the texts of
content/texts.yml (`bot.content`), the declarations catalogue, the outbound configuration, the safety
texts and the languages (content/languages/: keys and placeholders of every translation, coverage per language). Prints each problem with file and line and exits with 1, or prints a short summary („Inhalte in Ordnung“) and exits with 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import ContentError, content_dir, load_content
from bot.core.yamlsource import Problem
from bot.declarations.catalogue import load_catalogue
from bot.editor.translations import check_translations
from bot.languages.widget import read_widget_texts
from bot.outbound.config import load_outbound
from bot.safety.texts import load_safety


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else PROJECT_ROOT
    try:
        content = load_content(root)
        catalogue = load_catalogue(root)
        load_outbound(root)
        load_safety(root)
        problems, coverage = check_translations(root)
        widget_folder = (content_dir() if root == PROJECT_ROOT else root / "content") / "languages" / "widget.yml"
        _, widget_problems = read_widget_texts(widget_folder) if widget_folder.exists() else ({}, [])
        if problems or widget_problems:
            raise ContentError([*problems, *(Problem("content/languages/widget.yml", 0, p) for p in widget_problems)])
    except ContentError as error:
        print(f"Inhalte fehlerhaft ({len(error.problems)} Problem(e)):", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"Inhalte in Ordnung: {len(content.offices)} Geschäftsstellen, {len(content.figures)} Kennzahlen, "
        f"{len(content.answers)} Antworten, {len(content.texts)} Dialogsätze, {len(catalogue.declarations)} Erklärungen, "
        f"{len(catalogue.documents)} Unterlagen."
    )
    for code, (translated, reviewed, total) in coverage.items():
        print(f"  Sprache {code}: {translated} von {total} Texten übersetzt ({translated / total:.0%}), {reviewed} geprüft; "
              "der Rest erscheint auf Deutsch mit einem Hinweis.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
