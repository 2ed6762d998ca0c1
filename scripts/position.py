"""The vault's positions: owner, synth, what each locks and owes, its CR against its synth's ratios.

    make position                              # every open position on `make node`
    make position ARGS='3 7'                   # positions 3 and 7
    make position ARGS='--owner 0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
"""

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from synthvault.cli import friendly_errors
from synthvault.keeper import scan_positions
from synthvault.positions import COLUMNS, position_rows
from synthvault.preflight import attach_checked
from synthvault.report import console, table


@click.command(cls=ConnectedProviderCommand)
@click.argument("ids", nargs=-1, type=int)
@click.option("--owner", default=None, help="Only this address's open positions (Vault.positionsOf).")
@friendly_errors
def cli(network, ids, owner):
    """Show the vault's positions."""
    logger.set_level("WARNING")
    manifest, system = attach_checked(project, chain.provider, network.name)
    vault, head = system.contracts["vault"], chain.blocks.height
    if owner:
        ids = vault.positionsOf(owner)
    elif not ids:
        ids = scan_positions(vault, manifest.get("start_block", 0), head, set())
    rows = position_rows(system, ids)
    console.print(table(f"{len(rows)} positions at block {head}", COLUMNS, [row.cells() for row in rows]))
