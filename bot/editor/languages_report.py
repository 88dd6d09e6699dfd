"""How well the assistant understands each language: intent accuracy on a held-out set per language.

    python -m bot.editor.languages_report [--model models/jobcenter.tar.gz] [--min-accuracy 0.90] [--accept]

tests/nlu/<code>.yml holds utterances written like the training data of data/nlu/<code>/ but never
copied from it (and never used for training). The trained model (the same NLU the channels use, with the
safety check) classifies each; the report prints accuracy per language, the most frequent confusions, and
the change against the accepted baseline docs/nlu_languages_baseline.json (German verdict for editors).
Exit 1 when a language is below --min-accuracy (the gate in `make test`). --accept makes the current
figures the baseline. German is measured by cross-validation (`make eval`, bot/editor/report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT

SETS = PROJECT_ROOT / "tests" / "nlu"
BASELINE = PROJECT_ROOT / "docs" / "nlu_languages_baseline.json"
RESULTS = PROJECT_ROOT / "results" / "nlu" / "languages.json"
NOTABLE = 0.02


def load_set(path: Path) -> list[tuple[str, str]]:
    """(text, intent) for every example of a test file in Rasa's NLU format."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found = []
    for block in data.get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                found.append((line[2:].strip(), str(block["intent"])))
    return found


def measure(parse: Any, examples: list[tuple[str, str]]) -> dict[str, Any]:
    confusions: Counter[str] = Counter()
    errors = []
    for text, expected in examples:
        got = parse(text)
        if got != expected:
            confusions[f"{expected} → {got}"] += 1
            errors.append({"text": text, "expected": expected, "predicted": got})
    correct = len(examples) - len(errors)
    return {"examples": len(examples), "correct": correct,
            "accuracy": round(correct / len(examples), 4) if examples else 0.0,
            "confusions": dict(confusions.most_common(8)), "errors": errors}


def model_parser(model: Path) -> Any:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> str:
        result = loop.run_until_complete(agent.parse_message(text))
        return str((result.get("intent") or {}).get("name") or "")

    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=PROJECT_ROOT / "models" / "jobcenter.tar.gz")
    parser.add_argument("--min-accuracy", type=float, default=0.90)
    parser.add_argument("--accept", action="store_true")
    args = parser.parse_args(argv)
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # the libraries' deprecation notices say nothing to editors
    logging.getLogger().setLevel(logging.ERROR)
    parse = model_parser(args.model)
    results = {path.stem: measure(parse, load_set(path)) for path in sorted(SETS.glob("*.yml"))}
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    failed = []
    print("Verständnis je Sprache (zurückgehaltene Testsätze, tests/nlu/):")
    for code, result in results.items():
        before = baseline.get(code)
        change = "" if before is None else f"  ({result['accuracy'] - before:+.3f} gegenüber der Basis {before:.3f})"
        mark = "" if result["accuracy"] >= args.min_accuracy else f"  UNTER DER GRENZE {args.min_accuracy:.2f}"
        print(f"  {code}: {result['correct']}/{result['examples']} richtig = {result['accuracy']:.3f}{change}{mark}")
        if result["confusions"]:
            print("      häufigste Verwechslungen: " + "; ".join(f"{k} ({n}×)" for k, n in result["confusions"].items()))
        if before is not None and result["accuracy"] - before <= -NOTABLE:
            print(f"      schlechter als die Basis: bitte Trainingsbeispiele in data/nlu/{code}/ prüfen")
        if result["accuracy"] < args.min_accuracy:
            failed.append(code)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.accept:
        BASELINE.write_text(json.dumps({c: r["accuracy"] for c, r in results.items()}, indent=1) + "\n",
                            encoding="utf-8")
        print(f"Neue Basis gespeichert: {BASELINE.relative_to(PROJECT_ROOT)} (bitte mit der Änderung einchecken).")
    if failed:
        print("Unter der Grenze: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
