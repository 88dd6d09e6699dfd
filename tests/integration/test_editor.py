"""Editor workflow with the real tools: the evaluation report from a small fixture project (a real
cross-validation), and loading a new model into running Rasa servers without downtime, and back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from bot import PROJECT_ROOT
from bot.editor import models, report

FIXTURE = {
    "greet": ["hallo", "guten tag", "moin", "hi", "servus", "guten morgen", "hallo zusammen", "tag auch",
              "grüß gott", "hey", "hallo jobcenter", "guten abend"],
    "goodbye": ["tschüss", "auf wiedersehen", "bis bald", "ciao", "schönen tag noch", "bis dann", "ade",
                "tschau", "bis zum nächsten mal", "wiederhören", "bis später", "mach's gut"],
    "ask_opening_hours": ["wann habt ihr offen", "öffnungszeiten", "wann ist geöffnet", "habt ihr morgen auf",
                          "bis wann offen", "öffnungszeiten nord", "wann hat mitte auf", "ist heute offen",
                          "wann macht ihr auf", "sprechzeiten", "wann kann ich vorbeikommen", "offen am freitag"],
}


def write_fixture(folder: Path) -> Path:
    lines = ['version: "3.1"', "nlu:"]
    for intent, examples in FIXTURE.items():
        lines += [f"- intent: {intent}", "  examples: |", *[f"    - {e}" for e in examples]]
    path = folder / "nlu.yml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_report_from_a_fixture_project_with_verdict_pairs_and_html(tmp_path):
    nlu = write_fixture(tmp_path)
    out = tmp_path / "results"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    completed = subprocess.run([sys.executable, "-m", "tests.nlu_cv", "--nlu", str(nlu), "--config", "config.yml",
                                "--cross-validation", "--folds", "2", "--out", str(out)],
                               cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    current = report.figures(json.loads((out / "intent_report.json").read_text()))
    assert set(current["intents"]) == set(FIXTURE)

    worse_baseline = tmp_path / "baseline_low.json"
    worse_baseline.write_text(json.dumps({"macro_f1": 0.2, "intents": {i: 0.2 for i in FIXTURE}}))
    assert report.main(["--results", str(out), "--baseline", str(worse_baseline)]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "besser: Makro-F1 0.200" in html and "ask_opening_hours" in html and "<table>" in html

    perfect = tmp_path / "baseline_high.json"
    perfect.write_text(json.dumps({"macro_f1": 1.0, "intents": {i: 1.0 for i in FIXTURE}}))
    if current["macro_f1"] < 0.99:  # a drop of more than one point against a perfect baseline fails
        assert report.main(["--results", str(out), "--baseline", str(perfect)]) == 1
        assert "NICHT ÜBERNEHMEN" in (out / "report.html").read_text(encoding="utf-8")
    accepted = tmp_path / "accepted.json"
    assert report.main(["--results", str(out), "--baseline", str(accepted), "--accept"]) == 0
    assert json.loads(accepted.read_text())["macro_f1"] == current["macro_f1"]


def test_new_model_is_loaded_without_downtime_and_rolled_back(assistant, tmp_path):
    urls = [assistant.url(0), assistant.url(1)]
    stop, answers, failures = threading.Event(), [], []

    def chat():
        while not stop.is_set():
            for url in urls:
                try:
                    import requests

                    response = requests.post(f"{url}/webhooks/rest/webhook", timeout=60,
                                             json={"sender": f"load-{uuid.uuid4().hex}", "message": "wann hat nord offen"},
                                             headers={"Authorization": f"Bearer {assistant.rest_token}"})
                    (answers if response.status_code == 200 and response.json() else failures).append(response.status_code)
                except Exception as error:  # noqa: BLE001 - any failure counts: a dropped request is exactly what must not happen
                    failures.append(str(error))

    worker = threading.Thread(target=chat)
    worker.start()
    try:
        model = PROJECT_ROOT / "models" / "jobcenter.tar.gz"
        assert models.load(model, urls, assistant.token, archive=tmp_path) == []
        assert models.load(model, urls, assistant.token, archive=tmp_path) == []
    finally:
        stop.set()
        worker.join()
    entries = models.history(tmp_path)
    assert len(entries) == 2 and all(Path(e["model"]).exists() for e in entries)
    assert all(Path(m).name == Path(entries[1]["model"]).name for m in models.status(urls, assistant.token).values())
    assert models.rollback(urls, assistant.token, archive=tmp_path) == []
    assert all(Path(m).name == Path(entries[0]["model"]).name for m in models.status(urls, assistant.token).values())
    assert answers and not failures, failures[:3]
    assert models.rollback(urls, assistant.token, archive=tmp_path)  # nothing older: a clear message
