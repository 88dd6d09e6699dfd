"""The safety answers and crisis lines from content/safety.yml, checked with file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import JOBCENTER_PLACEHOLDERS, check_placeholders, content_dir
from bot.core.yamlsource import Node, Report, load
from bot.languages.localize import PerLanguage

# text name -> placeholders the code fills in (besides the lines and the Jobcenter data)
TEXTS: dict[str, set[str]] = {
    "crisis": set(),
    "crisis_violence": set(),
    "crisis_person": set(),
    "crisis_no_person": {"hours"},
    "crisis_already_with_person": set(),
    "crisis_email": {"case"},
    "urgent_need": {"case"},
    "urgent_need_email": {"case"},
    "threat_possible": set(),
}
# The first sentence of the crisis answer must name these lines.
CRISIS_FIRST_SENTENCE = ("telefonseelsorge", "telefonseelsorge_2", "telefonseelsorge_kurz", "notruf")


@dataclass(frozen=True)
class SafetyTexts:
    lines: dict[str, str]
    texts: dict[str, str]


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (not one inside a number or an abbreviation)."""
    for index, char in enumerate(text):
        if char in ".!?" and (index + 1 == len(text) or text[index + 1] in " \n"):
            return text[: index + 1]
    return text


def _parse(node: Node) -> SafetyTexts:
    node.unknown_keys({"lines", "texts"})
    lines: dict[str, str] = {}
    lines_node = node.get("lines")
    if lines_node and lines_node.is_mapping():
        for name, entry in lines_node.items():
            value = entry.text() if not isinstance(entry.value, (int, float)) else str(entry.value)
            if not value:
                entry.problem(f"Die Nummer „{name}“ ist leer.")
            lines[str(name)] = value or ""
        for name in CRISIS_FIRST_SENTENCE:
            if name not in lines:
                lines_node.problem(f"Die Nummer „{name}“ fehlt.")
    texts: dict[str, str] = {}
    texts_node = node.get("texts")
    if texts_node and texts_node.is_mapping():
        texts_node.unknown_keys(set(TEXTS))
        for name, extra in TEXTS.items():
            text_node = texts_node.get(name)
            if text_node is None:
                continue
            text = text_node.text() or ""
            check_placeholders(text_node, text, set(lines) | JOBCENTER_PLACEHOLDERS | extra)
            texts[name] = text
        crisis = texts_node.get("crisis", required=False)
        if crisis is not None:
            opening = first_sentence(texts.get("crisis", ""))
            missing = [n for n in CRISIS_FIRST_SENTENCE if f"{{{n}}}" not in opening]
            if missing:
                crisis.problem("Der erste Satz der Krisen-Antwort muss die Krisennummern nennen; es fehlt: "
                               + ", ".join(f"{{{n}}}" for n in missing) + ".")
    return SafetyTexts(lines, texts)


def load_safety(root: Path | None = None) -> SafetyTexts:
    """Load content/safety.yml; raise ContentError listing every problem."""
    report = Report()
    folder = content_dir(root) if root else content_dir()
    node = load(folder / "safety.yml", report, folder.parent)
    result = _parse(node) if node is not None and node.is_mapping() else SafetyTexts({}, {})
    report.raise_if_any()
    return result


def _project_safety() -> SafetyTexts:
    return load_safety()


# The safety answers in the conversation's language (bot/languages/); the crisis numbers stay as they are.
get_safety: PerLanguage[SafetyTexts] = PerLanguage(_project_safety, "safety")
