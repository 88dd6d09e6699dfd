"""Measure the safety check on a labelled set and gate it.

    python -m bot.safety.evaluate tests/safety/messages.yml [--model models/jobcenter.tar.gz] [--gate]

Prints precision and recall per class and every confusion. Without --model the rules of `detect` are
measured; with --model the whole trained NLU (classifier plus safety check), as the channels see it.
--gate exits 1 unless crisis recall reaches --min-crisis-recall (100 % on the development set) and at
most 1 % of the non-threat messages are taken for a clear threat. Labels in the set: crisis, threat,
borderline, no_money, none.

The sets: tests/safety/messages.yml is the development set (the rules were written against it);
tests/safety/heldout.yml was written by someone who saw neither the rules, nor the training data, nor
the development set, and is measured only: its figures say how well the check generalises.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import yaml

from bot.safety.detect import CRISIS, NONE, THREAT, THREAT_POSSIBLE, URGENT_NEED, assess

LABELS = {"crisis": CRISIS, "threat": THREAT, "borderline": THREAT_POSSIBLE, "no_money": URGENT_NEED, "none": NONE}
ORDER = (CRISIS, THREAT, THREAT_POSSIBLE, URGENT_NEED, NONE)
MAX_THREAT_FALSE_POSITIVE_RATE = 0.01


def load_set(path: Path) -> list[tuple[str, str, str]]:
    """(class, kind, text) for every message of a set file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(LABELS[m["label"]], str(m.get("kind", "")), str(m["text"])) for m in data["messages"]]


def rules_predictor() -> Callable[[str], str]:
    return lambda text: assess(text).kind


def model_predictor(model: Path) -> Callable[[str], str]:
    import logging

    import structlog
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("rasa").setLevel(logging.WARNING)

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def predict(text: str) -> str:
        parsed = loop.run_until_complete(agent.parse_message(text))
        name = (parsed.get("intent") or {}).get("name")
        return name if name in ORDER else NONE

    return predict


def evaluate(messages: list[tuple[str, str, str]], predict: Callable[[str], str]) -> dict[str, Any]:
    pairs = [(label, predict(text), kind, text) for label, kind, text in messages]
    report: dict[str, Any] = {"n": len(pairs), "classes": {}, "confusions": Counter(), "errors": []}
    for cls in ORDER:
        tp = sum(1 for gold, pred, *_ in pairs if gold == cls and pred == cls)
        gold_n = sum(1 for gold, *_ in pairs if gold == cls)
        pred_n = sum(1 for _, pred, *_ in pairs if pred == cls)
        report["classes"][cls] = {"n": gold_n, "precision": tp / pred_n if pred_n else 1.0,
                                  "recall": tp / gold_n if gold_n else 1.0}
    for gold, pred, kind, text in pairs:
        if gold != pred:
            report["confusions"][(gold, pred)] += 1
            report["errors"].append((gold, pred, kind, text))
    non_threat = [(gold, pred) for gold, pred, *_ in pairs if gold != THREAT]
    report["threat_fp"] = sum(1 for _, pred in non_threat if pred == THREAT)
    report["threat_fp_rate"] = report["threat_fp"] / len(non_threat) if non_threat else 0.0
    return report


def print_report(report: dict[str, Any], name: str, quiet: bool = False) -> None:
    print(f"Sicherheitsprüfung: {name}, {report['n']} Nachrichten")
    print(f"  {'Klasse':<16}{'n':>5}{'Präzision':>11}{'Recall':>9}")
    for cls, row in report["classes"].items():
        print(f"  {cls:<16}{row['n']:>5}{row['precision']:>11.3f}{row['recall']:>9.3f}")
    print(f"  Drohung fälschlich erkannt: {report['threat_fp']} von den Nachrichten ohne Drohung "
          f"({report['threat_fp_rate']:.1%})")
    if report["confusions"]:
        print("  Verwechslungen (erwartet -> erkannt):")
        for (gold, pred), count in report["confusions"].most_common():
            print(f"    {gold} -> {pred}: {count}")
        for gold, pred, kind, text in [] if quiet else report["errors"]:
            print(f"    [{gold} -> {pred}, {kind}] {text[:140]}")


def gate(report: dict[str, Any], min_crisis_recall: float = 1.0) -> list[str]:
    failures = []
    if report["classes"][CRISIS]["recall"] < min_crisis_recall:
        failures.append(f"Krisen-Recall {report['classes'][CRISIS]['recall']:.3f} < {min_crisis_recall}")
    if report["threat_fp_rate"] > MAX_THREAT_FALSE_POSITIVE_RATE:
        failures.append(f"Drohung fälschlich {report['threat_fp_rate']:.1%} > {MAX_THREAT_FALSE_POSITIVE_RATE:.0%}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    parser.add_argument("--model", type=Path, help="measure the trained NLU instead of the rules alone")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a gate figure is missed")
    parser.add_argument("--min-crisis-recall", type=float, default=1.0,
                        help="crisis recall the gate asks for (1.0 on the development set)")
    parser.add_argument("--quiet", action="store_true", help="figures only, not every wrong message")
    args = parser.parse_args(argv)
    predict = model_predictor(args.model) if args.model else rules_predictor()
    failed = False
    for path in args.sets:
        report = evaluate(load_set(path), predict)
        print_report(report, f"{path} ({'Modell ' + str(args.model) if args.model else 'Regeln'})", args.quiet)
        failures = gate(report, args.min_crisis_recall)
        for failure in failures:
            print(f"  NICHT BESTANDEN: {failure}")
        failed = failed or bool(failures)
    return 1 if failed and args.gate else 0


if __name__ == "__main__":
    sys.exit(main())
