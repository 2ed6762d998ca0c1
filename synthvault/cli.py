"""What every script needs from the connected network: who signs, and whether the chain is local."""

from typing import Any, Optional

import click
from ape import accounts

from synthvault.manifest import LOCAL_NETWORKS


def is_local(network: Any) -> bool:
    return network.name in LOCAL_NETWORKS


def signer(network: Any, alias: Optional[str], index: int = 0) -> Any:
    """The account that signs: the named Ape account, or a funded test account on a local chain."""
    if alias:
        return accounts.load(alias)
    if is_local(network):
        return accounts.test_accounts[index]
    raise click.UsageError(f"--account is required on '{network.name}': name an account from `ape accounts list`")


account_option = click.option(
    "--account",
    "account_alias",
    default=None,
    help="Alias of the Ape account that signs (default on a local chain: test account 0).",
)
