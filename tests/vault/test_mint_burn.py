"""Minting and burning against positions of spot BTC (BTC $60,000, XAU $2,400, USD $1).
A position's first mint meets a rate index of exactly 1 (no synth debt has accrued a fee yet);
tests spanning several blocks switch the fee off so that amounts stay whole."""

from synthvault.units import asset_id, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.wadmath import div_wad_down, mul_wad_up


def test_mint__spot_btc_position__mints_synth_and_records_debt(vault, lens, synths, trader, open_position):
    position_id = open_position("sXAU", spot_btc=1)
    sxau = synths["sXAU"]

    tx = vault.mint(position_id, wad(10), sender=trader)

    assert sxau.balanceOf(trader) == wad(10)
    assert sxau.totalSupply() == wad(10)
    position = vault.position(position_id)
    assert (position.debtShares, position.debt) == (wad(10), wad(10))
    assert vault.synthDebt(sxau) == (wad(1), tx.timestamp, wad(10), wad(10))
    assert lens.health(position_id) == (wad(60_000), wad(24_000), wad("2.5"))
    assert logs(tx, vault.Minted) == [
        {"positionId": position_id, "to": trader.address, "amount": wad(10), "shares": wad(10)}
    ]


def test_mint__exactly_the_minting_ratio__passes(vault, lens, synths, trader, open_position):
    position_id = open_position("sUSD", spot_btc=1)

    vault.mint(position_id, wad(40_000), sender=trader)

    assert lens.health(position_id) == (wad(60_000), wad(40_000), wad("1.5"))
    assert synths["sUSD"].balanceOf(trader) == wad(40_000)


def test_mint__one_wei_past_the_minting_ratio__reverts(vault, trader, open_position):
    position_id = open_position("sUSD", spot_btc=1)

    with reverts(vault.VaultUndercollateralized, positionId=position_id,
                 crWad=div_wad_down(wad(60_000), wad(40_000) + 1), minCrWad=wad("1.5")):
        vault.mint(position_id, wad(40_000) + 1, sender=trader)


def test_mint__no_collateral__reverts_at_cr_zero(vault, trader, open_position):
    position_id = open_position("sXAU")

    with reverts(vault.VaultUndercollateralized, positionId=position_id, crWad=0, minCrWad=wad("1.5")):
        vault.mint(position_id, wad(10), sender=trader)


def test_mint__not_the_owner__reverts(vault, trader, attacker, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultNotPositionOwner, positionId=position_id, caller=attacker.address, owner=trader.address):
        vault.mint(position_id, wad(1), sender=attacker)


def test_mint__zero__reverts(vault, trader, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultZeroAmount):
        vault.mint(position_id, 0, sender=trader)


def test_mint__unknown_position__reverts(vault, trader):
    with reverts(vault.VaultUnknownPosition, positionId=7):
        vault.mint(7, wad(1), sender=trader)


def test_mint__one_wei_under_the_minimum_debt__reverts(vault, trader, open_position, config):
    position_id = open_position("sXAU", spot_btc=1)
    min_debt = wad(config["synths"]["sXAU"]["min_debt"])  # 1.25 sXAU, $3,000

    with reverts(vault.VaultDebtBelowMin, positionId=position_id, debt=min_debt - 1, minDebt=min_debt):
        vault.mint(position_id, min_debt - 1, sender=trader)


def test_mint__exactly_the_minimum_debt__passes(vault, trader, open_position, config):
    position_id = open_position("sXAU", spot_btc=1)
    min_debt = wad(config["synths"]["sXAU"]["min_debt"])

    vault.mint(position_id, min_debt, sender=trader)

    assert vault.position(position_id).debt == min_debt


def test_mint__over_the_debt_ceiling__reverts(vault, synths, trader, open_position, set_params, no_fee):
    set_params("sXAU", debtCeiling=wad(10))
    open_position("sXAU", spot_btc=1, mint=6)
    other_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultDebtCeilingExceeded, synth=synths["sXAU"].address,
                 totalDebt=wad(11), debtCeiling=wad(10)):
        vault.mint(other_id, wad(5), sender=trader)


def test_mint__zero_ceiling__reverts_while_burning_works(vault, synths, trader, open_position, set_params, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=6)
    set_params("sXAU", debtCeiling=0, minDebt=0)

    with reverts(vault.VaultDebtCeilingExceeded, synth=synths["sXAU"].address, debtCeiling=0):
        vault.mint(position_id, wad(1), sender=trader)
    vault.burn(position_id, MAX_UINT, sender=trader)

    assert vault.position(position_id).debt == 0


def test_mint__stale_btc_price__reverts(vault, chain, trader, open_position, oracle):
    position_id = open_position("sXAU", spot_btc=1)
    advance(chain, 3601)

    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC"), heartbeat=3600):
        vault.mint(position_id, wad(10), sender=trader)


def test_mint__stale_synth_price__reverts(vault, chain, trader, owner, feeds, open_position, oracle):
    position_id = open_position("sXAU", spot_btc=1)
    advance(chain, 86_401)
    set_price(feeds["BTC"], 60_000, owner)

    with reverts(oracle.OracleStalePrice, asset=asset_id("XAU"), heartbeat=86_400):
        vault.mint(position_id, wad(10), sender=trader)


def test_mint__frozen_btc_price__reverts(vault, trader, owner, feeds, open_position, oracle):
    position_id = open_position("sXAU", spot_btc=1)
    set_price(feeds["BTC"], 20_000, owner)  # -66.67%: past the 50% circuit breaker

    with reverts(oracle.OracleFrozen, asset=asset_id("BTC"), deviationBps=6667, maxDeviationBps=5000):
        vault.mint(position_id, wad(10), sender=trader)


def test_mint__second_mint__adds_to_the_debt(vault, lens, synths, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)

    vault.mint(position_id, wad(5), sender=trader)

    assert vault.position(position_id).debt == wad(15)
    assert synths["sXAU"].balanceOf(trader) == wad(15)
    assert lens.health(position_id) == (wad(60_000), wad(36_000), div_wad_down(wad(60_000), wad(36_000)))


def test_mint__several_positions__each_owes_its_own(vault, lens, synths, trader, open_position, no_fee):
    gold = open_position("sXAU", spot_btc=1, mint=10)
    dollars = open_position("sUSD", spot_btc=2, mint=30_000)
    more_gold = open_position("sXAU", spot_btc="0.5", mint=2)

    assert vault.positionsOf(trader) == [gold, dollars, more_gold]
    assert [vault.position(p).debt for p in (gold, dollars, more_gold)] == [wad(10), wad(30_000), wad(2)]
    assert lens.health(dollars) == (wad(120_000), wad(30_000), wad(4))
    assert vault.synthDebt(synths["sXAU"]).totalDebt == wad(12) == synths["sXAU"].totalSupply()


def test_burn__partial__reduces_the_debt(vault, synths, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)

    tx = vault.burn(position_id, wad(4), sender=trader)

    assert vault.position(position_id).debt == wad(6)
    assert synths["sXAU"].balanceOf(trader) == wad(6)
    assert synths["sXAU"].totalSupply() == wad(6)
    assert logs(tx, vault.Burned) == [
        {"positionId": position_id, "from": trader.address, "amount": wad(4), "shares": wad(4)}
    ]


def test_burn__more_than_the_debt__repays_it_exactly(vault, lens, synths, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    synths["sXAU"].transfer(trader, 0, sender=trader)

    tx = vault.burn(position_id, MAX_UINT, sender=trader)

    assert vault.position(position_id).debt == 0
    assert synths["sXAU"].totalSupply() == 0
    assert lens.health(position_id) == (wad(60_000), 0, MAX_UINT)
    assert logs(tx, vault.Burned)[0]["amount"] == wad(10)


def test_burn__someone_else__repays_the_position(vault, synths, trader, trader2, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    synths["sXAU"].transfer(trader2, wad(3), sender=trader)

    vault.burn(position_id, wad(3), sender=trader2)

    assert vault.position(position_id).debt == wad(7)
    assert synths["sXAU"].balanceOf(trader2) == 0
    assert synths["sXAU"].balanceOf(trader) == wad(7)


def test_burn__stale_prices__still_repays(vault, chain, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    advance(chain, 10 * 86_400)

    vault.burn(position_id, wad(4), sender=trader)

    assert vault.position(position_id).debt == wad(6)


def test_burn__leaving_one_wei_under_the_minimum__reverts(vault, trader, open_position, no_fee, config):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    min_debt = wad(config["synths"]["sXAU"]["min_debt"])

    with reverts(vault.VaultDebtBelowMin, positionId=position_id, debt=min_debt - 1, minDebt=min_debt):
        vault.burn(position_id, wad(10) - min_debt + 1, sender=trader)


def test_burn__leaving_exactly_the_minimum__passes(vault, trader, open_position, no_fee, config):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    min_debt = wad(config["synths"]["sXAU"]["min_debt"])

    vault.burn(position_id, wad(10) - min_debt, sender=trader)

    assert vault.position(position_id).debt == min_debt


def test_burn__no_debt__reverts(vault, trader, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultZeroAmount):
        vault.burn(position_id, wad(1), sender=trader)


def test_burn__more_than_the_callers_balance__reverts(vault, synths, trader, trader2, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    synths["sXAU"].transfer(trader2, wad(1), sender=trader)

    with reverts(synths["sXAU"].ERC20InsufficientBalance, sender=trader2.address, balance=wad(1), needed=wad(2)):
        vault.burn(position_id, wad(2), sender=trader2)


def test_mint_burn__one_wei_loops__never_owe_less_than_minted(vault, synths, chain, owner, feeds, trader,
                                                              open_position):
    # With the index above 1, a 1-wei mint records a whole share (worth more than 1 wei) and a
    # 1-wei burn removes no share at all: the dust always stays with the protocol.
    sxau = synths["sXAU"]
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    advance(chain, 200 * 86_400)
    for ticker, price in (("BTC", 60_000), ("XAU", 2_400)):
        set_price(feeds[ticker], price, owner)

    for _ in range(3):
        vault.mint(position_id, 1, sender=trader)
        vault.burn(position_id, 1, sender=trader)

    index = vault.synthDebt(sxau).rateIndexWad
    assert index > wad(1)
    assert vault.position(position_id).debtShares == wad(10) + 3
    assert vault.position(position_id).debt == mul_wad_up(wad(10) + 3, index)
    assert sxau.balanceOf(trader) == wad(10)
    assert sxau.totalSupply() <= vault.synthDebt(sxau).totalDebt
