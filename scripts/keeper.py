"""A liquidation keeper for any network where Synthvault is deployed (its manifest exists).

    make keeper ARGS=--once                                       # one pass on `make node`
    make keeper NETWORK=<net> ACCOUNT=<alias> ARGS='--interval 15'

Finds positions from the vault's PositionOpened/PositionClosed events, checks their health in
batches through VaultLens.healthOf, and liquidates those under their synth's liquidation ratio when
what the liquidation pays the keeper (its share of the penalty, less when the collateral cannot
pay it, nothing under 100% CR) pays for the gas (at the oracle's ETH price). The keeper
repays with the synth it holds. A liquidation that reverts is logged, decoded, and the pass goes on;
RPC errors and node restarts are logged and retried with backoff. When it stops (after --once or
--passes, or on Ctrl-C, which exits 0) it prints a summary of what it did (`KeeperStats`).
It starts only once the chain answers and holds the manifest's contracts (synthvault/preflight.py).
"""

import logging

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from synthvault.cli import account_option, autosign_option, friendly_errors, is_local, signer
from synthvault.errors import without_call_traces
from synthvault.keeper import Keeper, run_until_stopped
from synthvault.preflight import attach_checked
from synthvault.units import wad


@click.command(cls=ConnectedProviderCommand)
@account_option
@autosign_option
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@click.option("--passes", type=click.IntRange(min=1), default=None, help="Stop after this many passes.")
@click.option("--interval", default=12.0, show_default=True, help="Seconds between passes.")
@click.option("--batch-size", default=200, show_default=True, help="Positions per healthOf call.")
@click.option("--min-profit-usd", default="0", show_default=True, help="Skip liquidations expected to earn less.")
@friendly_errors
def cli(network, account_alias, autosign, once, passes, interval, batch_size, min_profit_usd):
    """Liquidate positions under their liquidation ratio."""
    logger.set_level("WARNING")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    manifest, system = attach_checked(project, chain.provider, network.name)
    keeper = Keeper(
        vault=system.contracts["vault"], lens=system.contracts["lens"], engine=system.contracts["engine"],
        oracle=system.contracts["oracle"], venue=system.contracts["futures"], exchange=system.contracts["exchange"],
        sender=signer(network, account_alias, index=3, autosign=autosign), synth_at=project.SyntheticToken.at,
        pool_at=project.StabilityPool.at,
        batch_size=batch_size, min_profit_usd_wad=wad(min_profit_usd), start_block=manifest.get("start_block", 0),
    )

    click.echo(keeper.start_line(getattr(chain.provider, "uri", network.choice), chain.chain_id))

    def step() -> list:
        head = chain.blocks.height
        with without_call_traces():  # a reverted liquidation is one log line, not a call tree
            actions = keeper.run_once(head, 0 if is_local(network) else chain.provider.gas_price)
        click.echo(keeper.pass_line(head, actions))
        return actions

    try:
        run_until_stopped(step, keeper.stats, interval, once=once, passes=passes)
    finally:  # also when a pass fails for good: what it did until then
        click.echo(keeper.stats.summary_line())
