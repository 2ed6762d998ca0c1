"""The Synthvault story, chapter by chapter, as `make demo` tells it. Each chapter acts through
the contracts and prints what it did; the tests run the same story to its end."""

from dataclasses import dataclass, field
from typing import Any

from synthvault.report import console, table, usd
from synthvault.system import System
from synthvault.units import WAD, asset_id, from_wad, scaled, wad

MAX_UINT = 2**256 - 1


def cr_text(cr: Any) -> str:
    return "no debt" if cr is None else f"{cr * 100:.1f}%"


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

    # Chapter 4
    def positions(self) -> None:
        """The long trader locks the account of chapter 3 and mints sXAU; a second trader builds a
        delta-neutral position (spot BTC + a short perpetual of the same size) and mints sUSD."""
        exchange, vault, usdc, wbtc = self.c("exchange"), self.c("vault"), self.c("usdc"), self.c("wbtc")
        owner, trader, trader2 = self.roles["owner"], self.roles["trader"], self.roles["trader2"]
        btc = self.system.markets["BTC-PERP"]
        self.positions_by_name: dict[str, int] = {}

        long_id = vault.open(self.system.synths["sXAU"], sender=trader).return_value
        self.c("futures_accounts").approve(vault, 1, sender=trader)
        vault.lock(long_id, 1, sender=trader)
        self._mint_at(long_id, "sXAU", trader, target_cr="1.6")
        self.positions_by_name["long BTC -> sXAU"] = long_id

        wbtc.mint(trader2, scaled(1, wbtc.decimals()), sender=owner)
        self.fund(trader2, 10_000)
        usdc.approve(exchange, scaled(10_000, usdc.decimals()), sender=trader2)
        account = exchange.openAccount(sender=trader2).return_value
        exchange.depositMargin(account, scaled(10_000, usdc.decimals()), sender=trader2)
        exchange.trade(account, btc, -wad(1), 0, sender=trader2)
        neutral_id = vault.open(self.system.synths["sUSD"], sender=trader2).return_value
        wbtc.approve(vault, scaled(1, wbtc.decimals()), sender=trader2)
        vault.addSpot(neutral_id, scaled(1, wbtc.decimals()), sender=trader2)
        self.c("futures_accounts").approve(vault, account, sender=trader2)
        vault.lock(neutral_id, account, sender=trader2)
        self._mint_at(neutral_id, "sUSD", trader2, target_cr="1.6")
        self.positions_by_name["delta-neutral -> sUSD"] = neutral_id

        self.say("The long trader locks futures account #1 in the vault and mints sXAU at a 160% CR; a second "
                 "trader holds 1 WBTC and shorts 1 BTC-PERP against it (delta-neutral), locks both and mints sUSD.")
        self.health_table("4. Positions after minting (minting ratio 150%, liquidation ratio 120%)")

    def _mint_at(self, position_id: int, symbol: str, who: Any, target_cr: str) -> int:
        """Mints as much synth as leaves the position at `target_cr`, from its health now."""
        vault, oracle, synth = self.c("vault"), self.c("oracle"), self.system.synths[symbol]
        collateral_usd = self.c("lens").health(position_id)[0]
        price = oracle.priceWad(synth.asset())
        amount = collateral_usd * 10**18 // wad(target_cr) * 10**18 // price
        vault.mint(position_id, amount, sender=who)
        return amount

    def health_table(self, title: str) -> None:
        vault, lens, rows = self.c("vault"), self.c("lens"), []
        for name, position_id in self.positions_by_name.items():
            collateral, debt, cr = lens.health(position_id)
            synth = vault.position(position_id).synth
            rows.append((name, position_id, usd(from_wad(collateral)), usd(from_wad(debt)),
                         cr_text(None if cr == MAX_UINT else float(from_wad(cr))), self._symbol(synth)))
        console.print(table(title, ["position", "id", "collateral", "debt", "CR", "synth"], rows))

    def _symbol(self, address: Any) -> str:
        return next(s for s, c in self.system.synths.items() if c.address == address)

    # Chapter 5
    def btc_moves(self, prices: tuple[int, ...] = (66_000, 54_000)) -> None:
        """BTC moves; the long position's CR moves with it, the delta-neutral one's barely does."""
        for price in prices:
            self.system.feeds["BTC"].submit(scaled(price, 8), sender=self.roles["owner"])
            self.health_table(f"5. BTC at {usd(price, 0)}")

    # Chapter 6
    def crash(self, chart_path: Any = None) -> list[dict[str, Any]]:
        """BTC walks March 2020's month (monthly bars from the `backtesting` package: open, high,
        low, close), as moves from today's price; after each round a keeper checks every position
        and liquidates those under the liquidation ratio. Returns one row per round."""
        from synthvault.keeper import Keeper
        from synthvault.prices import btc_monthly_csv, cap_steps, parse_time, rebase, walk_ohlc
        from synthvault.replay import replay

        vault, owner, keeper = self.c("vault"), self.roles["owner"], self.roles["keeper"]
        feed = self.system.feeds["BTC"]
        self._arm_keeper()
        bot = Keeper(vault=vault, lens=self.c("lens"), engine=self.c("engine"), oracle=self.c("oracle"), sender=keeper,
                     synth_at=lambda address: next(c for c in self.system.synths.values() if c.address == address),
                     pool_at=lambda address: next(p for p in self.system.stability_pools.values()
                                                  if p.address == address))
        current = from_wad(self.c("oracle").priceWad(asset_id("BTC")))
        path = cap_steps(rebase(walk_ohlc(btc_monthly_csv(), parse_time("2020-03-01"), parse_time("2020-03-31")),
                                current), 1000)
        rows: list[dict[str, Any]] = []
        others = [f for name, f in self.system.feeds.items() if name != "BTC"]

        def crs() -> dict[str, Any]:
            out = {}
            for name, pid in self.positions_by_name.items():
                cr = self.c("lens").health(pid)[2]
                out[name] = None if cr == MAX_UINT else float(from_wad(cr))  # None: no debt left
            return out

        def step(i: int, point: Any) -> None:
            seen = crs()  # what the keeper sees at the new price, before it acts
            actions = bot.run_once(self._chain().blocks.height)
            rows.append({"round": i, "btc": float(point.price), "seen": seen, **crs(),
                         "liquidated": [a.position_id for a in actions if a.kind == "liquidated"]})

        self.crash_start_block = self._chain().blocks.height + 1
        replay(self._chain(), feed, path, owner, others, speedup=3600, on_step=step)
        self.say(f"BTC replays March 2020 from {usd(current, 0)}: {len(path)} rounds down to "
                 f"{usd(min(p.price for p in path), 0)} and back to {usd(path[-1].price, 0)}. "
                 "A keeper watches every round.")
        console.print(table("6. The crash, round by round", ["round", "BTC", *self.positions_by_name, "keeper"], [
            (r["round"], usd(r["btc"], 0),
             *(cr_text(r["seen"][n]) + ("" if r[n] == r["seen"][n] else f" -> {cr_text(r[n])}")
               for n in self.positions_by_name),
             ", ".join(f"liquidated #{p}" for p in r["liquidated"])) for r in rows]))
        if chart_path:
            self._chart(rows, chart_path)
            self.say(f"Chart saved to {chart_path}.")
        return rows

    # Chapter 8
    def weekend(self) -> int | None:
        """A weekend: the S&P 500's market closes Friday 22:00 UTC (its config session) while BTC
        trades on. A trader mints sSPX on Friday at a 155% CR; once the market closes, minting
        waits for Monday; BTC falls on Saturday and a keeper liquidates the position at the last
        close. Returns the position (None when the config gives SPX no session)."""
        from ape.exceptions import ContractLogicError

        from synthvault.errors import describe_error, without_call_traces

        oracle, vault, engine, lens = self.c("oracle"), self.c("vault"), self.c("engine"), self.c("lens")
        wbtc, owner, trader, keeper = self.c("wbtc"), self.roles["owner"], self.roles["trader"], self.roles["keeper"]
        spx, sspx = asset_id("SPX"), self.system.synths["sSPX"]
        if tuple(oracle.session(spx)[:2]) == (0, 0):
            self.say("8. SPX has no market session in this config: no weekend to show.")
            return None
        self._move_to("Fri 21:00")
        for feed in self.system.feeds.values():  # each market's Friday round
            feed.submit(feed.latestAnswer(), sender=owner)
        btc, spx_price = oracle.priceWad(asset_id("BTC")), oracle.priceWad(spx)
        debt = btc * WAD // (wad("1.55") * spx_price // WAD) // 10**12 * 10**12  # 155%, to 6 decimals
        position_id = self._spot_position(trader, sspx, 1, debt)
        self._spot_position(keeper, sspx, 10, 2 * debt)  # the keeper's sSPX, to repay with
        self.say(f"Friday 21:00 UTC: a trader locks 1 WBTC at {usd(from_wad(btc), 0)} and mints "
                 f"{from_wad(debt):.4f} sSPX at {usd(from_wad(spx_price), 0)} (CR 155%).")

        self._move_to("Fri 22:00")
        oracle_time = self._chain().pending_timestamp
        self.system.feeds["BTC"].submit(self.system.feeds["BTC"].latestAnswer(), sender=owner)
        try:
            with without_call_traces():
                vault.mint(position_id, wad("0.01"), sender=trader)
            refusal = "accepted (the market is open?)"
        except ContractLogicError as err:
            refusal = describe_error(err)
        reopens = oracle.session(spx)[3]
        self.say(f"Friday 22:00 UTC: the S&P 500 closes until {(reopens - oracle_time) / 3600:.0f} hours later "
                 f"(Monday 00:00). A further mint: {refusal}.")

        self._move_to("Sat 22:00")
        fallen = btc * 3 // 4
        self.system.feeds["BTC"].submit(fallen * 10**8 // WAD, sender=owner)
        collateral, debt_usd, cr = lens.health(position_id)
        self.say(f"Saturday 22:00 UTC: BTC falls to {usd(from_wad(fallen), 0)}, 25 hours after the S&P 500's last "
                 f"round; the position is at {cr_text(float(from_wad(cr)))} on the last close "
                 f"({usd(from_wad(debt_usd))} of debt), under the 120% liquidation ratio.")
        tx = engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)
        event = tx.events.filter(engine.Liquidated)[0]
        self.say(f"The keeper liquidates it at the last close: {from_wad(event.repaid):.4f} sSPX repaid "
                 f"({usd(from_wad(event.repaidUsdWad))}), {event.spotToKeeper / 10 ** wbtc.decimals():.8f} WBTC "
                 f"to the keeper; the position is at {cr_text(float(from_wad(lens.health(position_id)[2])))}.")
        return position_id

    def _move_to(self, moment: str) -> None:
        """Mines the next block at the next `moment` of the week ("Sat 22:00", UTC)."""
        from synthvault.market_hours import next_moment

        chain = self._chain()
        chain.mine(timestamp=next_moment(chain.pending_timestamp, moment))

    def _spot_position(self, who: Any, synth: Any, btc: int, debt: int) -> int:
        """A position of `who` with `btc` WBTC (minted by the owner) owing `debt` of `synth`."""
        vault, wbtc = self.c("vault"), self.c("wbtc")
        amount = scaled(btc, wbtc.decimals())
        wbtc.mint(who, amount, sender=self.roles["owner"])
        wbtc.approve(vault, amount, sender=who)
        position_id = vault.open(synth, sender=who).return_value
        vault.addSpot(position_id, amount, sender=who)
        vault.mint(position_id, debt, sender=who)
        return position_id

    def _chain(self) -> Any:
        from ape import chain

        return chain

    def _arm_keeper(self) -> None:
        """The keeper mints synth against its own well-collateralized positions, 10 WBTC each, and
        deposits it in the synths' stability pools: liquidations then burn from the pools, and the
        keeper that triggers them needs no synth of its own."""
        vault, wbtc, keeper, owner = self.c("vault"), self.c("wbtc"), self.roles["keeper"], self.roles["owner"]
        for symbol, amount in (("sXAU", "40"), ("sUSD", "100000")):
            wbtc.mint(keeper, scaled(10, wbtc.decimals()), sender=owner)
            wbtc.approve(vault, scaled(10, wbtc.decimals()), sender=keeper)
            pid = vault.open(self.system.synths[symbol], sender=keeper).return_value
            vault.addSpot(pid, scaled(10, wbtc.decimals()), sender=keeper)
            vault.mint(pid, wad(amount), sender=keeper)
            pool = self.system.stability_pools[symbol]
            self.system.synths[symbol].approve(pool, wad(amount), sender=keeper)
            pool.deposit(wad(amount), sender=keeper)
        self.say("A depositor locks 20 WBTC in two positions of its own, mints 40 sXAU and 100,000 sUSD and deposits "
                 "them in the stability pools; the keeper, holding no synth, only triggers liquidations.")

    def _chart(self, rows: list[dict[str, Any]], path: Any) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
        rounds = [r["round"] for r in rows]
        top.plot(rounds, [r["btc"] for r in rows], color="#f7931a")
        top.set_ylabel("BTC (USD)")
        top.set_title("March 2020 replayed on BTC, and what it does to two positions")
        for name in self.positions_by_name:
            bottom.plot(rounds, [r[name] * 100 if r[name] is not None else float("nan") for r in rows], label=name)
        bottom.axhline(150, color="grey", linestyle="--", label="minting ratio 150%")
        bottom.axhline(120, color="red", linestyle="--", label="liquidation ratio 120%")
        # A liquidated position is marked at the CR the keeper saw before acting.
        hits = [(r["round"], r["seen"][name] * 100) for r in rows
                for name, pid in self.positions_by_name.items() if pid in r["liquidated"] and r["seen"][name]]
        if hits:
            bottom.scatter(*zip(*hits, strict=True), color="red", zorder=3, label="liquidated")
        bottom.set_ylabel("CR (%)")
        bottom.set_xlabel("oracle round")
        bottom.legend(loc="upper right", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    # Chapter 7
    def accounting(self) -> None:
        """Who holds what after the crash: the keeper's pay, the fund, and every synth's books."""
        vault, fund, engine = self.c("vault"), self.c("fund"), self.c("engine")
        usdc, wbtc, keeper = self.c("usdc"), self.c("wbtc"), self.roles["keeper"]
        start = getattr(self, "crash_start_block", 0)
        liquidated = list(engine.Liquidated.range(start, self._chain().blocks.height + 1))
        console.print(table("7. Liquidations", ["position", "repaid", "repaid value", "spot seized",
                                                "stablecoin seized", "penalty to fund"], [
            (e.positionId, f"{from_wad(e.repaid):.4f}", usd(from_wad(e.repaidUsdWad)),
             f"{e.spotToKeeper / 10 ** wbtc.decimals():.8f} WBTC", usd(e.marginToKeeper / 10 ** usdc.decimals()),
             usd(e.penaltyToFund / 10 ** usdc.decimals())) for e in liquidated]))
        pools = []
        for symbol, pool in self.system.stability_pools.items():
            spot_gain, stable_gain = pool.gainsOf(keeper)
            if pool.totalDeposits() or spot_gain or stable_gain:
                pools.append((symbol, f"{from_wad(pool.totalDeposits()):,.4f}",
                              f"{spot_gain / 10 ** wbtc.decimals():.8f} WBTC",
                              usd(stable_gain / 10 ** usdc.decimals())))
        console.print(table("7. Stability pools (the depositor's share)", ["pool", "deposits left", "spot gained",
                                                                             "stablecoin gained"], pools))
        rows = []
        for symbol, synth in self.system.synths.items():
            _, _, _, total_debt = vault.synthDebt(synth)
            rows.append((symbol, f"{from_wad(synth.totalSupply()):,.4f}",
                         f"{from_wad(vault.uncollectedFees(synth)):,.6f}", f"{from_wad(total_debt):,.4f}",
                         f"{from_wad(vault.badDebt(synth)):,.4f}"))
        console.print(table("7. The books of every synth", ["synth", "supply", "uncollected fees", "total debt",
                                                             "bad debt"], rows))
        self.say(f"{len(liquidated)} liquidations. "
                 f"Insurance fund reserves: {usd(fund.reserves() / 10 ** usdc.decimals())}. "
                 "The keeper (depositor and trigger) now holds "
                 f"{wbtc.balanceOf(keeper) / 10 ** wbtc.decimals():.8f} WBTC and "
                 f"{usd(usdc.balanceOf(keeper) / 10 ** usdc.decimals())}.")
