"""Computed answers a Service Center agent would work out: what stays of earned income (§ 11b SGB II),
the Mehrbedarf in pregnancy (§ 21 Abs. 2), and the parts of a rent (Kaltmiete + kalte Nebenkosten =
Bruttokaltmiete; heating apart; a warm rent needs its split).

Plain functions over numbers and text; the figures come from content/figures.yml (passed in), the wording
from content/answers.yml (bot/knowledge/topics.py renders it). Every result is an estimate: the callers add
the caveat and the "Stand" line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.language import textparse

# ----------------------------------------------------------------------------- earned income (§ 11b)


@dataclass(frozen=True)
class Allowance:
    """The rules of § 11b Abs. 2, 2b and 3 SGB II as figures (euro and percent)."""

    base: float  # Grundfreibetrag (100 €)
    limit_1: float  # 520 €: 20 % between base and limit_1
    rate_1: float
    limit_2: float  # 1,000 €: 30 % between limit_1 and limit_2
    rate_2: float
    limit_3: float  # 1,200 €: 10 % between limit_2 and limit_3 ...
    limit_3_child: float  # ... or 1,500 € with a minor child in the household
    rate_3: float
    minijob: float  # Minijob limit: free earnings of pupils, students and trainees under 25


@dataclass(frozen=True)
class Earnings:
    income: float
    free: float
    counted: float
    with_child: bool
    young: bool  # pupil, student or trainee under 25: the Minijob limit replaces the Grundfreibetrag


def _part(income: float, low: float, high: float) -> float:
    return max(0.0, min(income, high) - low)


def earnings(rules: Allowance, income: float, with_child: bool = False, young: bool = False) -> Earnings:
    """Free and counted part of a gross monthly earned income (worked examples in
    ../shared/domain/sgb2-facts.md: 603 € → 208.90 €, 1,000 € → 328 €, 1,100 € → 338 €; at most 348 € or
    378 € with a child)."""
    income = max(0.0, float(income))
    top = rules.limit_3_child if with_child else rules.limit_3
    if young:
        free = min(income, rules.minijob)
        free += _part(income, max(rules.minijob, rules.limit_1), rules.limit_2) * rules.rate_2 / 100
    else:
        free = min(income, rules.base)
        free += _part(income, rules.base, rules.limit_1) * rules.rate_1 / 100
        free += _part(income, rules.limit_1, rules.limit_2) * rules.rate_2 / 100
    free += _part(income, rules.limit_2, top) * rules.rate_3 / 100
    free = round(free, 2)
    return Earnings(income, free, round(income - free, 2), with_child, young)


_EARNING_WORDS = re.compile(r"\b(minijob\w*|nebenjob\w*|hinzuverdien\w*|dazuverdien\w*|verdien\w*|nebenbei|lohn|"
                            r"gehalt|brutto|einkommen|ausbildungsverguetung|teilzeit\w*|arbeite|job)\b")
_KEEP_QUESTION = re.compile(r"\b(behalten|freibetrag\w*|freibetraege|anrechnung|angerechnet|anrechnet|bleibt|"
                            r"bleiben|uebrig|abgezogen|abzieh\w*|wie ?viel darf|darf ich .{0,20}verdienen|"
                            r"wie ?viel (kann|koennte|duerfte) ich)\b")
_YOUNG = re.compile(r"\b(azubi\w*|auszubildende\w*|ausbildung\w*|lehre|lehrling|student\w*|studier\w*|studium|"
                    r"schueler\w*|schuelerin\w*|schule|ferienjob\w*)\b")
_OLDER = re.compile(r"\b(2[5-9]|[3-9]\d)\s*(jahre|j\b)")


def asks_about_earnings(message: str) -> bool:
    """A question how much of earned income stays ("minijob 556 €, wieviel darf ich behalten", "freibetrag bei
    einkommen", "ich verdiene 1300 brutto, was bleibt mir"), not a report of a new job."""
    norm = textparse.normalise(message)
    return bool(_KEEP_QUESTION.search(norm)) and (bool(_EARNING_WORDS.search(norm)) or "freibetrag" in norm)


def is_young_earner(message: str) -> bool:
    """Pupil, student or trainee, unless an age of 25 or more is named."""
    norm = textparse.normalise(message)
    return bool(_YOUNG.search(norm)) and not _OLDER.search(norm)


# ----------------------------------------------------------------------------- pregnancy (§ 21 Abs. 2)

_WEEK = re.compile(r"\b(\d{1,2})\s*\.?\s*(?:te|ten)?\s*(?:schwangerschafts)?(?:woche|ssw|sw)\b|\bssw\s*(\d{1,2})\b")
_PREGNANT = re.compile(r"\b(schwanger\w*|ssw|entbindung\w*|geburtstermin|baby unterwegs|kind unterwegs)\b")


def pregnancy_week(message: str) -> int | None:
    """The week of pregnancy named ("14. woche", "ssw 20", "in der 9ten woche"), if sensible (1–42)."""
    match = _WEEK.search(textparse.normalise(message))
    if not match:
        return None
    week = int(match.group(1) or match.group(2))
    return week if 1 <= week <= 42 else None


def mentions_pregnancy(message: str) -> bool:
    return bool(_PREGNANT.search(textparse.normalise(message)))


# ----------------------------------------------------------------------------- rent parts


@dataclass(frozen=True)
class RentParts:
    """Amounts of a rent message by their label; None where not said."""

    cold: float | None = None  # Kaltmiete, Grundmiete, Nettokaltmiete
    services: float | None = None  # kalte Nebenkosten, Betriebskosten
    heating: float | None = None  # Heizkosten
    warm: float | None = None  # Warmmiete, Gesamtmiete
    gross_cold: float | None = None  # said as Bruttokaltmiete

    @property
    def gross(self) -> float | None:
        """The Bruttokaltmiete the limits apply to, when it follows from what was said."""
        if self.gross_cold is not None:
            return self.gross_cold
        if self.cold is not None and self.services is not None:
            return round(self.cold + self.services, 2)
        if self.warm is not None and self.heating is not None and self.warm > self.heating:
            return round(self.warm - self.heating, 2)
        return None

    @property
    def needs_split(self) -> bool:
        """A warm rent without its heating part: the limits cannot be applied yet."""
        return self.gross is None and self.warm is not None

    @property
    def said(self) -> bool:
        return any(v is not None for v in (self.cold, self.services, self.heating, self.warm, self.gross_cold))


_LABELS = {
    "cold": ("kalt", "kaltmiete", "grundmiete", "nettokalt", "nettokaltmiete", "nettomiete", "kaltmiet"),
    "services": ("nebenkosten", "nk", "betriebskosten", "bk", "nebenkostenvorauszahlung", "betriebskostenvorauszahlung",
                 "kalte", "nebenkostenabschlag"),
    "heating": ("heizung", "heizkosten", "hk", "heizkostenvorauszahlung", "heizkostenabschlag", "gas", "fernwaerme",
                "heizen"),
    "warm": ("warm", "warmmiete", "gesamtmiete", "insgesamt", "inklusive", "inkl"),
    "gross_cold": ("bruttokalt", "bruttokaltmiete"),
}
_LABEL_OF = {word: label for label, words in _LABELS.items() for word in words}
_FILLER = frozenset({"€", "euro", "eur", "eu", "ca", "etwa", "rund", "circa", "ungefaehr", "so", "die", "der", "fuer",
                     "an", "ist", "sind", "mit", "von", "betraegt", "kostet", "kosten", "miete", "monatlich", "im",
                     "monat", "pro", "davon", "noch", "und", "dazu", "plus", "+", "nochmal", "zahle", "zahlen"})
_UNIT_AFTER = re.compile(r"^(personen|person|pers|leute|qm|m2|m²|quadratmeter|zimmer|jahre|jahren|kinder|kind|uhr|"
                         r"\.|prozent|%)$")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+|€|\+")


def rent_parts(message: str) -> RentParts:
    """Label each amount of a rent message by the nearest rent word before or after it ("420 kalt plus 80
    nebenkosten", "kalt 430 plus 60 nebenkosten", "warmmiete 650, davon 90 heizung"). Amounts and words pair
    one to one, closest first; words that are no amount ("3 personen", dates) are skipped."""
    norm = textparse.normalise(message)
    norm = re.sub(r"\b\d{1,2}\.\d{1,2}\.(\d{2,4})?", " ", norm)  # dates
    tokens = _TOKEN.findall(norm)
    numbers: list[tuple[int, float]] = []
    labels: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        if token[0].isdigit():
            after = tokens[index + 1] if index + 1 < len(tokens) else ""
            if _UNIT_AFTER.match(after):
                continue
            value = _amount(token)
            if value is not None and 0 < value <= 100000:
                numbers.append((index, value))
        elif token in _LABEL_OF:
            labels.append((index, _LABEL_OF[token]))
    if not numbers or not labels:
        return RentParts()

    def distance(number_at: int, label_at: int) -> float | None:
        low, high = sorted((number_at, label_at))
        between = [t for t in tokens[low + 1:high] if t not in _FILLER]
        if between or high - low > 4:
            return None
        return (high - low) + (0.0 if label_at > number_at else 0.5)  # "420 kalt" before "kalt 420"

    pairs = [(d, n, lab) for n in range(len(numbers)) for lab in range(len(labels))
             if (d := distance(numbers[n][0], labels[lab][0])) is not None]
    best: tuple[int, float, tuple[tuple[int, int], ...]] = (0, 0.0, ())

    def search(index: int, used_n: frozenset[int], used_l: frozenset[int], chosen: tuple[tuple[int, int], ...],
               total: float) -> None:
        nonlocal best
        if (len(chosen), -total) > (best[0], -best[1]):
            best = (len(chosen), total, chosen)
        for position in range(index, len(pairs)):
            d, n, lab = pairs[position]
            if n not in used_n and lab not in used_l:
                search(position + 1, used_n | {n}, used_l | {lab}, chosen + ((n, lab),), total + d)

    search(0, frozenset(), frozenset(), (), 0.0)
    found: dict[str, float] = {}
    for n, lab in best[2]:
        found.setdefault(labels[lab][1], numbers[n][1])
    return RentParts(**found)


def _amount(token: str) -> float | None:
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", token):
        return float(token.replace(".", ""))
    try:
        return float(token.replace(",", "."))
    except ValueError:
        return None
