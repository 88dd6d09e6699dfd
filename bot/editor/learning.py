"""Learning from real conversations: messages the assistant did not understand (fallbacks), was unsure
about (low confidence) or that ended with a person are collected with personal data redacted.
Editors see them in the desk grouped by similarity, assign an intent with one click or mark them as
noise; assigned messages are written into the training file that holds the intent, as ordinary
examples with fictional values instead of the redacted ones. That is a change to the repository's
data/nlu/ (review it with `git diff`, run `make validate eval train`), never a silent edit of the
running assistant.

The texts are redacted, so they name nobody; `export_for` and `delete_for` still answer for any that
contain a person's number or conversation id (Auskunft, Löschung), should redaction have missed one.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import redis

from bot.core.clock import now_local
from bot.core.redact import redact
from bot.core.settings import ContentSettings
from bot.core.subject import DataSubject

ITEMS = "learn:items"  # hash id -> JSON
BY_TEXT = "learn:by_text"  # hash redacted text -> id (one entry per text, counted)
UNSURE_BELOW = 0.6
MAX_ITEMS = 5000
MAX_TEXT = 300
# Redaction placeholders become the project's fictional example values (docs/redaktion.md).
FICTIONAL = {"[BG-Nummer]": "12345BG0000001", "[Kundennummer]": "123A456781", "[IBAN]": "DE89370400440532013000",
             "[E-Mail]": "max.mustermann@example.org", "[Telefon]": "0123 4567890", "[Geburtsdatum]": "01.01.1980",
             "[Name]": "Max Mustermann", "[Adresse]": "Musterstraße 1"}
REASONS = {"fallback": "nicht verstanden", "unsure": "unsicher", "handover": "an einen Menschen übergeben"}


def data_dir() -> Path:
    return ContentSettings.from_env().editor_data_dir  # EDITOR_DATA_DIR


class LearningInbox:
    def __init__(self, client: redis.Redis):
        self.redis = client

    def collect(self, text: str, reason: str, guess: str = "", confidence: float = 0.0,
                known_names: tuple[str, ...] = ()) -> str | None:
        """Keep a message for review (redacted); the same text again only raises its count."""
        if not text or text.startswith("/") or reason not in REASONS:
            return None
        cleaned = redact(" ".join(text.split())[:MAX_TEXT], known_names)
        if sum(ch.isalpha() for ch in cleaned) < 2:
            return None
        existing = self.redis.hget(BY_TEXT, cleaned)
        if existing:
            item = json.loads(self.redis.hget(ITEMS, existing) or "{}")
            if item:
                item["count"] = item.get("count", 1) + 1
                self.redis.hset(ITEMS, existing, json.dumps(item, ensure_ascii=False))
                return existing.decode() if isinstance(existing, bytes) else existing
        if self.redis.hlen(ITEMS) >= MAX_ITEMS:
            return None
        item_id = secrets.token_hex(6)
        item = {"id": item_id, "text": cleaned, "reason": reason, "guess": guess, "confidence": round(confidence, 2),
                "count": 1, "at": now_local().isoformat(timespec="seconds")}
        self.redis.hset(ITEMS, item_id, json.dumps(item, ensure_ascii=False))
        self.redis.hset(BY_TEXT, cleaned, item_id)
        return item_id

    def items(self) -> list[dict]:
        return sorted((json.loads(v) for v in self.redis.hvals(ITEMS)), key=lambda i: i["at"])

    def remove(self, ids: list[str]) -> list[dict]:
        removed = []
        for item_id in ids:
            raw = self.redis.hget(ITEMS, item_id)
            if raw:
                item = json.loads(raw)
                self.redis.hdel(ITEMS, item_id)
                self.redis.hdel(BY_TEXT, item["text"])
                removed.append(item)
        return removed

    def _naming(self, person: DataSubject) -> list[dict]:
        marks = [m.lower() for m in (person.customer, *person.conversations) if m]
        return [i for i in self.items() if any(m in i["text"].lower() for m in marks)]

    def export_for(self, person: DataSubject) -> dict:
        found = self._naming(person)
        return {"lernbeispiele": found} if found else {}  # normally none: the texts are redacted

    def delete_for(self, person: DataSubject) -> int:
        return len(self.remove([i["id"] for i in self._naming(person)]))

    def groups(self, threshold: float = 0.45) -> list[dict]:
        """Similar messages together (TF-IDF of character n-grams, greedy by cosine similarity)."""
        items = self.items()
        if not items:
            return []
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.metrics.pairwise import cosine_similarity

        texts = [i["text"].lower() for i in items]
        matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(texts)
        similarity = cosine_similarity(matrix)
        unassigned = list(range(len(items)))
        result = []
        while unassigned:
            seed = unassigned.pop(0)
            members = [seed] + [j for j in unassigned if similarity[seed, j] >= threshold]
            unassigned = [j for j in unassigned if j not in members]
            group = [items[m] for m in members]
            guesses = [g["guess"] for g in group if g.get("guess")]
            result.append({"items": group, "suggestion": max(set(guesses), key=guesses.count) if guesses else "",
                           "count": sum(g.get("count", 1) for g in group)})
        return sorted(result, key=lambda g: -g["count"])


def example_text(text: str) -> str:
    for placeholder, value in FICTIONAL.items():
        text = text.replace(placeholder, value)
    return text.strip()


def write_examples(intent: str, texts: list[str], folder: Path | None = None) -> Path:
    """Append examples to the intent's block in the training file that holds it (a new file
    data/nlu/learned.yml for an intent that has no examples yet)."""
    folder = folder or data_dir()
    lines_new = [example_text(t) for t in texts if example_text(t)]
    for path in sorted(folder.glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        start = next((n for n, line in enumerate(lines) if re.match(rf"^\s*-\s*intent:\s*{re.escape(intent)}\s*$", line)), None)
        if start is None:
            continue
        existing, end, indent = set(), start + 1, "    "
        for n in range(start + 1, len(lines)):
            item = re.match(r"^(\s+)-\s+(.*\S)\s*$", lines[n])
            if item:
                existing.add(item.group(2).lower())
                indent, end = item.group(1), n + 1
            elif re.match(r"^\s*-\s*intent:", lines[n]) or (lines[n].strip() and not lines[n].startswith(" ")):
                break
        added = [f"{indent}- {t}\n" for t in lines_new if t.lower() not in existing]
        if end > 0 and not lines[end - 1].endswith("\n"):
            lines[end - 1] += "\n"
        lines[end:end] = added
        path.write_text("".join(lines), encoding="utf-8")
        return path
    path = folder / "learned.yml"
    if not path.exists():
        path.write_text('version: "3.1"\nnlu:\n', encoding="utf-8")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"- intent: {intent}\n  examples: |\n" + "".join(f"    - {t}\n" for t in lines_new))
    return path
