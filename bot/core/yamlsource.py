"""Line-aware YAML loading for editor-maintained content files.

Content editors are not programmers: every problem must name the file and the line. This module
loads YAML with ruamel's round-trip loader (which remembers positions) and offers a small
`Node` wrapper whose accessors report problems instead of raising on the first one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.file}, Zeile {self.line}: {self.message}"


class ContentError(Exception):
    """Raised when content files are broken; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Report:
    """Collects problems while a whole content set is checked."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ContentError(self.problems)


class Node:
    """A YAML value with its position; accessors record problems in a shared report."""

    def __init__(self, value: Any, file: str, line: int, report: Report, path: str = ""):
        self.value = value
        self.file = file
        self.line = line
        self.report = report
        self.path = path

    # -- problems -------------------------------------------------------------------------
    def problem(self, message: str, line: int | None = None) -> None:
        where = f"„{self.path}“: " if self.path else ""
        self.report.add(self.file, line or self.line, where + message)

    # -- mappings -------------------------------------------------------------------------
    def is_mapping(self) -> bool:
        if isinstance(self.value, CommentedMap):
            return True
        self.problem("Hier wird eine Zuordnung (Schlüssel: Wert) erwartet.")
        return False

    def _key_line(self, key: Any) -> int:
        try:
            line: int = self.value.lc.key(key)[0] + 1
            return line
        except (AttributeError, KeyError, TypeError):
            return self.line

    def child(self, key: Any) -> "Node":
        value = self.value[key]
        line = self._key_line(key)
        path = f"{self.path}.{key}" if self.path else str(key)
        return Node(value, self.file, line, self.report, path)

    def get(self, key: str, required: bool = True) -> "Node | None":
        if not isinstance(self.value, CommentedMap):
            return None
        if key not in self.value or self.value[key] is None:
            if required:
                self.problem(f"Pflichtangabe „{key}“ fehlt.")
            return None
        return self.child(key)

    def items(self) -> Iterator[tuple[Any, "Node"]]:
        if isinstance(self.value, CommentedMap):
            for key in self.value:
                yield key, self.child(key)

    def unknown_keys(self, allowed: set[str]) -> None:
        if isinstance(self.value, CommentedMap):
            for key in self.value:
                if key not in allowed:
                    self.report.add(
                        self.file,
                        self._key_line(key),
                        f"Unbekannter Eintrag „{key}“ (erlaubt: {', '.join(sorted(allowed))}). Tippfehler?",
                    )

    # -- sequences ------------------------------------------------------------------------
    def elements(self) -> Iterator["Node"]:
        if not isinstance(self.value, CommentedSeq):
            self.problem("Hier wird eine Liste erwartet (Zeilen mit „- “).")
            return
        for index, value in enumerate(self.value):
            try:
                line = self.value.lc.item(index)[0] + 1
            except (AttributeError, KeyError, TypeError):
                line = self.line
            yield Node(value, self.file, line, self.report, f"{self.path}[{index + 1}]")

    # -- scalars --------------------------------------------------------------------------
    def text(self) -> str | None:
        if isinstance(self.value, str) and self.value.strip():
            return self.value.strip()
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool):
            return str(self.value)
        self.problem("Hier wird ein Text erwartet.")
        return None

    def number(self) -> float | None:
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool):
            return float(self.value)
        self.problem(f"„{self.value}“ ist keine Zahl (Dezimalpunkt verwenden, z. B. 605.85).")
        return None

    def date(self) -> dt.date | None:
        if isinstance(self.value, dt.date):
            return self.value
        self.problem(f"„{self.value}“ ist kein Datum im Format JJJJ-MM-TT (z. B. 2026-01-01).")
        return None


def load(path: Path, report: Report, root: Path | None = None) -> Node | None:
    """Parse one YAML file; syntax errors become problems with the line that YAML reports."""
    name = str(path.relative_to(root)) if root else str(path)
    try:
        with path.open(encoding="utf-8") as handle:
            data = YAML(typ="rt").load(handle)
    except FileNotFoundError:
        report.add(name, 1, "Datei fehlt.")
        return None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        report.add(name, line, f"YAML-Syntaxfehler: {error.problem or error.context}")
        return None
    except UnicodeDecodeError:
        report.add(name, 1, "Die Datei ist nicht als UTF-8 gespeichert.")
        return None
    if data is None:
        report.add(name, 1, "Die Datei ist leer.")
        return None
    return Node(data, name, 1, report)
