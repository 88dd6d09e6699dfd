"""The translators' list and the coverage per language: `python -m bot.editor.translations uk [--missing]`.

Prints YAML in the form of content/languages/<code>.yml: every text key with its German text as the value
(or the existing translation), so a translator copies the file and replaces the German texts. With
--missing only the keys without a translation. `python -m bot.editor.translations --coverage` prints, per
language, how many texts are translated and reviewed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from bot import PROJECT_ROOT
from bot.appointments.calendar import get_calendar
from bot.content import content_dir
from bot.content.load import get_content
from bot.core.yamlsource import Problem, Report, load
from bot.declarations.catalogue import get_catalogue
from bot.languages.localize import placeholders, source_texts
from bot.languages.registry import get_catalog, load_catalog
from bot.outbound.config import get_outbound
from bot.safety.texts import get_safety


def all_source_texts() -> dict[str, str]:
    """key -> German text for the answers and texts (content/answers.yml, texts.yml, jobcenter.yml), the
    declarations and documents (catalogue.*) and the safety answers (safety.*)."""
    found = source_texts(get_content.german(), "")
    found.update(source_texts(get_catalogue.german(), "catalogue"))
    found.update(source_texts(get_safety.german(), "safety"))
    found.update(source_texts(get_outbound.german(), "outbound"))
    found.update(source_texts(get_calendar.german(), "calendar"))
    return found


# Texts only the phone says: the voice channel stays German (Vosk and Piper models are German).
VOICE_ONLY = ("templates.voice_", "texts.voice.")


def chat_keys(source: dict[str, str]) -> list[str]:
    return [key for key in source if not key.startswith(VOICE_ONLY)]


def coverage() -> dict[str, tuple[int, int, int]]:
    """language -> (translated, reviewed, total) over the keys of the German content."""
    source = all_source_texts()
    catalog = get_catalog()
    result = {}
    for code, table in sorted(catalog.translations.items()):
        if code == "de":
            continue
        keys = chat_keys(source)
        known = [table.texts[k] for k in keys if k in table.texts]
        result[code] = (len(known), sum(1 for t in known if t.status == "reviewed"), len(keys))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language", nargs="?")
    parser.add_argument("--missing", action="store_true")
    parser.add_argument("--coverage", action="store_true")
    args = parser.parse_args(argv)
    if args.coverage or not args.language:
        for code, (translated, reviewed, total) in coverage().items():
            print(f"{code}: {translated}/{total} übersetzt ({translated / total:.0%}), {reviewed} geprüft")
        return 0
    source = all_source_texts()
    existing = get_catalog().translations.get(args.language)
    texts = {}
    for key in chat_keys(source):
        german = source[key]
        known = existing.texts.get(key) if existing else None
        if known is None or not args.missing:
            texts[key] = known.text if known else german
    yaml.safe_dump({"language": args.language, "status": "draft", "texts": texts}, sys.stdout, allow_unicode=True,
                   sort_keys=False, width=110)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def check_translations(root: Path) -> tuple[list[Problem], dict[str, tuple[int, int, int]]]:
    """Problems of the language files (unknown keys, placeholders that differ from the German text, a broken
    file) with file and line, and the coverage per language (translated, reviewed, total)."""
    from bot.appointments.calendar import load_calendar
    from bot.content.load import load_content
    from bot.declarations.catalogue import load_catalogue
    from bot.outbound.config import load_outbound
    from bot.safety.texts import load_safety

    report = Report()
    folder = content_dir(root) if root == PROJECT_ROOT else root / "content"
    catalog = load_catalog(folder, report)
    source = source_texts(load_content(root), "")
    source.update(source_texts(load_catalogue(root), "catalogue"))
    source.update(source_texts(load_safety(root) if root != PROJECT_ROOT else load_safety(), "safety"))
    source.update(source_texts(load_outbound(root), "outbound"))
    source.update(source_texts(load_calendar(root), "calendar"))
    for code in catalog.languages:
        path = folder / "languages" / f"{code}.yml"
        if code == "de" or not path.exists():
            continue
        node = load(path, report, folder.parent)
        texts = node.get("texts", required=False) if node is not None and node.is_mapping() else None
        if texts is None or not texts.is_mapping():
            continue
        for key, sub in texts.items():
            german = source.get(str(key))
            text = (sub.get("text", required=False) if isinstance(sub.value, dict) else sub)
            value = text.text() if text is not None else None
            if german is None:
                sub.problem(f"„{key}“ gibt es im deutschen Inhalt nicht (Tippfehler oder gelöschter Text?).")
            elif value is not None and placeholders(value) != placeholders(german):
                sub.problem(f"„{key}“: die Platzhalter müssen die des deutschen Textes sein: "
                            + (", ".join("{" + p + "}" for p in sorted(placeholders(german))) or "keine") + ".")
    coverage_by_language = {}
    for code, table in sorted(catalog.translations.items()):
        if code != "de":
            keys = chat_keys(source)
            known = [table.texts[k] for k in keys if k in table.texts]
            coverage_by_language[code] = (len(known), sum(1 for t in known if t.status == "reviewed"), len(keys))
    return report.problems, coverage_by_language
