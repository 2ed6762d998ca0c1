"""Static-analysis gate: runs slither over the contracts and fails on any High or Medium finding
that `slither.config.json` does not accept.

    make slither        # what CI runs (through `make check`)

Slither compiles through Forge (crytic-compile's foundry mode, Foundry profile `slither`, the
project's solc-js wrapper, offline) and analyses `contracts/` and `interfaces/`. Its own settings
are the slither keys of `slither.config.json`; the `accepted_findings` key is this gate's: one
rule per accepted finding or class of findings, matched by detector, file (a glob) and,
optionally, element (a glob, or a list of them, over the finding's qualified name, e.g.
`Vault._accrue` or `Vault.healthOf.btcPriceWad`), never by line number, so that the rules survive edits elsewhere in
a file. Each rule has an `id` that `docs/static-analysis.md` must list with its reason.

Exit status: 1 when a High or Medium finding matches no rule, when a rule's id is missing from the
doc, or when slither itself fails; 0 otherwise. Unlisted Low and Informational findings and rules
that match nothing are printed as warnings.

Runs with the interpreter of `.venv-slither` (stdlib only here; slither is run as a program).
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "slither.config.json"
DOC = ROOT / "docs" / "static-analysis.md"
GATE_KEYS = {"accepted_findings"}
FAILING_IMPACTS = {"High", "Medium"}
IMPACT_ORDER = {"High": 0, "Medium": 1, "Low": 2, "Informational": 3, "Optimization": 4}


@dataclass(frozen=True)
class Rule:
    id: str
    detector: str
    file: str
    elements: tuple[str, ...]
    reason: str

    def matches(self, finding: Finding) -> bool:
        return (
            finding.detector == self.detector
            and fnmatch.fnmatchcase(finding.file, self.file)
            and any(fnmatch.fnmatchcase(finding.element, e) for e in self.elements)
        )


@dataclass(frozen=True)
class Finding:
    impact: str
    confidence: str
    detector: str
    file: str
    lines: str
    element: str
    description: str


def qualified_name(element: dict) -> str:
    """`Contract.function.variable`, from the element and its parents (signatures dropped)."""
    parts = []
    node = element
    while node:
        if node.get("type") != "node":
            parts.append(node.get("name", "?"))
        node = node.get("type_specific_fields", {}).get("parent")
    return ".".join(reversed(parts))


def load_rules(config: dict) -> list[Rule]:
    rules = []
    for raw in config.get("accepted_findings", []):
        missing = {"id", "detector", "file", "reason"} - raw.keys()
        if missing:
            sys.exit(f"slither.config.json: accepted finding {raw} lacks {sorted(missing)}")
        elements = raw.get("element", "*")
        elements = (elements,) if isinstance(elements, str) else tuple(elements)
        rules.append(Rule(raw["id"], raw["detector"], raw["file"], elements, raw["reason"]))
    ids = [r.id for r in rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        sys.exit(f"slither.config.json: duplicate rule ids {duplicates}")
    return rules


def run_slither(config: dict) -> list[Finding]:
    """Runs slither with the config's slither keys; returns its detector results."""
    slither_config = {k: v for k, v in config.items() if k not in GATE_KEYS}
    slither = Path(sys.executable).parent / "slither"
    with tempfile.TemporaryDirectory(prefix="slither-gate-") as tmp:
        config_path = Path(tmp) / "slither.config.json"
        config_path.write_text(json.dumps(slither_config))
        report = Path(tmp) / "report.json"
        env = dict(os.environ, FOUNDRY_PROFILE="slither")
        proc = subprocess.run(
            [str(slither), ".", "--config-file", str(config_path), "--json", str(report), "--fail-none"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )
        if proc.returncode != 0 or not report.is_file():
            sys.stderr.write(proc.stdout + proc.stderr)
            sys.exit(f"slither failed (exit {proc.returncode})")
        data = json.loads(report.read_text())
    if not data.get("success"):
        sys.exit(f"slither reported an error: {data.get('error')}")

    findings = []
    for result in data.get("results", {}).get("detectors", []):
        first = result["elements"][0] if result["elements"] else {}
        mapping = first.get("source_mapping", {})
        lines = mapping.get("lines") or []
        findings.append(Finding(
            impact=result["impact"],
            confidence=result["confidence"],
            detector=result["check"],
            file=mapping.get("filename_relative", "?"),
            lines=f"{lines[0]}-{lines[-1]}" if len(lines) > 1 else (str(lines[0]) if lines else "?"),
            element=qualified_name(first) if first else "?",
            description=result["description"].strip(),
        ))
    findings.sort(key=lambda f: (IMPACT_ORDER.get(f.impact, 9), f.detector, f.file, f.element))
    return findings


def main() -> int:
    config = json.loads(CONFIG.read_text())
    rules = load_rules(config)
    findings = run_slither(config)

    used: set[str] = set()
    failures, warnings = [], []
    print(f"{'impact':<13} {'detector':<20} {'rule':<6} element (file:lines)")
    for f in findings:
        rule = next((r for r in rules if r.matches(f)), None)
        if rule:
            used.add(rule.id)
        print(f"{f.impact:<13} {f.detector:<20} {rule.id if rule else 'NEW':<6} {f.element} ({f.file}:{f.lines})")
        if rule is None:
            (failures if f.impact in FAILING_IMPACTS else warnings).append(f)

    doc = DOC.read_text() if DOC.is_file() else ""
    undocumented = [r.id for r in rules if f"| {r.id} |" not in doc]
    stale = [r.id for r in rules if r.id not in used]

    for f in warnings:
        print(f"\nwarning: unlisted {f.impact} finding; accept it in slither.config.json and "
              f"{DOC.relative_to(ROOT)}, or fix it:\n{f.description}")
    if stale:
        print(f"\nwarning: accepted rules that matched nothing (remove them if the code they covered is gone): "
              f"{', '.join(stale)}")
    for f in failures:
        print(f"\nerror: {f.impact} finding not accepted:\n{f.description}")
    if undocumented:
        print(f"\nerror: rules missing from {DOC.relative_to(ROOT)} (a table row `| <id> |`): "
              f"{', '.join(undocumented)}")

    counts = {i: sum(f.impact == i for f in findings) for i in IMPACT_ORDER if any(f.impact == i for f in findings)}
    summary = ", ".join(f"{n} {i}" for i, n in counts.items()) or "no findings"
    accepted = sum(1 for f in findings if any(r.matches(f) for r in rules))
    print(f"\nslither: {summary}; {accepted} accepted by {len(used)} of {len(rules)} rules; "
          f"{len(failures)} High/Medium not accepted, {len(warnings)} lower unlisted.")
    return 1 if failures or undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
