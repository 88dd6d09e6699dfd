"""`make models`: download the German speech models once, on a machine with internet access, and
check every file against its published SHA-256 sum before it is used.

    python -m voice.fetch_models [--dir voice/models]

Vosk: vosk-model-small-de-0.15 (alphacephei.com, about 45 MB, unpacked into voice/models/).
Piper: de_DE-thorsten-medium (.onnx and .onnx.json, Hugging Face rhasspy/piper-voices, about 63 MB).
A file whose checksum does not match is deleted and the command fails; nothing half-downloaded is used.
Other paths: VOSK_MODEL and PIPER_VOICE (see README).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from voice.models import VOICE_DIR

PIPER_BASE = ("https://huggingface.co/rhasspy/piper-voices/resolve/c10ece1aade47bb51c153c893d14e5bf8e5b7117/"
              "de/de_DE/thorsten/medium/")


@dataclass(frozen=True)
class Download:
    url: str
    file: str
    sha256: str
    size: int


VOSK = Download("https://alphacephei.com/vosk/models/vosk-model-small-de-0.15.zip", "vosk-model-small-de-0.15.zip",
                "b7e53c90b1f0a38456f4cd62b366ecd58803cd97cd42b06438e2c131713d5e43", 46_499_967)
PIPER = [
    Download(PIPER_BASE + "de_DE-thorsten-medium.onnx", "de_DE-thorsten-medium.onnx",
             "7e64762d8e5118bb578f2eea6207e1a35a8e0c30595010b666f983fc87bb7819", 63_201_294),
    Download(PIPER_BASE + "de_DE-thorsten-medium.onnx.json", "de_DE-thorsten-medium.onnx.json",
             "974adee790533adb273a1ac88f49027d2a1b8f0f2cf4905954a4791e79264e85", 4_819),
]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(download: Download, target: Path, opener=urllib.request.urlopen) -> Path:
    """Download to `target` (a file), verify, and keep it only when the checksum matches."""
    if target.exists() and sha256(target) == download.sha256:
        print(f"vorhanden und geprüft: {target.name}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    print(f"lade {download.url} ({download.size / 1e6:.0f} MB) …", flush=True)
    with opener(download.url) as response, partial.open("wb") as handle:
        shutil.copyfileobj(response, handle)
    actual = sha256(partial)
    if actual != download.sha256:
        partial.unlink()
        raise ValueError(f"Prüfsumme von {download.file} stimmt nicht (erwartet {download.sha256}, "
                         f"erhalten {actual}); die Datei wurde verworfen.")
    partial.replace(target)
    return target


def install(folder: Path, opener=urllib.request.urlopen) -> None:
    for download in PIPER:
        fetch(download, folder / download.file, opener)
    model_dir = folder / VOSK.file.removesuffix(".zip")
    if (model_dir / "am").is_dir():
        print(f"vorhanden: {model_dir.name}")
        return
    with tempfile.TemporaryDirectory() as temporary:
        archive = fetch(VOSK, Path(temporary) / VOSK.file, opener)
        with zipfile.ZipFile(archive) as zipped:
            for name in zipped.namelist():  # no absolute paths or ".." in the archive
                if name.startswith("/") or ".." in Path(name).parts:
                    raise ValueError(f"unsicherer Pfad im Archiv: {name}")
            zipped.extractall(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=VOICE_DIR / "models")
    args = parser.parse_args(argv)
    try:
        install(args.dir)
    except (OSError, ValueError) as error:
        print(f"Modelle konnten nicht geladen werden: {error}", file=sys.stderr)
        return 1
    print(f"Sprachmodelle bereit in {args.dir}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
