"""A liquidation pays for itself (issue 12, second review, point 4). A position at its synth's
minimum debt is liquidated whole (what is left would be under the minimum), and the keeper's
profit, what it was paid (spot at the oracle price, stablecoin) less the value of the synth it
burnt, covers the gas the liquidation used at the reference 50 gwei and ETH $3,000
(`synthvault/economics.py`): for an account holding one market, and for spot beside an account
holding eight, the most an account holds and the costliest shape the bench measured.
(XAU $2,400, BTC $60,000 falling to $52,000; minting ratio 150%, liquidation ratio 120%,
penalty 10%, keeper share 50%, no stability fee.)"""

from decimal import Decimal
from typing import Any

import pytest

from synthvault.benches.liquidation import BTC_AFTER, GAPPED_LOSS, MORE_MARKETS, SMALL_LEGS, min_debt_shape
from synthvault.deploy import add_markets
from synthvault.economics import ETH_USD, GAS_PRICE_GWEI
from synthvault.units import WAD, asset_id, from_wad, wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.events import logs

pytestmark = pytest.mark.usefixtures("no_fee")

GWEI = 10**9
UNIT = 10**12  # WAD per USDC unit
# USD (WAD) a unit of gas costs: 50 gwei of ETH at $3,000 (a wei of ETH is 3,000 WAD of USD).
USD_WAD_PER_GAS = int(GAS_PRICE_GWEI) * GWEI * int(ETH_USD)


@pytest.fixture
def min_debt_position(vault, exchange, futures_accounts, oracle, synths, markets, open_account, open_position,
                      owner, trader, keeper, give, config):
    """A position owing exactly sXAU's minimum debt, in the bench's shape (`min_debt_shape`):
    spot BTC (or none) beside an account that the fall of BTC to $52,000 takes to about 115%,
    with `others` legs in as many more markets. The keeper holds the debt in sXAU."""
    all_markets = markets | add_markets(exchange, owner, MORE_MARKETS)
    assets = {name: cfg["asset"] for name, cfg in (config["exchange"]["markets"] | MORE_MARKETS).items()}

    def price(market: str) -> Decimal:
        return from_wad(oracle.priceWad(asset_id(assets[market])))

    def build(spot: bool, others: tuple[tuple[str, int], ...], loss: Decimal = Decimal("0.45")) -> int:
        min_debt = vault.synthParams(synths["sXAU"]).minDebt
        spot_btc, margin, legs = min_debt_shape(from_wad(min_debt) * 2_400, price, spot, others, loss)
        account_id = open_account(trader, margin)
        for market, size in legs:
            exchange.trade(account_id, all_markets[market], wad(size), MAX_UINT if size > 0 else 0, sender=trader)
        position_id = open_position("sXAU", spot_btc=spot_btc, owner=trader)
        futures_accounts.approve(vault, account_id, sender=trader)
        vault.lock(position_id, account_id, sender=trader)
        vault.mint(position_id, min_debt, sender=trader)
        give(keeper, "sXAU", min_debt)
        return position_id

    return build


def _liquidated_at_a_profit(vault, engine, feeds, owner, keeper, position_id) -> tuple[int, Any]:
    """BTC falls to $52,000 and the keeper liquidates: the keeper's profit (USD WAD) and the receipt."""
    debt = vault.position(position_id).debt
    set_price(feeds["BTC"], BTC_AFTER, owner)

    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    (event,) = logs(tx, engine.Liquidated)
    assert (event["repaid"], vault.position(position_id).debt) == (debt, 0)  # whole
    paid = event["spotToKeeper"] * wad(BTC_AFTER) // 10**8 + event["marginToKeeper"] * 10**12
    return paid - event["repaidUsdWad"], tx


def test_liquidate__min_debt_one_market__pays_the_keeper_its_gas(vault, engine, feeds, owner, keeper,
                                                                 min_debt_position):
    position_id = min_debt_position(spot=False, others=())

    profit, tx = _liquidated_at_a_profit(vault, engine, feeds, owner, keeper, position_id)

    assert profit >= tx.gas_used * USD_WAD_PER_GAS


def test_liquidate__min_debt_spot_and_eight_markets__pays_the_keeper_its_gas(vault, exchange, engine, feeds, owner,
                                                                             keeper, min_debt_position):
    position_id = min_debt_position(spot=True, others=SMALL_LEGS)
    assert len(exchange.positions(vault.position(position_id).accountId)) == 8

    profit, tx = _liquidated_at_a_profit(vault, engine, feeds, owner, keeper, position_id)

    assert profit >= tx.gas_used * USD_WAD_PER_GAS


def _gapped_keeper_pay(vault, engine, feeds, owner, keeper, position_id) -> tuple[dict[str, Any], int, Any]:
    """BTC gaps to $52,000 and the keeper liquidates the whole position: the `Liquidated` event,
    the keeper's profit over the repaid value (USD WAD) and the receipt."""
    set_price(feeds["BTC"], BTC_AFTER, owner)
    tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)
    (event,) = logs(tx, engine.Liquidated)
    assert vault.position(position_id).debt == 0
    return event, tx.return_value[1] - event["repaidUsdWad"], tx


def _least_bonus(engine, repaid_usd: int) -> int:
    """min(the least bonus, the bonus due: repaid × 10% penalty × 50% share, each rounded down)."""
    return min(engine.minKeeperBonusUsdWad(), repaid_usd * wad("0.1") // WAD * wad("0.5") // WAD)


def test_liquidate__gapped_under_100_percent__the_fund_tops_the_keeper_up_to_its_least_bonus(
        vault, engine, insurance_fund, feeds, owner, keeper, min_debt_position):
    """Issue 12, point 4's remainder: a position that gaps under 100% took all its collateral and
    the fund's shortfall cover only made the keeper whole (a profit of 0 against $120 of gas before
    the least bonus); the fund now tops it up to min($150, the $150 bonus due)."""
    position_id = min_debt_position(spot=True, others=SMALL_LEGS, loss=GAPPED_LOSS)
    fund_before = insurance_fund.reserves()

    event, profit, tx = _gapped_keeper_pay(vault, engine, feeds, owner, keeper, position_id)

    (short,) = logs(tx, engine.ShortfallCovered)
    assert short["shortfallUsdWad"] > 0  # under 100%
    spot_usd = event["spotToKeeper"] * wad(BTC_AFTER) // 10**8
    earned = spot_usd + (event["marginToKeeper"] + short["paid"]) * UNIT - event["repaidUsdWad"]
    assert 0 <= earned < UNIT  # the cover is rounded up to a whole unit
    topped = (_least_bonus(engine, event["repaidUsdWad"]) - earned) // UNIT
    assert logs(tx, engine.KeeperBonusTopped) == [
        {"positionId": position_id, "earnedUsdWad": earned, "requested": topped, "paid": topped}]
    assert profit == earned + topped * UNIT
    assert insurance_fund.reserves() == fund_before - short["paid"] - topped
    assert profit >= tx.gas_used * USD_WAD_PER_GAS


def test_liquidate__gapped_between_100_and_110_percent__topped_up_by_what_the_collateral_left_short(
        vault, engine, insurance_fund, feeds, owner, keeper, min_debt_position):
    """From just under 110% the collateral covers the repaid value but not the whole penalty: the
    keeper's share of what is left over is its profit, and the fund adds the rest of its least
    bonus. (Under about 105% the fund's share of the closes takes everything over the repaid
    value, and the fund pays the keeper the whole bonus back.)"""
    position_id = min_debt_position(spot=False, others=(), loss=Decimal("0.5"))
    fund_before = insurance_fund.reserves()

    event, profit, tx = _gapped_keeper_pay(vault, engine, feeds, owner, keeper, position_id)

    assert logs(tx, engine.ShortfallCovered) == []
    earned = event["marginToKeeper"] * UNIT - event["repaidUsdWad"]
    assert 0 < earned < _least_bonus(engine, event["repaidUsdWad"])
    topped = (_least_bonus(engine, event["repaidUsdWad"]) - earned) // UNIT
    assert logs(tx, engine.KeeperBonusTopped) == [
        {"positionId": position_id, "earnedUsdWad": earned, "requested": topped, "paid": topped}]
    assert profit == earned + topped * UNIT
    assert insurance_fund.reserves() == fund_before + event["penaltyToFund"] - topped
    assert profit >= tx.gas_used * USD_WAD_PER_GAS
