"""Margin accounts: ERC-721 tokens whose holder (or approved) controls margin and positions."""

from synthvault.units import scaled, wad
from tests.utils.custom_errors import reverts
from tests.utils.exchange import UNIT, buy, sell


def test_open_account__mints_token_to_caller(exchange, futures_accounts, trader):
    tx = exchange.openAccount(sender=trader)

    event = tx.events.filter(exchange.AccountOpened)[0]
    assert event.owner == trader
    assert futures_accounts.ownerOf(event.accountId) == trader
    assert futures_accounts.balanceOf(trader) == 1
    assert exchange.marginOf(event.accountId) == 0


def test_open_account__ids_count_up(exchange, trader, trader2):
    first = exchange.openAccount(sender=trader).events.filter(exchange.AccountOpened)[0].accountId
    second = exchange.openAccount(sender=trader2).events.filter(exchange.AccountOpened)[0].accountId
    assert (first, second) == (1, 2)


def test_deposit_margin__credits_wad_and_moves_tokens(exchange, usdc, trader, fund):
    account = exchange.openAccount(sender=trader).events.filter(exchange.AccountOpened)[0].accountId
    amount = fund(trader, 2500)

    tx = exchange.depositMargin(account, amount, sender=trader)

    assert tx.events.filter(exchange.MarginDeposited)[0].amountWad == wad(2500)
    assert exchange.marginOf(account) == wad(2500)
    assert exchange.totalMarginWad() == wad(2500)
    assert usdc.balanceOf(exchange) == scaled(2500, 6)
    assert usdc.balanceOf(trader) == 0


def test_deposit_margin__anyone_may_top_up(exchange, open_account, trader2, fund):
    account = open_account(margin=100)
    fund(trader2, 50)

    tx = exchange.depositMargin(account, scaled(50, 6), sender=trader2)

    event = tx.events.filter(exchange.MarginDeposited)[0]
    assert (event.accountId, event["from"]) == (account, trader2)
    assert exchange.marginOf(account) == wad(150)


def test_deposit_margin__unknown_account__reverts(exchange, trader, fund):
    fund(trader, 10)
    with reverts(exchange.ExchangeUnknownAccount, accountId=42):
        exchange.depositMargin(42, scaled(10, 6), sender=trader)


def test_deposit_margin__zero__reverts(exchange, open_account, trader):
    account = open_account()
    with reverts(exchange.ExchangeZeroAmount):
        exchange.depositMargin(account, 0, sender=trader)


def test_withdraw_margin__no_positions__sends_tokens(exchange, usdc, open_account, trader, trader2):
    account = open_account(margin=1000)

    tx = exchange.withdrawMargin(account, scaled(400, 6), trader2, sender=trader)

    event = tx.events.filter(exchange.MarginWithdrawn)[0]
    assert (event.accountId, event.to, event.amountWad) == (account, trader2, wad(400))
    assert exchange.marginOf(account) == wad(600)
    assert exchange.totalMarginWad() == wad(600)
    assert usdc.balanceOf(trader2) == scaled(400, 6)
    assert usdc.balanceOf(exchange) == scaled(600, 6)


def test_withdraw_margin__more_than_margin__reverts(exchange, open_account, trader):
    account = open_account(margin=1000)
    with reverts(exchange.ExchangeWithdrawalExceedsMargin, accountId=account, amountWad=wad(1001), marginWad=wad(1000)):
        exchange.withdrawMargin(account, scaled(1001, 6), trader, sender=trader)


def test_withdraw_margin__not_controller__reverts(exchange, open_account, attacker):
    account = open_account(margin=1000)
    with reverts(exchange.ExchangeUnauthorized, accountId=account, caller=attacker):
        exchange.withdrawMargin(account, scaled(1, 6), attacker, sender=attacker)


def test_withdraw_margin__unrealised_profit__cannot_leave(exchange, feeds, owner, open_account, trader, btc):
    """Only settled margin can be withdrawn: an open profit must be realised first."""
    from tests.utils.chain import set_price

    account = open_account(margin=1000)
    buy(exchange, account, btc, wad("0.1"), trader)
    set_price(feeds["BTC"], 70000, owner)
    margin = exchange.signedMarginOf(account)
    assert exchange.equity(account) > margin + wad(900)

    with reverts(exchange.ExchangeWithdrawalExceedsMargin, marginWad=margin):
        exchange.withdrawMargin(account, margin // UNIT + 1, trader, sender=trader)


def test_transfer_account__moves_control_with_positions(exchange, futures_accounts, open_account, trader, trader2, btc):
    account = open_account(margin=5000)
    buy(exchange, account, btc, wad("0.5"), trader)

    futures_accounts.safeTransferFrom(trader, trader2, account, sender=trader)

    assert futures_accounts.ownerOf(account) == trader2
    assert exchange.position(account, btc)[0] == wad("0.5")
    with reverts(exchange.ExchangeUnauthorized, accountId=account, caller=trader):
        sell(exchange, account, btc, wad("0.5"), trader)
    with reverts(exchange.ExchangeUnauthorized, accountId=account, caller=trader):
        exchange.withdrawMargin(account, scaled(1, 6), trader, sender=trader)

    sell(exchange, account, btc, wad("0.5"), trader2)
    exchange.withdrawMargin(account, scaled(100, 6), trader2, sender=trader2)
    assert exchange.position(account, btc)[0] == 0


def test_transfer_account__handed_back__control_returns(exchange, futures_accounts, open_account, trader, trader2, btc):
    account = open_account(margin=5000)
    futures_accounts.transferFrom(trader, trader2, account, sender=trader)
    futures_accounts.transferFrom(trader2, trader, account, sender=trader2)

    buy(exchange, account, btc, wad("0.1"), trader)
    assert exchange.position(account, btc)[0] == wad("0.1")


def test_approved_operator__controls_account(exchange, futures_accounts, open_account, trader, keeper, btc):
    account = open_account(margin=5000)
    futures_accounts.approve(keeper, account, sender=trader)

    buy(exchange, account, btc, wad("0.1"), keeper)
    exchange.withdrawMargin(account, scaled(10, 6), keeper, sender=keeper)

    assert exchange.position(account, btc)[0] == wad("0.1")
    assert futures_accounts.ownerOf(account) == trader


def test_trade__unknown_account__reverts(exchange, trader, btc):
    with reverts(exchange.ExchangeUnknownAccount, accountId=9):
        buy(exchange, 9, btc, wad(1), trader)


def test_accounts__the_exchanges_registry__named_and_minted_by_the_exchange_only(exchange, futures_accounts,
                                                                               attacker):
    assert exchange.accounts() == futures_accounts.address
    assert futures_accounts.exchange() == exchange.address
    assert (futures_accounts.name(), futures_accounts.symbol()) == ("Synthvault Futures Account", "svFA")
    with reverts(futures_accounts.FuturesAccountsNotExchange, caller=attacker):
        futures_accounts.mint(attacker, 99, sender=attacker)


def test_is_controller__owner_approved_operator_stranger_and_unknown_id(futures_accounts, open_account, trader,
                                                                       trader2, keeper, attacker):
    account = open_account(margin=0)
    futures_accounts.approve(keeper, account, sender=trader)
    futures_accounts.setApprovalForAll(trader2, True, sender=trader)

    assert futures_accounts.isController(account, trader) == (True, True)
    assert futures_accounts.isController(account, keeper) == (True, True)
    assert futures_accounts.isController(account, trader2) == (True, True)
    assert futures_accounts.isController(account, attacker) == (True, False)
    assert futures_accounts.isController(account + 1, trader) == (False, False)
