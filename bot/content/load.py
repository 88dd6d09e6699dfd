"""Loading the content folder: `load_content()`, the cached `get_content()` and path helpers.

`content_dir()` resolves `content/` (or CONTENT_DIR for test and staging copies), `domain_intents()`
reads the intents of domain.yml, `load_content()` parses and validates jobcenter.yml, figures.yml,
kdu.yml, answers.yml and texts.yml into one `Content` or raises `ContentError` listing every problem, and
`get_content()` loads the project's content once per process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT
from bot.content.model import Content, Figure
from bot.content.parsers import parse_answers, parse_figures, parse_jobcenter, parse_kdu, parse_texts
from bot.content.specs import JOBCENTER_PLACEHOLDERS
from bot.core.settings import ContentSettings
from bot.core.yamlsource import Report, load
from bot.languages.localize import PerLanguage


def domain_intents(root: Path) -> set[str]:
    with (root / "domain.yml").open(encoding="utf-8") as handle:
        domain = yaml.safe_load(handle) or {}
    return {next(iter(i)) if isinstance(i, dict) else i for i in domain.get("intents", [])}


def content_dir(root: Path = PROJECT_ROOT) -> Path:
    """The content folder: `content/` of the project, or CONTENT_DIR (e.g. a test or staging copy)."""
    override = ContentSettings.from_env().content_dir  # at call time (tests switch it)
    return override if override and root == PROJECT_ROOT else root / "content"


def load_content(root: Path = PROJECT_ROOT) -> Content:
    """Load and validate all content; raise ContentError listing every problem."""
    report = Report()
    content_dir_path = content_dir(root)
    nodes = {name: load(content_dir_path / f"{name}.yml", report, content_dir_path.parent) for name in ("jobcenter", "figures", "kdu", "answers", "texts")}
    jobcenter = parse_jobcenter(nodes["jobcenter"]) if nodes["jobcenter"] and nodes["jobcenter"].is_mapping() else {}
    regime, figures, declared = "", dict[str, Figure](), set[str]()
    if nodes["figures"] and nodes["figures"].is_mapping():
        regime, figures, declared = parse_figures(nodes["figures"])
    kdu = parse_kdu(nodes["kdu"]) if nodes["kdu"] and nodes["kdu"].is_mapping() else None
    answers: dict[str, Any] = {}
    if nodes["answers"] and nodes["answers"].is_mapping():
        answers = parse_answers(nodes["answers"], domain_intents(root), declared | JOBCENTER_PLACEHOLDERS)
    texts = parse_texts(nodes["texts"]) if nodes["texts"] and nodes["texts"].is_mapping() else {}
    report.raise_if_any()
    return Content(
        name=jobcenter["name"],
        name_genitive=jobcenter["name_genitive"],
        website=jobcenter["website"],
        state=jobcenter["state"],
        service_center=jobcenter["service_center"],
        offices=jobcenter["offices"],
        hours_note=jobcenter["hours_note"],
        legal=jobcenter["legal"],
        legal_regime=regime,
        figures=figures,
        kdu=kdu,  # type: ignore[arg-type]
        texts=texts,
        **answers,
    )


def _project_content() -> Content:
    return load_content()


# The project's content, loaded once per process, in the conversation's language (bot/languages/).
get_content: PerLanguage[Content] = PerLanguage(_project_content, "")
