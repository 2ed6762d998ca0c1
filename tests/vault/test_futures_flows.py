"""The three ways to lock BTC futures: long BTC minting sXAU, short BTC minting sETH, and
delta-neutral (spot BTC beside a short perpetual of the same size) minting sUSD. The CR moves
with every price; the delta-neutral collateral does not move with BTC at all, only with funding.
(BTC $60,000, XAU $2,400, ETH $3,000; BTC-PERP: 5 bps taker fee, size impact.)"""

from synthvault.units import wad
from tests.utils.chain import advance, set_price
from tests.utils.exchange import close_pnl, fee, fill_price, params_of, pnl
from tests.utils.wadmath import cr, mul_wad_up

MARGIN = wad(10_000)


def equity_after_opening(exchange, market_id: int, size: int, mark: int, price: int) -> int:
    """The equity of a fresh 10,000 USDC account that traded `size` at `mark`, valued at `price`."""
    params = params_of(exchange, market_id)
    fill = fill_price(mark, size, params.impactWad)
    return MARGIN - fee(size, fill, params.takerFeeWad) + pnl(size, fill, price)


def close_value_after_opening(exchange, market_id: int, size: int, mark: int, price: int) -> int:
    """What the vault counts that account at: closing it in one fill at `price` (`closeValue`)."""
    params = params_of(exchange, market_id)
    fill = fill_price(mark, size, params.impactWad)
    return MARGIN - fee(size, fill, params.takerFeeWad) + close_pnl(size, fill, price, params.impactWad,
                                                                    params.takerFeeWad)


def test_flow__long_btc_minting_sxau__cr_moves_with_btc_and_gold(vault, lens, exchange, futures_accounts, markets,
                                                                  synths, owner, feeds, trader, futures_position,
                                                                  no_fee):
    btc = markets["BTC-PERP"]
    # 1.5 sXAU, $3,600: a 6x long owes no more than what survives a 10% fall ($3,959 here).
    position_id, account_id = futures_position("sXAU", btc_size=1, mint="1.5")
    assert futures_accounts.ownerOf(account_id) == vault.futuresCollateral()
    assert synths["sXAU"].balanceOf(trader) == wad("1.5")

    for btc_usd, xau_usd in ((60_000, 2_400), (63_000, 2_400), (63_000, 2_520), (57_000, 2_520), (61_000, 2_300)):
        set_price(feeds["BTC"], btc_usd, owner)
        set_price(feeds["XAU"], xau_usd, owner)
        assert exchange.equity(account_id) == equity_after_opening(exchange, btc, wad(1), wad(60_000), wad(btc_usd))
        value = close_value_after_opening(exchange, btc, wad(1), wad(60_000), wad(btc_usd))
        debt_usd = mul_wad_up(wad("1.5"), wad(xau_usd))
        assert lens.health(position_id) == (value, debt_usd, cr(value, debt_usd))

    vault.close(position_id, sender=trader)
    assert futures_accounts.ownerOf(account_id) == trader.address
    assert synths["sXAU"].totalSupply() == 0


def test_flow__short_btc_minting_seth__cr_rises_as_btc_falls(vault, lens, exchange, markets, owner, feeds, trader,
                                                            futures_position, set_params):
    set_params("sETH", stabilityFeeWad=0)
    btc = markets["BTC-PERP"]
    position_id, account_id = futures_position("sETH", btc_size=-1, mint=1)

    crs = []
    for btc_usd, eth_usd in ((60_000, 3_000), (54_000, 3_000), (54_000, 3_300), (58_000, 2_900)):
        set_price(feeds["BTC"], btc_usd, owner)
        set_price(feeds["ETH"], eth_usd, owner)
        value = close_value_after_opening(exchange, btc, -wad(1), wad(60_000), wad(btc_usd))
        debt_usd = wad(eth_usd)
        assert lens.health(position_id) == (value, debt_usd, cr(value, debt_usd))
        crs.append(cr(value, debt_usd))
    assert crs[1] > crs[0]  # BTC down 10%: the short gained $6,000


def test_flow__delta_neutral_minting_susd__collateral_flat_while_btc_moves(vault, lens, exchange, markets, owner, feeds,
                                                                         trader, futures_position, no_fee):
    btc = markets["BTC-PERP"]
    position_id, account_id = futures_position("sUSD", btc_size=-1, spot_btc=1, mint=30_000)
    params = params_of(exchange, btc)
    entry = fill_price(wad(60_000), -wad(1), params.impactWad)
    margin = MARGIN - fee(-wad(1), entry, params.takerFeeWad)

    def collateral(btc_usd: int, index_delta: int = 0) -> int:
        # Spot + margin + (entry − the buy-back's fill) less its fee: the price cancels out but
        # for the close's impact and fee, which grow with the notional bought back.
        return wad(btc_usd) + margin + close_pnl(-wad(1), entry, wad(btc_usd), params.impactWad,
                                                 params.takerFeeWad, index_delta)

    flat = margin + entry
    for btc_usd in (60_000, 54_000, 66_000, 51_000, 60_500):
        set_price(feeds["BTC"], btc_usd, owner)
        value = collateral(btc_usd)
        assert lens.health(position_id) == (value, wad(30_000), cr(value, wad(30_000)))
        # Within the buy-back's impact (10 bps per $1M) and fee (5 bps) of flat, plus a unit.
        assert flat - value <= wad(btc_usd) * 15 // 10_000 + 2 * 10**12

    # Funding is what moves it: shorts pay while the rate is negative.
    exchange.setFundingRate(btc, -wad(1) // (365 * 86_400), sender=owner)
    advance(vault.chain_manager, 3 * 86_400)
    set_price(feeds["BTC"], 60_500, owner)
    set_price(feeds["USD"], 1, owner)
    owed = exchange.fundingOwed(account_id, btc)
    assert owed > 0
    # Size −1: the funding owed is the index's move, negated, to the wei.
    assert lens.health(position_id)[0] == collateral(60_500, index_delta=-owed)
    assert lens.health(position_id)[0] < collateral(60_500) - owed + 10**12


def test_flow__delta_neutral__mint_passes_where_the_spot_alone_would_not(vault, lens, synths, trader, futures_position,
                                                                        no_fee):
    position_id, _ = futures_position("sUSD", btc_size=-1, spot_btc=1)

    vault.mint(position_id, wad(45_000), sender=trader)  # > $40,000: the spot alone allows less

    assert synths["sUSD"].balanceOf(trader) == wad(45_000)
    assert lens.health(position_id)[2] > wad("1.5")
