"""The project's language rule: `bot.language.detection.LanguageRule` for the languages and request phrases of
content/languages/ (see that module for the rule itself)."""

from __future__ import annotations

from bot.language.detection import LanguageRule, clean, script_of

__all__ = ["LanguageRule", "clean", "language_rule", "script_of"]


def language_rule() -> LanguageRule:
    """The rule for the project's languages (content/languages/), built once per process."""
    global _RULE
    if _RULE is None:
        from bot.languages.registry import get_catalog

        catalog = get_catalog()
        supported = {code: language.variant_of for code, language in catalog.languages.items()}
        _RULE = LanguageRule(supported, catalog.requests)
    return _RULE


_RULE: LanguageRule | None = None
