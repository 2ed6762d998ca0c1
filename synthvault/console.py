"""What `ape console` puts at hand: the deployed contracts by name and a few helpers."""

from typing import Any, Callable

from synthvault.system import attach_system
from synthvault.units import Number, asset_id, from_wad, scaled


def console_namespace(project: Any, manifest: dict[str, Any], owner: Any) -> dict[str, Any]:
    """Contracts from a deployment manifest (`oracle`, `feeds`, ...) and helpers bound to them:
    `price("BTC")` reads the trusted price in USD; `set_price("BTC", 42000)` submits a round
    to the mock feed, signed by `owner` (the deployer on a local chain)."""
    system = attach_system(project, manifest["contracts"])
    oracle = system.contracts["oracle"]

    def price(ticker: str) -> Any:
        return from_wad(oracle.priceWad(asset_id(ticker)))

    def set_price(ticker: str, usd: Number) -> Any:
        feed = system.feeds[ticker]
        return feed.submit(scaled(usd, feed.decimals()), sender=owner)

    helpers: dict[str, Callable[..., Any]] = {"price": price, "set_price": set_price}
    return {**system.contracts, "feeds": system.feeds, "manifest": manifest, **helpers}
