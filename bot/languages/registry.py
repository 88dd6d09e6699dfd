"""The supported languages and their translations (content/languages/).

content/languages/languages.yml lists the languages the assistant serves (code -> names, writing
direction, the `lang` attribute); removing one switches it off. Each language but German has a file
content/languages/<code>.yml:

    language: uk
    status: draft            # review status of every text below unless the text says its own
    lines:                   # the assistant's own lines in this language (see LINE_KEYS)
      fallback: ...
    texts:                   # translation per text key (`python -m bot.editor.translations uk` lists the keys)
      answers.greet.text: ...
      answers.thank.text: {text: ..., status: reviewed}

Placeholders ({hours}) must be the German text's; a key the German content does not have, a placeholder it
does not know, or an unknown status is a content error (make content-check names file and line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.core.yamlsource import Node, Report, load

GERMAN = "de"
STATUSES = ("draft", "reviewed")
# The assistant's own lines per language: said before a German text (no translation yet), after a switch
# ({language}: the language's own name), and the list of languages ({languages}).
LINE_KEYS = ("fallback", "switched", "languages")
# Short answers the forms understand in every language (`words:` of a language file): "так", "evet", "نعم".
WORD_KEYS = ("yes", "no", "abort")


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in German, for the desk and editors ("Ukrainisch")
    native: str  # in the language itself ("Українська"), for the citizen's switcher
    direction: str = "ltr"  # "rtl" for Arabic
    html: str = ""  # the `lang` attribute (Leichte Sprache: "de")
    variant_of: str = ""  # Leichte Sprache is a variant of German: it understands German messages

    @property
    def lang_attribute(self) -> str:
        return self.html or self.code


@dataclass(frozen=True)
class Translation:
    text: str
    status: str


@dataclass(frozen=True)
class Translations:
    language: str
    status: str
    lines: dict[str, str] = field(default_factory=dict)
    texts: dict[str, Translation] = field(default_factory=dict)
    words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # WORD_KEYS -> words in this language
    requests: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code -> phrases asking for it here


def languages_dir(content_folder: Path) -> Path:
    return content_folder / "languages"


def parse_requests(node: Node) -> dict[str, list[str]]:
    """code -> the phrases that ask for that language (`ask:` in languages.yml)."""
    requests: dict[str, list[str]] = {}
    listed = node.get("languages", required=False)
    if listed is None or not listed.is_mapping():
        return requests
    for code, entry in listed.items():
        ask = entry.get("ask", required=False) if isinstance(entry.value, dict) else None
        if ask is not None:
            requests[str(code)] = [str(e.value).casefold() for e in ask.elements()]
    return requests


def parse_languages(node: Node) -> dict[str, Language]:
    node.unknown_keys({"default", "languages"})
    languages: dict[str, Language] = {}
    listed = node.get("languages")
    if listed is None or not listed.is_mapping():
        return {GERMAN: Language(GERMAN, "Deutsch", "Deutsch", html=GERMAN)}
    for code, entry in listed.items():
        if not isinstance(entry.value, dict):
            entry.problem("Hier wird eine Zuordnung erwartet (name, native, …).")
            continue
        entry.unknown_keys({"name", "native", "direction", "html", "variant_of", "ask"})
        values = {key: (sub.text() or "") for key, sub in entry.items() if key != "ask"}
        if values.get("direction", "ltr") not in ("ltr", "rtl"):
            entry.problem("direction: nur ltr oder rtl")
        languages[str(code)] = Language(str(code), values.get("name", str(code)), values.get("native", str(code)),
                                        values.get("direction", "ltr"), values.get("html", ""),
                                        values.get("variant_of", ""))
    if GERMAN not in languages:
        node.problem("languages: Deutsch (de) fehlt")
    return languages


def parse_translations(node: Node, code: str) -> Translations:
    node.unknown_keys({"language", "status", "lines", "texts", "words", "requests"})
    status_node = node.get("status", required=False)
    default_status = (status_node.text() if status_node else None) or "draft"
    if default_status not in STATUSES:
        node.problem(f"status: {default_status!r} ist unbekannt (erlaubt: {', '.join(STATUSES)})")
    lines: dict[str, str] = {}
    lines_node = node.get("lines", required=False)
    if lines_node is not None and lines_node.is_mapping():
        lines_node.unknown_keys(set(LINE_KEYS))
        lines = {str(key): sub.text() or "" for key, sub in lines_node.items()}
    texts: dict[str, Translation] = {}
    texts_node = node.get("texts", required=False)
    if texts_node is not None and texts_node.is_mapping():
        for key, sub in texts_node.items():
            if isinstance(sub.value, dict):
                sub.unknown_keys({"text", "status"})
                text_node, status_node = sub.get("text"), sub.get("status", required=False)
                text = text_node.text() if text_node else None
                status = status_node.text() if status_node else default_status
                if status not in STATUSES:
                    sub.problem(f"status: {status!r} ist unbekannt (erlaubt: {', '.join(STATUSES)})")
            else:
                text, status = sub.text(), default_status
            if text:
                texts[str(key)] = Translation(text.strip(), status or "draft")
    words: dict[str, tuple[str, ...]] = {}
    words_node = node.get("words", required=False)
    if words_node is not None and words_node.is_mapping():
        words_node.unknown_keys(set(WORD_KEYS))
        words = {str(key): tuple(str(e.value).casefold().strip() for e in sub.elements() if str(e.value).strip())
                 for key, sub in words_node.items()}
    requests: dict[str, tuple[str, ...]] = {}
    requests_node = node.get("requests", required=False)
    if requests_node is not None and requests_node.is_mapping():
        requests = {str(key): tuple(str(e.value).casefold().strip() for e in sub.elements() if str(e.value).strip())
                    for key, sub in requests_node.items()}
    return Translations(code, default_status, lines, texts, words, requests)


@dataclass(frozen=True)
class Catalog:
    default: str
    languages: dict[str, Language]
    translations: dict[str, Translations]
    requests: dict[str, list[str]] = field(default_factory=dict)

    def supports(self, code: str | None) -> bool:
        return bool(code) and code in self.languages

    def line(self, code: str, key: str, **values: str) -> str:
        """One of the assistant's own lines (LINE_KEYS) in `code`, German when the language has none."""
        for language in (code, self.languages[code].variant_of if code in self.languages else "", GERMAN):
            text = self.translations.get(language, Translations(language, "draft")).lines.get(key) if language else None
            if text:
                return text.format(**values) if values else text
        return ""


GERMAN_LINES = {
    "fallback": "Diese Antwort gibt es noch nicht in Ihrer Sprache, deshalb steht sie auf Deutsch.",
    "switched": "Gern, ich schreibe ab jetzt auf {language}. Wie kann ich Ihnen helfen?",
    "languages": "Ich kann Ihnen auf {languages} antworten. Schreiben Sie einfach in Ihrer Sprache.",
}


def load_catalog(content_folder: Path, report: Report | None = None) -> Catalog:
    """The languages and translations of a content folder; problems go into `report` (raised when None)."""
    own = report or Report()
    folder = languages_dir(content_folder)
    languages = {GERMAN: Language(GERMAN, "Deutsch", "Deutsch", html=GERMAN)}
    default = GERMAN
    requests: dict[str, list[str]] = {}
    node = load(folder / "languages.yml", own, content_folder.parent) if (folder / "languages.yml").exists() else None
    if node is not None and node.is_mapping():
        languages = parse_languages(node)
        requests = parse_requests(node)
        default_node = node.get("default", required=False)
        default = (default_node.text() if default_node else None) or GERMAN
    translations = {GERMAN: Translations(GERMAN, "reviewed", dict(GERMAN_LINES))}
    for code in languages:
        path = folder / f"{code}.yml"
        if code == GERMAN or not path.exists():
            continue
        file_node = load(path, own, content_folder.parent)
        if file_node is not None and file_node.is_mapping():
            translations[code] = parse_translations(file_node, code)
    for table in translations.values():  # phrases written in each language (`requests:` of its file)
        for code, phrases in table.requests.items():
            requests.setdefault(code, []).extend(phrases)
    if report is None:
        own.raise_if_any()
    return Catalog(default, languages, translations, requests)


@lru_cache(maxsize=1)
def get_catalog() -> Catalog:
    from bot import PROJECT_ROOT
    from bot.core.settings import ContentSettings

    return load_catalog(ContentSettings.from_env().content_dir or PROJECT_ROOT / "content")
