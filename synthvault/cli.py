"""What every script needs from the connected network: who signs, whether the chain is local, and
errors said in one line."""

import functools
from collections.abc import Callable
from typing import Any

import click
from ape import accounts
from ape.exceptions import ContractLogicError

from synthvault.actions import ActionError
from synthvault.config import ConfigError
from synthvault.errors import describe_error
from synthvault.manifest import LOCAL_NETWORKS, ManifestExistsError
from synthvault.preflight import PreflightError
from synthvault.replay import SeriesWindowError
from synthvault.resume import ResumeError
from synthvault.system import DeployFailedError

# What a user can fix from the message alone (an unknown synth or market, a replay window with no
# rows included): said as `Error: <message>`, exit status 1, no traceback.
EXPECTED_ERRORS = (ActionError, ConfigError, DeployFailedError, ManifestExistsError, PreflightError, ResumeError,
                   FileNotFoundError, SeriesWindowError)


def is_local(network: Any) -> bool:
    return network.name in LOCAL_NETWORKS


def signer(network: Any, alias: str | None, index: int = 0, autosign: bool = False) -> Any:
    """The account that signs: the named Ape account, or a funded test account on a local chain.
    With `autosign`, the named account signs every transaction without asking (its passphrase is
    asked once, or read from `APE_ACCOUNTS_<alias>_PASSPHRASE`): for a keeper left running."""
    if alias:
        account = accounts.load(alias)
        if autosign:
            account.set_autosign(True)
        return account
    if is_local(network):
        return accounts.test_accounts[index]
    raise click.UsageError(f"--account is required on '{network.name}': name an account from `ape accounts list`")


account_option = click.option(
    "--account",
    "account_alias",
    default=None,
    help="Alias of the Ape account that signs (default on a local chain: test account 0).",
)

autosign_option = click.option(
    "--yes",
    "autosign",
    is_flag=True,
    help="Sign every transaction of --account without a prompt (passphrase asked once, or from "
    "APE_ACCOUNTS_<alias>_PASSPHRASE).",
)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """A script's body, with expected failures (a bad config, an existing manifest, a chain that is
    not the manifest's) and reverts (decoded: `VaultUndercollateralized(positionId=3, ...)`) said
    as one line by click instead of a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except EXPECTED_ERRORS as err:
            raise click.ClickException(str(err)) from None
        except ContractLogicError as err:
            raise click.ClickException(f"reverted: {describe_error(err)}") from None

    return wrapper
