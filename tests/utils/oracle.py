"""What oracle tests share: the hub's price statuses."""

from enum import IntEnum


class PriceStatus(IntEnum):
    """`IOracleHub.PriceStatus`, in the contract's order."""

    Ok = 0
    UnknownAsset = 1
    Incomplete = 2
    Stale = 3
    NonPositive = 4
    Frozen = 5
