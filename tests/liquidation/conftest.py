"""Fixtures of the liquidation tests, which run on a stack of their own: a vault wired to the
liquidation engine, the insurance fund and the global settlement, as `deploy_system` wires them
(`tests/utils/deployments.py`; the deployment fixtures, the position factories, `give`, `books`
and `no_fee` are the root's)."""

from typing import Any

from synthvault.units import wad
from tests.utils.deployments import stateless
from tests.utils.exchange import fee, fill_price, params_of


@stateless("module")
def long_btc(vault, exchange, markets, futures_position, keeper, give):
    """A position owing sXAU whose collateral is a long BTC perpetual of `size` on `margin`
    USDC, opened at $60,000 with impact; the keeper holds the sXAU. Returns the ids, the entry
    price and the margin after the opening fee."""

    def build(size: Any, margin: int, mint: Any, spot_btc: Any = 0) -> tuple[int, int, int, int]:
        position_id, account_id = futures_position("sXAU", margin=margin, btc_size=size, spot_btc=spot_btc, mint=mint)
        give(keeper, "sXAU", wad(mint))
        params = params_of(exchange, markets["BTC-PERP"])
        entry = fill_price(wad(60_000), wad(size), params.impactWad)
        assert exchange.position(account_id, markets["BTC-PERP"]) == (wad(size), entry)
        assert exchange.signedMarginOf(account_id) == wad(margin) - fee(wad(size), entry, params.takerFeeWad)
        return position_id, account_id, entry, exchange.signedMarginOf(account_id)

    return build
