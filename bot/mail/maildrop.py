"""A Maildir inbox processed by workers: pending mails, mark as done, set failed ones aside."""

from __future__ import annotations

import mailbox
import os
from email.header import Header
from pathlib import Path
from typing import Iterator

FAILED_FOLDER = "Fehler"  # Maildir++ subfolder ".Fehler", visible to an operator's mail client
REASON_HEADER = "X-Maildrop-Fehler"


class MailDrop:
    """Standard Maildir: mails arrive in new/, processed ones go to cur/ with flag S, failed ones to .Fehler/.

    Keys are Maildir unique names (the file name without the ":2,<flags>" info part). Several workers may share a
    drop: a mail another worker already moved is skipped quietly.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._box = mailbox.Maildir(self.path, factory=None, create=True)
        self._colon = self._box.colon

    def add(self, raw: bytes) -> str:
        """Deliver a mail into new/ (through tmp/, as any Maildir delivery agent does); returns its key."""
        return self._box.add(raw)

    def pending(self) -> list[tuple[str, bytes]]:
        """Unprocessed mails, oldest first: everything in new/, and mails in cur/ without the seen flag."""
        found: list[tuple[float, str, str, Path]] = []
        for subdir, entry in self._entries():
            if entry.name.startswith(".") or not entry.is_file():
                continue
            key, _, info = entry.name.partition(self._colon)
            if subdir == "cur" and "S" in _flags(info):
                continue
            try:
                mtime = entry.stat().st_mtime
            except FileNotFoundError:
                continue
            found.append((mtime, entry.name, key, Path(entry.path)))
        mails = []
        for _, _, key, path in sorted(found):
            try:
                mails.append((key, path.read_bytes()))
            except FileNotFoundError:  # taken by another worker meanwhile
                continue
        return mails

    def done(self, key: str) -> None:
        """Mark as processed: move to cur/ with the seen flag "S"."""
        path = self._locate(key)
        if path is None:
            return
        info = path.name.partition(self._colon)[2]
        flags = "".join(sorted(set(_flags(info)) | {"S"}))
        target = self.path / "cur" / f"{key}{self._colon}2,{flags}"
        if path == target:
            return
        try:
            os.rename(path, target)
        except FileNotFoundError:
            return

    def failed(self, key: str, reason: str) -> None:
        """Set the mail aside in the subfolder .Fehler (unread, with the reason as a header), never retried."""
        path = self._locate(key)
        if path is None:
            return
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return
        folder = self._failed_folder()
        temporary = folder / "tmp" / key
        temporary.write_bytes(_reason_header(reason, raw) + raw)
        os.rename(temporary, folder / "new" / key)
        try:
            path.unlink()
        except FileNotFoundError:
            pass

    def failed_keys(self) -> list[str]:
        """Keys of the mails set aside, for operators and tests."""
        folder = self._failed_folder()
        return sorted(entry.name.partition(self._colon)[0] for sub in ("new", "cur")
                      for entry in os.scandir(folder / sub) if entry.is_file() and not entry.name.startswith("."))

    def _failed_folder(self) -> Path:
        try:
            self._box.get_folder(FAILED_FOLDER)
        except mailbox.NoSuchMailboxError:
            self._box.add_folder(FAILED_FOLDER)
        return self.path / f".{FAILED_FOLDER}"

    def _locate(self, key: str) -> Path | None:
        if not key or "/" in key or "\\" in key or key.startswith(".") or self._colon in key:
            raise ValueError(f"not a Maildir key: {key!r}")
        for _, entry in self._entries():
            if entry.name == key or entry.name.startswith(key + self._colon):
                return Path(entry.path)
        return None

    def _entries(self) -> Iterator[tuple[str, os.DirEntry]]:
        """Files in new/ and cur/ (a folder that vanished meanwhile counts as empty)."""
        for subdir in ("new", "cur"):
            try:
                entries = list(os.scandir(self.path / subdir))
            except FileNotFoundError:
                continue
            for entry in entries:
                yield subdir, entry


def _flags(info: str) -> str:
    return info[2:] if info.startswith("2,") else ""


def _reason_header(reason: str, raw: bytes) -> bytes:
    """The reason as a folded header line, with the line ending the mail itself uses."""
    text = " ".join(reason.split())[:500] or "unbekannt"
    linesep = "\r\n" if raw.split(b"\n", 1)[0].endswith(b"\r") else "\n"
    charset = "us-ascii" if text.isascii() else "utf-8"
    folded = Header(text, charset=charset, header_name=REASON_HEADER).encode(linesep=linesep)
    return f"{REASON_HEADER}: {folded}{linesep}".encode("ascii")
