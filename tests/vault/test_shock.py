"""Leverage carries a haircut in the minting check (issue 11, first review, lower): a position may
mint only what it could still repay at 100% CR after each asset moved against it, in one oracle
round, by the vault's shock for it (BTC 10%, ETH 15%, IDX 20% as deployed). Exact amounts from the
mirror in `tests/utils/shock.py`. (BTC $60,000; BTC-PERP 5 bps fee, 10 bps impact per $1M; sUSD
at $1 with no fee, so a debt is its USD value.)"""

import pytest

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import set_price
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.exchange import UNIT, params_of
from tests.utils.shock import account_loss, opened
from tests.utils.wadmath import cr

BTC = asset_id("BTC")
MARK = wad(60_000)
SHOCKS = {"BTC": wad("0.10"), "ETH": wad("0.15"), "IDX": wad("0.20")}


@pytest.fixture
def btc_long(exchange, markets):
    """The mirror of a fresh BTC-PERP account: `btc_long(margin_usd, size_btc)`."""
    params = params_of(exchange, markets["BTC-PERP"])

    def mirror(margin_usd, size_btc):
        return opened(wad(margin_usd), wad(size_btc), MARK, params.impactWad, params.takerFeeWad)

    return mirror


def test_mint__ten_x_long_at_the_minting_ratio__reverts_with_the_shocked_collateral(
        vault, lens, exchange, owner, feeds, trader, futures_position, btc_long, no_fee):
    """The finding: 1 BTC long on 6,100 USDC (9.9x) minting at 150% of its close value. With the
    shock off it mints, and a 3.4% fall leaves it under 100% CR; with BTC's 10% it is refused."""
    account = btc_long(6_100, 1)
    loss = account_loss({"BTC": account.exposure}, SHOCKS, account.equity, account.close_value, 1)
    assert (account.close_value, loss) == (wad("6032.8"), wad("6007.055624"))
    debt = account.close_value * 2 // 3
    position_id, account_id = futures_position("sUSD", margin=6_100, btc_size=1)
    assert exchange.closeValue(account_id) == account.close_value

    with reverts(vault.VaultShockUndercollateralized, positionId=position_id,
                 shockedCollateralUsdWad=wad("25.744376"), debtUsdWad=debt):
        vault.mint(position_id, debt, sender=trader)

    vault.setShock(BTC, 0, sender=owner)
    vault.mint(position_id, debt, sender=trader)
    set_price(feeds["BTC"], 57_960, owner)
    assert lens.health(position_id)[2] < wad("0.994")  # 99.3%: bad debt after a 3.4% move


def test_mint__at_the_shock_limit__passes_and_one_wei_more_reverts(vault, lens, trader, futures_position, btc_long,
                                                                  no_fee):
    account = btc_long(10_000, 1)  # 6x: the shock binds before the minting ratio
    limit = account.close_value - account_loss({"BTC": account.exposure}, SHOCKS, account.equity,
                                               account.close_value, 1)
    position_id, _ = futures_position("sUSD", btc_size=1)

    with reverts(vault.VaultShockUndercollateralized, positionId=position_id, shockedCollateralUsdWad=limit,
                 debtUsdWad=limit + 1):
        vault.mint(position_id, limit + 1, sender=trader)
    vault.mint(position_id, limit, sender=trader)

    room = lens.mintRoom(position_id)
    assert (room.shockLossUsdWad, room.shockedCrWad, room.maxMint) == (account.close_value - limit, wad(1), 0)
    assert room.crWad == cr(account.close_value, limit)


def test_mint__spot_only_at_exactly_150_percent__passes(vault, lens, trader, open_position, no_fee):
    position_id = open_position("sUSD", spot_btc=1)

    vault.mint(position_id, wad(40_000), sender=trader)

    room = lens.mintRoom(position_id)
    assert (room.collateralUsdWad, room.shockLossUsdWad, room.debtUsdWad) == (wad(60_000), wad(6_000), wad(40_000))
    assert (room.crWad, room.shockedCrWad, room.maxMint) == (wad("1.5"), wad("1.35"), 0)


def test_mint__delta_neutral_at_the_minting_ratio__passes(vault, lens, exchange, trader, futures_position, btc_long,
                                                         no_fee):
    """1 BTC of spot beside a 1 BTC short: no net exposure, only the closing costs' growth and
    rounding are charged, and the minting ratio binds as before."""
    account = btc_long(10_000, -1)
    collateral = wad(60_000) + account.close_value
    loss = account_loss({"BTC": account.exposure}, SHOCKS, account.equity, account.close_value, 1,
                        spot_usd=wad(60_000))
    assert loss < wad(10)
    position_id, account_id = futures_position("sUSD", btc_size=-1, spot_btc=1)
    debt = collateral * 2 // 3

    vault.mint(position_id, debt, sender=trader)

    room = lens.mintRoom(position_id)
    assert (room.collateralUsdWad, room.shockLossUsdWad, room.crWad) == (collateral, loss, cr(collateral, debt))


def test_mint_room__max_mint__accepted_and_five_wei_more_refused(vault, lens, trader, futures_position, btc_long,
                                                                 no_fee):
    """A 3 BTC long on 30,000 USDC beside half a BTC of spot: the lens's most is both rules' limit
    (the shock's, here) less the new shares' rounding (index 1: 4 wei)."""
    account = btc_long(30_000, 3)
    collateral = wad(30_000) + account.close_value
    loss = account_loss({"BTC": account.exposure}, SHOCKS, account.equity, account.close_value, 1,
                        spot_usd=wad(30_000))
    limit = min(collateral * 10**18 // wad("1.5"), collateral - loss)
    position_id, _ = futures_position("sUSD", margin=30_000, btc_size=3, spot_btc="0.5")

    room = lens.mintRoom(position_id)

    assert collateral - loss < collateral * 10**18 // wad("1.5")
    assert (room.collateralUsdWad, room.shockLossUsdWad, room.maxMint) == (collateral, loss, limit - 4)
    with reverts(vault.VaultShockUndercollateralized, positionId=position_id,
                 shockedCollateralUsdWad=collateral - loss, debtUsdWad=limit + 1):
        vault.mint(position_id, room.maxMint + 5, sender=trader)
    vault.mint(position_id, room.maxMint, sender=trader)


def test_withdraw_margin__past_the_shock__reverts(vault, trader, futures_position, btc_long, no_fee):
    """3x long owing 10,000: the CR a withdrawal leaves meets 150% while the shock is not met."""
    account = btc_long(20_000, 1)
    loss = account_loss({"BTC": account.exposure}, SHOCKS, account.equity, account.close_value, 1)
    position_id, _ = futures_position("sUSD", margin=20_000, btc_size=1, mint=10_000)
    amount = (account.close_value - loss - wad(10_000)) // UNIT + 1
    left = account.close_value - amount * UNIT
    assert cr(left, wad(10_000)) > wad("1.5")

    with reverts(vault.VaultShockUndercollateralized, positionId=position_id,
                 shockedCollateralUsdWad=left - loss, debtUsdWad=wad(10_000)):
        vault.withdrawMargin(position_id, amount, trader, sender=trader)
    vault.withdrawMargin(position_id, amount - 1, trader, sender=trader)


def test_trade__adding_leverage_past_the_shock__reverts(vault, exchange, markets, trader, trader2, open_account,
                                                       futures_position, no_fee):
    """The collateral after the trade, read off a twin making the same fills, still meets 150% of
    the debt (about 199%); the shock is not met."""
    btc = markets["BTC-PERP"]
    position_id, _ = futures_position("sUSD", margin=20_000, btc_size=1, mint=10_000)
    twin = open_account(trader2, 20_000)
    for size in (wad(1), wad(1)):
        exchange.trade(twin, btc, size, 2**256 - 1, sender=trader2)
    value = exchange.closeValue(twin)
    equity = exchange.equity(twin)
    loss = account_loss({"BTC": 2 * MARK}, SHOCKS, equity, value, 1)

    with reverts(vault.VaultShockUndercollateralized, positionId=position_id, shockedCollateralUsdWad=value - loss,
                 debtUsdWad=wad(10_000)):
        vault.trade(position_id, btc, wad(1), 2**256 - 1, sender=trader)


@pytest.fixture
def spot_beside_a_long(vault, owner, futures_position, no_fee):
    """1 BTC of spot beside a 0.5 BTC long on 10,000 USDC, owing 40,000 sUSD; the owner then
    raises BTC's shock to 40%."""
    position_id, account_id = futures_position("sUSD", btc_size="0.5", spot_btc=1, mint=40_000)
    vault.setShock(BTC, wad("0.4"), sender=owner)
    return position_id, account_id


def test_unlock__spot_alone_under_the_shock__reverts(vault, trader, spot_beside_a_long):
    position_id, _ = spot_beside_a_long

    # The spot alone: 150% of the debt, but 36,000 after a 40% fall.
    with reverts(vault.VaultShockUndercollateralized, positionId=position_id,
                 shockedCollateralUsdWad=wad(36_000), debtUsdWad=wad(40_000)):
        vault.unlock(position_id, sender=trader)


def test_remove_spot__past_the_shock__reverts(vault, wbtc, trader, spot_beside_a_long, btc_long):
    position_id, _ = spot_beside_a_long
    account = btc_long(10_000, "0.5")
    shocks = SHOCKS | {"BTC": wad("0.4")}
    # 0.9 BTC of spot left, netted with the 0.5 BTC long: 84,000 of BTC exposure x 40%.
    collateral = wad(54_000) + account.close_value
    loss = account_loss({"BTC": account.exposure}, shocks, account.equity, account.close_value, 1,
                        spot_usd=wad(54_000))

    with reverts(vault.VaultShockUndercollateralized, positionId=position_id,
                 shockedCollateralUsdWad=collateral - loss, debtUsdWad=wad(40_000)):
        vault.removeSpot(position_id, scaled("0.1", wbtc.decimals()), trader, sender=trader)


def test_set_shock__owner__stored_with_event(vault, owner):
    tx = vault.setShock(asset_id("XAU"), wad("0.5"), sender=owner)

    assert vault.shockWad(asset_id("XAU")) == wad("0.5")
    assert logs(tx, vault.ShockSet) == [{"asset": asset_id("XAU"), "shockWad": wad("0.5")}]


def test_set_shock__over_half__reverts(vault, owner):
    with reverts(vault.VaultInvalidShock, asset=BTC, shockWad=wad("0.5") + 1, maxWad=wad("0.5")):
        vault.setShock(BTC, wad("0.5") + 1, sender=owner)


def test_set_shock__unchanged__reverts(vault, owner):
    with reverts(vault.VaultAlreadySet):
        vault.setShock(BTC, wad("0.1"), sender=owner)


def test_set_shock__not_owner__reverts(vault, attacker):
    with reverts(vault.OwnableUnauthorizedAccount, account=attacker.address):
        vault.setShock(BTC, wad("0.2"), sender=attacker)
