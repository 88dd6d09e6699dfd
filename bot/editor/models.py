"""Loading a newly trained model into the running assistant without downtime, and going back.

    python -m bot.editor.models load [models/jobcenter.tar.gz]   # archive it, then load it into every Rasa server
    python -m bot.editor.models rollback                          # load the model that ran before
    python -m bot.editor.models status                            # which model each server runs

Uses Rasa's HTTP API (`PUT /model` with the API token): each server loads the new model next to the
old one and switches when it is ready, so conversations go on. Every loaded model is kept in
models/archive/ with a history (models/archive/history.json), which is what `rollback` uses.
Servers: RASA_URLS (comma-separated), else http://127.0.0.1:RASA_PORT. Token: RASA_AUTH_TOKEN or the
generated one in DATA_DIR/secrets/rasa_token.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import requests

from bot import PROJECT_ROOT
from bot.core.clock import now_local
from bot.core.settings import EndpointSettings, SecuritySettings, data_dir, load_settings, secret

ARCHIVE = PROJECT_ROOT / "models" / "archive"


def servers() -> list[str]:
    return list(EndpointSettings.from_env().rasa_urls)  # RASA_URLS, else the local server at RASA_PORT


def token() -> str:
    return secret(data_dir(), "rasa_token", SecuritySettings.from_env().token("RASA_AUTH_TOKEN"))


def history(archive: Path = ARCHIVE) -> list[dict]:
    path = archive / "history.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _save_history(entries: list[dict], archive: Path) -> None:
    archive.mkdir(parents=True, exist_ok=True)
    (archive / "history.json").write_text(json.dumps(entries, indent=2), encoding="utf-8")


def load_into_servers(model: Path, urls: list[str], api_token: str) -> list[str]:
    """PUT /model on every server; returns German problems (empty when all loaded it)."""
    problems = []
    for url in urls:
        try:
            response = requests.put(f"{url}/model", params={"token": api_token},
                                    json={"model_file": str(model.resolve())}, timeout=300)
            if response.status_code != 204:
                problems.append(f"{url}: Laden fehlgeschlagen ({response.status_code}: {response.text[:200]})")
        except requests.RequestException as error:
            problems.append(f"{url}: nicht erreichbar ({error})")
    return problems


def load(model: Path, urls: list[str], api_token: str, archive: Path = ARCHIVE) -> list[str]:
    if not model.exists():
        return [f"Modell {model} fehlt: bitte zuerst `make train` ausführen."]
    archive.mkdir(parents=True, exist_ok=True)
    stamp = now_local().strftime("%Y%m%d-%H%M%S")
    kept = archive / f"{model.name.removesuffix('.tar.gz')}-{stamp}.tar.gz"
    shutil.copy2(model, kept)
    problems = load_into_servers(kept, urls, api_token)
    if not problems:
        _save_history([*history(archive), {"model": str(kept), "loaded": now_local().isoformat(timespec="seconds")}],
                      archive)
    return problems


def rollback(urls: list[str], api_token: str, archive: Path = ARCHIVE) -> list[str]:
    entries = history(archive)
    if len(entries) < 2:
        return ["Es gibt kein früheres Modell, zu dem zurückgekehrt werden kann."]
    previous = entries[-2]
    problems = load_into_servers(Path(previous["model"]), urls, api_token)
    if not problems:
        _save_history(entries[:-1], archive)
    return problems


def status(urls: list[str], api_token: str) -> dict[str, str]:
    result = {}
    for url in urls:
        try:
            data = requests.get(f"{url}/status", params={"token": api_token}, timeout=10).json()
            result[url] = data.get("model_file", "?")
        except (requests.RequestException, ValueError) as error:
            result[url] = f"nicht erreichbar ({error})"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.editor.models", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    load_parser = sub.add_parser("load")
    load_parser.add_argument("model", nargs="?", type=Path, default=load_settings().model_path)
    sub.add_parser("rollback")
    sub.add_parser("status")
    args = parser.parse_args(argv)
    urls, api_token = servers(), token()
    if args.command == "status":
        for url, model in status(urls, api_token).items():
            print(f"{url}: {model}")
        return 0
    problems = load(args.model, urls, api_token) if args.command == "load" else rollback(urls, api_token)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print("Modell geladen auf: " + ", ".join(urls) + ". Die Gespräche laufen ohne Unterbrechung weiter.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
