"""What oracle tests share: the hub's price statuses and readings of the oracle's state."""

from collections.abc import Callable
from enum import IntEnum
from typing import Any


class PriceStatus(IntEnum):
    """`IOracleHub.PriceStatus`, in the contract's order."""

    Ok = 0
    UnknownAsset = 1
    Incomplete = 2
    Stale = 3
    NonPositive = 4
    Frozen = 5


def hub_state(hub: Any, *assets: bytes) -> Callable[[], tuple]:
    """A reading of everything the hub's owner functions may change, for `unchanged(...)`:
    ownership, and the configuration and reading of each asset."""

    def read() -> tuple:
        return (
            hub.owner(),
            hub.pendingOwner(),
            [(tuple(hub.feeds(asset)), tuple(hub.peekPriceWad(asset))) for asset in assets],
        )

    return read


def feed_state(feed: Any, *accounts: Any) -> Callable[[], tuple]:
    """A reading of a mock feed for `unchanged(...)`: owner, latest round and its data, and
    whether each of `accounts` is a feeder."""

    def read() -> tuple:
        latest = feed.latestRound()
        data = tuple(feed.latestRoundData()) if latest else None
        return feed.owner(), latest, data, [feed.isFeeder(account) for account in accounts]

    return read
