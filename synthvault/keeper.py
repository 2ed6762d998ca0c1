"""A liquidation keeper: finds positions from the vault's events, checks their health in batches
through `VaultLens.healthOf` (skipping, with a log line, those it cannot price), and liquidates
those under their synth's liquidation ratio when the reward pays for the gas: through the synth's
stability pool when it holds the repayment (no inventory needed), else repaying the synth the
keeper holds. A liquidation the
chain refuses (a revert) is recorded for that position and the pass goes on; the chain's own failures
(RPC errors, a node restarting) fail the pass, which is retried with backoff. `KeeperStats` counts
what it did, for the line it says when it stops."""

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ape.exceptions import ContractLogicError

from synthvault.errors import describe_error
from synthvault.report import count
from synthvault.units import WAD, asset_id, from_wad

log = logging.getLogger("synthvault.keeper")
MAX_UINT = 2**256 - 1
# `IVaultLens.HealthStatus`.
HEALTH_OK, HEALTH_UNKNOWN, HEALTH_UNPRICEABLE = 0, 1, 2
# Why a position was not liquidated: the keeper held none of its synth, the reward would not pay for
# the gas, the chain refused the liquidation (a revert), or a price it needs could not be trusted.
SKIP_KINDS = ("no-synth", "unprofitable", "failed", "unpriceable")


def scan_positions(vault: Any, start: int, head: int, known: set[int]) -> set[int]:
    """`known` with the positions opened in blocks [start, head] added and those closed dropped."""
    if start <= head:
        known.update(int(event.positionId) for event in vault.PositionOpened.range(start, head + 1))
        known.difference_update(int(event.positionId) for event in vault.PositionClosed.range(start, head + 1))
    return known


@dataclass(frozen=True)
class Action:
    """What the keeper did (or would have done) about one position."""

    position_id: int
    kind: str  # "liquidated", "unprofitable", "no-synth", "failed"
    cr_wad: int
    repaid: int = 0  # synth units (18 decimals)
    detail: str = ""  # the transaction, or why not: the expected profit, the decoded revert
    synth: str = ""  # the symbol of the synth the position owes


@dataclass
class KeeperStats:
    """What a keeper did since it started: `run_once` and `run_forever` count, `summary_line` says it."""

    passes: int = 0  # passes completed
    errors: int = 0  # failed passes survived (an RPC error, a node restarting)
    watched: int = 0  # open positions known after the last pass
    liquidated: int = 0
    repaid: dict[str, int] = field(default_factory=dict)  # synth symbol -> synth units repaid
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_KINDS, 0))
    interrupted: bool = False  # stopped by Ctrl-C

    def record(self, action: Action) -> None:
        if action.kind == "liquidated":
            self.liquidated += 1
            self.repaid[action.synth] = self.repaid.get(action.synth, 0) + action.repaid
        else:
            self.skipped[action.kind] = self.skipped.get(action.kind, 0) + 1

    def summary_line(self) -> str:
        """`keeper stopped after 3 passes (1 error survived): 4 positions watched, 2 liquidated
        (repaid 32.2000 sXAU); skipped: 0 no-synth, 0 unprofitable, 1 failed, 4 unpriceable`."""
        how = "interrupted (Ctrl-C)" if self.interrupted else "stopped"
        repaid = ", ".join(f"{from_wad(units):,.4f} {synth}" for synth, units in sorted(self.repaid.items()))
        skipped = ", ".join(f"{n} {kind}" for kind, n in self.skipped.items())
        return (f"keeper {how} after {count(self.passes, 'pass', 'passes')} "
                f"({count(self.errors, 'error')} survived): {count(self.watched, 'position')} watched, "
                f"{self.liquidated} liquidated{f' (repaid {repaid})' if repaid else ''}; skipped: {skipped}")


@dataclass
class Keeper:
    vault: Any
    lens: Any  # the vault's VaultLens
    engine: Any
    oracle: Any
    sender: Any
    synth_at: Callable[[Any], Any]  # address -> the SyntheticToken contract (project.SyntheticToken.at)
    # address -> the StabilityPool contract (project.StabilityPool.at); None: never the pool's path
    pool_at: Callable[[Any], Any] | None = None
    batch_size: int = 200
    min_profit_usd_wad: int = 0
    start_block: int = 0
    known: set[int] = field(default_factory=set)
    stats: KeeperStats = field(default_factory=KeeperStats)
    _synth_of: dict[int, Any] = field(default_factory=dict)
    _symbols: dict[str, str] = field(default_factory=dict)  # synth address -> symbol
    _next_block: int = 0

    # Discovery: from events, never by guessing ids.
    def discover(self, head: int) -> set[int]:
        """Adds the positions opened since the last scan and drops those closed; returns the open set."""
        scan_positions(self.vault, max(self.start_block, self._next_block), head, self.known)
        self._next_block = max(self._next_block, head + 1)
        return self.known

    def synth_of(self, position_id: int) -> Any:
        """The synth token a position owes (a position never changes synth: cached)."""
        if position_id not in self._synth_of:
            self._synth_of[position_id] = self.synth_at(self.vault.position(position_id).synth)
        return self._synth_of[position_id]

    def symbol_of(self, position_id: int) -> str:
        """The symbol of the synth a position owes (`sXAU`), read once per synth."""
        synth = self.synth_of(position_id)
        address = str(synth.address)
        if address not in self._symbols:
            self._symbols[address] = synth.symbol()
        return self._symbols[address]

    # Health, in batches.
    def check(self, ids: Iterable[int]) -> tuple[list[tuple[int, int]], list[int]]:
        """(position, CR) of every position under its synth's liquidation ratio, and the positions
        the lens cannot price (a stale or frozen feed: the engine would refuse them), each skipped
        with a log line naming its synth."""
        ids = sorted(ids)
        ratios: dict[Any, int] = {}
        under_water, unpriceable = [], []
        for i in range(0, len(ids), self.batch_size):
            batch = ids[i:i + self.batch_size]
            for position_id, health in zip(batch, self.lens.healthOf(batch), strict=True):
                if health.status == HEALTH_UNPRICEABLE:
                    log.warning("position %s (%s) skipped: a price it needs cannot be trusted",
                                position_id, self.symbol_of(position_id))
                    unpriceable.append(position_id)
                    continue
                if health.status != HEALTH_OK:
                    continue
                synth = self.synth_of(position_id).address
                if synth not in ratios:
                    ratios[synth] = self.vault.synthParams(synth).liquidationRatioWad
                if health.debtUsdWad and health.crWad < ratios[synth]:
                    under_water.append((position_id, health.crWad))
        return under_water, unpriceable

    # Does it pay?
    def expected_profit_usd_wad(self, position_id: int, repay: int, gas: int, gas_price: int,
                                through_pool: bool = False) -> int:
        """The keeper's share of the penalty on `repay` (through the pool: its gas compensation, at
        most that share), less the gas at the oracle's ETH price."""
        synth = self.synth_of(position_id)
        params = self.vault.synthParams(synth)
        repaid_usd = repay * self.oracle.priceWad(synth.asset()) // WAD
        reward = repaid_usd * params.liquidationPenaltyWad // WAD * self.engine.keeperShareWad() // WAD
        if through_pool:
            reward = min(reward, self.engine.gasCompensationUsdWad())
        gas_usd = gas * gas_price * self.oracle.priceWad(asset_id("ETH")) // WAD if gas_price else 0
        return reward - gas_usd

    def pool_covers(self, position_id: int, repay: int) -> bool:
        """Whether the synth's stability pool holds `repay`: the engine then burns from the pool,
        and the keeper needs no synth."""
        if self.pool_at is None or repay == 0:
            return False
        address = self.engine.stabilityPools(self.synth_of(position_id))
        if int(address, 16) == 0:
            return False
        return self.pool_at(address).totalDeposits() >= repay

    def liquidate(self, position_id: int, cr_wad: int, gas_price: int) -> Action:
        """Liquidates the position if it pays: through the synth's stability pool when the pool
        holds the repayment (the keeper needs no synth then), else with the synth the keeper holds;
        a revert (of the quote, the gas estimate or the transaction) is raised."""
        symbol = self.symbol_of(position_id)
        repay, _ = self.engine.repayQuote(position_id)
        if self.pool_covers(position_id, repay):
            return self._through_pool(position_id, cr_wad, repay, gas_price, symbol)
        balance = self.synth_of(position_id).balanceOf(self.sender)
        repay = min(repay, balance)
        if repay == 0:
            return Action(position_id, "no-synth", cr_wad, detail=f"the keeper holds no {symbol}", synth=symbol)
        # The engine repays at most its own target (what restores the position, or the whole debt)
        # and burns only that, so the keeper offers all it holds: between the quote and the block
        # the transaction lands in, the fee grows the debt and can turn a partial target into a
        # whole one, which an offer of the quoted amount would fail (`RepayTooSmall`).
        offer = balance
        gas = self.engine.liquidate.estimate_gas_cost(position_id, offer, 0, sender=self.sender)
        profit = self.expected_profit_usd_wad(position_id, repay, gas, gas_price)
        if profit < self.min_profit_usd_wad:
            return Action(position_id, "unprofitable", cr_wad, repay, f"expected profit {profit / WAD:.2f} USD",
                          symbol)
        tx = self.engine.liquidate(position_id, offer, 0, sender=self.sender)
        repaid = tx.return_value[0] if tx.return_value else repay
        return Action(position_id, "liquidated", cr_wad, repaid, f"tx {tx.txn_hash}", symbol)

    def _through_pool(self, position_id: int, cr_wad: int, repay: int, gas_price: int, symbol: str) -> Action:
        """The pool's path: the keeper offers no synth of its own (no cap: the engine repays its
        target from the pool) and is paid its gas compensation."""
        gas = self.engine.liquidate.estimate_gas_cost(position_id, MAX_UINT, 0, sender=self.sender)
        profit = self.expected_profit_usd_wad(position_id, repay, gas, gas_price, through_pool=True)
        if profit < self.min_profit_usd_wad:
            return Action(position_id, "unprofitable", cr_wad, repay,
                          f"through the {symbol} pool, expected profit {profit / WAD:.2f} USD", symbol)
        tx = self.engine.liquidate(position_id, MAX_UINT, 0, sender=self.sender)
        repaid = tx.return_value[0] if tx.return_value else repay
        return Action(position_id, "liquidated", cr_wad, repaid, f"through the {symbol} pool, tx {tx.txn_hash}",
                      symbol)

    def attempt(self, position_id: int, cr_wad: int, gas_price: int) -> Action:
        """`liquidate`, standing alone: a revert (the engine refusing this position for a reason the
        health check could not foresee) is a `failed` action carrying the decoded error, logged.
        Any other error (the node gone) is raised: it fails the pass."""
        symbol = self.symbol_of(position_id)
        try:
            action = self.liquidate(position_id, cr_wad, gas_price)
        except ContractLogicError as err:
            action = Action(position_id, "failed", cr_wad, detail=describe_error(err), synth=symbol)
        level = logging.WARNING if action.kind == "failed" else logging.INFO
        log.log(level, "position %s (%s) at CR %.4f: %s (%s)", position_id, action.synth, cr_wad / WAD, action.kind,
                action.detail)
        return action

    def start_line(self, uri: str, chain_id: int) -> str:
        """What the keeper says once, before its first pass: where it runs and as whom."""
        return (f"keeper on {uri} (chain {chain_id}): vault {self.vault.address}, signer {self.sender.address}, "
                f"positions from block {self.start_block}")

    def pass_line(self, head: int, actions: list[Action]) -> str:
        """What the keeper says after each pass (a heartbeat while it runs, the result of --once)."""
        done = ", ".join(f"#{a.position_id} {a.kind}" for a in actions) or "none"
        return f"block {head}: {count(len(self.known), 'position')} watched, {len(actions)} under water: {done}"

    def run_once(self, head: int, gas_price: int = 0) -> list[Action]:
        """One pass: discover, check, liquidate what is under water and pays, each position on its
        own (`attempt`). Counted in `stats` as it goes: a pass that fails halfway keeps the
        liquidations it made."""
        under_water, unpriceable = self.check(self.discover(head))
        self.stats.watched = len(self.known)
        self.stats.skipped["unpriceable"] += len(unpriceable)
        actions = []
        for position_id, cr in under_water:
            action = self.attempt(position_id, cr, gas_price)
            self.stats.record(action)
            actions.append(action)
        self.stats.passes += 1
        return actions


def run_forever(
    step: Callable[[], list[Action]],
    interval_s: float,
    sleep: Callable[[float], None] = time.sleep,
    max_backoff_s: float = 60.0,
    passes: int | None = None,
    max_consecutive_errors: int | None = None,
    describe: Callable[[BaseException], str] = describe_error,
    stats: KeeperStats | None = None,
) -> int:
    """Runs `step` every `interval_s` seconds; on an error (an RPC failure, a restarted node),
    logs it and retries after a backoff that doubles up to `max_backoff_s`. Stops after `passes`
    successful passes when given; re-raises the error that makes `max_consecutive_errors` in a
    row when given (default: never gives up). Each failure is logged as `describe` says it (a
    revert as its decoded custom error) and counted in `stats.errors` when given. Returns the
    number of errors survived."""
    errors, backoff, done, in_a_row = 0, interval_s or 1.0, 0, 0
    while passes is None or done < passes:
        try:
            step()
        except Exception as err:  # noqa: BLE001 - a keeper must outlive any one failure
            errors += 1
            in_a_row += 1
            if max_consecutive_errors is not None and in_a_row >= max_consecutive_errors:
                raise
            if stats is not None:
                stats.errors += 1
            log.warning("pass failed (%s); retrying in %.0f s", describe(err), backoff)
            sleep(backoff)
            backoff = min(backoff * 2, max_backoff_s)
            continue
        done += 1
        in_a_row = 0
        backoff = interval_s or 1.0
        if passes is None or done < passes:
            sleep(interval_s)
    return errors


def run_until_stopped(
    step: Callable[[], list[Action]],
    stats: KeeperStats,
    interval_s: float,
    once: bool = False,
    passes: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> KeeperStats:
    """What `make keeper` runs: one pass (`once`, no retry), or `run_forever` (for `passes` when
    given). Ctrl-C stops it like the last pass would: `stats.interrupted` is set and `stats`
    returned, for the script to say `stats.summary_line()` and exit 0."""
    try:
        with ctrl_c_interrupts():
            if once:
                step()
            else:
                run_forever(step, interval_s, sleep=sleep, passes=passes, stats=stats)
    except KeyboardInterrupt:
        stats.interrupted = True
    return stats


@contextlib.contextmanager
def ctrl_c_interrupts() -> Iterator[None]:
    """Inside, Ctrl-C (SIGINT) raises KeyboardInterrupt, as in plain Python: Ape's own handler
    (installed when `ape` is imported, and again when a provider connects) exits at once with
    status 130, before the keeper can say what it did. The previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; elsewhere Ctrl-C is not ours to handle
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
