"""What `ape console` puts at hand: the deployed contracts by name and a few helpers."""

from decimal import Decimal
from typing import Any, Callable

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
