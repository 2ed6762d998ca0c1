"""Dust and rounding loops: 1 wei of synth minted and burned, 1 sat of spot removed and added back,
fifty times over, extract nothing. Each rounding goes the protocol's way: a mint's shares round up,
a burn's down, collateral is valued on the whole amount held (rounded down), and taking spot 1 sat
at a time stops exactly where taking it at once would. (BTC $60,000, USD $1; minimum debt 0 so
that 1 wei may be minted.)"""

from synthvault.units import wad
from tests.utils.chain import advance, set_price
from tests.utils.custom_errors import reverts
from tests.utils.wadmath import div_wad_down

BTC = 10**8
ROUNDS = 50


def test_mint_burn__one_wei_rounds_at_index_one__debt_is_minted_less_burned(vault, synths, trader, open_position,
                                                                            set_params, no_fee):
    set_params("sUSD", minDebt=0)
    susd = synths["sUSD"]
    position_id = open_position("sUSD", spot_btc=1, mint=1_000)

    for _ in range(ROUNDS):
        vault.mint(position_id, 1, sender=trader)
        assert vault.position(position_id).debt == wad(1_000) + 1
        vault.burn(position_id, 1, sender=trader)

    assert vault.position(position_id).debt == vault.position(position_id).debtShares == wad(1_000)
    assert susd.balanceOf(trader) == susd.totalSupply() == wad(1_000)


def test_mint_burn__one_wei_rounds_with_the_fee__each_leaves_a_share_behind(vault, synths, chain, owner, feeds,
                                                                            trader, open_position, set_params):
    # With the index above 1 (here ~1.01), a 1-wei mint records ceil(1 / index) = 1 share and a
    # 1-wei burn removes floor(1 / index) = 0: each round leaves the trader owing a share more,
    # holding not a wei more, whatever the index grew to between the blocks.
    set_params("sUSD", minDebt=0)
    susd = synths["sUSD"]
    position_id = open_position("sUSD", spot_btc=1, mint=1_000)
    advance(chain, 200 * 86_400)
    for ticker, price in (("BTC", 60_000), ("USD", 1)):
        set_price(feeds[ticker], price, owner)
    vault.accrue(susd, sender=owner)
    shares = vault.position(position_id).debtShares

    for i in range(1, ROUNDS + 1):
        vault.mint(position_id, 1, sender=trader)
        vault.burn(position_id, 1, sender=trader)
        assert vault.position(position_id).debtShares == shares + i

    index = vault.synthDebt(susd).rateIndexWad
    assert wad(1) < index < wad(2)
    assert susd.balanceOf(trader) == wad(1_000)
    # Every fee minted or due is owed by a position: supply + uncollected <= total debt.
    assert susd.totalSupply() + vault.uncollectedFees(susd) <= vault.synthDebt(susd).totalDebt


def test_remove_spot__one_sat_at_a_time__stops_where_taking_it_at_once_would(vault, lens, wbtc, synths, trader,
                                                                             open_position, no_fee):
    # 1 BTC owing 39,999.98 sUSD: at $60,000 exactly 50 sats ($0.03) may leave at CR 150%.
    position_id = open_position("sUSD", spot_btc=1)
    vault.mint(position_id, wad("39999.98"), sender=trader)
    wallet = wbtc.balanceOf(trader)

    for _ in range(ROUNDS):
        vault.removeSpot(position_id, 1, trader, sender=trader)
    assert lens.health(position_id)[2] == wad("1.5")

    spot = BTC - ROUNDS - 1
    cr = div_wad_down(spot * wad(60_000) // BTC, wad("39999.98"))
    with reverts(vault.VaultUndercollateralized, positionId=position_id, crWad=cr, minCrWad=wad("1.5")):
        vault.removeSpot(position_id, 1, trader, sender=trader)

    wbtc.approve(vault, ROUNDS, sender=trader)
    for _ in range(ROUNDS):
        vault.addSpot(position_id, 1, sender=trader)
    assert wbtc.balanceOf(trader) == wallet
    assert vault.position(position_id).spotAmount == BTC
    assert lens.health(position_id) == (wad(60_000), wad("39999.98"), div_wad_down(wad(60_000), wad("39999.98")))
