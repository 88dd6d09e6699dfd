"""Editable content of the assistant: offices, figures, KdU table and answers.

`load_content()` reads `content/*.yml`, validates everything (reporting file and line of each
problem) and returns an immutable `Content`. Broken content raises `ContentError`, so the action
server refuses to start with it. The package re-exports its public surface here: the data model
(`model`), the rules content is checked against (`specs`), opening-hours parsing (`hours`),
loading (`load`) and `say()` for the texts of content/texts.yml (`texts`); the file parsers
(`parsers`) are internal. Editors check all content files with
`python -m bot.editor.content_check`.
"""

from bot.content.hours import parse_hours, parse_hours_text
from bot.content.load import content_dir, domain_intents, get_content, load_content
from bot.content.model import (
    Answer,
    Button,
    Content,
    Figure,
    KduLimit,
    KduTable,
    Office,
    OpeningHours,
    ServiceCenter,
    TimeRange,
)
from bot.content.parsers import check_placeholders
from bot.content.specs import (
    COMPUTED_INTENTS,
    DECLARATION_INTENTS,
    JOBCENTER_PLACEHOLDERS,
    LEGAL_REGIMES,
    PLACEHOLDER,
    TEMPLATE_FIELDS,
    TEXT_FIELDS,
    UNITS,
)
from bot.content.texts import say
from bot.core.yamlsource import ContentError

__all__ = [
    "COMPUTED_INTENTS",
    "DECLARATION_INTENTS",
    "JOBCENTER_PLACEHOLDERS",
    "LEGAL_REGIMES",
    "PLACEHOLDER",
    "TEMPLATE_FIELDS",
    "TEXT_FIELDS",
    "UNITS",
    "Answer",
    "Button",
    "Content",
    "ContentError",
    "Figure",
    "KduLimit",
    "KduTable",
    "Office",
    "OpeningHours",
    "ServiceCenter",
    "TimeRange",
    "check_placeholders",
    "content_dir",
    "domain_intents",
    "get_content",
    "load_content",
    "parse_hours",
    "parse_hours_text",
    "say",
]
