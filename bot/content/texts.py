"""Saying a text of content/texts.yml: `say("declarations.iban_checksum")`, with its placeholders filled.

The texts are the sentences capabilities say in the middle of a dialogue (hints that ask again, refusals,
mail answers, spoken options). Which keys exist and which placeholders each may use is `TEXT_FIELDS`
(bot/content/specs.py); `load_content()` checks the file against it, so every key asked for here exists.
"""

from __future__ import annotations

from bot.content.load import get_content
from bot.content.model import Content
from bot.content.specs import PLACEHOLDER


def say(key: str, /, content: Content | None = None, **values: object) -> str:
    """The text `key` ("section.key") of `content` (default: the project's content) with `values` filled in."""
    text = (content or get_content()).texts[key]
    return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)
