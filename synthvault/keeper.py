"""A liquidation keeper: finds positions from the vault's events, checks their health in batches
through `VaultLens.healthOf` (skipping, with a log line, those it cannot price), and liquidates
those under their synth's liquidation ratio, or whose locked futures account is under the exchange's
maintenance margin (the exchange leaves locked accounts to the engine), when what the liquidation
pays (its bonus, less when the collateral cannot pay it, topped up by the fund to its least bonus
on a whole debt) pays for the gas. The engine burns from the synth's stability pool first and the
keeper repays only the rest: with a pool that holds the repayment the keeper needs no inventory,
with one that holds part of it the keeper needs only the rest. A liquidation the
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

from synthvault.errors import describe_error, project_decoder
from synthvault.report import count
from synthvault.units import WAD, asset_id, from_wad

# `IOracleHub.PriceUse.LiquidationDebt`: the price the engine values a liquidation's debt at.
LIQUIDATION_DEBT = 2

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


def _reason(data: bytes) -> str:
    """A `LiquidationFailed` reason as its custom error (`OracleStalePrice(asset='BTC', ...)`), else hex."""
    decoded = project_decoder().decode_data(data)
    return str(decoded) if decoded else "0x" + data.hex()


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def liquidation_pay_usd_wad(collateral_usd_wad: int, repaid_usd_wad: int, penalty_wad: int,
                            keeper_share_wad: int, min_bonus_usd_wad: int = 0, whole: bool = True) -> int:
    """What a liquidation repaying `repaid_usd_wad` pays its keeper beyond the value repaid, as the
    engine pays it (`ILiquidationEngine`): the keeper is due the repaid value plus its share of the
    penalty on it, taken from the collateral before the fund's cut; a position whose collateral
    cannot pay that gives the keeper all of it (less than the bonus), and one under 100% CR gives it
    the collateral topped up by the fund to the repaid value. When such a liquidation repays the
    whole debt (`whole`) and so takes every bit of collateral, the fund then tops the keeper's
    profit up to its least bonus, min(`min_bonus_usd_wad`, the bonus it was due). Not counted: the
    closing costs of a futures account (impact, fee: they lower the pay a little), the top-up's
    rounding down to a whole stablecoin unit, and a fund too dry to pay (it then pays less)."""
    bonus = repaid_usd_wad * penalty_wad // WAD * keeper_share_wad // WAD
    due = repaid_usd_wad + bonus
    pay = max(0, min(collateral_usd_wad, due) - repaid_usd_wad)
    if whole and collateral_usd_wad < due:
        pay = max(pay, min(min_bonus_usd_wad, bonus))
    return pay


def keeper_pay_usd_wad(pay_usd_wad: int, compensation_usd_wad: int, repay: int, from_pool: int,
                       target: int = 0) -> int:
    """What the keeper keeps of a liquidation that pays `pay_usd_wad` over the value it repays
    (`liquidation_pay_usd_wad`) when the stability pool burns `from_pool` of the `repay` (synth
    units), as the engine shares it (`ILiquidationEngine`, step 7): its gas compensation, in
    proportion to `repay` over the engine's `target` repayment when it repays less (rounded down),
    at most the pay; then of the rest the share of `repay` it burned itself (rounded down); all of
    it with no pool. The keeper's own synth comes back at its value, so this is its profit before
    gas."""
    if from_pool == 0:
        return pay_usd_wad
    if target > repay:
        compensation_usd_wad = compensation_usd_wad * repay // target
    compensation = min(compensation_usd_wad, pay_usd_wad)
    return compensation + (pay_usd_wad - compensation) * (repay - from_pool) // repay


@dataclass(frozen=True)
class Plan:
    """How a liquidation will be repaid: `repay` synth units burned (the `whole` debt or not), of
    them `from_pool` from the stability pool and the rest from the keeper, which offers `offer`
    (the engine's `repayAmount`)."""

    repay: int
    whole: bool
    from_pool: int
    offer: int

    @property
    def from_keeper(self) -> int:
        return self.repay - self.from_pool

    def note(self, symbol: str) -> str:
        """How the detail of the keeper's action starts: which path it took."""
        if self.from_pool == 0:
            return ""
        return f"{'partly ' if self.from_keeper else ''}through the {symbol} pool, "


def plan_repayment(repay: int, whole: bool, pool_deposits: int, balance: int) -> Plan:
    """The engine's path for a quoted repayment `repay` (`repayQuote`) with `pool_deposits` in the
    synth's stability pool and `balance` of the synth held by the keeper: the pool burns first, the
    keeper the rest, together at most what they hold (a whole debt they cannot cover is still
    offered: the engine refuses it, and says why). The keeper offers all it can stand behind: no cap
    when the pool covers the quote, else the pool's deposits and its own balance (the engine burns
    at most its target; between the quote and the block, the fee grows the debt and can turn a
    partial target into a whole one, which an offer of the quoted amount would fail)."""
    can = pool_deposits + balance
    covered = min(repay, can)
    offer = MAX_UINT if pool_deposits >= repay else can
    return Plan(covered, whole and can >= repay, min(pool_deposits, covered), offer)


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
    # The vault's futures adapter (project.FuturesCollateral) and its exchange; None: no haircut read
    venue: Any = None
    exchange: Any = None
    batch_size: int = 200
    min_profit_usd_wad: int = 0
    start_block: int = 0
    known: set[int] = field(default_factory=set)
    stats: KeeperStats = field(default_factory=KeeperStats)
    _synth_of: dict[int, Any] = field(default_factory=dict)
    _symbols: dict[str, str] = field(default_factory=dict)  # synth address -> symbol
    _collateral: dict[int, int] = field(default_factory=dict)  # position -> collateral (USD WAD) at the last check
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
        """(position, CR) of every position the engine would liquidate (under its synth's
        liquidation ratio, or its locked account under the exchange's maintenance margin, debt or
        not), and the positions the lens cannot price (a stale or frozen feed: the engine would
        refuse them), each skipped with a log line naming its synth. Once the vault is shut down
        only a no-debt account under maintenance is the engine's: a debt is the settlement's."""
        ids = sorted(ids)
        shut_down = self.vault.isShutdown()
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
                if health.status != HEALTH_OK or (shut_down and health.debtUsdWad):
                    continue
                synth = self.synth_of(position_id).address
                if synth not in ratios:
                    ratios[synth] = self.vault.synthParams(synth).liquidationRatioWad
                if (health.debtUsdWad and health.crWad < ratios[synth]) or health.accountUnderMaintenance:
                    under_water.append((position_id, health.crWad))
                    self._collateral[position_id] = self.seizable_usd_wad(position_id, health.collateralUsdWad)
        return under_water, unpriceable

    def seizable_usd_wad(self, position_id: int, counted_usd_wad: int) -> int:
        """What the engine can seize of the position: the lens's collateral (`counted_usd_wad`),
        except that a locked account on a venue winding down counts there at (1 - haircut) while
        the engine closes and takes the account itself (its close value at the liquidation's
        marks). So a haircut makes a position liquidatable without making it pay less."""
        if self.venue is None or self.exchange is None or self.venue.venueState()[1] == 0:
            return counted_usd_wad
        position = self.vault.position(position_id)
        if not position.hasAccount:
            return counted_usd_wad
        ok, counted_account, _ = self.venue.tryLiquidationValueUsdWad(position.accountId)
        if not ok:
            return counted_usd_wad
        own = max(0, self.exchange.liquidationCloseValue(position.accountId))
        return counted_usd_wad - counted_account + own

    # Does it pay?
    def expected_pay_usd_wad(self, position_id: int, repay: int, collateral_usd_wad: int | None = None,
                             whole: bool = True, from_pool: int = 0, target: int = 0) -> int:
        """What liquidating the position (repaying `repay`, the `whole` debt or not, of it
        `from_pool` burned from the synth's stability pool) pays the keeper over the value it
        repays itself, before gas: `liquidation_pay_usd_wad` (less than the full bonus from under
        100% + the keeper's bonus, where a whole-debt liquidation has the fund top it up to the
        least bonus), shared with the pool by `keeper_pay_usd_wad`. The collateral is the lens's
        (read now unless given), its venue's haircut put back (`seizable_usd_wad`); the repayment is
        valued as the engine values it, at the debt side's price (over a weekend, the synth market's
        last close)."""
        synth = self.synth_of(position_id)
        params = self.vault.synthParams(synth)
        if collateral_usd_wad is None:
            collateral_usd_wad = self.seizable_usd_wad(position_id, self.lens.health(position_id)[0])
        # The engine's rounding, at the debt side's price.
        repaid_usd = _ceil_div(repay * self.oracle.priceWadFor(synth.asset(), LIQUIDATION_DEBT), WAD)
        pay = liquidation_pay_usd_wad(collateral_usd_wad, repaid_usd, params.liquidationPenaltyWad,
                                      self.engine.keeperShareWad(), self.engine.minKeeperBonusUsdWad(), whole)
        compensation = self.engine.gasCompensationUsdWad() if from_pool else 0
        return keeper_pay_usd_wad(pay, compensation, repay, from_pool, target)

    def expected_profit_usd_wad(self, position_id: int, repay: int, gas: int, gas_price: int,
                                collateral_usd_wad: int | None = None, whole: bool = True,
                                from_pool: int = 0, target: int = 0) -> int:
        """`expected_pay_usd_wad` less the gas at the oracle's ETH price."""
        pay = self.expected_pay_usd_wad(position_id, repay, collateral_usd_wad, whole, from_pool, target)
        return pay - self.gas_usd_wad(gas, gas_price)

    def pool_deposits(self, position_id: int) -> int:
        """What the synth's stability pool holds: the engine burns from it first (0 without a pool,
        or when the keeper never takes the pool's path, `pool_at` None)."""
        if self.pool_at is None:
            return 0
        address = self.engine.stabilityPools(self.synth_of(position_id))
        if int(address, 16) == 0:
            return 0
        return self.pool_at(address).totalDeposits()

    def plan(self, position_id: int, repay: int, whole: bool, balance: int | None = None) -> Plan:
        """`plan_repayment` for the position, with its synth's pool and the keeper's balance (read
        now unless given)."""
        if balance is None:
            balance = self.synth_of(position_id).balanceOf(self.sender)
        return plan_repayment(repay, whole, self.pool_deposits(position_id), balance)

    def gas_usd_wad(self, gas: int, gas_price: int) -> int:
        """`gas` at `gas_price` (wei) in USD at the oracle's ETH price; 0 when the price is 0."""
        return gas * gas_price * self.oracle.priceWad(asset_id("ETH")) // WAD if gas_price else 0

    def liquidate(self, position_id: int, cr_wad: int, gas_price: int) -> Action:
        """Liquidates the position if it pays, burning from the synth's stability pool first and the
        synth the keeper holds for the rest (`plan`); a revert (of the quote, the gas estimate or the
        transaction) is raised."""
        symbol = self.symbol_of(position_id)
        repay, whole = self.engine.repayQuote(position_id)
        if repay == 0 and whole:
            return self.close_account(position_id, cr_wad, gas_price)
        plan = self.plan(position_id, repay, whole)
        if plan.repay == 0:
            return Action(position_id, "no-synth", cr_wad, detail=f"the keeper holds no {symbol}", synth=symbol)
        pay = self.expected_pay_usd_wad(position_id, plan.repay, self._collateral.get(position_id), plan.whole,
                                        plan.from_pool, repay)
        return self._send_if_it_pays(position_id, cr_wad, plan.offer, pay, gas_price, plan.repay, plan.note(symbol))

    def close_account(self, position_id: int, cr_wad: int, gas_price: int) -> Action:
        """A position with no debt whose locked account is under maintenance: the engine closes the
        account and pays the exchange's reward out of it (no synth to repay: any amount but 0 is
        offered). What it pays is read by simulating the call."""
        paid = self.engine.liquidate.call(position_id, 1, 0, sender=self.sender)[1]
        return self._send_if_it_pays(position_id, cr_wad, 1, paid, gas_price, 0, "", " (account closed, no debt)")

    def _send_if_it_pays(self, position_id: int, cr_wad: int, offer: int, pay_usd_wad: int, gas_price: int,
                         repay: int, note: str, suffix: str = "") -> Action:
        """Liquidates the position offering `offer` if `pay_usd_wad` less the gas (estimated for this
        call) is at least `min_profit_usd_wad`; else an `unprofitable` action. `note` starts the
        action's detail (the path taken), `suffix` ends it."""
        symbol = self.symbol_of(position_id)
        gas = self.engine.liquidate.estimate_gas_cost(position_id, offer, 0, sender=self.sender)
        profit = pay_usd_wad - self.gas_usd_wad(gas, gas_price)
        if profit < self.min_profit_usd_wad:
            return Action(position_id, "unprofitable", cr_wad, repay,
                          f"{note}expected profit {profit / WAD:.2f} USD", symbol)
        tx = self.engine.liquidate(position_id, offer, 0, sender=self.sender)
        repaid = tx.return_value[0] if tx.return_value else repay
        return Action(position_id, "liquidated", cr_wad, repaid, f"{note}tx {tx.txn_hash}{suffix}", symbol)

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

    def liquidate_batch(self, candidates: list[tuple[int, int]], gas_price: int = 0) -> tuple[list[Action], Any]:
        """The positions of `candidates` ((position, CR) under water, from `check`) liquidated in one
        `LiquidationEngine.liquidateMany`, each as far as the engine allows, after the same choice
        `liquidate` makes for each (`plan`: the synth's stability pool first, the keeper's synth for
        the rest): skipped when neither holds any of its synth (`no-synth`), the quote reverts
        (`failed`) or what it pays is under `min_profit_usd_wad` (`unprofitable`; the gas of the
        batch shared evenly). What a planned liquidation that covers its quote burns is counted
        against the pool and the keeper for the positions after it. One the engine then passes
        over or refuses is a `failed` action. Returns the actions, counted in `stats`, and the
        batch's receipt (None when nothing was sent)."""
        actions: dict[int, Action] = {}
        chosen: list[tuple[int, int, Plan]] = []
        held: dict[str, list[int]] = {}  # symbol -> [pool deposits, keeper's balance] still free
        for position_id, cr_wad in candidates:
            symbol = self.symbol_of(position_id)
            if symbol not in held:
                held[symbol] = [self.pool_deposits(position_id), self.synth_of(position_id).balanceOf(self.sender)]
            try:
                repay, whole = self.engine.repayQuote(position_id)
            except ContractLogicError as err:
                actions[position_id] = Action(position_id, "failed", cr_wad, detail=describe_error(err), synth=symbol)
                continue
            plan = plan_repayment(repay, whole, *held[symbol])
            if plan.repay == 0:
                actions[position_id] = Action(position_id, "no-synth", cr_wad,
                                              detail=f"the keeper holds no {symbol}", synth=symbol)
                continue
            if plan.repay == repay:
                held[symbol][0] -= plan.from_pool
                held[symbol][1] -= plan.from_keeper
            chosen.append((position_id, cr_wad, plan))
        gas = 0
        if chosen and gas_price:
            ids = [position_id for position_id, _, _ in chosen]
            gas = self.engine.liquidateMany.estimate_gas_cost(ids, 0, sender=self.sender) // len(ids)
        batch = []
        for position_id, cr_wad, plan in chosen:
            profit = self.expected_profit_usd_wad(position_id, plan.repay, gas, gas_price,
                                                  self._collateral.get(position_id), plan.whole, plan.from_pool)
            symbol = self.symbol_of(position_id)
            if profit < self.min_profit_usd_wad:
                actions[position_id] = Action(position_id, "unprofitable", cr_wad, plan.repay,
                                              f"{plan.note(symbol)}expected profit {profit / WAD:.2f} USD", symbol)
            else:
                batch.append((position_id, cr_wad, plan))
        receipt = None
        if batch:
            receipt = self.engine.liquidateMany([position_id for position_id, _, _ in batch], 0, sender=self.sender)
            repaid = {int(e.positionId): int(e.repaid) for e in self.engine.Liquidated.from_receipt(receipt)}
            refused = {int(e.positionId): _reason(bytes(e.reason))
                       for e in self.engine.LiquidationFailed.from_receipt(receipt)}
            for position_id, cr_wad, plan in batch:
                symbol = self.symbol_of(position_id)
                if position_id in repaid:
                    actions[position_id] = Action(position_id, "liquidated", cr_wad, repaid[position_id],
                                                  f"{plan.note(symbol)}tx {receipt.txn_hash}", symbol)
                else:
                    why = refused.get(position_id, "passed over by liquidateMany: no longer under its ratio")
                    actions[position_id] = Action(position_id, "failed", cr_wad, detail=why, synth=symbol)
        ordered = [actions[position_id] for position_id, _ in candidates]
        for action in ordered:
            self.stats.record(action)
        return ordered, receipt

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
