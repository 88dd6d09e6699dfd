"""content/outbound.yml: consent wording, allowed contact times, retries, campaign and e-mail texts.

Loaded with the same checks as the other content files: every problem names file and line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot import PROJECT_ROOT
from bot.content import JOBCENTER_PLACEHOLDERS, OpeningHours, check_placeholders, content_dir
from bot.content import parse_hours as _parse_hours
from bot.core.yamlsource import Node, Report, load
from bot.languages.localize import PerLanguage

CAMPAIGN_FIELDS = {
    "reminder": {"name", "appointment", "type", "ref"},
    "cancellation": {"name", "appointment", "type", "ref", "reason", "offers"},
    "wba": {"name", "until"},
    "event": {"name", "event", "when", "place", "details"},
    "query": {"name", "topic"},
}
REPLY_FIELDS = {"answer": {"reference", "answer"}, "case": {"reference", "topic"}, "unclear": {"reference"},
                "follow_up": {"reference"}, "withdrawn": {"reference"},
                "over_limit": {"reference", "limit", "max_size"}}
CALL_TEXTS = {"call_greeting": {"name"}, "call_ask_birth_date": set(), "call_not_confirmed": set(), "call_ended": set(),
              "call_confirmed_appointment": set()}
CHANNELS = ("phone", "email")


@dataclass(frozen=True)
class CampaignTexts:
    title: str
    subject: str
    email: str
    phone: str


@dataclass(frozen=True)
class Retry:
    attempts: int
    pause_minutes: tuple[int, ...]

    def pause_after(self, attempt: int) -> dt.timedelta:
        """Pause after the `attempt`-th failed attempt (1-based)."""
        pauses = self.pause_minutes or (60,)
        return dt.timedelta(minutes=pauses[min(attempt, len(pauses)) - 1])


@dataclass(frozen=True)
class OutboundConfig:
    consent_version: str
    consent_wording: dict[str, str]
    allowed_times: dict[str, OpeningHours]
    retries: dict[str, Retry]
    campaigns: dict[str, CampaignTexts]
    email_closing: str
    email_footer: str
    call_texts: dict[str, str]
    replies: dict[str, str]


def _text(node: Node, key: str, allowed: set[str]) -> str:
    child = node.get(key)
    if child is None:
        return ""
    text = child.text() or ""
    check_placeholders(child, text, allowed | JOBCENTER_PLACEHOLDERS)
    return text


def _parse(node: Node) -> OutboundConfig:
    node.unknown_keys({"consent", "allowed_times", "retries", "campaigns", "email_closing", "email_footer",
                       "email_replies", *CALL_TEXTS})
    version, wording = "", {}
    consent = node.get("consent")
    if consent and consent.is_mapping():
        consent.unknown_keys({"version", "wording"})
        version_node = consent.get("version")
        version = (version_node.text() or "") if version_node else ""
        wording_node = consent.get("wording")
        if wording_node and wording_node.is_mapping():
            wording_node.unknown_keys(set(CHANNELS))
            wording = {channel: _text(wording_node, channel, {"address"}) for channel in CHANNELS}
    times: dict[str, OpeningHours] = {}
    times_node = node.get("allowed_times")
    if times_node and times_node.is_mapping():
        times_node.unknown_keys(set(CHANNELS))
        times = {channel: _parse_hours(times_node.get(channel)) for channel in CHANNELS}
    retries: dict[str, Retry] = {}
    retries_node = node.get("retries")
    if retries_node and retries_node.is_mapping():
        retries_node.unknown_keys(set(CHANNELS))
        for channel in CHANNELS:
            entry = retries_node.get(channel)
            if entry is None or not entry.is_mapping():
                continue
            entry.unknown_keys({"attempts", "pause_minutes"})
            attempts_node, pauses_node = entry.get("attempts"), entry.get("pause_minutes")
            attempts = int(attempts_node.number() or 1) if attempts_node else 1
            if not 1 <= attempts <= 10:
                entry.problem("„attempts“ muss zwischen 1 und 10 liegen.")
            pauses = tuple(int(p.number() or 0) for p in pauses_node.elements()) if pauses_node else ()
            if any(p < 1 for p in pauses):
                entry.problem("Jede Pause muss mindestens 1 Minute lang sein.")
            retries[channel] = Retry(attempts, pauses)
    campaigns: dict[str, CampaignTexts] = {}
    campaigns_node = node.get("campaigns")
    if campaigns_node and campaigns_node.is_mapping():
        campaigns_node.unknown_keys(set(CAMPAIGN_FIELDS))
        for kind, fields in CAMPAIGN_FIELDS.items():
            entry = campaigns_node.get(kind)
            if entry is None or not entry.is_mapping():
                continue
            entry.unknown_keys({"title", "subject", "email", "phone"})
            campaigns[kind] = CampaignTexts(_text(entry, "title", set()), _text(entry, "subject", fields),
                                            _text(entry, "email", fields), _text(entry, "phone", fields))
    replies: dict[str, str] = {}
    replies_node = node.get("email_replies")
    if replies_node and replies_node.is_mapping():
        replies_node.unknown_keys(set(REPLY_FIELDS))
        replies = {key: _text(replies_node, key, fields) for key, fields in REPLY_FIELDS.items()}
    return OutboundConfig(
        consent_version=version, consent_wording=wording, allowed_times=times, retries=retries,
        campaigns=campaigns, email_closing=_text(node, "email_closing", set()),
        email_footer=_text(node, "email_footer", {"consent_date"}),
        call_texts={key: _text(node, key, fields) for key, fields in CALL_TEXTS.items()}, replies=replies)


def load_outbound(root: Path = PROJECT_ROOT) -> OutboundConfig:
    report = Report()
    folder = content_dir(root)
    node = load(folder / "outbound.yml", report, folder.parent)
    config = _parse(node) if node and node.is_mapping() else None
    report.raise_if_any()
    assert config is not None
    return config


def _project_outbound() -> OutboundConfig:
    return load_outbound()


# In the conversation's language (bot/languages/): the e-mail replies and closing; the consent wording, the
# campaigns' messages and the phone texts stay German (binding wording; voice is German).
get_outbound: PerLanguage[OutboundConfig] = PerLanguage(_project_outbound, "outbound")
