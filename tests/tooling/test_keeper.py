"""The keeper: finds positions from events, liquidates exactly the unhealthy ones, each on its own
(a revert for one is recorded and the pass goes on), says which synth every skip is about, survives
RPC failures, and sums up what it did when it stops."""

import logging
import os
import signal
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
from requests.exceptions import ConnectionError as RpcDown

from synthvault import actions
from synthvault.config import ROOT
from synthvault.keeper import (
    MAX_UINT,
    Keeper,
    KeeperStats,
    Plan,
    keeper_pay_usd_wad,
    plan_repayment,
    run_forever,
    run_until_stopped,
)
from synthvault.manifest import write_manifest
from synthvault.units import WAD, asset_id, from_wad, wad
from tests.utils.chain import advance, set_price
from tests.utils.terminal import terminal

WBTC = 10**8


def _position(system: Any, owner: Any, who: Any, btc: int, amount: str, synth: str = "sXAU") -> int:
    """A spot position of `who`: `btc` WBTC (in units) locked, `amount` whole synth minted."""
    vault, wbtc = system.contracts["vault"], system.contracts["wbtc"]
    wbtc.mint(who, btc, sender=owner)
    wbtc.approve(vault, btc, sender=who)
    position_id = vault.open(system.synths[synth], sender=who).return_value
    vault.addSpot(position_id, btc, sender=who)
    vault.mint(position_id, wad(amount), sender=who)
    return position_id


def _keeper(project: Any, system: Any, sender: Any, start: int, **settings: Any) -> Keeper:
    return Keeper(vault=system.contracts["vault"], lens=system.contracts["lens"], engine=system.contracts["engine"],
                  oracle=system.contracts["oracle"], venue=system.contracts["futures"],
                  exchange=system.contracts["exchange"], sender=sender, synth_at=project.SyntheticToken.at,
                  start_block=start, **settings)


def _said(caplog: Any) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "synthvault.keeper"]


@pytest.fixture
def seeded(chain, project, owner, trader, trader2, keeper, system):
    """Three sXAU positions on 1 WBTC each at BTC $60,000: two minted near 155% (under 120% at
    $45,000), one at 200% (150% at $45,000); and a keeper holding 60 sXAU from its own position."""
    start = chain.blocks.height + 1
    risky = [_position(system, owner, trader, WBTC, "16.1"), _position(system, owner, trader2, WBTC, "16.1")]
    safe = _position(system, owner, trader, WBTC, "12.5")
    _position(system, owner, keeper, 10 * WBTC, "60")
    return _keeper(project, system, keeper, start, batch_size=2), risky, safe


def test_run_once__crash__liquidates_exactly_the_unhealthy(chain, seeded, system, owner):
    bot, risky, safe = seeded
    vault, lens = system.contracts["vault"], system.contracts["lens"]
    set_price(system.feeds["BTC"], 45_000, owner)

    actions = bot.run_once(chain.blocks.height)

    assert len(bot.known) == 4  # found from PositionOpened events, in batches of two
    assert [(a.position_id, a.kind) for a in actions] == [(pid, "liquidated") for pid in risky]
    liquidation_ratio = vault.synthParams(vault.position(safe).synth).liquidationRatioWad
    assert lens.health(safe)[2] >= liquidation_ratio
    for pid in risky:
        assert lens.health(pid)[2] >= liquidation_ratio  # repaid back above the ratio (or closed)


def test_pass_line__crash__says_what_was_watched_and_done(chain, seeded, system, owner, keeper):
    bot, risky, _ = seeded
    assert bot.start_line("http://node", 31337) == (
        f"keeper on http://node (chain 31337): vault {system.contracts['vault'].address}, signer {keeper.address}, "
        f"positions from block {bot.start_block}")
    set_price(system.feeds["BTC"], 45_000, owner)
    head = chain.blocks.height

    actions = bot.run_once(head)

    assert bot.pass_line(head, actions) == (
        f"block {head}: 4 positions watched, 2 under water: #{risky[0]} liquidated, #{risky[1]} liquidated")
    assert bot.pass_line(head, []) == f"block {head}: 4 positions watched, 0 under water: none"


def test_pass_line__one_position__said_in_the_singular(project, chain, system, owner, trader, keeper):
    # `make keeper ARGS=--once` after the README's position walk-through said "1 positions watched".
    start = chain.blocks.height + 1
    _position(system, owner, trader, WBTC, "12.5")
    bot = _keeper(project, system, keeper, start)
    head = chain.blocks.height

    assert bot.pass_line(head, bot.run_once(head)) == f"block {head}: 1 position watched, 0 under water: none"


def test_run_once__stale_btc_price__skips_every_position_with_a_log_line(chain, seeded, keeper, system, caplog):
    bot, _, _ = seeded
    balance = system.synths["sXAU"].balanceOf(keeper)
    advance(chain, 3601)  # past BTC's heartbeat: no position's spot can be valued

    with caplog.at_level(logging.WARNING, logger="synthvault.keeper"):
        actions = bot.run_once(chain.blocks.height)

    assert actions == []
    assert len(bot.known) == 4
    assert _said(caplog) == [f"position {pid} (sXAU) skipped: a price it needs cannot be trusted"
                               for pid in sorted(bot.known)]
    assert system.synths["sXAU"].balanceOf(keeper) == balance
    assert bot.stats.skipped["unpriceable"] == 4


def test_run_once__all_healthy__does_nothing(chain, seeded, keeper, system):
    bot, _, _ = seeded
    balance = system.synths["sXAU"].balanceOf(keeper)
    assert bot.run_once(chain.blocks.height) == []
    assert system.synths["sXAU"].balanceOf(keeper) == balance


def _locked_long(system: Any, owner: Any, who: Any, margin: int, btc: str, debt: str) -> tuple[int, int]:
    """A sXAU position of `who` locking an account of `margin` USDC long `btc` BTC, `debt` minted."""
    usdc = system.contracts["usdc"]
    usdc.mint(who, margin * 10**6, sender=owner)
    account_id, _ = actions.open_account(system, who, Decimal(margin))
    position_id, _ = actions.open_position(system, who, "sXAU")
    actions.lock(system, who, position_id, account_id)
    actions.trade(system, who, position_id, "BTC-PERP", Decimal(btc))
    if Decimal(debt):
        actions.mint(system, who, position_id, Decimal(debt))
    return position_id, account_id


def test_run_once__locked_account_under_maintenance__liquidated_over_the_ratio_and_without_debt(
    project, chain, system, owner, trader, trader2, keeper
):
    """The exchange leaves locked accounts to the engine, so the keeper must find them: at BTC
    $52,000 a 2 BTC account on 20,500 USDC owing 1.25 sXAU is over the liquidation ratio (~145%) but
    under the exchange's maintenance (equity ~4,426 < 5,200), and a 1 BTC account on 10,000 owing
    nothing is under it too (~1,966 < 2,600). Both liquidated: the first repays its debt, the second
    pays the keeper the exchange's reward (0.5% of 52,000) out of its margin."""
    start = chain.blocks.height + 1
    over, over_account = _locked_long(system, owner, trader, 20_500, "2", "1.25")
    bare, bare_account = _locked_long(system, owner, trader2, 10_000, "1", "0")
    _position(system, owner, keeper, 10 * WBTC, "60")
    bot = _keeper(project, system, keeper, start)
    exchange, engine, vault = system.contracts["exchange"], system.contracts["engine"], system.contracts["vault"]
    set_price(system.feeds["BTC"], 52_000, owner)
    assert system.contracts["lens"].health(over)[2] > vault.synthParams(system.synths["sXAU"]).liquidationRatioWad
    usdc_before = system.contracts["usdc"].balanceOf(keeper)

    actions_done = bot.run_once(chain.blocks.height)

    assert [(a.position_id, a.kind) for a in actions_done] == [(over, "liquidated"), (bare, "liquidated")]
    assert vault.position(over).debt == 0
    assert exchange.positions(over_account) == [] and exchange.positions(bare_account) == []
    assert system.contracts["usdc"].balanceOf(keeper) - usdc_before >= 260 * 10**6  # the reward and the bonus
    assert bot.run_once(chain.blocks.height) == []  # nothing left to liquidate
    assert engine.repayQuote(bare) == (0, False)


def test_run_once__after_shutdown__closes_only_the_account_without_debt(
    project, chain, system, owner, trader, trader2, keeper
):
    """The same two accounts, the protocol shut down first: the engine now leaves a debt to the
    settlement, so the keeper does not try the one owing sXAU (no failed action, no warning), and
    still closes the one owing nothing, for the exchange's reward (0.5% of 52,000)."""
    start = chain.blocks.height + 1
    over, over_account = _locked_long(system, owner, trader, 20_500, "2", "1.25")
    bare, bare_account = _locked_long(system, owner, trader2, 10_000, "1", "0")
    bot = _keeper(project, system, keeper, start)
    exchange, usdc = system.contracts["exchange"], system.contracts["usdc"]
    set_price(system.feeds["BTC"], 52_000, owner)
    system.contracts["settlement"].shutdown(sender=owner)
    usdc_before = usdc.balanceOf(keeper)

    actions_done = bot.run_once(chain.blocks.height)

    assert [(a.position_id, a.kind) for a in actions_done] == [(bare, "liquidated")]
    assert exchange.positions(bare_account) == []
    assert len(exchange.positions(over_account)) == 1
    assert usdc.balanceOf(keeper) - usdc_before == 260 * 10**6


class FlakyLens:
    """The vault's lens, but its batch view fails once as a node going down would."""

    def __init__(self, lens: Any):
        self._lens, self.failures = lens, 1

    def healthOf(self, ids: list[int]) -> Any:  # noqa: N802 - the contract's name
        if self.failures:
            self.failures -= 1
            raise RpcDown("connection refused")
        return self._lens.healthOf(ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lens, name)


def test_run_forever__rpc_failure__retried_with_backoff_then_liquidates(chain, seeded, system, owner):
    bot, risky, _ = seeded
    bot.lens = FlakyLens(system.contracts["lens"])
    set_price(system.feeds["BTC"], 45_000, owner)
    sleeps: list[float] = []
    done: list[list] = []

    errors = run_forever(lambda: done.append(bot.run_once(chain.blocks.height)) or done[-1],
                         interval_s=5, sleep=sleeps.append, passes=1, max_consecutive_errors=3)

    assert errors == 1
    assert sleeps == [5]  # one backoff, no sleep after the last pass
    assert [a.position_id for a in done[0]] == risky


def test_run_forever__failing_every_time__gives_up_after_the_limit():
    def broken() -> list:
        raise RpcDown("connection refused")

    sleeps: list[float] = []
    with pytest.raises(RpcDown):
        run_forever(broken, interval_s=1, sleep=sleeps.append, max_consecutive_errors=4, max_backoff_s=4)
    assert sleeps == [1, 2, 4]  # doubling, capped; the fourth failure is raised


class Meanwhile:
    """The engine as the keeper sees it, with `meanwhile()` run once the keeper has its quote for
    `position_id`: what happens on the chain (or to the node) between the keeper's health check and
    its own transaction, which the keeper cannot foresee."""

    def __init__(self, engine: Any, position_id: int, meanwhile: Callable[[], Any]):
        self._engine, self.position_id, self.meanwhile = engine, position_id, meanwhile

    def repayQuote(self, position_id: int) -> Any:  # noqa: N802 - the contract's name
        quote = self._engine.repayQuote(position_id)
        if position_id == self.position_id:
            self.meanwhile()
        return quote

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


def test_run_once__one_liquidation_reverts__recorded_as_failed_and_the_next_liquidated(
        chain, seeded, system, owner, trader, keeper, caplog):
    bot, risky, _ = seeded
    vault, lens, sxau = system.contracts["vault"], system.contracts["lens"], system.synths["sXAU"]
    # The first position's owner closes it (repays it all) after the keeper's check: the engine refuses it.
    bot.engine = Meanwhile(system.contracts["engine"], risky[0], lambda: vault.close(risky[0], sender=trader))
    set_price(system.feeds["BTC"], 45_000, owner)
    balance = sxau.balanceOf(keeper)

    with caplog.at_level(logging.INFO, logger="synthvault.keeper"):
        actions = bot.run_once(chain.blocks.height)

    assert [(a.position_id, a.kind, a.synth) for a in actions] == [
        (risky[0], "failed", "sXAU"), (risky[1], "liquidated", "sXAU")]
    failed, liquidated = actions
    assert (failed.detail, failed.repaid) == (f"LiquidationEngineUnknownPosition(positionId={risky[0]})", 0)
    assert liquidated.repaid == balance - sxau.balanceOf(keeper)  # the engine burned what it repaid
    assert lens.health(risky[1])[2] >= vault.synthParams(sxau).liquidationRatioWad
    failure = next(r for r in caplog.records if r.name == "synthvault.keeper")
    assert failure.levelno == logging.WARNING
    assert failure.getMessage() == (f"position {risky[0]} (sXAU) at CR {failed.cr_wad / WAD:.4f}: failed "
                                    f"(LiquidationEngineUnknownPosition(positionId={risky[0]}))")
    assert (bot.stats.passes, bot.stats.liquidated, bot.stats.skipped["failed"]) == (1, 1, 1)


def test_run_once__node_gone_mid_pass__the_pass_fails_keeping_what_it_did(chain, seeded, system, owner):
    bot, risky, _ = seeded

    def node_gone() -> None:
        raise RpcDown("connection refused")

    bot.engine = Meanwhile(system.contracts["engine"], risky[1], node_gone)
    set_price(system.feeds["BTC"], 45_000, owner)

    with pytest.raises(RpcDown):
        bot.run_once(chain.blocks.height)

    assert (bot.stats.passes, bot.stats.liquidated, bot.stats.skipped["failed"]) == (0, 1, 0)
    assert system.contracts["vault"].position(risky[0]).debt < wad("16.1")  # liquidated before the failure


def test_run_once__no_synth_and_unprofitable__each_skip_names_the_synth_and_why(
        chain, seeded, system, owner, trader2, caplog):
    bot, risky, _ = seeded
    engine, lens, oracle = system.contracts["engine"], system.contracts["lens"], system.contracts["oracle"]
    in_usd = _position(system, owner, trader2, WBTC, "38000", "sUSD")  # 157.9% at $60,000, 118.4% at $45,000
    bot.min_profit_usd_wad = wad(1_000_000)
    set_price(system.feeds["BTC"], 45_000, owner)

    with caplog.at_level(logging.INFO, logger="synthvault.keeper"):
        actions = bot.run_once(chain.blocks.height)

    assert [(a.position_id, a.kind, a.synth) for a in actions] == [
        (risky[0], "unprofitable", "sXAU"), (risky[1], "unprofitable", "sXAU"), (in_usd, "no-synth", "sUSD")]
    assert [a.cr_wad for a in actions] == [lens.health(a.position_id)[2] for a in actions]
    # The keeper's share (50%) of the penalty (10%) on the quoted repayment; no gas on a local chain.
    xau = oracle.priceWad(asset_id("XAU"))
    profits = [engine.repayQuote(pid)[0] * xau // WAD * wad("0.1") // WAD * wad("0.5") // WAD for pid in risky]
    cr = [a.cr_wad / WAD for a in actions]
    assert _said(caplog) == [
        f"position {risky[0]} (sXAU) at CR {cr[0]:.4f}: unprofitable (expected profit {profits[0] / WAD:.2f} USD)",
        f"position {risky[1]} (sXAU) at CR {cr[1]:.4f}: unprofitable (expected profit {profits[1] / WAD:.2f} USD)",
        f"position {in_usd} (sUSD) at CR {cr[2]:.4f}: no-synth (the keeper holds no sUSD)",
    ]
    assert bot.stats.skipped == {"no-synth": 1, "unprofitable": 2, "failed": 0, "unpriceable": 0}


def test_run_once__pool_holds_the_repayment__liquidates_through_it_without_synth(
        project, chain, seeded, system, owner, trader, trader2):
    bot, _, _ = seeded
    bot.pool_at = project.StabilityPool.at
    engine, susd, pool = system.contracts["engine"], system.synths["sUSD"], system.stability_pools["sUSD"]
    _position(system, owner, trader, 4 * WBTC, "60000", "sUSD")  # 400% at $60,000, 300% at $45,000
    susd.approve(pool, wad(60_000), sender=trader)
    pool.deposit(wad(60_000), sender=trader)
    in_usd = _position(system, owner, trader2, WBTC, "38000", "sUSD")  # 118.4% at $45,000
    set_price(system.feeds["BTC"], 45_000, owner)
    repay, _ = engine.repayQuote(in_usd)
    assert susd.balanceOf(bot.sender) == 0

    actions = bot.run_once(chain.blocks.height)

    [action] = [a for a in actions if a.position_id == in_usd]
    assert action.kind == "liquidated" and action.detail.startswith("through the sUSD pool, tx ")
    # The quote, plus the fee accrued until the block it lands in (the debt grew a little).
    assert repay <= action.repaid < repay + wad("0.001")
    assert pool.totalDeposits() == wad(60_000) - action.repaid


@pytest.mark.parametrize(("deposits", "balance", "plan"), [
    (wad(50_000), 0, Plan(wad(30_000), True, wad(30_000), MAX_UINT)),  # the pool covers: no cap
    (wad(10_000), wad(25_000), Plan(wad(30_000), True, wad(10_000), wad(35_000))),  # the keeper the rest
    (wad(10_000), wad(5_000), Plan(wad(15_000), False, wad(10_000), wad(15_000))),  # short of the whole debt
    (0, wad(40_000), Plan(wad(30_000), True, 0, wad(40_000))),  # no pool: the keeper's path as before
    (0, 0, Plan(0, False, 0, 0)),  # nothing to repay with: no-synth
])
def test_plan_repayment__pool_first_then_the_keeper(deposits, balance, plan):
    assert plan_repayment(wad(30_000), True, deposits, balance) == plan


def test_keeper_pay__pool_repays_part__compensation_then_its_share_rounded_down():
    # $2,000 over the repaid value; the pool repays 30,000 of 40,000: $150, then a quarter of $1,850.
    assert keeper_pay_usd_wad(wad(2_000), wad(150), wad(40_000), wad(30_000)) == wad(150) + wad("462.5")
    assert keeper_pay_usd_wad(wad(2_000), wad(150), wad(40_000), wad(40_000)) == wad(150)  # the pool alone
    assert keeper_pay_usd_wad(wad(2_000), wad(150), wad(40_000), 0) == wad(2_000)  # the keeper alone
    assert keeper_pay_usd_wad(wad(100), wad(150), wad(40_000), wad(40_000)) == wad(100)  # at most the pay
    assert keeper_pay_usd_wad(7, 0, 3, 1) == 4  # 7 x 2 / 3 rounded down


def test_keeper_pay__repays_a_tenth_of_the_target__a_tenth_of_the_compensation():
    # The engine's split-attack rule: 3,250 of a 32,500 target, all from the pool: $20 of the $200,
    # whatever the $162.5 of pay over the repaid value would allow.
    assert keeper_pay_usd_wad(wad("162.5"), wad(200), wad(3_250), wad(3_250), wad(32_500)) == wad(20)
    assert keeper_pay_usd_wad(wad("162.5"), wad(200), wad(3_250), wad(3_250)) == wad("162.5")  # no target: whole
    assert keeper_pay_usd_wad(wad(10), wad(200), wad(3_250), wad(3_250), wad(32_500)) == wad(10)  # at most the pay


def _usd_pool(system: Any, owner: Any, trader: Any, deposit: int, to_keeper: int, keeper: Any) -> Any:
    """The trader mints 90,000 sUSD on 6 BTC, deposits `deposit` in the sUSD pool and gives the
    keeper `to_keeper` (whole sUSD)."""
    susd, pool = system.synths["sUSD"], system.stability_pools["sUSD"]
    _position(system, owner, trader, 6 * WBTC, "90000", "sUSD")  # 300% at $45,000
    susd.approve(pool, wad(deposit), sender=trader)
    pool.deposit(wad(deposit), sender=trader)
    if to_keeper:
        susd.transfer(keeper, wad(to_keeper), sender=trader)
    return pool


def test_run_once__pool_holds_part_of_the_repayment__keeper_repays_only_the_rest(
        project, chain, seeded, system, owner, trader, trader2, keeper):
    bot, _, _ = seeded
    bot.pool_at = project.StabilityPool.at
    pool = _usd_pool(system, owner, trader, 10_000, 25_000, keeper)
    in_usd = _position(system, owner, trader2, WBTC, "38000", "sUSD")  # 118.4% at $45,000
    set_price(system.feeds["BTC"], 45_000, owner)
    repay, _ = system.contracts["engine"].repayQuote(in_usd)
    assert wad(30_000) <= repay < wad(30_001)  # (1.5 x 38,000 - 45,000) / 0.4, and the fee accrued

    actions = bot.run_once(chain.blocks.height)

    [action] = [a for a in actions if a.position_id == in_usd]
    assert action.kind == "liquidated" and action.detail.startswith("partly through the sUSD pool, tx ")
    assert pool.totalDeposits() == 0
    assert system.synths["sUSD"].balanceOf(keeper) == wad(25_000) - (action.repaid - wad(10_000))


def test_liquidate_batch__keeper_without_synth__first_through_the_pool_then_partly(
        project, chain, seeded, system, owner, trader, trader2, keeper):
    bot, _, _ = seeded
    bot.pool_at = project.StabilityPool.at
    pool = _usd_pool(system, owner, trader, 40_000, 25_000, keeper)
    in_usd = [_position(system, owner, trader2, WBTC, "38000", "sUSD") for _ in range(2)]
    set_price(system.feeds["BTC"], 45_000, owner)
    under_water, _ = bot.check(bot.discover(chain.blocks.height))

    actions, receipt = bot.liquidate_batch([(pid, cr) for pid, cr in under_water if pid in in_usd])

    # Each repays ~30,000: the pool's 40,000 covers the first and a third of the second.
    assert [(a.kind, a.detail) for a in actions] == [
        ("liquidated", f"through the sUSD pool, tx {receipt.txn_hash}"),
        ("liquidated", f"partly through the sUSD pool, tx {receipt.txn_hash}")]
    assert pool.totalDeposits() == 0
    assert system.synths["sUSD"].balanceOf(keeper) == wad(25_000) - (sum(a.repaid for a in actions) - wad(40_000))


def test_summary_line__a_revert_an_rpc_error_and_a_stale_price__counts_what_happened(
        chain, seeded, system, owner, trader, keeper):
    bot, risky, _ = seeded
    vault, sxau = system.contracts["vault"], system.synths["sXAU"]
    bot.lens = FlakyLens(system.contracts["lens"])  # the first pass fails: the node went down
    bot.engine = Meanwhile(system.contracts["engine"], risky[0], lambda: vault.close(risky[0], sender=trader))
    set_price(system.feeds["BTC"], 45_000, owner)
    balance = sxau.balanceOf(keeper)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:  # after the pass that liquidated: BTC's feed goes stale
            advance(chain, 3601)

    stats = run_until_stopped(lambda: bot.run_once(chain.blocks.height), bot.stats, interval_s=5, passes=2,
                              sleep=sleep)

    repaid = balance - sxau.balanceOf(keeper)
    assert stats.repaid == {"sXAU": repaid}
    assert stats.summary_line() == (
        f"keeper stopped after 2 passes (1 error survived): 3 positions watched, 1 liquidated "
        f"(repaid {from_wad(repaid):,.4f} sXAU); skipped: 0 no-synth, 0 unprofitable, 1 failed, 3 unpriceable")


def test_run_until_stopped__ctrl_c__stops_and_sums_up(chain, seeded):
    bot, _, _ = seeded
    ape_handler = signal.getsignal(signal.SIGINT)  # Ape's: exit(130) at once, nothing said

    def ctrl_c(seconds: float) -> None:
        signal.raise_signal(signal.SIGINT)  # what the terminal sends, while the keeper waits

    stats = run_until_stopped(lambda: bot.run_once(chain.blocks.height), bot.stats, interval_s=12, sleep=ctrl_c)

    assert stats is bot.stats and stats.interrupted
    assert signal.getsignal(signal.SIGINT) is ape_handler
    assert stats.summary_line() == ("keeper interrupted (Ctrl-C) after 1 pass (0 errors survived): 4 positions "
                                    "watched, 0 liquidated; skipped: 0 no-synth, 0 unprofitable, 0 failed, "
                                    "0 unpriceable")
    assert KeeperStats().summary_line() == ("keeper stopped after 0 passes (0 errors survived): 0 positions "
                                            "watched, 0 liquidated; skipped: 0 no-synth, 0 unprofitable, 0 failed, "
                                            "0 unpriceable")


def _pay_mirror(system: Any, position_id: int) -> int:
    """What liquidating the position now pays its keeper over the value it repays, from the
    engine's rules (ILiquidationEngine): the keeper is due R x (1 + penalty x share) out of the
    collateral C, and from under 100% the fund tops it up to R: min(C, due) - R, at least 0; a
    whole-debt liquidation that takes all the collateral (C < due) then has the fund top that up to
    the least bonus, min(minKeeperBonusUsdWad, R x penalty x share)."""
    engine, lens, oracle, vault = (system.contracts[n] for n in ("engine", "lens", "oracle", "vault"))
    synth = system.synths["sXAU"]
    collateral = lens.health(position_id)[0]
    repay, whole = engine.repayQuote(position_id)
    repay_usd = -(-repay * oracle.priceWad(asset_id("XAU")) // WAD)
    bonus = repay_usd * vault.synthParams(synth).liquidationPenaltyWad // WAD * engine.keeperShareWad() // WAD
    pay = max(0, min(collateral, repay_usd + bonus) - repay_usd)
    if whole and collateral < repay_usd + bonus:
        pay = max(pay, min(engine.minKeeperBonusUsdWad(), bonus))
    return pay


@pytest.mark.parametrize("btc", [35_000, 40_000, 45_000])  # CR 90.6% (under water), 103.5%, 116.5%
def test_expected_profit__collateral_short_of_the_bonus__what_the_liquidation_pays(chain, seeded, system, owner, btc):
    bot, risky, _ = seeded
    set_price(system.feeds["BTC"], btc, owner)

    estimate = bot.expected_profit_usd_wad(risky[0], system.contracts["engine"].repayQuote(risky[0])[0], 0, 0)

    assert estimate == _pay_mirror(system, risky[0])
    if btc == 35_000:  # under water: the fund pays the keeper the repaid value, then its least bonus
        assert estimate == system.contracts["engine"].minKeeperBonusUsdWad() > 0
    # And what the liquidation then pays (a block later: the fee has grown the debt by a few wei).
    tx = system.contracts["engine"].liquidate(risky[0], 2**256 - 1, 0, sender=bot.sender)
    event = next(iter(system.contracts["engine"].Liquidated.from_receipt(tx)))
    paid = tx.return_value[1] - event.repaidUsdWad
    assert abs(paid - estimate) <= wad("0.001")


def test_run_once__under_water_no_least_bonus_and_a_profit_floor__skipped_as_paying_nothing(
        chain, seeded, system, owner, caplog):
    bot, risky, safe = seeded
    bot.min_profit_usd_wad = 1
    system.contracts["engine"].setMinKeeperBonus(0, sender=owner)  # the fund tops nothing up
    set_price(system.feeds["BTC"], 35_000, owner)  # risky at 90.6% (under water), safe at 116.7%

    with caplog.at_level(logging.INFO, logger="synthvault.keeper"):
        actions = bot.run_once(chain.blocks.height)

    assert [(a.position_id, a.kind) for a in actions] == [(risky[0], "unprofitable"), (risky[1], "unprofitable"),
                                                          (safe, "liquidated")]
    assert [line.endswith("unprofitable (expected profit 0.00 USD)") for line in _said(caplog)] == [True, True, False]


def test_run_once__under_water_with_a_least_bonus_and_a_profit_floor__liquidated_for_the_bonus(
        chain, seeded, system, owner):
    bot, risky, safe = seeded
    bot.min_profit_usd_wad = wad(100)  # under the least bonus ($150 in config)
    set_price(system.feeds["BTC"], 35_000, owner)
    estimates = [bot.expected_profit_usd_wad(pid, system.contracts["engine"].repayQuote(pid)[0], 0, 0) for pid in risky]

    actions = bot.run_once(chain.blocks.height)

    assert estimates == [system.contracts["engine"].minKeeperBonusUsdWad()] * 2
    assert [(a.position_id, a.kind) for a in actions] == [(risky[0], "liquidated"), (risky[1], "liquidated"),
                                                          (safe, "liquidated")]


def test_liquidate_batch__crash__one_liquidate_many_and_each_skip_said(chain, seeded, system, owner, trader2):
    bot, risky, safe = seeded
    in_usd = _position(system, owner, trader2, WBTC, "38000", "sUSD")  # 118.4% at $45,000; the keeper has no sUSD
    set_price(system.feeds["BTC"], 45_000, owner)
    under_water, _ = bot.check(bot.discover(chain.blocks.height))

    actions, receipt = bot.liquidate_batch(under_water)

    assert [(a.position_id, a.kind) for a in actions] == [
        (risky[0], "liquidated"), (risky[1], "liquidated"), (in_usd, "no-synth")]
    events = list(system.contracts["engine"].Liquidated.from_receipt(receipt))
    assert [int(e.positionId) for e in events] == risky
    assert [a.repaid for a in actions[:2]] == [e.repaid for e in events]
    assert (bot.stats.liquidated, bot.stats.skipped["no-synth"]) == (2, 1)
    assert system.contracts["lens"].health(safe)[2] >= wad("1.2")


def test_liquidate_batch__keeper_short_of_a_whole_debt__failed_with_the_decoded_error(
        chain, seeded, system, owner, keeper):
    bot, risky, _ = seeded
    sxau = system.synths["sXAU"]
    sxau.transfer(owner, sxau.balanceOf(keeper) - wad(10), sender=keeper)  # 10 sXAU left, each debt 16.1
    set_price(system.feeds["BTC"], 35_000, owner)  # under 100%: each must be liquidated whole
    under_water, _ = bot.check(bot.discover(chain.blocks.height))

    actions, _ = bot.liquidate_batch([(pid, cr) for pid, cr in under_water if pid in risky])

    assert [a.kind for a in actions] == ["failed", "failed"]
    # Each refusal said as its custom error (from `LiquidationFailed.reason`), not as hex.
    assert all(a.detail.startswith(f"ERC20InsufficientBalance(sender='{keeper.address}', balance={wad(10)},")
               for a in actions), [a.detail for a in actions]


def test_make_keeper__ctrl_c_at_the_terminal__exits_0_with_the_summary(chain, seeded, system, tmp_path):
    # `make keeper` as a user runs it: at a terminal, against a node (the test chain), Ctrl-C typed
    # once it is running. make dies of any SIGINT it receives (after reaping its child, it re-raises
    # the signal on itself), so a clean stop needs the keeper alone in the terminal's foreground.
    write_manifest("local", {"chain_id": chain.chain_id, "start_block": 0, "contracts": system.addresses()},
                   folder=tmp_path)
    port = urlparse(chain.provider.uri).port
    env = {**os.environ, "SYNTHVAULT_DEPLOYMENTS": str(tmp_path)}

    with terminal(["make", "--no-print-directory", "keeper", f"NODE_PORT={port}", "ARGS=--interval 1"], ROOT,
                  env) as term:
        term.read_until("4 positions watched, 0 under water", timeout_s=240)
        term.ctrl_c()
        status = term.wait(timeout_s=60)

    assert status == 0, term.text
    assert "keeper interrupted (Ctrl-C) after " in term.text
    assert "make: ***" not in term.text and "Traceback" not in term.text
