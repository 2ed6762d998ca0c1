"""Deploys and configures Synthvault on the connected network and writes its manifest.

    make deploy                                         # onto `make node`'s chain, or a fresh local Anvil
    make deploy ARGS=--dry-run                          # print the plan, send nothing
    make deploy NETWORK=<net> ACCOUNT=<alias> ARGS='--config config/<file>.yaml [--force]'
    make deploy ARGS=--resume                           # go on from deployments/<network>.failed.json

The config is checked against every rule the contracts enforce, and a live network's existing
manifest is refused (without --force), before the first transaction. A deployment that stopped
part-way records what it had deployed; --resume re-uses those contracts and sends only what is
missing, once the record is checked against the chain, the signer and the plan.
"""

from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand

from synthvault.cli import account_option, autosign_option, friendly_errors, is_local, signer
from synthvault.config import DEFAULT_CONFIG, read_config
from synthvault.manifest import check_writable
from synthvault.plan import keeper_floor_warnings, plan_deployment
from synthvault.preflight import check_existing, check_governed
from synthvault.report import console, table
from synthvault.resume import check_resumable, load_failed
from synthvault.system import LOCAL_FUNDING, deploy_and_record


@click.command(cls=ConnectedProviderCommand)
@account_option
@autosign_option
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path), default=DEFAULT_CONFIG)
@click.option("--force", is_flag=True, help="Overwrite an existing manifest of a live network.")
@click.option("--dry-run", is_flag=True, help="Print the plan (contracts, parameters, transactions); send nothing.")
@click.option("--resume", is_flag=True,
              help="Go on from the deployment that stopped part-way (deployments/<network>.failed.json).")
@friendly_errors
def cli(network, account_alias, autosign, config_path, force, dry_run, resume):
    """Deploy the whole system and write its manifest."""
    config = read_config(config_path)
    check_governed(network.name, config.governance is not None)
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
    record = None
    if resume:
        source, record = load_failed(network.name)
        plan = plan_deployment(config, LOCAL_FUNDING if local else None)
        reused = check_resumable(record, config, plan, chain.chain_id, str(deployer.address),
                                 lambda address: bool(chain.provider.get_code(address)), str(source))
        click.echo(f"resuming {source}: re-using {len(reused)} of the plan's {len(plan.contracts)} contracts; "
                   "each step already on chain is skipped")
    system, path = deploy_and_record(project, chain, network, deployer, config, force, local, resume=record)
    for name, address in system.addresses().items():
        click.echo(f"{name:>10}  {address}")
    click.echo(f"manifest  {path}")
