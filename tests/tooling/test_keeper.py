"""The keeper: finds positions from events, liquidates exactly the unhealthy ones, and survives
RPC failures."""

import logging
from typing import Any

import pytest
from requests.exceptions import ConnectionError as RpcDown

from synthvault.keeper import Keeper, run_forever
from synthvault.units import wad
from tests.utils.chain import advance, set_price

WBTC = 10**8


@pytest.fixture
def seeded(chain, project, owner, trader, trader2, keeper, system):
    """Three sXAU positions on 1 WBTC each at BTC $60,000: two minted near 155% (under 120% at
    $45,000), one at 200% (150% at $45,000); and a keeper holding 60 sXAU from its own position."""
    start = chain.blocks.height + 1
    vault, wbtc, sxau = system.contracts["vault"], system.contracts["wbtc"], system.synths["sXAU"]

    def position(who: Any, btc: int, xau: str) -> int:
        wbtc.mint(who, btc, sender=owner)
        wbtc.approve(vault, btc, sender=who)
        position_id = vault.open(sxau, sender=who).return_value
        vault.addSpot(position_id, btc, sender=who)
        vault.mint(position_id, wad(xau), sender=who)
        return position_id

    risky = [position(trader, WBTC, "16.1"), position(trader2, WBTC, "16.1")]
    safe = position(trader, WBTC, "12.5")
    position(keeper, 10 * WBTC, "60")
    bot = Keeper(vault=vault, lens=system.contracts["lens"], engine=system.contracts["engine"],
                 oracle=system.contracts["oracle"], sender=keeper, synth_at=project.SyntheticToken.at,
                 start_block=start, batch_size=2)
    return bot, risky, safe


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


def test_run_once__stale_btc_price__skips_every_position_with_a_log_line(chain, seeded, keeper, system, caplog):
    bot, _, _ = seeded
    balance = system.synths["sXAU"].balanceOf(keeper)
    advance(chain, 3601)  # past BTC's heartbeat: no position's spot can be valued

    with caplog.at_level(logging.WARNING, logger="synthvault.keeper"):
        actions = bot.run_once(chain.blocks.height)

    assert actions == []
    skipped = sorted(r.args[0] for r in caplog.records if "skipped" in r.getMessage())
    assert skipped == sorted(bot.known) and len(skipped) == 4
    assert system.synths["sXAU"].balanceOf(keeper) == balance


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
