"""Content objects in a language: every text with a translation replaced, everything else unchanged.

The content objects are frozen dataclasses (bot/content/model.py, bot/declarations/catalogue.py,
bot/safety/texts.py). `localized(obj, prefix, language)` walks one and replaces the citizen-facing texts:
fields named in TEXT_FIELDS, and the entries of the dictionaries named in TEXT_DICTS. A text's key is its
path: `answers.greet.text`, `texts.declarations.yes_no`, `catalogue.declarations.report_sick.fields.period.ask`;
items of a tuple are named by their `key`, `intent` or position; a button's title is `buttons.<German title>`
(one translation for every button with that title). `source_texts(obj, prefix)` lists every
key with its German text (the translators' list, `python -m bot.editor.translations`).

A translation must keep the German text's placeholders; one that does not is not used (the content check
reports it), so a broken translation can never break a filled-in answer.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable, Generic, TypeVar

from bot.languages.context import current, speaking
from bot.languages.registry import GERMAN, Catalog

TEXT_FIELDS = frozenset({"text", "title", "label", "ask", "intro", "caveat", "hours_note", "directions", "note", "refer",
                         "email_closing"})
TEXT_DICTS = frozenset({"texts", "templates", "variants", "replies"})
# not translated: figures and tables, legal addresses, crisis numbers, matching words; the outbound consent
# wording (binding, German), campaign messages and phone texts (voice is German)
# fields that are texts only in some objects (an appointment type's `name`; an office's name is a proper name)
TEXT_FIELDS_OF = {"AppointmentType": frozenset({"name"})}
TEXT_TUPLES = frozenset({"bring"})  # tuples of texts (what to bring to an appointment)
SKIP = frozenset({"figures", "kdu", "legal", "lines", "aliases", "when", "match", "consent_wording", "campaigns",
                  "call_texts", "email_footer", "allowed_times", "retries"})
PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")

Lookup = Callable[[str, str], str]


def _name(item: Any, index: int) -> str:
    for attribute in ("key", "intent"):
        value = getattr(item, attribute, None)
        if isinstance(value, str) and value:
            return value
    return str(index)


def walk(obj: Any, prefix: str, lookup: Lookup) -> Any:
    """`obj` with every text replaced by `lookup(key, german)`."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        return obj
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in SKIP:
            continue
        value = getattr(obj, f.name)
        key = f"{prefix}.{f.name}" if prefix else f.name
        new: Any = value
        if f.name == "title" and isinstance(value, str) and type(obj).__name__ == "Button":
            new = lookup(f"buttons.{value}", value) if value else value  # a button: one key per title
        elif f.name == "buttons" and isinstance(value, tuple) and value and isinstance(value[0], tuple):
            new = tuple((lookup(f"buttons.{title}", title), *rest) for title, *rest in value)
        elif isinstance(value, str) and (f.name in TEXT_FIELDS or f.name in TEXT_FIELDS_OF.get(type(obj).__name__, ())):
            new = lookup(key, value) if value else value
        elif isinstance(value, tuple) and f.name in TEXT_TUPLES:
            new = tuple(lookup(f"{key}.{i}", v) if isinstance(v, str) and v else v for i, v in enumerate(value))
        elif isinstance(value, dict) and f.name in TEXT_DICTS:
            new = {k: lookup(f"{key}.{k}", v) if isinstance(v, str) and v else v for k, v in value.items()}
        elif isinstance(value, dict):
            new = {k: walk(v, f"{key}.{k}", lookup) for k, v in value.items()}
        elif isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            new = tuple(walk(item, f"{key}.{_name(item, i)}", lookup) for i, item in enumerate(value))
        elif dataclasses.is_dataclass(value):
            new = walk(value, key, lookup)
        if new is not value and new != value:
            changes[f.name] = new
    return dataclasses.replace(obj, **changes) if changes else obj


def source_texts(obj: Any, prefix: str) -> dict[str, str]:
    """Every translatable key of `obj` with its German text."""
    found: dict[str, str] = {}

    def record(key: str, german: str) -> str:
        found[key] = german
        return german

    walk(obj, prefix, record)
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def translator(catalog: Catalog, language: str) -> Lookup:
    """lookup(key, german) for `language`: the translation when there is one with the German text's
    placeholders, else the German text (Leichte Sprache and other variants fall back to their base)."""
    chain = [language]
    base = catalog.languages[language].variant_of if language in catalog.languages else ""
    if base and base != GERMAN:
        chain.append(base)
    tables = [catalog.translations[c].texts for c in chain if c in catalog.translations]

    def lookup(key: str, german: str) -> str:
        for table in tables:
            entry = table.get(key)
            if entry is not None and placeholders(entry.text) <= placeholders(german):
                return entry.text
        return german

    return lookup




def localized(obj: Any, prefix: str, language: str, catalog: Catalog) -> Any:
    """`obj` in `language` (unchanged for German or an unknown language)."""
    if language == GERMAN or language not in catalog.languages:
        return obj
    return walk(obj, prefix, translator(catalog, language))


T = TypeVar("T")


class PerLanguage(Generic[T]):
    """A content loader cached per language: `get = PerLanguage(load_x, "x")`, then `get()` is the object in
    the conversation's language (context.current()). `get.cache_clear()` forgets every language (tests,
    content reload)."""

    def __init__(self, load: Callable[[], T], prefix: str) -> None:
        self._load, self._prefix = load, prefix
        self._cache: dict[str, T] = {}

    def __call__(self) -> T:
        language = current()
        found = self._cache.get(language)
        if found is not None:
            return found
        german = self._cache.get(GERMAN)
        if german is None:
            german = self._cache[GERMAN] = self._load()
        if language != GERMAN:
            from bot.languages.registry import get_catalog

            self._cache[language] = localized(german, self._prefix, language, get_catalog())
        return self._cache[language]

    def german(self) -> T:
        with speaking(GERMAN):
            return self()

    def cache_clear(self) -> None:
        self._cache.clear()
