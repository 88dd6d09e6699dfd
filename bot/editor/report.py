"""The evaluation report for content editors (`make eval`): per-intent precision, recall and F1 from
the cross-validation, the most confused intent pairs with example messages, the confusion matrix
picture, and a comparison with the accepted baseline committed in the repository
(`docs/nlu_baseline.json`) with a clear German verdict.

    python -m bot.editor.report --results results/nlu [--baseline docs/nlu_baseline.json] [--accept]

Exit code 1 when macro-F1 dropped by more than --max-drop (default 0.01, one point) against the
baseline. `--accept` makes the current figures the new baseline (commit the file with the change).
Writes results/nlu/report.html (open it in a browser) and prints the verdict.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bot import PROJECT_ROOT
from bot.core import clock

NOT_INTENTS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
# Decided by bot/safety/ (rules and its own model) and measured by its own labelled sets and gate
# (make test-safety); left out of the topic macro-F1 that editors steer with training data.
SAFETY_INTENTS = {"crisis", "urgent_need", "threat", "threat_possible"}
# decided by a rule on the words (config.yml rule_intents), not by the classifier: checked by unit tests
RULE_INTENTS = {"privacy_request"}


def topic_macro(intents: dict[str, float]) -> float:
    values = [f for name, f in intents.items() if name not in SAFETY_INTENTS | RULE_INTENTS]
    return round(sum(values) / len(values), 4) if values else 0.0


def safety_overrides(errors: list[dict]) -> dict[str, int]:
    """Topic examples the safety layer took for a crisis, an acute need or a threat, per topic intent."""
    taken: dict[str, int] = defaultdict(int)
    for error in errors:
        predicted = (error.get("intent_prediction") or {}).get("name", "")
        if error.get("intent") not in SAFETY_INTENTS and predicted in SAFETY_INTENTS:
            taken[error["intent"]] += 1
    return dict(taken)


def topic_f1(report: dict, errors: list[dict]) -> dict[str, float]:
    """F1 per topic intent, for the intent classifier alone: a safety example (crisis, threat, …) taken for a
    topic counts against the safety gate (make test-safety), and a topic example the safety layer took over
    is left out here and bounded by its own gate (tests/nlu_gate.py: at most 0.5 % of the topic examples)."""
    stolen: dict[str, int] = defaultdict(int)
    for error in errors:
        if error.get("intent") in SAFETY_INTENTS:
            stolen[(error.get("intent_prediction") or {}).get("name", "")] += 1
    taken = safety_overrides(errors)
    result = {}
    for name, scores in report.items():
        if name in NOT_INTENTS or name in SAFETY_INTENTS or not isinstance(scores, dict):
            continue
        true_positives = scores["recall"] * scores["support"]
        predicted = true_positives / scores["precision"] if scores["precision"] else 0.0
        precision = true_positives / (predicted - stolen[name]) if predicted - stolen[name] > 0 else 0.0
        support = scores["support"] - taken.get(name, 0)
        recall = true_positives / support if support > 0 else 0.0
        result[name] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return result


NOTABLE = 0.03  # an intent's F1 change worth naming


def load_results(folder: Path) -> tuple[dict, list[dict]]:
    report = json.loads((folder / "intent_report.json").read_text(encoding="utf-8"))
    errors_path = folder / "intent_errors.json"
    errors = json.loads(errors_path.read_text(encoding="utf-8")) if errors_path.exists() else []
    return report, errors


def figures(report: dict, errors: list[dict] | None = None) -> dict:
    intents = {k: round(v["f1-score"], 4) for k, v in sorted(report.items())
               if k not in NOT_INTENTS and isinstance(v, dict)}
    topics = topic_f1(report, errors or [])
    return {"macro_f1": topic_macro(topics) if topics else topic_macro(intents), "intents": intents}


def confused_pairs(errors: list[dict], limit: int = 10) -> list[tuple[str, str, int, list[str]]]:
    pairs: Counter = Counter()
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for error in errors:
        actual, predicted = error.get("intent"), (error.get("intent_prediction") or {}).get("name")
        if actual and predicted and actual != predicted:
            pairs[(actual, predicted)] += 1
            if len(examples[(actual, predicted)]) < 3:
                examples[(actual, predicted)].append(error.get("text", ""))
    return [(a, p, n, examples[(a, p)]) for (a, p), n in pairs.most_common(limit)]


def verdict(current: dict, baseline: dict | None, max_drop: float) -> tuple[str, bool]:
    """German verdict and whether it fails (macro-F1 dropped by more than max_drop)."""
    if baseline is None:
        return f"Kein Vergleichswert vorhanden; Makro-F1 {current['macro_f1']:.3f}.", False
    baseline = {**baseline, "macro_f1": topic_macro(baseline["intents"])}  # the same intents on both sides
    delta = current["macro_f1"] - baseline["macro_f1"]
    worse = [(i, baseline["intents"][i], f) for i, f in current["intents"].items()
             if i in baseline["intents"] and f - baseline["intents"][i] <= -NOTABLE]
    better = [(i, baseline["intents"][i], f) for i, f in current["intents"].items()
              if i in baseline["intents"] and f - baseline["intents"][i] >= NOTABLE]
    if delta >= 0.002:
        head = f"besser: Makro-F1 {baseline['macro_f1']:.3f} → {current['macro_f1']:.3f} (+{delta:.3f})"
    elif delta <= -0.002:
        head = f"schlechter: Makro-F1 {baseline['macro_f1']:.3f} → {current['macro_f1']:.3f} ({delta:.3f})"
    else:
        head = f"unverändert: Makro-F1 {current['macro_f1']:.3f} (Vergleichswert {baseline['macro_f1']:.3f})"
    parts = [head]
    if worse:
        parts.append("schlechter bei " + ", ".join(f"{i}: {b:.2f} → {f:.2f}" for i, b, f in worse))
    if better:
        parts.append("besser bei " + ", ".join(f"{i}: {b:.2f} → {f:.2f}" for i, b, f in better))
    failed = delta < -max_drop
    if failed:
        parts.append(f"NICHT ÜBERNEHMEN: Makro-F1 ist um mehr als {max_drop * 100:.0f} Punkt gesunken.")
    return "; ".join(parts), failed


def write_html(folder: Path, report: dict, current: dict, baseline: dict | None, text: str,
               pairs: list[tuple[str, str, int, list[str]]]) -> Path:
    rows = []
    for intent, scores in sorted(((k, v) for k, v in report.items() if k not in NOT_INTENTS and isinstance(v, dict)),
                                 key=lambda kv: kv[1]["f1-score"]):
        before = (baseline or {}).get("intents", {}).get(intent)
        change = "" if before is None else f"{scores['f1-score'] - before:+.3f}"
        style = ' class="worse"' if before is not None and scores["f1-score"] - before <= -NOTABLE else ""
        rows.append(f"<tr{style}><th scope=row>{html.escape(intent)}</th><td>{scores['precision']:.3f}</td>"
                    f"<td>{scores['recall']:.3f}</td><td>{scores['f1-score']:.3f}</td><td>{change}</td>"
                    f"<td>{scores['support']}</td></tr>")
    pair_rows = "".join(
        f"<tr><td>{html.escape(a)}</td><td>{html.escape(p)}</td><td>{n}</td><td><ul>"
        + "".join(f"<li>{html.escape(t)}</li>" for t in texts) + "</ul></td></tr>" for a, p, n, texts in pairs)
    picture = '<img src="intent_confusion_matrix.png" alt="Verwechslungsmatrix der Intents" width="900">' \
        if (folder / "intent_confusion_matrix.png").exists() else "<p>(kein Bild)</p>"
    page = f"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>NLU-Bericht</title>
<style>body{{font-family:sans-serif;margin:1rem}}table{{border-collapse:collapse}}td,th{{border:1px solid #999;
padding:.2rem .4rem;text-align:left}}.worse{{background:#fde2e2}}.verdict{{font-size:1.2rem;font-weight:bold}}</style>
</head><body><h1>NLU-Bericht ({clock.today():%d.%m.%Y})</h1>
<p class="verdict">{html.escape(text)}</p>
<h2>Intents (schwächste zuerst)</h2><table><thead><tr><th>Intent</th><th>Präzision</th><th>Trefferquote</th>
<th>F1</th><th>Änderung</th><th>Beispiele</th></tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>Häufigste Verwechslungen</h2><table><thead><tr><th>gemeint</th><th>erkannt als</th><th>Anzahl</th>
<th>Beispiele</th></tr></thead><tbody>{pair_rows}</tbody></table>
<h2>Verwechslungsmatrix</h2>{picture}</body></html>"""
    out = folder / "report.html"
    out.write_text(page, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "results" / "nlu")
    parser.add_argument("--baseline", type=Path, default=PROJECT_ROOT / "docs" / "nlu_baseline.json")
    parser.add_argument("--max-drop", type=float, default=0.01)
    parser.add_argument("--accept", action="store_true", help="make the current figures the baseline")
    args = parser.parse_args(argv)
    report, errors = load_results(args.results)
    current = figures(report, errors)
    baseline = json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline.exists() else None
    text, failed = verdict(current, baseline, args.max_drop)
    pairs = confused_pairs(errors)
    page = write_html(args.results, report, current, baseline, text, pairs)
    print(f"Bewertung: {text}")
    for actual, predicted, count, texts in pairs[:5]:
        print(f"  {actual} als {predicted} erkannt: {count}×, z. B. „{texts[0]}“")
    print(f"Bericht: {page}")
    if args.accept:
        args.baseline.write_text(json.dumps({**current, "accepted": clock.today().isoformat()}, indent=2,
                                            ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"Neuer Vergleichswert gespeichert: {args.baseline}")
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
