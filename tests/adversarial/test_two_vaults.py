"""One exchange, two vaults: the shared exchange trusts each vault's futures adapter as a mark
relay, so the second vault (the hooked one, deployed by another account on the same exchange)
locks accounts and its engine closes their futures as the first vault's does. Before the relay
became a set, the second vault was deployed without the relay and could seize spot only."""

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.events import logs


def test_liquidate__second_vault_on_the_shared_exchange__closes_its_futures(
        hook_system, vault, exchange, futures_accounts, markets, usdc, feeds, owner, trader, keeper, open_account):
    hook_vault, hook_engine = hook_system.vault.vault, hook_system.liquidation.engine
    susd = hook_system.vault.synths["sUSD"]
    assert exchange.isMarkRelay(vault.futuresCollateral())
    assert exchange.isMarkRelay(hook_vault.futuresCollateral())

    # A 1 BTC long on 20,000 USDC locked in the second vault, owing 12,000 sUSD.
    account_id = open_account(trader, 20_000)
    position_id = hook_vault.open(susd, sender=trader).events.filter(hook_vault.PositionOpened)[0].positionId
    futures_accounts.approve(hook_vault, account_id, sender=trader)
    hook_vault.lock(position_id, account_id, sender=trader)
    assert futures_accounts.ownerOf(account_id) == hook_vault.futuresCollateral()
    hook_vault.trade(position_id, markets["BTC-PERP"], wad(1), MAX_UINT, sender=trader)
    hook_vault.mint(position_id, wad(12_000), sender=trader)
    susd.transfer(keeper, wad(12_000), sender=trader)
    # BTC at 52,500: the account is worth about 12,400, over the debt but under 110% of it, so
    # the whole debt is repaid and every position closed.
    set_price(feeds["BTC"], 52_500, owner)
    held = usdc.balanceOf(keeper)

    tx = hook_engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

    # The whole debt repaid, every futures position closed through the second vault's adapter.
    [closed] = logs(tx, hook_vault.FuturesClosed)
    assert (closed["positionId"], closed["accountId"], closed["fractionWad"]) == (position_id, account_id, wad(1))
    assert [e.marketId for e in tx.events.filter(exchange.Traded)] == [markets["BTC-PERP"]]
    assert exchange.positions(account_id) == []
    [liquidated] = logs(tx, hook_engine.Liquidated)
    assert liquidated["repaid"] == wad(12_000)
    assert hook_vault.position(position_id).debt == 0
    assert usdc.balanceOf(keeper) - held == liquidated["marginToKeeper"] > 0
