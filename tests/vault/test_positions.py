"""Opening positions, spot BTC in and out, closing; who may do what. (BTC $60,000, XAU $2,400.)"""

import pytest

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import advance
from tests.utils.constants import MAX_UINT, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.utils.events import logs


def btc(amount) -> int:
    """`amount` BTC in the 8-decimal spot token."""
    return scaled(amount, 8)


def test_open__listed_synth__empty_position_of_the_caller(vault, lens, synths, trader):
    tx = vault.open(synths["sXAU"], sender=trader)

    assert logs(tx, vault.PositionOpened) == [
        {"positionId": 1, "owner": trader.address, "synth": synths["sXAU"].address}
    ]
    assert tuple(vault.position(1)) == (trader.address, synths["sXAU"].address, False, 0, 0, 0, 0)
    assert vault.positionsOf(trader) == [1]
    assert vault.nextPositionId() == 2
    assert lens.health(1) == (0, 0, MAX_UINT)


def test_open__several__ids_count_up_per_owner(vault, synths, trader, trader2):
    for owner, symbol in ((trader, "sXAU"), (trader2, "sETH"), (trader, "sUSD")):
        vault.open(synths[symbol], sender=owner)

    assert vault.positionsOf(trader) == [1, 3]
    assert vault.positionsOf(trader2) == [2]
    assert vault.position(3).synth == synths["sUSD"].address


def test_open__unlisted_synth__reverts(vault, trader, attacker):
    with reverts(vault.VaultUnknownSynth, synth=attacker.address):
        vault.open(attacker, sender=trader)


def test_add_spot__owner__pulls_the_tokens(vault, lens, wbtc, trader, fund_wbtc, open_position):
    position_id = open_position("sXAU")
    amount = fund_wbtc(trader, "1.5")

    tx = vault.addSpot(position_id, amount, sender=trader)

    assert vault.position(position_id).spotAmount == btc("1.5")
    assert wbtc.balanceOf(vault) == btc("1.5")
    assert wbtc.balanceOf(trader) == 0
    assert logs(tx, vault.SpotAdded) == [{"positionId": position_id, "from": trader.address, "amount": btc("1.5")}]
    assert lens.health(position_id) == (wad(90_000), 0, MAX_UINT)


def test_add_spot__someone_else__adds_to_the_position(vault, trader, trader2, fund_wbtc, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    vault.addSpot(position_id, fund_wbtc(trader2, "0.5"), sender=trader2)

    assert vault.position(position_id).spotAmount == btc("1.5")
    assert vault.position(position_id).owner == trader.address


def test_add_spot__stale_prices__still_adds(vault, chain, trader, fund_wbtc, open_position):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    advance(chain, 2 * 86_400)

    vault.addSpot(position_id, fund_wbtc(trader, 1), sender=trader)

    assert vault.position(position_id).spotAmount == btc(2)


@pytest.mark.parametrize("position_id, amount, error, inputs", [
    (1, 0, "VaultZeroAmount", {}),
    (9, btc(1), "VaultUnknownPosition", {"positionId": 9}),
])
def test_add_spot__zero_or_unknown__reverts(vault, trader, fund_wbtc, open_position,
                                            position_id, amount, error, inputs):
    open_position("sXAU")
    fund_wbtc(trader, 1)

    with reverts(getattr(vault, error), **inputs):
        vault.addSpot(position_id, amount, sender=trader)


def test_add_spot__without_allowance__reverts(vault, wbtc, trader, open_position):
    position_id = open_position("sXAU")
    wbtc.mint(trader, btc(1), sender=trader)

    with reverts(wbtc.ERC20InsufficientAllowance, spender=vault.address, allowance=0, needed=btc(1)):
        vault.addSpot(position_id, btc(1), sender=trader)


def test_remove_spot__no_debt__sends_it_anywhere_even_with_stale_prices(vault, wbtc, chain, trader, keeper,
                                                                       open_position):
    position_id = open_position("sXAU", spot_btc=2)
    advance(chain, 2 * 86_400)

    tx = vault.removeSpot(position_id, btc("0.5"), keeper, sender=trader)

    assert vault.position(position_id).spotAmount == btc("1.5")
    assert wbtc.balanceOf(keeper) == btc("0.5")
    assert logs(tx, vault.SpotRemoved) == [{"positionId": position_id, "to": keeper.address, "amount": btc("0.5")}]


def test_remove_spot__with_debt_within_the_minting_ratio__sends_it(vault, lens, wbtc, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=2, mint=10)  # $120,000 against $24,000

    vault.removeSpot(position_id, btc("1.4"), trader, sender=trader)

    assert lens.health(position_id) == (wad(36_000), wad(24_000), wad("1.5"))
    assert wbtc.balanceOf(trader) == btc("1.4")


def test_remove_spot__past_the_minting_ratio__reverts(vault, trader, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=2, mint=10)

    # 0.6 BTC - 1 satoshi is $35,999.9994 against $24,000 of debt.
    with reverts(vault.VaultUndercollateralized, positionId=position_id,
                 crWad=wad("35999.9994") * 10**18 // wad(24_000), minCrWad=wad("1.5")):
        vault.removeSpot(position_id, btc("1.4") + 1, trader, sender=trader)


def test_remove_spot__with_debt_and_stale_price__reverts(vault, chain, trader, open_position, oracle):
    position_id = open_position("sXAU", spot_btc=2, mint=10)
    advance(chain, 3601)

    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC")):
        vault.removeSpot(position_id, 1, trader, sender=trader)


def test_remove_spot__more_than_held__reverts(vault, trader, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultInsufficientSpot, positionId=position_id, spotAmount=btc(1), amount=btc(1) + 1):
        vault.removeSpot(position_id, btc(1) + 1, trader, sender=trader)


def test_remove_spot__not_the_owner__reverts(vault, trader, attacker, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultNotPositionOwner, positionId=position_id, caller=attacker.address, owner=trader.address):
        vault.removeSpot(position_id, btc(1), attacker, sender=attacker)


def test_close__with_debt__repays_returns_spot_and_forgets(vault, synths, wbtc, chain, trader, open_position,
                                                          no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    advance(chain, 2 * 86_400)  # closing reads no price

    tx = vault.close(position_id, sender=trader)

    assert synths["sXAU"].balanceOf(trader) == 0
    assert synths["sXAU"].totalSupply() == 0
    assert wbtc.balanceOf(trader) == btc(1)
    assert wbtc.balanceOf(vault) == 0
    assert vault.positionsOf(trader) == []
    assert vault.synthDebt(synths["sXAU"]).totalDebtShares == 0
    assert logs(tx, vault.Burned) == [
        {"positionId": position_id, "from": trader.address, "amount": wad(10), "shares": wad(10)}
    ]
    assert logs(tx, vault.SpotRemoved) == [{"positionId": position_id, "to": trader.address, "amount": btc(1)}]
    assert logs(tx, vault.PositionClosed) == [{"positionId": position_id}]
    with reverts(vault.VaultUnknownPosition, positionId=position_id):
        vault.mint(position_id, wad(1), sender=trader)


def test_close__empty__forgets_it(vault, trader, open_position):
    keep = open_position("sXAU")
    position_id = open_position("sETH")

    vault.close(position_id, sender=trader)

    assert vault.positionsOf(trader) == [keep]


def test_close__without_the_synth_to_repay__reverts(vault, synths, trader, trader2, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    synths["sXAU"].transfer(trader2, wad(1), sender=trader)

    with reverts(synths["sXAU"].ERC20InsufficientBalance, sender=trader.address, balance=wad(9), needed=wad(10)):
        vault.close(position_id, sender=trader)


def test_close__not_the_owner__reverts(vault, trader, attacker, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    with reverts(vault.VaultNotPositionOwner, positionId=position_id, caller=attacker.address, owner=trader.address):
        vault.close(position_id, sender=attacker)


@pytest.mark.parametrize("call", ["unlock", "trade", "withdrawMargin"])
def test_account_actions__no_account_locked__revert(vault, trader, open_position, call):
    position_id = open_position("sXAU", spot_btc=1)
    args = {"unlock": (), "trade": (1, wad(1), MAX_UINT), "withdrawMargin": (1, trader)}[call]

    with reverts(vault.VaultNoAccount, positionId=position_id):
        getattr(vault, call)(position_id, *args, sender=trader)


@pytest.mark.parametrize("call", ["lock", "unlock", "trade", "withdrawMargin"])
def test_account_actions__not_the_owner__revert(vault, trader, attacker, open_position, call):
    position_id = open_position("sXAU", spot_btc=1)
    args = {"lock": (1,), "unlock": (), "trade": (1, wad(1), MAX_UINT), "withdrawMargin": (1, attacker)}[call]

    with reverts(vault.VaultNotPositionOwner, positionId=position_id, caller=attacker.address, owner=trader.address):
        getattr(vault, call)(position_id, *args, sender=attacker)


def test_on_erc721_received__not_from_a_lock__reverts(futures_adapter, attacker):
    with reverts(futures_adapter.FuturesCollateralUnexpectedTransfer, token=attacker.address, operator=attacker.address,
                 tokenId=5):
        futures_adapter.onERC721Received(attacker, attacker, 5, b"", sender=attacker)


def test_views__unknown_position__revert(vault, lens):
    with reverts(vault.VaultUnknownPosition, positionId=3):
        vault.position(3)
    with reverts(vault.VaultUnknownPosition, positionId=3):
        lens.health(3)
    assert vault.positionsOf(ZERO_ADDRESS) == []
