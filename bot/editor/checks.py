"""The project's own checks for content editors (part of `make validate`), each problem with file and
line in German:

- the same example under two intents (or twice under one),
- intents with too few examples (MIN_EXAMPLES),
- intents without a rule in data/rules.yml, or without an answer (answers.yml, a declaration, or a
  computed answer),
- texts of the dialogue (answers.yml `templates`) that no code uses,
- broken links in content (malformed web addresses, unknown placeholders in links),
- suspicious personal data in training examples (BG-Nummer, IBAN, phone, e-mail, date of birth, …).

    python -m bot.editor.checks [PROJECT_FOLDER]
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from bot import PROJECT_ROOT
from bot.core.redact import contains_personal_data
from bot.core.yamlsource import Problem

MIN_EXAMPLES = 10
URL = re.compile(r"https?://[^\s\"'<>)]+|\{website\}[^\s\"'<>)]*")
VALID_URL = re.compile(r"^(https?://[a-z0-9.-]+\.[a-z]{2,}(:\d+)?|\{website\})(/[\w./%#?=&+~-]*)?$", re.IGNORECASE)


def _load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}


@dataclass(frozen=True)
class Example:
    intent: str
    text: str
    file: str
    line: int


def read_examples(root: Path) -> list[Example]:
    """Every training example with its file and line (block-style `examples: |` lists)."""
    examples = []
    for path in sorted((root / "data" / "nlu").rglob("*.yml")):
        name = str(path.relative_to(root))
        intent, in_examples = None, False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            found = re.match(r"^\s*-\s*intent:\s*(\S+)", line)
            if found:
                intent, in_examples = found.group(1), False
                continue
            if re.match(r"^\s*examples:\s*\|", line):
                in_examples = intent is not None
                continue
            item = re.match(r"^\s+-\s+(.*\S)\s*$", line)
            if in_examples and item:
                assert intent is not None  # in_examples is only set under an intent
                examples.append(Example(intent, item.group(1), name, number))
            elif line.strip() and not line.startswith(" "):
                in_examples = False
    return examples


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\wäöüß ]", " ", text.lower()).split())


# Fictional values that examples may contain: the demo registry's numbers and published example IBANs.
EXAMPLE_IBANS = {"DE89370400440532013000", "DE02120300000000202051"}


def allowed_values(root: Path) -> set[str]:
    registry = _load(root / "content" / "customers.yml").get("customers", []) if (root / "content" / "customers.yml").exists() else []
    return {str(c.get(k, "")).upper() for c in registry for k in ("bg_number", "customer_number")} | EXAMPLE_IBANS


FICTIONAL_EMAIL = re.compile(r"@(example\.(org|com|net|de)|jobcenter[\w-]*\.de)\b", re.IGNORECASE)


def personal_data(text: str, allowed: Set[str]) -> list[str]:
    """Kinds of real-looking personal data in a training example. Examples may use fictional values
    by these conventions (docs/redaktion.md): BG-Nummern 12345BG…, Kundennummern 123A…, IBANs with a
    wrong check digit or the published example IBANs, e-mail addresses at example.org/.com/.net/.de,
    phone numbers starting 0123. Street names and first names are fine; a date of birth alone is not
    identifying and counts only together with another identifier."""
    from bot.declarations.fields import iban_is_valid

    compact = text.upper()
    for value in allowed:
        compact = compact.replace(value, " ")
    compact = re.sub(r"\b12345\s*-?\s*BG\s*-?\s*\d{7}\b|\b123\s*-?\s*A\s*-?\s*\d{6}\b", " ", compact)
    compact = re.sub(r"(?<!\d)(0|\+49\s?)123[\d /-]*", " ", compact)
    kinds = set(contains_personal_data(compact)) - {"Adresse", "Name"}
    if "E-Mail" in kinds and FICTIONAL_EMAIL.search(text) and len(re.findall(r"@", text)) == 1:
        kinds.discard("E-Mail")
    ibans = re.findall(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", re.sub(r"[\s-]", "", compact))
    if "IBAN" in kinds and not any(iban_is_valid(m) and m not in allowed for m in ibans):
        kinds.discard("IBAN")
    if kinds == {"Geburtsdatum"}:
        kinds.clear()
    return sorted(kinds)


def check_examples(examples: list[Example], allowed: Set[str] = frozenset()) -> list[Problem]:
    problems = []
    seen: dict[str, Example] = {}
    counts: dict[str, int] = defaultdict(int)
    for example in examples:
        counts[example.intent] += 1
        key = _normal(example.text)
        first = seen.get(key)
        if first is None:
            seen[key] = example
        elif first.intent != example.intent:
            problems.append(Problem(example.file, example.line,
                                    f"„{example.text}“ (Intent „{example.intent}“) steht auch unter „{first.intent}“ "
                                    f"({first.file}, Zeile "
                                    f"{first.line}). Ein Beispiel darf nur zu einem Intent gehören."))
        elif first.text.lower() == example.text.lower():
            problems.append(Problem(example.file, example.line,
                                    f"„{example.text}“ steht doppelt unter „{example.intent}“ (zuerst Zeile {first.line})."))
        if kinds := personal_data(example.text, allowed):
            problems.append(Problem(example.file, example.line,
                                    f"Mögliche personenbezogene Daten ({', '.join(kinds)}) in „{example.text}“. "
                                    "Bitte durch erfundene Werte ersetzen oder entfernen."))
    first_line: dict[str, Example] = {}
    for example in examples:
        first_line.setdefault(example.intent, example)
    for intent, count in counts.items():
        if count < MIN_EXAMPLES:
            where = first_line[intent]
            problems.append(Problem(where.file, where.line, f"Intent „{intent}“ hat nur {count} Beispiele, "
                                    f"mindestens {MIN_EXAMPLES} sind nötig."))
    return problems


def check_intents(root: Path, examples: list[Example]) -> list[Problem]:
    from bot.content import COMPUTED_INTENTS

    domain = _load(root / "domain.yml")
    intents = [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents", [])]
    rules_text = (root / "data" / "rules.yml").read_text(encoding="utf-8")
    ruled = set(re.findall(r"-\s*intent:\s*(\S+)", rules_text))
    answers = _load(root / "content" / "answers.yml").get("answers", {})
    declarations_path = root / "content" / "declarations.yml"
    declared = set(_load(declarations_path).get("declarations", {})) if declarations_path.exists() else set()
    with_examples = {e.intent for e in examples}
    domain_lines = (root / "domain.yml").read_text(encoding="utf-8").splitlines()

    def line_of(intent: str) -> int:
        return next((n for n, line in enumerate(domain_lines, 1) if re.match(rf"^\s*-\s*{re.escape(intent)}\s*$", line)), 1)

    problems = []
    for intent in intents:
        if intent not in ruled:
            problems.append(Problem("domain.yml", line_of(intent), f"Intent „{intent}“ hat keine Regel in "
                                    "data/rules.yml; der Assistent würde nicht antworten."))
        if intent not in answers and intent not in declared and intent not in COMPUTED_INTENTS and intent != "threat":
            problems.append(Problem("domain.yml", line_of(intent), f"Intent „{intent}“ hat keine Antwort in "
                                    "content/answers.yml und keine Erklärung in content/declarations.yml."))
        if intent not in with_examples:
            problems.append(Problem("domain.yml", line_of(intent), f"Intent „{intent}“ hat keine Trainingsbeispiele "
                                    "in data/nlu/."))
    for intent in sorted(with_examples - set(intents)):
        example = next(e for e in examples if e.intent == intent)
        problems.append(Problem(example.file, example.line, f"Intent „{intent}“ fehlt in domain.yml."))
    return problems


def check_templates(root: Path) -> list[Problem]:
    """Texts in answers.yml `templates` that no code uses."""
    path = root / "content" / "answers.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    names = _load(path).get("templates", {}) or {}
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("bot", "actions", "voice")
                     for p in (PROJECT_ROOT / folder).rglob("*.py") if "editor" not in p.parts)
    problems = []
    for name in names:
        used = re.search(rf"[\"']{re.escape(name)}[\"']", code) or (
            name.startswith("ask_") and f"action_{name}" in (root / "domain.yml").read_text(encoding="utf-8"))
        if not used:
            line = next((n for n, text in enumerate(lines, 1) if text.startswith(f"  {name}:")), 1)
            problems.append(Problem("content/answers.yml", line, f"Der Text „{name}“ wird nirgends verwendet."))
    return problems


def check_links(root: Path) -> list[Problem]:
    problems = []
    for path in sorted((root / "content").glob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for url in URL.findall(line):
                url = url.rstrip(".,;:")
                if not VALID_URL.match(url):
                    problems.append(Problem(str(path.relative_to(root)), number,
                                            f"Der Link „{url}“ ist keine gültige Webadresse."))
    return problems


def run_checks(root: Path = PROJECT_ROOT) -> list[Problem]:
    examples = read_examples(root)
    return [*check_examples(examples, allowed_values(root)), *check_intents(root, examples), *check_templates(root), *check_links(root)]


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0]) if argv else PROJECT_ROOT
    problems = run_checks(root)
    if problems:
        print(f"Prüfung der Trainingsdaten und Inhalte: {len(problems)} Problem(e)", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"Trainingsdaten und Inhalte in Ordnung ({len(read_examples(root))} Beispiele).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
