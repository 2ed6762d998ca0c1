"""The Synthvault story on a fresh local chain: `make demo` (or `ape run demo`).

Today the story covers what exists: the price layer is deployed and read back.
"""

import click
from ape import chain, project
from ape.logging import logger
from ape.cli import ConnectedProviderCommand

from synthvault.cli import signer
from synthvault.config import DEFAULT_CONFIG
from synthvault.report import console, table, usd
from synthvault.system import deploy_and_record
from synthvault.units import asset_id, from_wad


@click.command(cls=ConnectedProviderCommand)
def cli(network):
    """Deploy the system to a local chain and tell the story."""
    logger.set_level("WARNING")  # the story, not every transaction
    owner = signer(network, None)
    system, manifest = deploy_and_record(project, chain, network, owner, DEFAULT_CONFIG)
    console.rule("[bold]Synthvault on a local chain")
    console.print(f"chain id {chain.chain_id}, block {chain.blocks.height}, deployer {owner.address}")
    console.print(f"manifest written to {manifest}")

    console.print(table("Contracts", ["name", "address"], [(n, c.address) for n, c in system.contracts.items()]))
    oracle = system.contracts["oracle"]
    rows = []
    for name, feed in system.feeds.items():
        aggregator, heartbeat, decimals, max_deviation_bps, _ = oracle.feeds(asset_id(name))
        rows.append(
            (name, feed.address, feed.description(), decimals, f"{heartbeat:,} s", f"{max_deviation_bps / 100:g}%",
             usd(from_wad(oracle.priceWad(asset_id(name))))
        ))
    console.print(table("Price feeds, read through OracleHub.priceWad",
                        ["asset", "feed", "description", "decimals", "heartbeat", "max jump", "price"], rows))
