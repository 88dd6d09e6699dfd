"""A Maildir inbox processed by workers: pending mails, mark as done, set failed ones aside."""

from __future__ import annotations

import mailbox
import os
import shutil
from email.header import Header
from pathlib import Path
from typing import Iterator, NamedTuple

FAILED_FOLDER = "Fehler"  # Maildir++ subfolder ".Fehler", visible to an operator's mail client
QUARANTINE_FOLDER = "quarantaene"  # ".quarantaene": mails whose handling failed, with a desk notice each
REASON_HEADER = "X-Maildrop-Fehler"


class Entry(NamedTuple):
    key: str
    path: Path
    size: int  # bytes on disk, known before the mail is read


class MailDrop:
    """Standard Maildir: mails arrive in new/, processed ones go to cur/ with flag S, unreadable ones to .Fehler/,
    mails whose handling failed to .quarantaene/.

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
        """Unprocessed mails with their bytes, oldest first (see entries(); workers read one mail at a time)."""
        mails = []
        for entry in self.entries():
            try:
                mails.append((entry.key, entry.path.read_bytes()))
            except FileNotFoundError:  # taken by another worker meanwhile
                continue
        return mails

    def entries(self) -> list[Entry]:
        """Unprocessed mails, oldest first: everything in new/, and mails in cur/ without the seen flag."""
        found: list[tuple[float, str, Entry]] = []
        for subdir, entry in self._entries():
            if entry.name.startswith(".") or not entry.is_file():
                continue
            key, _, info = entry.name.partition(self._colon)
            if subdir == "cur" and "S" in _flags(info):
                continue
            try:
                stat = entry.stat()
            except FileNotFoundError:
                continue
            found.append((stat.st_mtime, entry.name, Entry(key, Path(entry.path), stat.st_size)))
        return [entry for _, _, entry in sorted(found)]

    def read(self, key: str, limit: int | None = None, path: Path | None = None) -> bytes | None:
        """The mail's bytes (at most `limit` of them), None when another worker took it meanwhile.
        `path` (from entries()) saves searching the folders for the key."""
        if path is not None:
            try:
                return _read_file(path, limit)
            except FileNotFoundError:
                pass  # moved meanwhile: look for it by its key
        located = self._locate(key)
        if located is None:
            return None
        try:
            return _read_file(located, limit)
        except FileNotFoundError:
            return None

    def done(self, key: str, path: Path | None = None) -> None:
        """Mark as processed: move to cur/ with the seen flag "S" (`path` from entries() saves a search)."""
        if path is None or path.name.partition(self._colon)[0] != key or not path.exists():
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
        self._set_aside(key, reason, FAILED_FOLDER)

    def quarantine(self, key: str, reason: str) -> None:
        """Set the mail aside in the subfolder .quarantaene (unread, with the reason as a header), never retried."""
        self._set_aside(key, reason, QUARANTINE_FOLDER)

    def failed_keys(self) -> list[str]:
        """Keys of the mails set aside, for operators and tests."""
        return self._keys(FAILED_FOLDER)

    def quarantined_keys(self) -> list[str]:
        """Keys of the mails in quarantine (handling failed; each has a desk notice)."""
        return self._keys(QUARANTINE_FOLDER)

    def _set_aside(self, key: str, reason: str, name: str) -> None:
        """Copy into the folder with the reason header prepended (streamed, never all in memory), then remove."""
        path = self._locate(key)
        if path is None:
            return
        folder = self._folder(name)
        temporary = folder / "tmp" / key
        try:
            with open(path, "rb") as source, open(temporary, "wb") as target:
                target.write(_reason_header(reason, source.read(4096).split(b"\n", 1)[0] + b"\n"))
                source.seek(0)
                shutil.copyfileobj(source, target)
        except FileNotFoundError:
            temporary.unlink(missing_ok=True)
            return
        os.rename(temporary, folder / "new" / key)
        try:
            path.unlink()
        except FileNotFoundError:
            pass

    def _keys(self, name: str) -> list[str]:
        folder = self._folder(name)
        return sorted(entry.name.partition(self._colon)[0] for sub in ("new", "cur")
                      for entry in os.scandir(folder / sub) if entry.is_file() and not entry.name.startswith("."))

    def _folder(self, name: str) -> Path:
        try:
            self._box.get_folder(name)
        except mailbox.NoSuchMailboxError:
            self._box.add_folder(name)
        return self.path / f".{name}"

    def _locate(self, key: str) -> Path | None:
        if not key or "/" in key or "\\" in key or key.startswith(".") or self._colon in key:
            raise ValueError(f"not a Maildir key: {key!r}")
        for _, entry in self._entries():
            if entry.name == key or entry.name.startswith(key + self._colon):
                return Path(entry.path)
        return None

    def _entries(self) -> Iterator[tuple[str, os.DirEntry[str]]]:
        """Files in new/ and cur/ (a folder that vanished meanwhile counts as empty)."""
        for subdir in ("new", "cur"):
            try:
                entries = list(os.scandir(self.path / subdir))
            except FileNotFoundError:
                continue
            for entry in entries:
                yield subdir, entry


def _read_file(path: Path, limit: int | None) -> bytes:
    with open(path, "rb") as file:
        return file.read() if limit is None else file.read(limit)


def _flags(info: str) -> str:
    return info[2:] if info.startswith("2,") else ""


def _reason_header(reason: str, raw: bytes) -> bytes:
    """The reason as a folded header line, with the line ending the mail itself uses."""
    text = " ".join(reason.split())[:500] or "unbekannt"
    linesep = "\r\n" if raw.split(b"\n", 1)[0].endswith(b"\r") else "\n"
    charset = "us-ascii" if text.isascii() else "utf-8"
    folded = Header(text, charset=charset, header_name=REASON_HEADER).encode(linesep=linesep)
    return f"{REASON_HEADER}: {folded}{linesep}".encode("ascii")
