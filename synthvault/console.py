"""What `ape console` puts at hand: the deployed contracts by name and a few helpers; and, as an
IPython extension (`console: plugins` in ape-config.yaml), reverts shown as their decoded custom
error instead of "custom error 0x7c6298f2: ..."."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ape.exceptions import ApeException, ContractLogicError

from synthvault.errors import describe_error
from synthvault.system import attach_system
from synthvault.units import Number, asset_id, from_wad, scaled


def console_namespace(project: Any, manifest: dict[str, Any], owner: Any) -> dict[str, Any]:
    """Contracts from a deployment manifest (`oracle`, `feeds`, `vault`, `engine`, `settlement`
    (the `GlobalSettlement`: shutdown, settle, redeem), ...) and helpers bound to them:
    `price("BTC")` reads the trusted price in USD; `set_price("BTC", 42000)` submits a round
    to the mock feed, signed by `owner` (the deployer on a local chain); `health(1)` gives a vault
    position's collateral, debt and CR (through the `lens`, `VaultLens`)."""
    system = attach_system(project, manifest["contracts"])
    oracle = system.contracts["oracle"]

    def price(ticker: str) -> Any:
        return from_wad(oracle.priceWad(asset_id(ticker)))

    def set_price(ticker: str, usd: Number) -> Any:
        feed = system.feeds[ticker]
        return feed.submit(scaled(usd, feed.decimals()), sender=owner)

    def health(position_id: int) -> dict[str, Decimal]:
        """A vault position's collateral and debt in USD and its CR, as `VaultLens.health` reports them."""
        collateral, debt, cr = system.contracts["lens"].health(position_id)
        return {"collateral_usd": from_wad(collateral), "debt_usd": from_wad(debt),
                "cr": from_wad(cr) if cr < 2**256 - 1 else Decimal("Infinity")}

    helpers: dict[str, Callable[..., Any]] = {"price": price, "set_price": set_price, "health": health}
    return {**system.contracts, **system.synths, "feeds": system.feeds, "synths": system.synths,
            "markets": system.markets, "manifest": manifest, **helpers}


def show_revert(err: ContractLogicError) -> str:
    """The console's line for a revert: `reverted: OracleStalePrice(asset='BTC', ...)`."""
    return f"reverted: {describe_error(err)}"


def load_ipython_extension(ipython: Any) -> None:
    """Loaded after Ape's own console plugin: reverts are printed decoded, any other Ape error
    still goes to Ape's handler."""
    from ape_console.plugin import custom_exception_handler

    def handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
        if isinstance(value, ContractLogicError):
            print(show_revert(value))
        else:
            custom_exception_handler(shell, etype, value, tb, tb_offset)

    ipython.set_custom_exc((ApeException,), handler)
