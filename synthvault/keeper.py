"""A liquidation keeper: finds positions from the vault's events, checks their health in batches
through `VaultLens.healthOf` (skipping, with a log line, those it cannot price), and liquidates
those under their synth's liquidation ratio when the reward pays for the gas. Survives RPC errors and
node restarts by retrying with backoff."""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from synthvault.errors import describe_error
from synthvault.units import WAD, asset_id

log = logging.getLogger("synthvault.keeper")
MAX_UINT = 2**256 - 1
# `IVaultLens.HealthStatus`.
HEALTH_OK, HEALTH_UNKNOWN, HEALTH_UNPRICEABLE = 0, 1, 2


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
    repaid: int = 0
    detail: str = ""


@dataclass
class Keeper:
    vault: Any
    lens: Any  # the vault's VaultLens
    engine: Any
    oracle: Any
    sender: Any
    synth_at: Callable[[Any], Any]  # address -> the SyntheticToken contract (project.SyntheticToken.at)
    batch_size: int = 200
    min_profit_usd_wad: int = 0
    start_block: int = 0
    known: set[int] = field(default_factory=set)
    _synth_of: dict[int, Any] = field(default_factory=dict)
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

    # Health, in batches.
    def unhealthy(self, ids: Iterable[int]) -> list[tuple[int, int]]:
        """(position, CR) of every position under its synth's liquidation ratio. A position the lens
        cannot price (a stale or frozen feed) is skipped with a log line: the engine would refuse it."""
        ids = sorted(ids)
        ratios: dict[Any, int] = {}
        out = []
        for i in range(0, len(ids), self.batch_size):
            batch = ids[i:i + self.batch_size]
            for position_id, health in zip(batch, self.lens.healthOf(batch), strict=True):
                if health.status == HEALTH_UNPRICEABLE:
                    log.warning("position %s skipped: a price it needs cannot be trusted", position_id)
                    continue
                if health.status != HEALTH_OK:
                    continue
                synth = self.synth_of(position_id).address
                if synth not in ratios:
                    ratios[synth] = self.vault.synthParams(synth).liquidationRatioWad
                if health.debtUsdWad and health.crWad < ratios[synth]:
                    out.append((position_id, health.crWad))
        return out

    # Does it pay?
    def expected_profit_usd_wad(self, position_id: int, repay: int, gas: int, gas_price: int) -> int:
        """The keeper's share of the penalty on `repay`, less the gas at the oracle's ETH price."""
        synth = self.synth_of(position_id)
        params = self.vault.synthParams(synth)
        repaid_usd = repay * self.oracle.priceWad(synth.asset()) // WAD
        reward = repaid_usd * params.liquidationPenaltyWad // WAD * self.engine.keeperShareWad() // WAD
        gas_usd = gas * gas_price * self.oracle.priceWad(asset_id("ETH")) // WAD if gas_price else 0
        return reward - gas_usd

    def liquidate(self, position_id: int, cr_wad: int, gas_price: int) -> Action:
        repay, _ = self.engine.repayQuote(position_id)
        balance = self.synth_of(position_id).balanceOf(self.sender)
        repay = min(repay, balance)
        if repay == 0:
            return Action(position_id, "no-synth", cr_wad, detail="the keeper holds none of the synth")
        # The engine repays at most its own target (what restores the position, or the whole debt)
        # and burns only that, so the keeper offers all it holds: between the quote and the block
        # the transaction lands in, the fee grows the debt and can turn a partial target into a
        # whole one, which an offer of the quoted amount would fail (`RepayTooSmall`).
        offer = balance
        gas = self.engine.liquidate.estimate_gas_cost(position_id, offer, 0, sender=self.sender)
        profit = self.expected_profit_usd_wad(position_id, repay, gas, gas_price)
        if profit < self.min_profit_usd_wad:
            return Action(position_id, "unprofitable", cr_wad, repay, f"expected profit {profit / WAD:.2f} USD")
        tx = self.engine.liquidate(position_id, offer, 0, sender=self.sender)
        repaid = tx.return_value[0] if tx.return_value else repay
        return Action(position_id, "liquidated", cr_wad, repaid, f"tx {tx.txn_hash}")

    def start_line(self, uri: str, chain_id: int) -> str:
        """What the keeper says once, before its first pass: where it runs and as whom."""
        return (f"keeper on {uri} (chain {chain_id}): vault {self.vault.address}, signer {self.sender.address}, "
                f"positions from block {self.start_block}")

    def pass_line(self, head: int, actions: list[Action]) -> str:
        """What the keeper says after each pass (a heartbeat while it runs, the result of --once)."""
        done = ", ".join(f"#{a.position_id} {a.kind}" for a in actions) or "none"
        return f"block {head}: {len(self.known)} positions watched, {len(actions)} under water: {done}"

    def run_once(self, head: int, gas_price: int = 0) -> list[Action]:
        """One pass: discover, check, liquidate what is under water and pays."""
        actions = []
        for position_id, cr in self.unhealthy(self.discover(head)):
            action = self.liquidate(position_id, cr, gas_price)
            log.info("position %s at CR %.4f: %s %s", position_id, cr / WAD, action.kind, action.detail)
            actions.append(action)
        return actions


def run_forever(
    step: Callable[[], list[Action]],
    interval_s: float,
    sleep: Callable[[float], None] = time.sleep,
    max_backoff_s: float = 60.0,
    passes: int | None = None,
    max_consecutive_errors: int | None = None,
    describe: Callable[[BaseException], str] = describe_error,
) -> int:
    """Runs `step` every `interval_s` seconds; on an error (an RPC failure, a restarted node),
    logs it and retries after a backoff that doubles up to `max_backoff_s`. Stops after `passes`
    successful passes when given; re-raises the error that makes `max_consecutive_errors` in a
    row when given (default: never gives up). Each failure is logged as `describe` says it (a
    revert as its decoded custom error). Returns the number of errors survived."""
    errors, backoff, done, in_a_row = 0, interval_s or 1.0, 0, 0
    while passes is None or done < passes:
        try:
            step()
        except Exception as err:  # noqa: BLE001 - a keeper must outlive any one failure
            errors += 1
            in_a_row += 1
            if max_consecutive_errors is not None and in_a_row >= max_consecutive_errors:
                raise
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
