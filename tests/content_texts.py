"""Tests against the texts of content/texts.yml, not their wording: an editor may change a text without
failing a code test, while the test still checks which text was said and what was filled in."""

from __future__ import annotations

import re

from bot.content import PLACEHOLDER, Content, get_content


def _pattern(key: str, content: Content | None = None) -> re.Pattern[str]:
    parts = PLACEHOLDER.split((content or get_content()).texts[key])
    regex, seen = "", set()
    for index, part in enumerate(parts):
        if index % 2 == 0:
            regex += r"\s+".join(re.escape(word) for word in re.split(r"\s+", part))  # wrapped lines (e-mails) too
        else:
            regex += f"(?P={part})" if part in seen else f"(?P<{part}>.+?)"
            seen.add(part)
    return re.compile(regex, re.DOTALL)


def said(key: str, text: str, content: Content | None = None) -> dict[str, str] | None:
    """The placeholder values if `text` contains the text `key` ("section.key"), else None."""
    match = _pattern(key, content).search(text)
    return match.groupdict() if match else None


def is_text(key: str, text: str, content: Content | None = None) -> dict[str, str] | None:
    """The placeholder values if `text` is exactly the text `key`, else None."""
    match = _pattern(key, content).fullmatch(text)
    return match.groupdict() if match else None
