"""Gas benchmark: measures every user operation on a fresh local chain and writes `docs/gas.md`.

    ape run gas                     # measure and write docs/gas.md
    ape run gas --check             # ... and fail if an operation grew >5% over the baseline
                                    # (every run fails if a synth's minimum debt does not pay a keeper)
    ape run gas --update-baseline   # ... and make these figures the new baseline
"""

import sys

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

import synthvault.benches  # noqa: F401  (registers the benches)
from synthvault.cli import friendly_errors
from synthvault.config import load_config
from synthvault.economics import render_markdown as render_break_even
from synthvault.economics import shortfalls
from synthvault.gas import (
    BASELINE,
    GAS_DOC,
    BenchContext,
    load_baseline,
    regressions,
    render_markdown,
    run_benches,
    save_baseline,
)
from synthvault.market_hours import next_moment
from synthvault.report import console, table
from synthvault.system import deploy_system

ROLES = ("owner", "trader", "trader2", "keeper", "lp")


@click.command(cls=ConnectedProviderCommand)
@click.option("--check", is_flag=True, help="Fail if an operation grew more than 5% over the baseline.")
@click.option("--update-baseline", is_flag=True, help="Record these figures as the new baseline.")
@friendly_errors
def cli(check, update_baseline):
    """Measure the gas of every user operation."""
    logger.set_level("WARNING")
    # Every block one second after the last, whatever the wall clock: the funding and fee
    # accruals a transaction pays for (and so its gas) are the same on every run.
    chain.provider.make_request("anvil_setBlockTimestampInterval", [1])
    # On a trading day whatever the wall clock's (the config gives gold, the S&P 500 and the
    # real-estate index market hours): the next Tuesday, 12:00 UTC.
    chain.mine(timestamp=next_moment(chain.pending_timestamp, "Tue 12:00"))
    config = load_config()
    roles = dict(zip(ROLES, accounts.test_accounts, strict=False))
    system = deploy_system(project, roles["owner"], config)
    rows = run_benches(BenchContext(project, chain, system, config, roles))

    if update_baseline:
        save_baseline(rows)
    baseline = load_baseline()
    gas = {r.operation: r.gas for r in rows}
    GAS_DOC.write_text(render_markdown(rows, baseline) + "\n" + render_break_even(gas, config))
    console.print(table("Gas per operation", ["operation", "gas", "baseline"],
                        [(r.operation, f"{r.gas:,}", f"{baseline.get(r.operation, 0):,}") for r in rows]))
    console.print(f"written to {GAS_DOC.relative_to(GAS_DOC.parent.parent)}")

    problems = regressions(gas, baseline)
    if check and problems:
        console.print(f"[red]Gas grew past the baseline ({BASELINE.name}); if intended, run `make bench-update`:")
        for line in problems:
            console.print(f"  {line}")
    # Checked whenever the bench runs, `bench-update` included: a new baseline cannot hide it.
    unpaid = shortfalls(gas, config)
    if unpaid:
        console.print("[red]A liquidation would not pay its keeper's gas (config/local.yaml: synths.*.min_debt, "
                      "liquidation.min_keeper_bonus_usd):")
        for line in unpaid:
            console.print(f"  {line}")
    if unpaid or (check and problems):
        sys.exit(1)
