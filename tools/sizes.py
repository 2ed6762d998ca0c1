#!/usr/bin/env python3
"""Size gate: builds `contracts/` with Forge (`forge build --sizes --json contracts`) and fails
when any contract or library defined under `contracts/` (mocks included; test-forge/ and the
OpenZeppelin dependencies are not compiled from there) has more than LIMIT bytes of runtime code.
Prints each one's size and its headroom under the limit, largest first.

LIMIT is ours, under EIP-170's 24,576: room for the fixes still to come without a contract
becoming undeployable on the day one lands."""

import json
import re
import subprocess
import sys
from pathlib import Path

LIMIT = 22_000
ROOT = Path(__file__).resolve().parent.parent
# An abstract contract (e.g. `VenueStatus`) has no runtime code of its own: its code is counted in
# each contract that inherits it, so only the deployable contracts and the libraries are gated.
DEFINITION = re.compile(r"^\s*(?:contract|library)\s+(\w+)", re.MULTILINE)


def ours() -> set[str]:
    """The names of the contracts (not abstract) and libraries defined in `contracts/` (interfaces have no code)."""
    return {name for path in (ROOT / "contracts").rglob("*.sol") if ".cache" not in path.parts
            for name in DEFINITION.findall(path.read_text())}


def main() -> int:
    run = subprocess.run(["forge", "build", "--sizes", "--json", "contracts"], cwd=ROOT, capture_output=True, text=True)
    try:
        sizes = json.loads(run.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(run.stdout + run.stderr)
        print("sizes: forge printed no sizes (build failed?)", file=sys.stderr)
        return 1
    names = ours()
    missing = sorted(names - sizes.keys())
    if missing:
        print(f"sizes: forge reported no size for {', '.join(missing)}", file=sys.stderr)
        return 1
    over = []
    print(f"{'contract':<20} {'runtime bytes':>14} {'headroom':>10}  (limit {LIMIT:,})")
    for name in sorted(names, key=lambda n: -sizes[n]["runtime_size"]):
        size = sizes[name]["runtime_size"]
        print(f"{name:<20} {size:>14,} {LIMIT - size:>10,}{'  OVER' if size > LIMIT else ''}")
        if size > LIMIT:
            over.append(name)
    if over:
        print(f"sizes: over {LIMIT:,} bytes of runtime code: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
