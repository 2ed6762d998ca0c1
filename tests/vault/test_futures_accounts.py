"""Locking a futures account into a position, trading and withdrawing it through the vault,
unlocking it: who may, and at what CR. (BTC $60,000, USD $1.)"""

import pytest

from synthvault.units import asset_id, scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs
from tests.utils.wadmath import cr


@pytest.fixture
def near_the_ratio(vault, exchange, trader, futures_position, no_fee):
    """Long 1 BTC on 20,000 USDC, owing as much sUSD as keeps the CR just over 1.5 (of the
    account's close value, what the vault lends against). At 3x, the minting ratio binds before
    the 10% shock does (collateral less $6,007 of shock loss still covers the debt)."""
    position_id, account_id = futures_position("sUSD", margin=20_000, btc_size=1)
    debt = exchange.closeValue(account_id) * 2 // 3 // 10**18 * 10**18
    vault.mint(position_id, debt, sender=trader)
    return position_id, account_id, debt


def test_lock__approved_account__held_by_the_vault_and_counted(vault, futures_accounts, trader, open_account,
                                                              open_position, chain):
    account_id = open_account(trader, 10_000)
    position_id = open_position("sXAU")
    futures_accounts.approve(vault, account_id, sender=trader)
    advance(chain, 2 * 86_400)  # locking adds collateral: no price needed

    tx = vault.lock(position_id, account_id, sender=trader)

    assert futures_accounts.ownerOf(account_id) == vault.futuresCollateral()
    position = vault.position(position_id)
    assert (position.hasAccount, position.accountId) == (True, account_id)
    assert logs(tx, vault.AccountLocked) == [{"positionId": position_id, "accountId": account_id}]


def test_lock__locked_account__its_old_owner_cannot_trade_or_withdraw_it(exchange, markets, trader,
                                                                        futures_position):
    _, account_id = futures_position("sXAU")

    with reverts(exchange.ExchangeUnauthorized, accountId=account_id, caller=trader.address):
        exchange.trade(account_id, markets["BTC-PERP"], wad(1), MAX_UINT, sender=trader)
    with reverts(exchange.ExchangeUnauthorized, accountId=account_id, caller=trader.address):
        exchange.withdrawMargin(account_id, 1, trader, sender=trader)


def test_lock__not_approved__reverts(vault, futures_accounts, trader, open_account, open_position):
    account_id = open_account(trader, 10_000)
    position_id = open_position("sXAU")

    with reverts(futures_accounts.ERC721InsufficientApproval, operator=vault.address, tokenId=account_id):
        vault.lock(position_id, account_id, sender=trader)


def test_lock__someone_elses_approved_account__reverts(vault, futures_accounts, trader2, attacker, open_account,
                                                      open_position):
    victim_account = open_account(trader2, 10_000)
    futures_accounts.approve(vault, victim_account, sender=trader2)  # approved, e.g. about to lock it
    position_id = open_position("sXAU", owner=attacker)

    with reverts(futures_accounts.ERC721IncorrectOwner, sender=attacker.address, tokenId=victim_account,
                 owner=trader2.address):
        vault.lock(position_id, victim_account, sender=attacker)


def test_lock__second_account__reverts(vault, futures_accounts, trader, open_account, futures_position):
    position_id, account_id = futures_position("sXAU")
    other = open_account(trader, 1_000)
    futures_accounts.approve(vault, other, sender=trader)

    with reverts(vault.VaultAccountAlreadyLocked, positionId=position_id, accountId=account_id):
        vault.lock(position_id, other, sender=trader)


def test_safe_transfer__account_sent_to_the_vault_or_its_adapter__refused(vault, futures_adapter, futures_accounts,
                                                                        trader, open_account):
    account_id = open_account(trader, 1_000)

    # The vault holds no account (it is no ERC-721 receiver); its adapter takes only what `lock` sends.
    with reverts(futures_accounts.ERC721InvalidReceiver, receiver=vault.address):
        futures_accounts.safeTransferFrom(trader, vault, account_id, sender=trader)
    with reverts(futures_adapter.FuturesCollateralUnexpectedTransfer, token=futures_accounts.address,
                 operator=trader.address, tokenId=account_id):
        futures_accounts.safeTransferFrom(trader, futures_adapter, account_id, sender=trader)


def test_unlock__no_debt__returns_the_account_even_with_stale_prices(vault, futures_accounts, chain, trader,
                                                                    futures_position):
    position_id, account_id = futures_position("sXAU", btc_size=1)
    advance(chain, 2 * 86_400)

    tx = vault.unlock(position_id, sender=trader)

    assert futures_accounts.ownerOf(account_id) == trader.address
    assert vault.position(position_id).hasAccount is False
    assert logs(tx, vault.AccountUnlocked) == [
        {"positionId": position_id, "accountId": account_id, "to": trader.address}
    ]


def test_unlock__debt_the_spot_covers__returns_the_account(vault, lens, futures_accounts, trader, futures_position,
                                                           no_fee):
    position_id, account_id = futures_position("sXAU", btc_size=1, spot_btc=1, mint=10)  # spot: CR 2.5

    vault.unlock(position_id, sender=trader)

    assert futures_accounts.ownerOf(account_id) == trader.address
    assert lens.health(position_id) == (wad(60_000), wad(24_000), wad("2.5"))


def test_unlock__debt_the_spot_does_not_cover__reverts(vault, trader, futures_position, no_fee):
    position_id, _ = futures_position("sXAU", btc_size=1, spot_btc="0.5", mint=10)

    with reverts(vault.VaultUndercollateralized, positionId=position_id, crWad=wad("1.25"), minCrWad=wad("1.5")):
        vault.unlock(position_id, sender=trader)


def test_trade__through_the_vault__fills_on_the_locked_account(vault, exchange, markets, trader,
                                                             futures_position):
    position_id, account_id = futures_position("sXAU")
    btc = markets["BTC-PERP"]

    tx = vault.trade(position_id, btc, wad("0.5"), MAX_UINT, sender=trader)

    fill = tx.events.filter(exchange.Traded)[0].fillPriceWad
    assert exchange.position(account_id, btc) == (wad("0.5"), fill)
    assert logs(tx, vault.Traded) == [
        {"positionId": position_id, "marketId": btc, "sizeDeltaWad": wad("0.5"), "fillPriceWad": fill}
    ]


@pytest.mark.parametrize("size_delta", [wad("0.5"), -wad(2)], ids=["increase", "flip"])
def test_trade__adding_risk_past_the_minting_ratio__reverts(vault, markets, trader, near_the_ratio, size_delta):
    position_id, _, _ = near_the_ratio
    btc = markets["BTC-PERP"]

    # The fee alone takes the equity under 1.5 × the debt.
    with reverts(vault.VaultUndercollateralized, positionId=position_id, minCrWad=wad("1.5")) as caught:
        vault.trade(position_id, btc, size_delta, MAX_UINT if size_delta > 0 else 0, sender=trader)

    assert caught.inputs["crWad"] < wad("1.5")


def test_trade__reducing_under_the_minting_ratio__passes_and_raises_the_cr(
        vault, lens, exchange, markets, owner, feeds, trader, trader2, open_account, near_the_ratio):
    """A reducing fill pays fee and impact, but frees the rest of the position from a larger
    one-fill exit, which the account's close value already charged: under the minting ratio the
    reduction raises the CR, so it passes. A twin account, not locked, makes the same fills: the
    exchange prices both alike, which gives the CR the trade leaves."""
    position_id, account_id, debt = near_the_ratio
    btc = markets["BTC-PERP"]
    twin = open_account(trader2, 20_000)
    exchange.trade(twin, btc, wad(1), MAX_UINT, sender=trader2)
    assert exchange.closeValue(twin) == exchange.closeValue(account_id)
    set_price(feeds["BTC"], 58_000, owner)
    cr_before = lens.health(position_id)[2]
    assert cr_before < wad("1.5")
    exchange.trade(twin, btc, -wad("0.5"), 0, sender=trader2)

    vault.trade(position_id, btc, -wad("0.5"), 0, sender=trader)

    assert exchange.position(account_id, btc)[0] == wad("0.5")
    assert lens.health(position_id)[2] == cr(exchange.closeValue(twin), debt)  # sUSD at $1
    assert lens.health(position_id)[2] > cr_before


def test_trade__adding_risk_without_debt__only_the_exchange_checks(vault, exchange, markets, trader,
                                                                  futures_position):
    position_id, account_id = futures_position("sXAU")
    btc = markets["BTC-PERP"]

    vault.trade(position_id, btc, wad(1), MAX_UINT, sender=trader)
    assert exchange.position(account_id, btc)[0] == wad(1)
    with reverts(exchange.ExchangeInsufficientMargin, accountId=account_id):
        vault.trade(position_id, btc, wad(1), MAX_UINT, sender=trader)  # 2 BTC: $12,000 initial margin


def test_trade__stale_btc_price__reverts(vault, markets, chain, trader, futures_position, oracle):
    position_id, _ = futures_position("sXAU", btc_size=1)
    advance(chain, 3601)

    with reverts(oracle.OracleStalePrice, asset=asset_id("BTC")):
        vault.trade(position_id, markets["BTC-PERP"], -wad(1), 0, sender=trader)


def test_withdraw_margin__within_the_minting_ratio__sends_it(vault, lens, exchange, usdc, trader, keeper,
                                                            futures_position, no_fee):
    position_id, account_id = futures_position("sUSD", mint=5_000)  # $10,000 against $5,000

    tx = vault.withdrawMargin(position_id, scaled(2_500, 6), keeper, sender=trader)

    assert usdc.balanceOf(keeper) == scaled(2_500, 6)
    assert lens.health(position_id) == (wad(7_500), wad(5_000), wad("1.5"))
    assert logs(tx, vault.MarginWithdrawn) == [
        {"positionId": position_id, "to": keeper.address, "amount": scaled(2_500, 6)}
    ]


def test_withdraw_margin__past_the_minting_ratio__reverts(vault, trader, futures_position, no_fee):
    position_id, _ = futures_position("sUSD", mint=5_000)

    with reverts(vault.VaultUndercollateralized, positionId=position_id,
                 crWad=cr(wad(7_500) - wad("0.000001"), wad(5_000)), minCrWad=wad("1.5")):
        vault.withdrawMargin(position_id, scaled(2_500, 6) + 1, trader, sender=trader)


def test_withdraw_margin__no_debt__only_the_exchange_checks(vault, exchange, usdc, trader, futures_position):
    position_id, account_id = futures_position("sUSD")

    vault.withdrawMargin(position_id, scaled(10_000, 6), trader, sender=trader)

    assert usdc.balanceOf(trader) == scaled(10_000, 6)
    assert exchange.equity(account_id) == 0


def test_health__account_under_water__counts_as_zero(vault, lens, exchange, owner, feeds, trader, futures_position,
                                                     no_fee):
    position_id, account_id = futures_position("sXAU", btc_size=1, spot_btc=1, mint=10)
    set_price(feeds["BTC"], 45_000, owner)  # the long lost $15,000 on $10,000 of margin

    assert exchange.equity(account_id) < 0
    assert lens.health(position_id) == (wad(45_000), wad(24_000), wad("1.875"))


def test_close__with_account_spot_and_debt__everything_back_to_the_owner(vault, futures_accounts, synths, wbtc, trader,
                                                                        futures_position, no_fee):
    position_id, account_id = futures_position("sXAU", btc_size=1, spot_btc=1, mint=10)

    tx = vault.close(position_id, sender=trader)

    assert futures_accounts.ownerOf(account_id) == trader.address
    assert wbtc.balanceOf(trader) == scaled(1, 8)
    assert synths["sXAU"].balanceOf(trader) == 0
    assert logs(tx, vault.AccountUnlocked) == [
        {"positionId": position_id, "accountId": account_id, "to": trader.address}
    ]


def test_mint__spot_only_position__never_calls_the_exchange(vault, exchange, trader, open_position):
    position_id = open_position("sXAU", spot_btc=1)

    tx = vault.mint(position_id, wad(10), sender=trader)

    def addresses(node):
        yield node.address
        for call in node.calls:
            yield from addresses(call)

    called = {bytes(a).hex().lower() for a in addresses(tx.trace.get_calltree())}
    assert exchange.address.lower()[2:] not in called
    assert vault.address.lower()[2:] in called
