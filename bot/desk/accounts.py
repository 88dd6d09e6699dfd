"""Agent desk accounts: a JSON file with argon2 password hashes and roles; no default password.

The first start creates an `admin` (supervisor) with a generated password that is printed once.
`python -m bot.desk.accounts add NAME ROLE` adds an account and prints its generated password.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = {"agent", "supervisor", "editor"}
_hasher = PasswordHasher()


class Accounts:
    def __init__(self, path: Path):
        self.path = path

    def _load(self) -> dict:
        if not self.path.exists():
            return {"users": {}}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def _save(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(self.path)

    def add(self, name: str, role: str, password: str | None = None) -> str:
        if role not in ROLES:
            raise ValueError(f"role must be one of {sorted(ROLES)}")
        password = password or secrets.token_urlsafe(12)
        data = self._load()
        data["users"][name] = {"hash": _hasher.hash(password), "role": role}
        self._save(data)
        return password

    def ensure_admin(self) -> str | None:
        """Create the first supervisor account if there is none; return its password (else None)."""
        if self._load()["users"]:
            return None
        return self.add("admin", "supervisor")

    def verify(self, name: str, password: str) -> str | None:
        """The user's role when the password is right, else None."""
        user = self._load()["users"].get(name)
        if not user:
            _hasher.hash(password)  # same cost for unknown users
            return None
        try:
            _hasher.verify(user["hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        return user["role"]


def accounts_path() -> Path:
    from bot.settings import load_settings

    return Path(os.environ.get("DESK_USERS_FILE") or load_settings().data_dir / "desk_users.json")


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "add":
        print("usage: python -m bot.desk.accounts add NAME agent|supervisor|editor", file=sys.stderr)
        return 2
    password = Accounts(accounts_path()).add(argv[1], argv[2])
    print(f"Konto {argv[1]} ({argv[2]}) angelegt. Passwort (nur jetzt sichtbar): {password}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
