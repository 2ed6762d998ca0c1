"""Deploys and configures Synthvault on the connected network and writes its manifest.

    make deploy                                         # onto `make node`'s chain, or a fresh local Anvil
    make deploy ARGS=--dry-run                          # print the plan, send nothing
    make deploy NETWORK=<net> ACCOUNT=<alias> ARGS='--config config/<file>.yaml [--force]'

The config is checked against every rule the contracts enforce, and a live network's existing
manifest is refused (without --force), before the first transaction.
"""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from synthvault.cli import account_option, autosign_option, friendly_errors, is_local, signer
from synthvault.config import DEFAULT_CONFIG, read_config
from synthvault.manifest import check_writable
from synthvault.plan import keeper_floor_warnings, plan_deployment
from synthvault.preflight import check_existing
from synthvault.report import console, table
from synthvault.system import LOCAL_FUNDING, deploy_and_record


@click.command(cls=ConnectedProviderCommand)
@account_option
@autosign_option
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path), default=DEFAULT_CONFIG)
@click.option("--force", is_flag=True, help="Overwrite an existing manifest of a live network.")
@click.option("--dry-run", is_flag=True, help="Print the plan (contracts, parameters, transactions); send nothing.")
@friendly_errors
def cli(network, account_alias, autosign, config_path, force, dry_run):
    """Deploy the whole system and write its manifest."""
    config = read_config(config_path)
    path = check_writable(network.name, force)
    check_existing(chain.provider, network.name, config.existing_addresses())
    # The minimum debts against the keeper's gas (docs/gas.md): said, not refused (gas differs by chain).
    for line in keeper_floor_warnings(config):
        console.print(f"[yellow]warning: {line}")
    if dry_run:
        plan = plan_deployment(config, LOCAL_FUNDING if is_local(network) else None)
        console.print(table("Contracts", ["layer", "contract"], [(s.layer, s.what) for s in plan.contracts]))
        console.print(table("Synths", ["synth", "parameters"], plan.parameters))
        if existing := config.existing_addresses():
            console.print(table("Existing contracts used", ["config key", "address"], existing.items()))
        click.echo(f"{plan.transactions} transactions to {network.choice}, then {path}; dry run: nothing sent")
        return
    # On a local chain, test account 4 is the LP and 1 the trader, funded with test tokens.
    local = {"lp": accounts.test_accounts[4], "trader": accounts.test_accounts[1]} if is_local(network) else None
    deployer = signer(network, account_alias, autosign=autosign)
    system, path = deploy_and_record(project, chain, network, deployer, config, force, local)
    for name, address in system.addresses().items():
        click.echo(f"{name:>10}  {address}")
    click.echo(f"manifest  {path}")
