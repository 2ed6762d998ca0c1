"""The mark relays: the addresses the owner trusts to pass back mark prices the exchange reported
in the same transaction (each vault's futures adapter, for its liquidations), saving an oracle read
per market. Only a relay may, and only on accounts it controls; a mark passed in one transaction is
not kept for the next. (BTC $60,000.)"""

import pytest

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT, ZERO_ADDRESS
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.exchange import buy, fee, fill_price

BTC = asset_id("BTC")


@pytest.fixture
def relay(exchange, owner, keeper):
    """`keeper` as one of the exchange's mark relays, for one test."""
    if not exchange.isMarkRelay(keeper):
        exchange.setMarkRelay(keeper, True, sender=owner)
    return keeper


def test_set_mark_relay__owner__a_set_of_relays_with_events(exchange, owner, keeper, trader, vault):
    # The deployment trusts the vault's futures adapter.
    adapter = vault.futuresCollateral()
    assert exchange.isMarkRelay(adapter)
    assert not exchange.isMarkRelay(keeper)

    tx = exchange.setMarkRelay(keeper, True, sender=owner)
    assert logs(tx, exchange.MarkRelaySet) == [{"relay": keeper.address, "trusted": True}]
    tx = exchange.setMarkRelay(trader, True, sender=owner)
    assert logs(tx, exchange.MarkRelaySet) == [{"relay": trader.address, "trusted": True}]
    # Several at once: trusting one replaces none.
    assert (exchange.isMarkRelay(adapter), exchange.isMarkRelay(keeper), exchange.isMarkRelay(trader)) == (
        True, True, True)
    with reverts(exchange.ExchangeAlreadySet):
        exchange.setMarkRelay(keeper, True, sender=owner)

    tx = exchange.setMarkRelay(trader, False, sender=owner)
    assert logs(tx, exchange.MarkRelaySet) == [{"relay": trader.address, "trusted": False}]
    assert (exchange.isMarkRelay(adapter), exchange.isMarkRelay(keeper), exchange.isMarkRelay(trader)) == (
        True, True, False)
    with reverts(exchange.ExchangeAlreadySet):
        exchange.setMarkRelay(trader, False, sender=owner)
    exchange.setMarkRelay(keeper, False, sender=owner)


def test_set_mark_relay__zero_address__reverts(exchange, owner):
    with reverts(exchange.ExchangeZeroAddress):
        exchange.setMarkRelay(ZERO_ADDRESS, True, sender=owner)


def test_set_mark_relay__not_the_owner__reverts(exchange, attacker):
    with reverts(exchange.OwnableUnauthorizedAccount, account=attacker.address):
        exchange.setMarkRelay(attacker, True, sender=attacker)


def test_at_marks__not_the_relay__reverts(exchange, btc, open_account, trader, relay):
    account = open_account(trader, 10_000)
    with reverts(exchange.ExchangeNotMarkRelay, caller=trader.address):
        exchange.tradeAtMark(account, btc, wad(1), MAX_UINT, wad(60_000), sender=trader)
    with reverts(exchange.ExchangeNotMarkRelay, caller=trader.address):
        exchange.withdrawMarginAtMarks(account, scaled(1, 6), trader, sender=trader)


def test_at_marks__relay_not_controlling_the_account__reverts(exchange, btc, open_account, trader, relay):
    account = open_account(trader, 10_000)
    with reverts(exchange.ExchangeUnauthorized, accountId=account, caller=relay.address):
        exchange.tradeAtMark(account, btc, wad(1), MAX_UINT, wad(60_000), sender=relay)
    with reverts(exchange.ExchangeUnauthorized, accountId=account, caller=relay.address):
        exchange.withdrawMarginAtMarks(account, scaled(1, 6), relay, sender=relay)


def test_trade_at_mark__relay__fills_at_the_mark_passed_and_reports_the_margin(exchange, btc, open_account, relay):
    account = open_account(relay, 10_000)
    mark = wad(59_000)

    tx = exchange.tradeAtMark(account, btc, wad(1), MAX_UINT, mark, sender=relay)

    params = exchange.market(btc).params
    fill = fill_price(mark, wad(1), params.impactWad)
    [traded] = logs(tx, exchange.Traded)
    assert (traded["markPriceWad"], traded["fillPriceWad"]) == (mark, fill)
    assert traded["feeWad"] == fee(wad(1), fill, params.takerFeeWad)
    assert tx.return_value == (fill, exchange.signedMarginOf(account))
    assert exchange.signedMarginOf(account) == wad(10_000) - traded["feeWad"]
    assert exchange.position(account, btc) == (wad(1), fill)


def test_withdraw_margin_at_marks__marks_of_an_earlier_transaction__not_kept(exchange, btc, chain, oracle,
                                                                             open_account, relay):
    account = open_account(relay, 10_000)
    exchange.tradeAtMark(account, btc, wad(1), MAX_UINT, wad(60_000), sender=relay)
    advance(chain, 3601)

    # The mark lives for its transaction only: this one reads the (now stale) oracle price.
    with reverts(oracle.OracleStalePrice, asset=BTC):
        exchange.withdrawMarginAtMarks(account, scaled(1, 6), relay, sender=relay)


def test_withdraw_margin_at_marks__relay__as_withdraw_margin(exchange, usdc, btc, open_account, relay):
    account = open_account(relay, 10_000)
    exchange.tradeAtMark(account, btc, wad(1), MAX_UINT, wad(60_000), sender=relay)
    margin, held = exchange.marginOf(account), usdc.balanceOf(relay)

    tx = exchange.withdrawMarginAtMarks(account, scaled(100, 6), relay, sender=relay)

    assert exchange.marginOf(account) == margin - wad(100)
    assert usdc.balanceOf(relay) == held + scaled(100, 6)
    assert logs(tx, exchange.MarginWithdrawn) == [{"accountId": account, "to": relay.address, "amountWad": wad(100)}]
    # The initial margin still binds what may leave.
    with reverts(exchange.ExchangeInsufficientMargin, accountId=account):
        exchange.withdrawMarginAtMarks(account, scaled(9_800, 6), relay, sender=relay)


def test_reduction_terms__size_initial_margin_and_expiry(exchange, btc, btc_dated, open_account, trader):
    account = open_account(trader, 10_000)
    exchange.trade(account, btc, -wad(1), 0, sender=trader)
    market, dated = exchange.market(btc), exchange.market(btc_dated)
    assert exchange.reductionTerms(account, btc) == (-wad(1), market.params.initialMarginWad, 0)
    assert exchange.reductionTerms(account, btc_dated) == (0, dated.params.initialMarginWad, dated.expiry)
    # An unknown market reads as all zero (a listed market's initial margin never is).
    assert exchange.reductionTerms(account, 999) == (0, 0, 0)


def test_liquidate__account_locked_in_a_vault_position__refused_naming_its_holder(
    exchange, futures_accounts, vault, synths, feeds, owner, open_account, trader, keeper, btc
):
    """An account a vault position locks (its token held by the vault's adapter, a mark relay) is
    the vault's engine's to liquidate: its margin is the position's collateral, out of which the
    exchange's reward would be paid. (Here, beside the other test of the vault's adapter: the
    first test of tests/exchange that asks for the vault deploys it inside its module's snapshot.)"""
    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.15"), trader)
    position_id = vault.open(synths["sXAU"], sender=trader).return_value
    futures_accounts.approve(vault, account, sender=trader)
    vault.lock(position_id, account, sender=trader)
    set_price(feeds["BTC"], 56000, owner)

    with reverts(exchange.ExchangeAccountLocked, accountId=account, controller=vault.futuresCollateral()):
        exchange.liquidate(account, sender=keeper)
