"""The exchange's arithmetic in Python, to the wei, for exact assertions; and trading helpers.

Mirrors `PositionMath` and `FuturesExchange`: prices, sizes and USD amounts are WAD; what moves
between margin and the pool is whole units of the 6-decimal stablecoin (1e12 WAD), what the
trader owes rounded up and what the trader is paid rounded down.
"""

from typing import Any

from synthvault.units import WAD

UNIT = 10**12  # one unit of the 6-decimal stablecoin, in WAD
MAX_PRICE = 2**256 - 1  # price limit of a buy that takes any fill
MAX_IMPACT = WAD // 10  # FuturesExchange.MAX_IMPACT_WAD
IMPACT_NOTIONAL = 10**6 * WAD


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def mul_wad_up(a: int, b: int) -> int:
    return ceil_div(a * b, WAD)


def floor_unit(x: int) -> int:
    """The largest whole stablecoin amount at or below `x` (toward negative infinity)."""
    return x // UNIT * UNIT


def ceil_unit(x: int) -> int:
    return ceil_div(x, UNIT) * UNIT


def fill_price(mark: int, size_delta: int, impact: int) -> int:
    notional = mul_wad_up(abs(size_delta), mark)
    fraction = min(ceil_div(impact * notional, IMPACT_NOTIONAL), MAX_IMPACT)
    return mul_wad_up(mark, WAD + fraction) if size_delta > 0 else mark * (WAD - fraction) // WAD


def fee(size_delta: int, fill: int, taker_fee: int) -> int:
    """The fee as charged: rounded up to a whole stablecoin unit."""
    return ceil_unit(mul_wad_up(mul_wad_up(abs(size_delta), fill), taker_fee))


def pnl(size: int, entry: int, price: int) -> int:
    """Unrealised PnL as the views report it: WAD, floored."""
    return size * (price - entry) // WAD


def realized_pnl(size_closed: int, entry: int, price: int) -> int:
    """Realised PnL as moved: floored to a whole stablecoin unit."""
    return floor_unit(pnl(size_closed, entry, price))


def close_pnl(size: int, entry: int, mark: int, impact: int, taker_fee: int, index_delta: int = 0) -> int:
    """What closing a position of `size` entered at `entry` in one fill at `mark` adds to its
    account's margin, as `FuturesExchange.closeValue` counts it: PnL at the fill less the funding
    owed (`index_delta`, the index's move since the position last settled), floored to a whole
    unit, less the close's fee, ceiled to one."""
    fill = fill_price(mark, -size, impact)
    return floor_unit(size * (fill - entry - index_delta) // WAD) - fee(-size, fill, taker_fee)


def funding_owed(size: int, index_delta: int) -> int:
    """Funding owed as the views report it: WAD, ceiled (positive: the trader pays)."""
    return ceil_div(size * index_delta, WAD)


def funding_paid(size: int, index_delta: int) -> int:
    """Funding as settled: ceiled to a whole stablecoin unit."""
    return -floor_unit(-funding_owed(size, index_delta))


def index_increment(price: int, rate_per_second: int, seconds: int) -> int:
    """The funding index's growth: price × rate × seconds, rounded toward zero."""
    magnitude = price * abs(rate_per_second) * seconds // WAD
    return magnitude if rate_per_second >= 0 else -magnitude


def params_of(exchange: Any, market_id: int) -> Any:
    """The market's `MarketParams`: initialMarginWad, maintenanceMarginWad, takerFeeWad, impactWad."""
    return exchange.market(market_id).params


def buy(exchange: Any, account_id: int, market_id: int, size: int, sender: Any, limit: int = MAX_PRICE) -> Any:
    """Buys `size` (WAD) in `market_id` at any price (or up to `limit`)."""
    return exchange.trade(account_id, market_id, size, limit, sender=sender)


def sell(exchange: Any, account_id: int, market_id: int, size: int, sender: Any, limit: int = 0) -> Any:
    """Sells `size` (WAD, positive) in `market_id` at any price (or down to `limit`)."""
    return exchange.trade(account_id, market_id, -size, limit, sender=sender)


def traded(tx: Any, exchange: Any) -> Any:
    """The one `Traded` event of a transaction."""
    events = tx.events.filter(exchange.Traded)
    assert len(events) == 1, events
    return events[0]


def hold(chain: Any, seconds: int, feed: Any, sender: Any) -> None:
    """Lets `seconds` pass and resubmits `feed`'s latest answer, so that its price stays fresh."""
    from tests.utils.chain import advance

    advance(chain, seconds)
    feed.submit(feed.latestRoundData()[1], sender=sender)
