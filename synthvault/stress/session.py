"""A stress session on a fresh local chain: deploy at the series' first price, open the book,
arm the keeper, snapshot; then each run (one per keeper latency, and the fund-sizing runs)
restores the snapshot, puts its insurance fund in, and replays the path."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from typing import Any

from synthvault.keeper import Keeper
from synthvault.prices import PricePoint
from synthvault.stress.book import PositionSpec, book_params, generate_book
from synthvault.stress.chain import FastChain, FastLens, FastViews
from synthvault.stress.runner import RoundRecord, Runner, RunResult
from synthvault.stress.setup import Book, arm_keeper, deploy, open_book, stress_config
from synthvault.system import System
from synthvault.units import scaled

# The fund of the sizing run: more than any book here could draw, so that it never runs short.
SIZING_FUND_USD = Decimal(1_000_000_000)


@dataclass
class Session:
    project: Any
    chain: Any
    roles: dict[str, Any]  # owner, trader, keeper, exchange_keeper, depositor (of the stability pools)
    system: System
    fast: FastChain
    book: Book
    specs: list[PositionSpec]
    keeper_positions: list[int]
    inventory: str
    snapshot: Any = None
    results: list[RunResult] = field(default_factory=list)

    def _deposit(self, usd: Decimal) -> None:
        c, owner = self.system.contracts, self.roles["owner"]
        units = scaled(usd.quantize(Decimal(1), ROUND_UP), c["usdc"].decimals())
        if units:
            self.fast.send(c["usdc"].mint, owner, units, sender=owner)
            self.fast.send(c["usdc"].approve, c["fund"], units, sender=owner)
            self.fast.send(c["fund"].deposit, units, sender=owner)
            self.fast.check()

    def _pool_at(self, address: str) -> FastViews:
        """The stability pool at `address`, its views read fast."""
        pools = {str(p.address).lower(): p for p in self.system.stability_pools.values()}
        return FastViews(pools[address.lower()], self.fast)

    def run(self, points: list[PricePoint], latency: int, fund_usd: Decimal,
            on_round: Callable[[RoundRecord], None] | None = None, exchange_keeper: bool = False) -> RunResult:
        """One replay of `points` from the snapshot, the fund holding `fund_usd`, the keeper `latency` rounds late."""
        self.chain.restore(self.snapshot)
        self.snapshot = self.chain.snapshot()  # a restored snapshot is spent: take it again
        self._deposit(fund_usd)
        c = self.system.contracts
        lens = FastLens(c["lens"], self.fast)
        keeper = Keeper(vault=FastViews(c["vault"], self.fast), lens=lens, engine=FastViews(c["engine"], self.fast),
                        oracle=FastViews(c["oracle"], self.fast), sender=self.roles["keeper"],
                        synth_at=lambda address: FastViews(self.project.SyntheticToken.at(address), self.fast),
                        pool_at=self._pool_at)
        keeper.known = {*self.book.positions, *self.keeper_positions}  # what `discover` would find
        runner = Runner(self.system, self.fast, keeper, lens, self.book.positions, self.roles["owner"],
                        latency, self.inventory, self.roles["exchange_keeper"] if exchange_keeper else None,
                        self.book.accounts)
        result = runner.run(points, on_round)
        self.results.append(result)
        return result

    def size_fund(self, points: list[PricePoint], latency: int, on_round: Callable[[RoundRecord], None] | None = None,
                  exchange_keeper: bool = False) -> tuple[Decimal, RunResult]:
        """The smallest insurance fund with which this book ends with no bad debt and no
        redistribution at `latency`: one run with a fund that never runs short gives every
        shortfall and every penalty in order, so the least starting reserves that pay each one
        when due (`RunResult.fund_needed_usd`); a run with that fund is then the same run. Returns
        it (rounded up to a dollar) and the run that checks it."""
        sizing = self.run(points, latency, SIZING_FUND_USD, on_round, exchange_keeper)
        needed = sizing.fund_needed_usd.quantize(Decimal(1), ROUND_UP)
        check = self.run(points, latency, needed, on_round, exchange_keeper)
        return needed, check


def start(project: Any, chain: Any, roles: dict[str, Any], config: dict[str, Any], first_price: Decimal,
          positions: int, seed: int, inventory: str, capital_usd: Decimal, pool_usd: Decimal) -> Session:
    """Deploys (BTC at `first_price`, no insurance fund yet), opens the seeded book and arms the keeper."""
    fast = FastChain(chain.provider)
    system = deploy(project, roles["owner"], stress_config(config, first_price, Decimal(0), pool_usd))
    specs = generate_book(positions, seed, list(config["synths"]), book_params(config, first_price))
    book = open_book(system, fast, roles["owner"], roles["trader"], specs)
    keeper_positions = arm_keeper(system, fast, roles["owner"], roles["keeper"], book, inventory, capital_usd,
                                  roles.get("depositor"))
    return Session(project, chain, roles, system, fast, book, specs, keeper_positions, inventory,
                   snapshot=chain.snapshot())
