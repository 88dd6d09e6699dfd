"""Agent desk accounts: a JSON file with argon2 password hashes, roles and offices; no default password.

The first start creates an `admin` (supervisor) with a generated password that is printed once.
`python -m bot.desk.accounts add NAME ROLE [--office KEY] [--display "Frau Schmidt"]` adds an account and
prints its generated password. The display name is what citizens read ("Frau Schmidt hat das Gespräch
übernommen"); they never see the login. Without one they read "Das Service Center". An agent with an office sees only that office's cases (and cases without an office); no
office (also in account files written before offices existed) means all offices.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

ROLES = {"agent", "supervisor", "editor"}
DEFAULT_DISPLAY = "Das Service Center"
MAX_DISPLAY = 60
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

    def add(self, name: str, role: str, password: str | None = None, office: str = "", display: str = "") -> str:
        if role not in ROLES:
            raise ValueError(f"role must be one of {sorted(ROLES)}")
        display = " ".join(display.split())
        if len(display) > MAX_DISPLAY or any(not (ch.isprintable()) for ch in display):
            raise ValueError(f"display name: at most {MAX_DISPLAY} printable characters")
        password = password or secrets.token_urlsafe(12)
        data = self._load()
        data["users"][name] = {"hash": _hasher.hash(password), "role": role, **({"office": office} if office else {}),
                               **({"display": display} if display else {})}
        self._save(data)
        return password

    def user(self, name: str) -> dict | None:
        """{"role", "office", "display"} of an account ("" office: all offices), or None."""
        user = self._load()["users"].get(name)
        return {"role": user["role"], "office": user.get("office") or "",
                "display": user.get("display") or ""} if user else None

    def display_name(self, name: str) -> str:
        """What citizens read for this account: its display name, never the login."""
        return (self.user(name) or {}).get("display") or DEFAULT_DISPLAY

    def colleagues(self) -> list[dict[str, str]]:
        """Accounts that can take a conversation: login, display name, role, office."""
        users = self._load()["users"]
        return [{"user": name, "display": u.get("display") or "", "role": u["role"], "office": u.get("office") or ""}
                for name, u in sorted(users.items()) if u["role"] in ("agent", "supervisor")]

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
    from bot.core.settings import DeskSettings

    return DeskSettings.from_env().users_file  # DESK_USERS_FILE, else DATA_DIR/desk_users.json


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot.desk.accounts")
    parser.add_argument("command", choices=["add"])
    parser.add_argument("name")
    parser.add_argument("role", choices=sorted(ROLES))
    parser.add_argument("--office", default="", help="office key from content (e.g. nord); empty: all offices")
    parser.add_argument("--display", default="", help='name citizens read, e.g. "Frau Schmidt" (never the login)')
    args = parser.parse_args(argv)
    if args.office:
        from bot.content import get_content

        offices = get_content().offices
        if args.office not in offices:
            known = ", ".join(sorted(offices))
            print(f"Unbekannte Geschäftsstelle {args.office!r}; bekannt: {known}", file=sys.stderr)
            return 2
    try:
        password = Accounts(accounts_path()).add(args.name, args.role, office=args.office, display=args.display)
    except ValueError as error:
        print(f"Konto nicht angelegt: {error}", file=sys.stderr)
        return 2
    where = f", Geschäftsstelle {args.office}" if args.office else ""
    where += f", angezeigt als „{args.display}“" if args.display else ""
    print(f"Konto {args.name} ({args.role}{where}) angelegt. Passwort (nur jetzt sichtbar): {password}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
