"""The Synthvault story, chapter by chapter, as `make demo` tells it. Each chapter acts through
the contracts and prints what it did; the tests run the same story to its end."""

from dataclasses import dataclass, field
from typing import Any

from synthvault.report import console, table, usd
from synthvault.system import System
from synthvault.units import asset_id, from_wad, scaled, wad


@dataclass
class Story:
    system: System
    roles: dict[str, Any]  # owner, lp, trader, trader2, keeper
    log: list[str] = field(default_factory=list)

    def c(self, name: str) -> Any:
        return self.system.contracts[name]

    def say(self, text: str) -> None:
        self.log.append(text)
        console.print(text)

    def fund(self, who: Any, usd_amount: int) -> None:
        """Mints test stablecoin to `who` (local chains only)."""
        usdc = self.c("usdc")
        usdc.mint(who, scaled(usd_amount, usdc.decimals()), sender=self.roles["owner"])

    # Chapter 1
    def prices(self) -> None:
        oracle = self.c("oracle")
        rows = []
        for name, feed in self.system.feeds.items():
            _, heartbeat, decimals, max_deviation_bps, _ = oracle.feeds(asset_id(name))
            rows.append((name, feed.description(), decimals, f"{heartbeat:,} s", f"{max_deviation_bps / 100:g}%",
                         usd(from_wad(oracle.priceWad(asset_id(name))))))
        console.print(table("1. Prices, read through OracleHub.priceWad",
                            ["asset", "feed", "decimals", "heartbeat", "max jump", "price"], rows))

    # Chapter 2
    def venue(self) -> None:
        exchange, pool, usdc, lp = self.c("exchange"), self.c("pool"), self.c("usdc"), self.roles["lp"]
        deposit = 250_000
        self.fund(lp, deposit)
        usdc.approve(pool, scaled(deposit, usdc.decimals()), sender=lp)
        pool.deposit(scaled(deposit, usdc.decimals()), lp, sender=lp)
        self.say(f"An LP deposits {usd(deposit, 0)} into the liquidity pool, the counterparty of every trade: "
                 f"pool assets now {usd(pool.totalAssets() / 10 ** usdc.decimals(), 0)}.")
        rows = []
        for name, market_id in self.system.markets.items():
            m = exchange.market(market_id)
            kind = "perpetual" if m.expiry == 0 else "dated"
            rows.append((name, market_id, kind, f"{10**18 / m.params.initialMarginWad:g}x",
                         f"{m.params.maintenanceMarginWad / 10**16:g}%", f"{m.params.takerFeeWad / 10**14:g} bps",
                         f"{m.params.impactWad / 10**14:g} bps / $1M", usd(from_wad(exchange.markPrice(market_id)))))
        console.print(table("2. The futures venue", ["market", "id", "kind", "max leverage", "maintenance",
                                                     "taker fee", "impact", "mark"], rows))

    # Chapter 3
    def trade(self) -> None:
        exchange, usdc, trader = self.c("exchange"), self.c("usdc"), self.roles["trader"]
        btc = self.system.markets["BTC-PERP"]
        self.fund(trader, 40_000)
        usdc.approve(exchange, scaled(40_000, usdc.decimals()), sender=trader)
        account = exchange.openAccount(sender=trader).return_value
        exchange.depositMargin(account, scaled(40_000, usdc.decimals()), sender=trader)
        size = wad("1")
        fill, mark = exchange.quote(btc, size)[:2]
        exchange.trade(account, btc, size, fill, sender=trader)
        initial, maintenance = exchange.requirements(account)
        self.say(f"A trader opens futures account #{account}, deposits $40,000 of margin and buys 1 BTC-PERP "
                 f"at {usd(from_wad(fill))} (mark {usd(from_wad(mark))}).")
        console.print(table("3. The trader's account", ["equity", "initial margin", "maintenance margin"], [
            (usd(from_wad(exchange.equity(account))), usd(from_wad(initial)), usd(from_wad(maintenance)))]))
