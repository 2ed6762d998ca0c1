"""Deploys and configures Synthvault on the connected network and writes its manifest.

    ape run deploy                                  # a fresh local Anvil (started and stopped by Ape);
                                                    # on a local chain the LP and trader get test tokens
    ape run deploy --network ethereum:local:foundry # the same, explicit
    ape run deploy --network <net> --account <alias> --config config/<file>.yaml [--force]
"""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from synthvault.cli import account_option, is_local, signer
from synthvault.config import DEFAULT_CONFIG
from synthvault.system import deploy_and_record


@click.command(cls=ConnectedProviderCommand)
@account_option
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path), default=DEFAULT_CONFIG)
@click.option("--force", is_flag=True, help="Overwrite an existing manifest of a live network.")
def cli(network, account_alias, config_path, force):
    """Deploy the whole system and write its manifest."""
    # On a local chain, test account 4 is the LP and 1 the trader, funded with test tokens.
    local = {"lp": accounts.test_accounts[4], "trader": accounts.test_accounts[1]} if is_local(network) else None
    system, path = deploy_and_record(project, chain, network, signer(network, account_alias), config_path, force, local)
    for name, address in system.addresses().items():
        click.echo(f"{name:>10}  {address}")
    click.echo(f"manifest  {path}")
