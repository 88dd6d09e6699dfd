"""Is a message made of words at all? ("blubb xyz", "qwertz asdf" are typed noise, not a question outside the
assistant's topics.)

The vocabulary is every word of the NLU examples (except those of `out_of_scope`, which lists typed noise on
purpose) and of the content files. A message none of whose words is known is noise: it gets the answer for a
message that was not understood ("nicht sicher verstanden"), not the one for a topic the assistant does not
cover.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from bot.language.textparse import normalise

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"  # every language's folder
CONTENT_DIR = ROOT / "content"
NOISE_INTENTS = frozenset({"out_of_scope"})
_WORD = re.compile(r"[a-z]+")


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _load(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def build(nlu_dir: Path = NLU_DIR, content_dir: Path = CONTENT_DIR) -> frozenset[str]:
    """The known words of the NLU examples (without the noise intents) and the content files."""
    known: set[str] = set()
    for path in sorted(nlu_dir.rglob("*.yml")):
        data = _load(path)
        for block in (data or {}).get("nlu", []) if isinstance(data, dict) else []:
            if isinstance(block, dict) and block.get("intent") not in NOISE_INTENTS:
                known.update(words(str(block.get("examples") or "")))
    for path in sorted(content_dir.rglob("*.yml")):
        for text in _strings(_load(path)):
            known.update(words(text))
    return frozenset(known)


@functools.lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    return build()


def is_noise(text: str, known: frozenset[str] | None = None) -> bool:
    """No digit and not one known word of two letters or more: typed noise. An empty vocabulary (files
    missing) decides nothing."""
    known = vocabulary() if known is None else known
    if not known or re.search(r"\d", text):
        return False
    found = [w for w in words(text) if len(w) >= 2]
    return bool(found) and not any(w in known for w in found)
