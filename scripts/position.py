"""The vault's positions, and acting on one without code (logic in synthvault/actions.py and
synthvault/positions.py). Each action prints what it did and the position after; a revert is said
in one line, decoded (`VaultUndercollateralized(positionId=3, ...)`).

    make position                              # every open position on `make node` (show)
    make position ARGS='3 7'                   # positions 3 and 7
    make position ARGS='--owner 0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
    make position ARGS='show 3'                # one position: basket, CR, liquidation price, BTC downside
    make position ARGS='account 20000'         # a futures account with 20,000 USDC margin, for lock
    make position ARGS='open sUSD'             # then: deposit ID 0.5, mint ID 10000, lock ID ACCOUNT,
                                               # trade ID BTC-PERP 0.1 (sell: -- -0.1), burn ID 500,
                                               # withdraw ID 0.1, close ID

On a local chain the signer is the test trader (test account 1); elsewhere `--account ALIAS`.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger

from synthvault import actions
from synthvault.cli import account_option, autosign_option, friendly_errors, signer
from synthvault.keeper import scan_positions
from synthvault.positions import COLUMNS, position_rows, print_position
from synthvault.preflight import attach_checked
from synthvault.report import console, count, table
from synthvault.system import System

TRADER = 1  # the test account that signs on a local chain (funded with WBTC and USDC by the deploy)
VALUE_OPTIONS = {"--network", "--account", "--owner", "--provider-settings"}


class DefaultToShow(click.Group):
    """`position 3 7` and `position --network X open sUSD` alike: the first word naming a
    subcommand goes first (so that the options before it reach the subcommand, which connects
    to the network), and without one the words are `show`'s."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        words = [i for i, a in enumerate(args) if a in self.commands and (i == 0 or args[i - 1] not in VALUE_OPTIONS)]
        if words:
            args = [args[words[0]], *args[:words[0]], *args[words[0] + 1:]]
        elif "--help" in args:
            args = ["--help"]  # the group's own help, which lists the subcommands
        else:
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToShow)
def cli():
    """The vault's positions: show them, or act on one (open, deposit, withdraw, lock, trade, mint, burn, close);
    account opens a futures account to lock."""


def _attach(network: Any) -> tuple[dict[str, Any], System]:
    logger.set_level("WARNING")
    return attach_checked(project, chain.provider, network.name)


@cli.command(cls=ConnectedProviderCommand)
@click.argument("ids", nargs=-1, type=int)
@click.option("--owner", default=None, help="Only this address's open positions (Vault.positionsOf).")
@friendly_errors
def show(network, ids, owner):
    """The vault's positions; one ID: that position in detail."""
    manifest, system = _attach(network)
    if len(ids) == 1 and not owner:
        print_position(system, ids[0])
        return
    vault, head = system.contracts["vault"], chain.blocks.height
    if owner:
        ids = vault.positionsOf(owner)
    elif not ids:
        ids = scan_positions(vault, manifest.get("start_block", 0), head, set())
    rows = position_rows(system, ids)
    console.print(table(f"{count(len(rows), 'position')} at block {head}", COLUMNS, [row.cells() for row in rows]))


def register(name: str, do: Callable[..., Any], *arguments: Callable[[Any], Any]) -> None:
    """A subcommand that signs (`--account`, `--yes`), runs `do(system, sender, *ARGS)` and prints
    its line and the position after; its help is `do`'s docstring."""

    @account_option
    @autosign_option
    @friendly_errors
    def command(network, account_alias, autosign, **args):
        system = _attach(network)[1]
        sender = signer(network, account_alias, index=TRADER, autosign=autosign)
        done = actions.perform(do, system, sender, **args)
        console.print(done.line, highlight=False)
        if isinstance(done, actions.Done) and name != "close":
            print_position(system, done.position_id)

    for argument in reversed(arguments):
        command = argument(command)
    cli.command(name=name, cls=ConnectedProviderCommand, help=do.__doc__)(command)


position_id = click.argument("position_id", type=int)
amount = click.argument("amount", type=Decimal)
register("open", actions.open_position, click.argument("synth"))
register("account", actions.open_account, click.argument("margin", type=Decimal))
register("deposit", actions.deposit, position_id, amount)
register("withdraw", actions.withdraw, position_id, amount)
register("lock", actions.lock, position_id, click.argument("account_id", type=int))
register("trade", actions.trade, position_id, click.argument("market"), click.argument("size", type=Decimal))
register("mint", actions.mint, position_id, amount)
register("burn", actions.burn, position_id, amount)
register("close", actions.close, position_id)
