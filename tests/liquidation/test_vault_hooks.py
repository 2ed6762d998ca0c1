"""The vault's liquidation hooks, called directly by accounts standing in for the engine and the
global settlement: only the engine (closing and seizing: or the settlement; shutting down and
settling debt: the settlement alone), each checked (unknown position, zero amount, more than
held), each with its event; the write-off's redistribution through the rate index and its
bad-debt fallback; the shutdown switch and what it stops. (BTC $60,000, XAU $2,400, USD $1; no
stability fee unless stated.)"""

import pytest

from synthvault.units import wad
from tests.utils.constants import MAX_UINT, YEAR, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.liquidation import WAD, unaccounted
from tests.utils.wadmath import div_wad_down, mul_wad_up

BTC = 10**8


@pytest.fixture
def hooks(vault, owner, accounts):
    """An account the vault takes for its liquidation engine, for the length of a test."""
    caller = accounts[7]
    vault.setLiquidationEngine(caller, sender=owner)
    return caller


@pytest.fixture
def settler(vault, owner, accounts):
    """An account the vault takes for its global settlement, for the length of a test."""
    caller = accounts[8]
    vault.setGlobalSettlement(caller, sender=owner)
    return caller


# The hooks the settlement shares with the engine, those of the engine alone, those of the
# settlement alone.
SHARED_HOOKS = ("seizeSpot", "closeFutures", "seizeMargin")
ENGINE_HOOKS = ("repayFor", "writeOff")
SETTLEMENT_HOOKS = ("shutdown", "settleDebt")


def hook_calls(position_id: int) -> dict[str, tuple]:
    """Every engine-only or settlement-only hook with arguments that would otherwise pass."""
    return {
        "seizeSpot": (position_id, 1, "0x" + "11" * 20),
        "closeFutures": (position_id, WAD, [], 0, 0, ZERO_ADDRESS),
        "seizeMargin": (position_id, 1, "0x" + "11" * 20),
        "repayFor": (position_id, "0x" + "11" * 20, 1, ZERO_ADDRESS, 0),
        "writeOff": (position_id,),
        "shutdown": (),
        "settleDebt": (position_id,),
    }


@pytest.mark.parametrize("hook", SHARED_HOOKS + ENGINE_HOOKS)
def test_hooks__not_the_engine__revert(vault, engine, attacker, open_position, hook, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)

    with reverts(vault.VaultNotLiquidationEngine, caller=attacker):
        getattr(vault, hook)(*hook_calls(position_id)[hook], sender=attacker)


@pytest.mark.parametrize("hook", SETTLEMENT_HOOKS)
def test_settlement_hooks__not_the_settlement__revert(vault, attacker, hooks, open_position, hook, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)

    # Neither an outsider nor the liquidation engine may shut the vault down or settle debt.
    for caller in (attacker, hooks):
        with reverts(vault.VaultNotGlobalSettlement, caller=caller):
            getattr(vault, hook)(*hook_calls(position_id)[hook], sender=caller)


@pytest.mark.parametrize("hook", ENGINE_HOOKS)
def test_engine_hooks__the_settlement__revert(vault, settler, open_position, hook, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)

    with reverts(vault.VaultNotLiquidationEngine, caller=settler):
        getattr(vault, hook)(*hook_calls(position_id)[hook], sender=settler)


def test_seize_and_close__the_settlement__allowed_with_events(vault, wbtc, usdc, settler, keeper, futures_position):
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size=-1, spot_btc=1)
    snapshot = vault.liquidationSnapshot(position_id)
    before = (usdc.balanceOf(keeper), wbtc.balanceOf(keeper))

    tx = vault.closeFutures(position_id, WAD, snapshot.futures, 0, 0, ZERO_ADDRESS, sender=settler)
    assert logs(tx, vault.FuturesClosed) == [{"positionId": position_id, "accountId": account_id, "fractionWad": WAD}]
    tx = vault.seizeMargin(position_id, 10**6, keeper, sender=settler)
    assert logs(tx, vault.MarginSeized) == [{"positionId": position_id, "to": keeper.address, "amount": 10**6}]
    tx = vault.seizeSpot(position_id, BTC // 4, keeper, sender=settler)
    assert logs(tx, vault.SpotSeized) == [{"positionId": position_id, "to": keeper.address, "amount": BTC // 4}]

    assert (usdc.balanceOf(keeper), wbtc.balanceOf(keeper)) == (before[0] + 10**6, before[1] + BTC // 4)
    assert vault.position(position_id).spotAmount == 3 * BTC // 4


def test_seize_spot__engine__sends_it_with_event(vault, wbtc, hooks, keeper, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    tx = vault.seizeSpot(position_id, BTC // 4, keeper, sender=hooks)

    assert wbtc.balanceOf(keeper) == BTC // 4
    assert vault.position(position_id).spotAmount == 3 * BTC // 4
    assert logs(tx, vault.SpotSeized) == [{"positionId": position_id, "to": keeper.address, "amount": BTC // 4}]


def test_seize_spot__zero_more_than_held_or_unknown__reverts(vault, hooks, keeper, open_position):
    position_id = open_position("sXAU", spot_btc=1)
    with reverts(vault.VaultZeroAmount):
        vault.seizeSpot(position_id, 0, keeper, sender=hooks)
    with reverts(vault.VaultInsufficientSpot, positionId=position_id, spotAmount=BTC, amount=BTC + 1):
        vault.seizeSpot(position_id, BTC + 1, keeper, sender=hooks)
    with reverts(vault.VaultUnknownPosition, positionId=99):
        vault.seizeSpot(99, 1, keeper, sender=hooks)


def test_close_futures__fraction__every_position_reduced_with_event(vault, exchange, markets, hooks, futures_position):
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size=-2)
    snapshot = vault.liquidationSnapshot(position_id)

    tx = vault.closeFutures(position_id, wad("0.25"), snapshot.futures, 0, 0, ZERO_ADDRESS, sender=hooks)

    assert exchange.position(account_id, markets["BTC-PERP"])[0] == -wad("1.5")
    assert logs(tx, vault.FuturesClosed) == [
        {"positionId": position_id, "accountId": account_id, "fractionWad": wad("0.25")}]
    assert logs(tx, vault.MarginSeized) == []
    # A quarter closed leaves the rest: not emptied.
    assert tx.return_value == (wad("0.25"), False, exchange.signedMarginOf(account_id), 0)


def test_close_futures__seize__sends_what_the_closes_freed_less_their_costs(vault, exchange, usdc, hooks, keeper,
                                                                            futures_position):
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size=-2)
    snapshot = vault.liquidationSnapshot(position_id)
    seize = wad(3_000)
    before = usdc.balanceOf(keeper)

    tx = vault.closeFutures(position_id, wad("0.25"), snapshot.futures, seize, snapshot.equityWad, keeper,
                            sender=hooks)

    fraction, emptied, margin_after, seized = tx.return_value
    # The equity the closes left, before the seizure took `seized` of its margin.
    equity_after = exchange.equity(account_id) + seized * 10**12
    costs = snapshot.equityWad - equity_after
    assert fraction == wad("0.25") and costs > 0 and not emptied
    # What was asked less the closing costs, no more than the margin, in whole USDC rounded down.
    assert seized == min(seize - costs, margin_after) // 10**12 > 0
    assert usdc.balanceOf(keeper) - before == seized
    assert logs(tx, vault.MarginSeized) == [{"positionId": position_id, "to": keeper.address, "amount": seized}]
    assert exchange.signedMarginOf(account_id) == margin_after - seized * 10**12


def test_close_futures__whole_and_more_than_held__empties_the_account(vault, exchange, usdc, hooks, keeper,
                                                                     futures_position):
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size=-2)
    snapshot = vault.liquidationSnapshot(position_id)
    before = usdc.balanceOf(keeper)

    tx = vault.closeFutures(position_id, WAD, snapshot.futures, wad(1_000_000), snapshot.equityWad, keeper,
                            sender=hooks)

    fraction, emptied, margin_after, seized = tx.return_value
    assert (fraction, emptied) == (WAD, True)
    # Every whole unit of the margin left, to the keeper; what stays is under one unit.
    assert seized == margin_after // 10**12 > 0
    assert usdc.balanceOf(keeper) - before == seized
    assert exchange.positions(account_id) == []
    assert 0 <= exchange.signedMarginOf(account_id) < 10**12


def test_close_futures__bad_fraction_no_account_or_stale_views__reverts(vault, futures_adapter, markets, hooks, trader,
                                                                        futures_position, open_position):
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size=1)
    futures = vault.liquidationSnapshot(position_id).futures
    for fraction in (0, WAD + 1):
        with reverts(vault.VaultInvalidFraction, fractionWad=fraction):
            vault.closeFutures(position_id, fraction, futures, 0, 0, ZERO_ADDRESS, sender=hooks)
    spot_only = open_position("sXAU", spot_btc=1)
    with reverts(vault.VaultNoAccount, positionId=spot_only):
        vault.closeFutures(spot_only, WAD, [], 0, 0, ZERO_ADDRESS, sender=hooks)
    # The owner trades after the views were read: they no longer match, and the close is refused.
    vault.trade(position_id, markets["BTC-PERP"], wad(1), MAX_UINT, sender=trader)
    with reverts(futures_adapter.FuturesCollateralMismatch, accountId=account_id, marketId=markets["BTC-PERP"],
                 sizeWad=wad(1), actualSizeWad=wad(2)):
        vault.closeFutures(position_id, WAD, futures, 0, 0, ZERO_ADDRESS, sender=hooks)


def test_seize_margin__engine__withdraws_it_with_event(vault, usdc, hooks, keeper, futures_position):
    position_id, _ = futures_position("sXAU", margin=1_000)

    tx = vault.seizeMargin(position_id, 400 * 10**6, keeper, sender=hooks)

    assert usdc.balanceOf(keeper) == 400 * 10**6
    assert logs(tx, vault.MarginSeized) == [{"positionId": position_id, "to": keeper.address, "amount": 400 * 10**6}]
    with reverts(vault.VaultZeroAmount):
        vault.seizeMargin(position_id, 0, keeper, sender=hooks)


def test_repay_for__part__burns_from_the_keeper_shares_rounded_down(vault, synths, chain, hooks, owner, keeper,
                                                                    open_position, give, set_params):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    set_params("sXAU", stabilityFeeWad=wad("0.1"))
    chain.mine(timestamp=chain.pending_timestamp + YEAR)  # 10% a year: the index is about 1.1
    vault.accrue(synths["sXAU"], sender=keeper)
    debt = vault.position(position_id).debt
    give(keeper, "sXAU", wad(10))
    give(keeper, "sXAU", debt - wad("10.01"), source=owner)  # from the fees the owner collected

    # 0.01 sXAU is left, under the 0.05 minimum: the engine keeps that rule, not this hook.
    tx = vault.repayFor(position_id, keeper, debt - wad("0.01"), ZERO_ADDRESS, 0, sender=hooks)

    # The index the repayment used: it accrued to its own block, a few seconds after `debt` was read.
    index = vault.synthDebt(synths["sXAU"]).rateIndexWad
    shares = div_wad_down(debt - wad("0.01"), index)
    assert tx.return_value == shares
    assert synths["sXAU"].balanceOf(keeper) == 0
    assert vault.position(position_id).debt == mul_wad_up(wad(10) - shares, index) >= wad("0.01")
    assert logs(tx, vault.Burned) == [
        {"positionId": position_id, "from": keeper.address, "amount": debt - wad("0.01"), "shares": shares}]


def test_repay_for__zero_or_more_than_the_debt__reverts(vault, hooks, keeper, open_position, give, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    give(keeper, "sXAU", wad(10))
    with reverts(vault.VaultZeroAmount):
        vault.repayFor(position_id, keeper, 0, ZERO_ADDRESS, 0, sender=hooks)
    with reverts(vault.VaultRepayExceedsDebt, positionId=position_id, debt=wad(10), amount=wad(10) + 1):
        vault.repayFor(position_id, keeper, wad(10) + 1, ZERO_ADDRESS, 0, sender=hooks)


def test_write_off__others_owe__index_rises_by_the_debt_over_their_shares(vault, synths, hooks, trader2,
                                                                          open_position, no_fee):
    written = open_position("sUSD", spot_btc=1, mint=3_000)
    a = open_position("sUSD", spot_btc=1, mint=6_000, owner=trader2)
    b = open_position("sUSD", spot_btc=1, mint=3_000, owner=trader2)
    susd = synths["sUSD"]

    tx = vault.writeOff(written, sender=hooks)

    # 3,000 over 9,000 shares: the index steps by 1/3, rounded up.
    index = WAD + -(-wad(3_000) * WAD // wad(9_000))
    assert tx.return_value == wad(3_000)
    assert logs(tx, vault.DebtRedistributed) == [
        {"synth": susd.address, "positionId": written, "debt": wad(3_000), "rateIndexWad": index}]
    assert vault.synthDebt(susd)[:3] == (index, vault.synthDebt(susd).lastAccrual, wad(9_000))
    assert (vault.position(a).debt, vault.position(b).debt) == (mul_wad_up(wad(6_000), index),
                                                               mul_wad_up(wad(3_000), index))
    # 12,000 in circulation, 12,000.000000000000006 owed: the index's rounding, <= 9,000 wei.
    assert unaccounted(vault, susd, [written, a, b]) == 6_000
    assert vault.badDebt(susd) == 0


def test_write_off__no_other_debt__bad_debt(vault, synths, hooks, open_position, no_fee):
    position_id = open_position("sUSD", spot_btc=1, mint=3_000)
    susd = synths["sUSD"]

    tx = vault.writeOff(position_id, sender=hooks)

    assert logs(tx, vault.BadDebtRecorded) == [
        {"synth": susd.address, "positionId": position_id, "debt": wad(3_000), "badDebt": wad(3_000)}]
    assert vault.synthDebt(susd).rateIndexWad == WAD
    assert unaccounted(vault, susd, [position_id]) == 0
    # Supply that no position owes is not a fee to collect.
    assert vault.uncollectedFees(susd) == 0


def test_write_off__others_too_small_for_the_index__bad_debt(vault, synths, hooks, trader, trader2, open_position,
                                                             set_params, no_fee):
    set_params("sUSD", minDebt=0)
    big = open_position("sUSD", spot_btc=10, mint=100_000)
    dust = open_position("sUSD", spot_btc=1, owner=trader2)
    vault.mint(dust, 1, sender=trader2)  # one wei of debt: 1e23 over it would leave 128 bits

    vault.writeOff(big, sender=hooks)

    assert vault.badDebt(synths["sUSD"]) == wad(100_000)
    assert vault.position(dust).debt == 1


def test_write_off__no_debt__reverts(vault, hooks, open_position):
    position_id = open_position("sUSD", spot_btc=1)
    with reverts(vault.VaultZeroAmount):
        vault.writeOff(position_id, sender=hooks)


def test_shutdown__the_settlement__collects_fees_stops_them_and_the_risky_actions(
    vault, synths, exchange, markets, chain, settler, owner, trader, futures_position, open_position, fund_wbtc
):
    position_id, account_id = futures_position("sXAU", margin=20_000, btc_size=1, spot_btc=1, mint=5)
    idle = open_position("sXAU", spot_btc=1)
    sxau = synths["sXAU"]
    chain.mine(timestamp=chain.pending_timestamp + 3_600)

    tx = vault.shutdown(sender=settler)

    assert vault.isShutdown()
    assert [log.event_name for log in tx.events if log.contract_address == vault.address][0] == "ShutDown"
    fees = logs(tx, vault.FeesCollected)
    assert [f["synth"] for f in fees] == [sxau.address] and fees[0]["amount"] > 0
    assert all(vault.synthParams(s).stabilityFeeWad == 0 for s in synths.values())
    index = vault.synthDebt(sxau).rateIndexWad
    chain.mine(timestamp=chain.pending_timestamp + 86_400)
    assert vault.synthDebt(sxau).rateIndexWad == index
    assert vault.position(position_id).debt == mul_wad_up(vault.position(position_id).debtShares, index)

    for call in (
        lambda: vault.open(sxau, sender=trader),
        lambda: vault.mint(position_id, 1, sender=trader),
        lambda: vault.lock(idle, account_id, sender=trader),
        lambda: vault.trade(position_id, markets["BTC-PERP"], -wad("0.1"), 0, sender=trader),
        lambda: vault.removeSpot(position_id, 1, trader, sender=trader),
        lambda: vault.withdrawMargin(position_id, 1, trader, sender=trader),
        lambda: vault.unlock(position_id, sender=trader),
        lambda: vault.setSynthParams(sxau, tuple(vault.synthParams(sxau)), sender=owner),
        lambda: vault.shutdown(sender=settler),
    ):
        with reverts(vault.VaultShutDown):
            call()
    # Repaying, adding collateral and taking back what a debt-free position holds still work.
    vault.addSpot(position_id, fund_wbtc(trader, "0.1"), sender=trader)
    vault.burn(position_id, wad(1), sender=trader)
    vault.removeSpot(idle, BTC, trader, sender=trader)


def test_settle_debt__before_shutdown_or_without_debt__reverts(vault, settler, open_position, no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=5)
    empty = open_position("sXAU", spot_btc=1)
    with reverts(vault.VaultNotShutDown):
        vault.settleDebt(position_id, sender=settler)
    vault.shutdown(sender=settler)
    with reverts(vault.VaultZeroAmount):
        vault.settleDebt(empty, sender=settler)

    tx = vault.settleDebt(position_id, sender=settler)

    assert tx.return_value == wad(5)
    assert vault.position(position_id).debt == 0
    assert logs(tx, vault.DebtSettled) == [{"positionId": position_id, "synth": vault.position(position_id).synth,
                                            "debt": wad(5)}]
