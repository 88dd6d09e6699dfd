"""axe-core in a playwright page: `violations(page)` injects axe (installed from npm by `make setup`, pinned
in tests/browser/package-lock.json) and returns its violations for the WCAG 2.1 A/AA rules.

    from tests.integration.axe import violations, describe
    found = violations(page)
    assert not found, describe(found)
"""

from __future__ import annotations

from typing import Any, Iterable

from tests.conftest import ROOT

AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} is missing: run `make setup` (installs tests/browser/package-lock.json with npm)")
    return AXE_JS.read_text(encoding="utf-8")


def violations(page: Any, tags: Iterable[str] = WCAG_21_AA, context: str | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (optionally only inside the CSS selector `context`).

    Injected with `page.add_script_tag(content=…)` would need 'unsafe-inline' under the strict CSP, so the
    source runs through `page.evaluate` instead (not subject to the page's CSP)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate("source => { (0, eval)(source); }", axe_source())
    result = page.evaluate(
        """async ([tags, context]) => {
            const options = {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']};
            return (await window.axe.run(context || document, options)).violations;
        }""",
        [list(tags), context])
    return list(result)


def describe(found: list[dict[str, Any]]) -> str:
    """A readable list of violations for an assertion message: rule, impact, help and the first nodes."""
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    {' '.join(node.get('target', []))}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)
