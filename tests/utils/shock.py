"""The minting check's shock rule in Python, to the wei, for exact assertions: what a position's
collateral could lose in one oracle round in which every asset moves against it by its shock.

Read apart from `CollateralMath.accountShockLossUsdWad`, from the exchange's arithmetic mirrored in
`tests/utils/exchange.py`: per asset |net exposure| x shock (spot netted with every futures
position on the asset, each size x mark floored), rounded up; the closing costs (equity at mark
less the close value) x s x (2 + s) at the largest shock of the account's markets, rounded up
twice; a negative close value; two stablecoin units a position.
"""

from dataclasses import dataclass

from synthvault.units import WAD
from tests.utils.exchange import UNIT, ceil_div, close_pnl, fee, fill_price, pnl


def loss_of(exposure_usd: int, shock: int) -> int:
    """|exposure| x shock, rounded up."""
    return ceil_div(abs(exposure_usd) * shock, WAD)


@dataclass(frozen=True)
class Opened:
    """A fresh account of `margin` (WAD) that opened one position of `size` at `mark`: what the
    exchange reports of it at that mark."""

    margin: int  # settled margin after the opening fee
    equity: int  # margin + PnL at mark (the positions' views)
    close_value: int  # what closing it in one fill would fetch (`closeValue`)
    exposure: int  # size x mark, floored


def opened(margin: int, size: int, mark: int, impact: int, taker_fee: int) -> Opened:
    fill = fill_price(mark, size, impact)
    left = margin - fee(size, fill, taker_fee)
    return Opened(left, left + pnl(size, fill, mark), left + close_pnl(size, fill, mark, impact, taker_fee),
                  size * mark // WAD)


def account_loss(exposures: dict[str, int], shocks: dict[str, int], equity: int, close_value: int,
                 positions: int, spot_usd: int = 0, spot_asset: str = "BTC") -> int:
    """The shock loss of an account whose net futures exposure per asset is `exposures` (USD,
    signed), beside `spot_usd` of spot priced as `spot_asset`."""
    net = dict(exposures)
    net[spot_asset] = net.get(spot_asset, 0) + spot_usd
    loss = sum(loss_of(exposure, shocks.get(asset, 0)) for asset, exposure in net.items())
    max_shock = max((shocks.get(asset, 0) for asset in exposures), default=0)
    costs = max(equity - close_value, 0)
    loss += ceil_div(ceil_div(costs * max_shock, WAD) * (2 * WAD + max_shock), WAD)
    return loss + max(-close_value, 0) + 2 * UNIT * positions
