"""Solvency, as an invariant over random sequences of actions: after every settlement the
stablecoin the exchange holds equals the sum of all margin, the pool holds exactly its cash (and is
worth it less the traders' open PnL), and no stablecoin is created or lost, whatever traders, LPs,
keepers and prices do."""

import random
from collections import Counter

import pytest
from ape.exceptions import ContractLogicError

from synthvault.errors import project_decoder
from synthvault.units import scaled, wad
from tests.utils.chain import advance, set_price
from tests.utils.exchange import MAX_PRICE, UNIT

STEPS = 30
SIZE_RANGES = {"BTC-PERP": (1, 30, 100), "ETH-PERP": (1, 50, 10), "IDX-PERP": (1, 30, 1), "BTC-DATED": (1, 20, 100)}
FEEDS = {"BTC-PERP": "BTC", "ETH-PERP": "ETH", "IDX-PERP": "IDX"}
# Each action's own refusals, by error name: any other revert (a panic, a bare revert, another
# contract's error) fails the walk instead of being counted as a refusal.
OWN_ERRORS = {
    "trade": {"ExchangeInsufficientMargin"},
    "deposit": set(),
    "withdraw": {"ExchangeWithdrawalExceedsMargin", "ExchangeInsufficientMargin"},
    "price": set(),
    "crash": set(),
    "wait": set(),
    "funding": set(),  # rates drawn within the exchange's bound
    "liquidity": {"LiquidityPoolInsufficientAssets"},  # a redemption beyond the pool's free cash
    "liquidate": {"ExchangeAccountHealthy"},
}


def refusal(err: ContractLogicError, action: str) -> str:
    """The name of `err` when it is one of `action`'s own refusals; fails the test otherwise."""
    decoded = project_decoder().decode(err)
    assert decoded is not None and decoded.name in OWN_ERRORS[action], (
        f"{action} reverted with {project_decoder().describe(err)}, not one of its own errors {OWN_ERRORS[action]}")
    return decoded.name


@pytest.mark.parametrize("seed", [1, 3])  # seeds whose walks include liquidations
def test_solvency__random_actions__stablecoin_held_equals_margin_plus_pool(
    seed, exchange, usdc, pool, feeds, markets, chain, owner, trader, trader2, keeper, lp, open_account
):
    rng = random.Random(seed)
    holders = [trader, trader2, keeper, lp, owner]
    # Stablecoin held elsewhere (the insurance fund's seed, when the session deployed the
    # liquidation layer before this test): no action of the walk may move it.
    elsewhere = usdc.totalSupply() - sum(usdc.balanceOf(h) for h in [*holders, exchange, pool])
    accounts = {
        open_account(owner=trader, margin=5000): trader,
        open_account(owner=trader2, margin=1500): trader2,
        open_account(owner=trader2, margin=20_000): trader2,
    }
    prices = {"BTC": 60000.0, "ETH": 3000.0, "IDX": 1000.0}
    done = Counter()

    def check() -> None:
        margins = sum(exchange.marginOf(a) for a in accounts)
        assert usdc.balanceOf(exchange) * UNIT == exchange.totalMarginWad() == margins
        assert usdc.balanceOf(pool) == pool.cash()
        # Its value: cash less the traders' open PnL (every price is trusted throughout the walk).
        value = usdc.balanceOf(pool) * UNIT - exchange.tradersOpenPnl()
        assert pool.totalAssets() == max(value, 0) // UNIT
        held = sum(usdc.balanceOf(h) for h in holders)
        assert usdc.totalSupply() == held + usdc.balanceOf(exchange) + usdc.balanceOf(pool) + elsewhere
        for account in accounts:  # an account carries a debt only while it holds positions
            if exchange.signedMarginOf(account) < 0:
                assert any(exchange.position(account, m)[0] for m in markets.values())

    def move(asset: str, factor: float) -> None:
        prices[asset] = round(prices[asset] * factor, 2)
        set_price(feeds[asset], prices[asset], owner)

    def trade() -> None:
        account = rng.choice(list(accounts))
        name = rng.choice(list(SIZE_RANGES))
        low, high, per_unit = SIZE_RANGES[name]
        size = wad(rng.randint(low, high)) // per_unit * rng.choice([1, -1])
        exchange.trade(account, markets[name], size, MAX_PRICE if size > 0 else 0, sender=accounts[account])

    def deposit() -> None:
        account = rng.choice(list(accounts))
        amount = scaled(rng.randint(1, 3000), 6)
        usdc.mint(trader, amount, sender=trader)
        usdc.approve(exchange, amount, sender=trader)
        exchange.depositMargin(account, amount, sender=trader)

    def withdraw() -> None:
        account = rng.choice(list(accounts))
        amount = exchange.marginOf(account) // UNIT * rng.randint(1, 60) // 100
        exchange.withdrawMargin(account, max(amount, 1), accounts[account], sender=accounts[account])

    def price() -> None:
        move(rng.choice(list(prices)), rng.uniform(0.92, 1.08))

    def crash() -> None:
        move(rng.choice(list(prices)), rng.choice([0.78, 1.25]))
        for account in accounts:  # keepers pounce
            try:
                exchange.liquidate(account, sender=keeper)
                done["liquidation after crash"] += 1
            except ContractLogicError as err:
                refusal(err, "liquidate")
            check()

    def wait() -> None:
        advance(chain, rng.randint(60, 1800))
        for asset in prices:
            move(asset, 1.0)

    def funding() -> None:
        name = rng.choice(list(FEEDS))
        exchange.setFundingRate(markets[name], rng.randint(-(10**11), 10**11), sender=owner)

    def liquidity() -> None:
        if rng.random() < 0.5:
            amount = scaled(rng.randint(1, 50_000), 6)
            usdc.mint(lp, amount, sender=lp)
            usdc.approve(pool, amount, sender=lp)
            pool.deposit(amount, lp, sender=lp)
        else:
            pool.redeem(pool.balanceOf(lp) // 2, lp, lp, sender=lp)

    def liquidate() -> None:
        exchange.liquidate(rng.choice(list(accounts)), sender=keeper)

    actions = [trade] * 11 + [deposit, withdraw, withdraw, price, price, crash, wait, funding, liquidity, liquidate]
    for _ in range(STEPS):
        action = rng.choice(actions)
        try:
            action()
            done[action.__name__] += 1
        except ContractLogicError as err:  # a refusal is checked as the action's own, then counted
            done[f"refused {action.__name__}: {refusal(err, action.__name__)}"] += 1
        check()

    # Expire the dated future and settle every position in it.
    advance(chain, exchange.market(markets["BTC-DATED"]).expiry - chain.pending_timestamp + 1)
    for asset in prices:
        move(asset, 1.0)
    for account in accounts:
        if exchange.position(account, markets["BTC-DATED"])[0] != 0:
            exchange.settle(account, markets["BTC-DATED"], sender=keeper)
            done["settle"] += 1
            check()

    assert done["trade"] >= 8 and done["liquidation after crash"] >= 1, done  # the walk did the work
