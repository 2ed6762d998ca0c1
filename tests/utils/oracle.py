"""What oracle tests share: the hub's price statuses and uses, and the config's market hours."""

import copy
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
    Fallback = 6
    MarketClosed = 7
    SourcesDisagree = 8


class PriceUse(IntEnum):
    """`IOracleHub.PriceUse`, in the contract's order."""

    Minting = 0
    LiquidationCollateral = 1
    LiquidationDebt = 2


def always_open(config: dict[str, Any]) -> dict[str, Any]:
    """`config` with every market open all week: the suite deploys this, so that no test depends
    on the weekday the chain's clock (the wall clock, moved forward by tests) falls on; the
    market-hours tests set the config's sessions themselves (`tests/oracle/test_market_hours.py`)."""
    config = copy.deepcopy(config)
    for feed in config["oracle"]["feeds"].values():
        feed.pop("session", None)
    return config
