"""Helpers that move the local chain: time, prices."""

from typing import Any

from synthvault.units import FEED_DECIMALS, Number, scaled


def advance(chain: Any, seconds: int) -> None:
    """Moves the chain's clock forward by `seconds` and mines a block at the new time."""
    chain.mine(timestamp=chain.pending_timestamp + seconds)


def set_price(feed: Any, price: Number, sender: Any, decimals: int = FEED_DECIMALS) -> Any:
    """Submits a new round of `price` whole USD to a mock feed."""
    return feed.submit(scaled(price, decimals), sender=sender)
