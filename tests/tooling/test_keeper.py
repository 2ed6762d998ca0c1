"""The keeper: finds positions from events, liquidates exactly the unhealthy ones, each on its own
(a revert for one is recorded and the pass goes on), says which synth every skip is about, survives
RPC failures, and sums up what it did when it stops."""

import logging
import os
import signal
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import pytest
from requests.exceptions import ConnectionError as RpcDown

from synthvault.config import ROOT
from synthvault.keeper import Keeper, KeeperStats, run_forever, run_until_stopped
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
                  oracle=system.contracts["oracle"], sender=sender, synth_at=project.SyntheticToken.at,
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
