"""A stress run: a price path replayed round by round on a chain holding the book, with the real
keeper (`synthvault.keeper.Keeper`) acting `latency` rounds late, and what each round left on the
chain's own books (fund reserves, bad debt, the LP pool).

A round: the BTC feed's next price and every other feed's answer again (they stay fresh over
days of history) in one block at the series' time (chain time set directly, one second after the
previous block at least); the keeper's batched health check (`VaultLens.healthOf`); then its
liquidations of what it found under water `latency` rounds earlier (0: at once), in one
`LiquidationEngine.liquidateMany`, which passes over any that recovered since."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ape.exceptions import ContractLogicError

from synthvault.economics import gas_cost_usd
from synthvault.keeper import LIQUIDATION_DEBT, Keeper
from synthvault.prices import PricePoint
from synthvault.stress.book import PositionSpec
from synthvault.stress.chain import FastChain, FastLens
from synthvault.system import System
from synthvault.units import FEED_DECIMALS, WAD, from_wad, scaled

MAX_UINT = 2**256 - 1


@dataclass(frozen=True)
class LiquidationRecord:
    """One liquidation, as the chain's events tell it (USD at that round's prices)."""

    round: int
    position_id: int
    kind: str  # the book's kind: long, short, ...
    synth: str
    cr_seen: float  # the CR the keeper saw when it first found the position under water
    cr_before: float  # the CR in the round it acted, read before its transaction
    repaid_usd: Decimal  # the synth the keeper burned, at its price then
    penalty_to_fund_usd: Decimal
    shortfall_usd: Decimal  # what the collateral fell short of the repaid value
    fund_paid_usd: Decimal  # of which the fund paid
    written_off: Decimal  # synth units written off (redistributed or bad debt)
    bonus_topped_usd: Decimal = Decimal(0)  # the fund's top-up of the keeper to its least bonus


@dataclass(frozen=True)
class RoundRecord:
    """The books after a round (USD)."""

    round: int
    timestamp: int  # the series' time of the round's price (the chain's is later by a fixed offset)
    btc: Decimal
    liquidated: int
    shortfall_usd: Decimal
    fund_reserves_usd: Decimal
    bad_debt_usd: Decimal
    redistributed_usd: Decimal  # cumulative, at the prices of each write-off
    pool_pnl_usd: Decimal
    keeper_pnl_usd: Decimal  # cumulative, net of gas at the reference prices
    under_liquidation_ratio: int  # book positions with debt under their liquidation ratio
    under_water: int  # book positions under 100% CR
    cr_percentiles: tuple[float, ...]  # p5, p25, p50, p75, p95 of the book's CRs with debt


@dataclass
class RunResult:
    latency: int
    inventory: str
    rounds: list[RoundRecord] = field(default_factory=list)
    liquidations: list[LiquidationRecord] = field(default_factory=list)
    start_block: int = 0
    end_block: int = 0
    bad_debt: dict[str, Decimal] = field(default_factory=dict)  # synth -> units (`Vault.badDebt`)
    bad_debt_usd: dict[str, Decimal] = field(default_factory=dict)
    redistributed: dict[str, Decimal] = field(default_factory=dict)  # synth -> units written off to others
    fund_start_usd: Decimal = Decimal(0)
    fund_end_usd: Decimal = Decimal(0)
    fund_paid_usd: Decimal = Decimal(0)
    fund_income_usd: Decimal = Decimal(0)
    pool_pnl_usd: Decimal = Decimal(0)
    keeper_pnl_usd: Decimal = Decimal(0)
    keeper_gas: int = 0
    # The stability pools: the synth they burned (at its price then) and their depositors' gain,
    # the collateral received less that (spot at the oracle then, stablecoin at $1).
    pool_burned_usd: Decimal = Decimal(0)
    depositors_pnl_usd: Decimal = Decimal(0)
    skipped: dict[str, int] = field(default_factory=dict)
    # The least starting reserves that would have paid every shortfall of this run in full (exact
    # for a run whose fund never ran short: the same run with those reserves is the same run).
    fund_needed_usd: Decimal = Decimal(0)
    exchange_liquidations: int = 0  # accounts the exchange keeper liquidated (0 without one)


PERCENTILES = (5, 25, 50, 75, 95)
_POSITION = "(address,address,bool,uint256,uint256,uint256,uint256)"  # `IVault.PositionView`


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _ceil_units(usd_wad: int, decimals: int) -> Decimal:
    """A USD WAD amount rounded up to a whole unit of a `decimals` token, in USD."""
    unit = WAD // 10**decimals
    return Decimal(-(-usd_wad // unit)) / Decimal(10) ** decimals


def _percentiles(values: list[float]) -> tuple[float, ...]:
    if len(values) < 2:
        return tuple(values[0] if values else float("nan") for _ in PERCENTILES)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return tuple(cuts[p - 1] for p in PERCENTILES)


@dataclass
class Runner:
    """Replays `points` on `system` holding `book` (position id -> spec)."""

    system: System
    fast: FastChain
    keeper: Keeper
    lens: FastLens
    book: dict[int, PositionSpec]
    feeder: Any  # who submits the mock feeds' rounds
    latency: int = 0
    inventory: str = "unlimited"
    # With an exchange keeper: each round, right after the prices, it calls the exchange's own
    # `liquidate` on every locked account that may be under its maintenance margin.
    exchange_keeper: Any = None
    accounts: dict[int, tuple[int, int]] = field(default_factory=dict)  # position -> (account, size WAD)

    def _exchange_liquidations(self, btc_wad: int, closed: set[int], spot: dict[int, int]) -> int:
        """The exchange keeper's pass: `FuturesExchange.liquidate` sent for each account whose value
        (the lens's collateral less the position's spot, `spot` in WBTC units) is under 6% of its
        notional at the book's size (the exchange's 5% maintenance, and room for the closing
        costs); the exchange refuses a healthy one, which is watched again next round. Returns how
        many it liquidated; `closed` gathers their accounts."""
        c, fast = self.system.contracts, self.fast
        sent = []
        for position_id, (account, size) in self.accounts.items():
            health = self.lens.last.get(position_id)
            if account in closed or health is None or health.status != 0:
                continue
            value = health.collateralUsdWad - spot.get(position_id, 0) * btc_wad // 10**self._wbtc_decimals
            if value >= abs(size) * btc_wad // WAD * 6 // 100:
                continue
            try:  # asked first (an eth_call): a refusal then costs no block
                fast.call(c["exchange"].liquidate, account, sender=self.exchange_keeper)
            except ContractLogicError:
                continue
            sent.append((fast.send(c["exchange"].liquidate, account, sender=self.exchange_keeper), account))
        fast.sent = []  # checked here: a refusal is an answer, not a failure
        done = 0
        for tx_hash, account in sent:
            if int(fast._receipt(tx_hash)["status"], 16) == 1:
                done += 1
                closed.add(account)
        return done

    def _usd(self, units: int, decimals: int) -> Decimal:
        return Decimal(units) / Decimal(10) ** decimals

    def _books(self) -> tuple[int, int, dict[str, int]]:
        c = self.system.contracts
        return (self.fast.uint(c["fund"].reserves), self.fast.uint(c["pool"].totalAssets),
                {s: self.fast.uint(c["vault"].badDebt, t) for s, t in self.system.synths.items()})

    def _price(self, symbol: str) -> int:
        """A synth's price as a liquidation values its debt (over a weekend, its market's last close)."""
        return self.fast.uint(self.system.contracts["oracle"].priceWadFor, self.system.synths[symbol].asset(),
                              LIQUIDATION_DEBT)

    def _price_of(self, ticker: bytes) -> int:
        return self.fast.uint(self.system.contracts["oracle"].priceWad, ticker.ljust(32, b"\0"))

    def _pool_flows(self, receipt: Any, symbols_of: dict[int, str], btc_wad: int) -> tuple[Decimal, Decimal]:
        """What the stability pools burned in `receipt` (USD, each burn rounded up as `burned`)
        and the collateral they received (spot at `btc_wad`, stablecoin at $1)."""
        pools = {str(p.address): p for p in self.system.stability_pools.values()}
        burned = sum((from_wad(_ceil_div(e.amount * self._price(symbols_of[int(e.positionId)]), WAD))
                      for e in self.system.contracts["vault"].Burned.from_receipt(receipt)
                      if str(getattr(e, "from")) in pools), Decimal(0))
        received = Decimal(0)
        for pool in pools.values():
            for e in pool.Offset.from_receipt(receipt):
                received += (from_wad(e.spotGain * btc_wad // 10**self._wbtc_decimals)
                             + self._usd(e.stableGain, self._usdc_decimals))
        return burned, received

    def _keeper_holdings(self) -> tuple[int, int]:
        """The keeper's stablecoin and spot BTC, in their units."""
        c, who = self.system.contracts, self.keeper.sender
        return self.fast.uint(c["usdc"].balanceOf, who), self.fast.uint(c["wbtc"].balanceOf, who)

    def run(self, points: list[PricePoint], on_round: Callable[[RoundRecord], None] | None = None) -> RunResult:
        c, fast = self.system.contracts, self.fast
        usdc_decimals, self._wbtc_decimals = c["usdc"].decimals(), c["wbtc"].decimals()
        self._usdc_decimals = usdc_decimals
        btc_feed = self.system.feeds["BTC"]
        others = [(f, f.latestAnswer()) for name, f in self.system.feeds.items() if name != "BTC"]
        symbols = {str(t.address): s for s, t in self.system.synths.items()}
        result = RunResult(self.latency, self.inventory, start_block=c["vault"].chain_manager.blocks.height + 1)
        fund0, pool0, _ = self._books()
        result.fund_start_usd = self._usd(fund0, usdc_decimals)
        ids = sorted(self.keeper.known)
        ratios = {s: from_wad(c["vault"].synthParams(t).liquidationRatioWad) for s, t in self.system.synths.items()}
        found: list[list[tuple[int, int]]] = []  # per round: what the keeper found under water
        first_seen: dict[int, int] = {}  # position -> CR when first found
        start_chain, start_series = fast.head_timestamp() + 1, points[0].timestamp
        keeper_pnl, redistributed_usd = Decimal(0), Decimal(0)
        closed: set[int] = set()  # accounts the exchange keeper liquidated
        spot = {pid: fast.call(c["vault"].position, pid, types=(_POSITION,))[0][4]
                for pid in self.accounts} if self.exchange_keeper is not None else {}
        paid_so_far, income_so_far, need = Decimal(0), Decimal(0), Decimal(0)
        for i, point in enumerate(points):
            when = max(fast.head_timestamp() + 1, start_chain + point.timestamp - start_series)
            fast.block_at(when, [(btc_feed.submit, (scaled(point.price, FEED_DECIMALS),), self.feeder),
                                 *((f.submit, (answer,), self.feeder) for f, answer in others)])
            under, _ = self.keeper.check(ids)
            if self.exchange_keeper is not None:
                result.exchange_liquidations += self._exchange_liquidations(self._price_of(b"BTC"), closed, spot)
            found.append(under)
            for position_id, cr in under:
                first_seen.setdefault(position_id, cr)
            due = found[i - self.latency] if i >= self.latency else []
            seen_now = {pid: self.lens.last[pid].crWad for pid, _ in due}
            held = self._keeper_holdings() if due else (0, 0)
            actions, receipt = self.keeper.liquidate_batch(due) if due else ([], None)
            liquidated = [a for a in actions if a.kind == "liquidated"]
            symbols_of = {a.position_id: a.synth for a in liquidated}
            shortfall_round = Decimal(0)
            if receipt is not None:
                gas = receipt.gas_used
                result.keeper_gas += gas
                events = {int(e.positionId): e for e in c["engine"].Liquidated.from_receipt(receipt)}
                shortfalls = {int(e.positionId): e for e in c["engine"].ShortfallCovered.from_receipt(receipt)}
                topped = {int(e.positionId): e for e in c["engine"].KeeperBonusTopped.from_receipt(receipt)}
                # What the keeper received, from its balances: stablecoin at $1, spot at the oracle.
                usdc_now, wbtc_now = self._keeper_holdings()
                btc_wad = self._price_of(b"BTC")
                keeper_usd = (self._usd(usdc_now - held[0], usdc_decimals)
                              + from_wad((wbtc_now - held[1]) * btc_wad // 10**self._wbtc_decimals))
                # What was burned (`repaid`: less than the debt when the fund could not cover a
                # shortfall; `repaidUsdWad` values the debt the liquidation was sized for), and of
                # it what the keeper burned itself (a stability pool burns first).
                burned = {pid: from_wad(_ceil_div(e.repaid * self._price(symbols_of[pid]), WAD))
                          for pid, e in events.items()}
                by_pool = self._pool_flows(receipt, symbols_of, btc_wad)
                keeper_burned = sum(burned.values(), Decimal(0)) - by_pool[0]
                keeper_pnl += keeper_usd - keeper_burned - gas_cost_usd(gas)
                result.pool_burned_usd += by_pool[0]
                result.depositors_pnl_usd += by_pool[1] - by_pool[0]
                income = sum((self._usd(e.penaltyToFund, usdc_decimals) for e in events.values()), Decimal(0))
                # What the fund would pay with reserves enough: each shortfall, rounded up to a
                # whole stablecoin unit as the engine asks for it, then each keeper's top-up to its
                # least bonus (a dry fund asks for less: it tops up only a repaid value it covered).
                short_usd = sum((_ceil_units(e.shortfallUsdWad, usdc_decimals) for e in shortfalls.values()),
                                Decimal(0))
                short_usd += sum((self._usd(e.requested, usdc_decimals) for e in topped.values()), Decimal(0))
                result.fund_paid_usd += sum((self._usd(e.paid, usdc_decimals) for e in shortfalls.values()), Decimal(0))
                result.fund_paid_usd += sum((self._usd(e.paid, usdc_decimals) for e in topped.values()), Decimal(0))
                # The batch's shortfalls and top-ups are paid before its penalties reach the fund.
                paid_so_far += short_usd
                need = max(need, paid_so_far - income_so_far)
                income_so_far += income
                for e in c["vault"].DebtRedistributed.from_receipt(receipt):
                    symbol = symbols[str(e.synth)]
                    result.redistributed[symbol] = result.redistributed.get(symbol, Decimal(0)) + from_wad(e.debt)
                    redistributed_usd += from_wad(e.debt * self._price(symbol) // WAD)
                for action in liquidated:
                    pid = action.position_id
                    event, short = events[pid], shortfalls.get(pid)
                    shortfall = from_wad(short.shortfallUsdWad) if short else Decimal(0)
                    shortfall_round += shortfall
                    result.liquidations.append(LiquidationRecord(
                        i, pid, self.book[pid].kind if pid in self.book else "keeper", action.synth,
                        float(from_wad(first_seen.get(pid, seen_now[pid]))), float(from_wad(seen_now[pid])),
                        burned[pid], self._usd(event.penaltyToFund, usdc_decimals), shortfall,
                        self._usd(short.paid, usdc_decimals) if short else Decimal(0),
                        from_wad(short.writtenOff) if short else Decimal(0),
                        self._usd(topped[pid].paid, usdc_decimals) if pid in topped else Decimal(0)))
                    first_seen.pop(pid, None)
            fund, pool, bad = self._books()
            open_book = [(pid, self.lens.last[pid]) for pid in self.book if pid in self.lens.last]
            open_book = [(pid, h) for pid, h in open_book if h.debtUsdWad and h.status == 0]
            crs = [float(from_wad(h.crWad)) for _, h in open_book]
            under_ratio = sum(1 for pid, h in open_book if from_wad(h.crWad) < ratios[self.book[pid].synth])
            record = RoundRecord(
                i, point.timestamp, point.price, len(liquidated), shortfall_round, self._usd(fund, usdc_decimals),
                sum((from_wad(units * self._price(s) // WAD) for s, units in bad.items() if units), Decimal(0)),
                redistributed_usd, self._usd(pool - pool0, usdc_decimals), keeper_pnl,
                under_ratio, sum(1 for cr in crs if cr < 1), _percentiles(crs))
            result.rounds.append(record)
            if on_round:
                on_round(record)
        fund, pool, bad = self._books()
        result.end_block = c["vault"].chain_manager.blocks.height
        result.bad_debt = {s: from_wad(units) for s, units in bad.items()}
        result.bad_debt_usd = {s: from_wad(units * self._price(s) // WAD) for s, units in bad.items()}
        result.fund_end_usd = self._usd(fund, usdc_decimals)
        result.fund_income_usd, result.fund_needed_usd = income_so_far, need
        result.pool_pnl_usd = self._usd(pool - pool0, usdc_decimals)
        result.keeper_pnl_usd = keeper_pnl
        result.skipped = dict(self.keeper.stats.skipped)
        return result
