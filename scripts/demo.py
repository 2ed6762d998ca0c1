"""The Synthvault story on a fresh local chain: `make demo` (or `ape run demo`).

Deploys the system from config/local.yaml, then tells the story chapter by chapter
(synthvault/story.py): prices, the futures venue and its pool, a trade, positions locked in
the vault minting synths (one long BTC, one delta-neutral), BTC moving under them, March 2020's
crash replayed with a keeper liquidating, the final accounting, and a weekend (the S&P 500's
market closed, BTC falling, an sSPX position liquidated on the last close). Saves a chart of BTC
and each position's CR to out/demo-crash.png.
"""

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from synthvault.cli import friendly_errors, is_local
from synthvault.config import ROOT, read_config
from synthvault.market_hours import next_moment
from synthvault.report import console, table
from synthvault.story import Story
from synthvault.system import deploy_and_record

ROLES = ("owner", "trader", "trader2", "keeper", "lp")
CHART = ROOT / "out" / "demo-crash.png"


@click.command(cls=ConnectedProviderCommand)
@friendly_errors
def cli(network):
    """Deploy the system to a local chain and tell the story."""
    if not is_local(network):
        raise click.UsageError("the demo mints test tokens and moves mock prices: run it on a local chain")
    logger.set_level("WARNING")  # the story, not every transaction
    roles = dict(zip(ROLES, accounts.test_accounts, strict=False))
    # A Wednesday noon (UTC): every market open whatever the wall clock's day, and the weekend of
    # chapter 8 ahead.
    chain.mine(timestamp=next_moment(chain.pending_timestamp, "Wed 12:00"))
    system, manifest = deploy_and_record(project, chain, network, roles["owner"], read_config())
    console.rule("[bold]Synthvault on a local chain")
    console.print(f"chain id {chain.chain_id}, deployer {roles['owner'].address}, manifest {manifest}")
    console.print(table("Contracts", ["name", "address"], [(n, c.address) for n, c in system.contracts.items()]))

    story = Story(system, roles)
    story.prices()
    story.venue()
    story.trade()
    story.positions()
    story.btc_moves()
    CHART.parent.mkdir(exist_ok=True)
    story.crash(chart_path=CHART)
    story.accounting()
    story.weekend()
