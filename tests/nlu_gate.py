"""Fail when the cross-validated intent macro-F1 is below the gate.

Usage: python -m tests.nlu_gate results/nlu/intent_report.json --min-macro-f1 0.93
Prints the weakest intents so an editor sees where to add examples.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NOT_INTENTS = {"accuracy", "macro avg", "weighted avg", "micro avg"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("report", type=Path)
    parser.add_argument("--min-macro-f1", type=float, default=0.93)
    parser.add_argument("--max-safety-override", type=float, default=0.005)
    args = parser.parse_args(argv)
    from bot.editor.report import SAFETY_INTENTS, safety_overrides, topic_f1, topic_macro

    report = json.loads(args.report.read_text(encoding="utf-8"))
    errors_path = args.report.parent / "intent_errors.json"
    errors = json.loads(errors_path.read_text(encoding="utf-8")) if errors_path.exists() else []
    intents = {k: v for k, v in report.items() if k not in NOT_INTENTS and isinstance(v, dict)}
    macro = topic_macro(topic_f1(report, errors))
    print(f"Intents: {len(intents)}, macro-F1 of the topic intents: {macro:.4f} (gate {args.min_macro_f1:.2f}; "
          f"{', '.join(sorted(SAFETY_INTENTS & set(intents)))} have their own gate: make test-safety)")
    for name, scores in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"])[:8]:
        confused = ", ".join(f"{k} {v}" for k, v in (scores.get("confused_with") or {}).items())
        print(f"  {name:32s} F1 {scores['f1-score']:.3f}  support {scores['support']}  {confused}")
    topic_examples = sum(v["support"] for k, v in intents.items() if k not in SAFETY_INTENTS)
    overridden = safety_overrides(errors)
    rate = sum(overridden.values()) / topic_examples if topic_examples else 0.0
    print(f"Sicherheitsschicht übernimmt {sum(overridden.values())} von {topic_examples} Themen-Beispielen "
          f"({rate:.2%}; Grenze {args.max_safety_override:.1%}): "
          + ", ".join(f"{k} {n}" for k, n in sorted(overridden.items(), key=lambda kv: -kv[1])))
    if macro < args.min_macro_f1:
        print("NLU gate FAILED: macro-F1 below the gate.")
        return 1
    if rate > args.max_safety_override:
        print("NLU gate FAILED: the safety layer takes over too many topic messages.")
        return 1
    print("NLU gate passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
