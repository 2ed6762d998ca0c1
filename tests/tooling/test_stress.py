"""The stress tool: a seeded book is the same book every time, the OHLC walk keeps its order, and
what a run reports is what the chain's own books say (`Vault.badDebt`, the fund's reserves, the
engine's and the vault's events, the LP pool)."""

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from synthvault.prices import PricePoint
from synthvault.stress import report
from synthvault.stress.book import KINDS, MAX_LEVERAGE, book_params, generate_book, haircut_cr
from synthvault.stress.session import start
from synthvault.units import from_wad

BTC0 = Decimal(8000)
# A crash in six rounds an hour apart: -45% at the bottom, then a partial recovery.
CRASH = [PricePoint(3600 * i, Decimal(p)) for i, p in enumerate((8000, 7200, 6100, 5000, 4400, 5200))]


@pytest.fixture(scope="module")
def params(config):
    return book_params(config, BTC0)


def test_generate_book__same_seed__the_same_book(config, params):
    synths = list(config["synths"])

    assert generate_book(50, 7, synths, params) == generate_book(50, 7, synths, params)
    assert generate_book(50, 7, synths, params) != generate_book(50, 8, synths, params)


def test_generate_book__200_positions__every_kind_and_synth_within_the_bounds(config, params):
    book = generate_book(200, 1, list(config["synths"]), params)

    assert set(Counter(s.kind for s in book)) == set(KINDS)
    assert set(Counter(s.synth for s in book)) == set(config["synths"])
    for spec in book:
        assert Decimal(1) <= spec.leverage <= MAX_LEVERAGE
        assert spec.target_cr > params.minting_ratio
        assert spec.target_cr >= haircut_cr(spec.kind, spec.leverage, params.shock)
        assert spec.debt_usd >= params.min_debt_usd[spec.synth]
        assert spec.margin_usd + spec.spot_usd == spec.collateral_usd
        if spec.kind == "delta-neutral":  # the short covers the spot's BTC
            assert abs(spec.btc_size_usd + spec.spot_usd) <= Decimal("0.05") * spec.leverage


@pytest.fixture(scope="module")
def session(project, chain, owner, trader, keeper, accounts, config):
    roles = {"owner": owner, "trader": trader, "keeper": keeper, "exchange_keeper": accounts[5]}
    return start(project, chain, roles, config, BTC0, positions=16, seed=3, inventory="unlimited",
                 capital_usd=Decimal(0), pool_usd=Decimal(5_000_000))


def _events(contract, name, result):
    return list(getattr(contract, name).range(result.start_block, result.end_block + 1))


def test_run__crash__the_report_is_the_chains_own_books(session):
    c = session.system.contracts
    pool_before = c["pool"].totalAssets()

    result = session.run(CRASH, latency=0, fund_usd=Decimal(1_000))

    liquidated = _events(c["engine"], "Liquidated", result)
    assert len(liquidated) > 0  # the crash bites
    assert sorted(x.position_id for x in result.liquidations) == sorted(int(e.positionId) for e in liquidated)
    assert sum(r.liquidated for r in result.rounds) == len(liquidated)
    assert result.bad_debt == {s: from_wad(c["vault"].badDebt(t)) for s, t in session.system.synths.items()}
    assert result.fund_end_usd == Decimal(c["fund"].reserves()) / 10**6
    assert result.rounds[-1].fund_reserves_usd == result.fund_end_usd
    redistributed = Counter()
    for e in _events(c["vault"], "DebtRedistributed", result):
        redistributed[next(s for s, t in session.system.synths.items() if t.address == e.synth)] += e.debt
    assert {s: v for s, v in result.redistributed.items() if v} == {s: from_wad(v) for s, v in redistributed.items()}
    shortfalls = _events(c["engine"], "ShortfallCovered", result)
    assert sum(x.shortfall_usd for x in result.liquidations) == sum(from_wad(e.shortfallUsdWad) for e in shortfalls)
    topped = _events(c["engine"], "KeeperBonusTopped", result)
    assert sum(x.bonus_topped_usd for x in result.liquidations) == sum(Decimal(e.paid) for e in topped) / 10**6
    assert result.fund_paid_usd == sum(Decimal(e.paid) for e in [*shortfalls, *topped]) / 10**6
    assert result.pool_pnl_usd == Decimal(c["pool"].totalAssets() - pool_before) / 10**6


def test_run__latency__the_keeper_acts_that_many_rounds_late(session):
    prompt = session.run(CRASH, latency=0, fund_usd=Decimal(10**9))
    late = session.run(CRASH, latency=2, fund_usd=Decimal(10**9))

    first = min(x.round for x in prompt.liquidations)
    assert min(x.round for x in late.liquidations) == first + 2
    # What it saw when it found them, against what it saw when it acted.
    assert all(x.cr_seen < 1.2 for x in late.liquidations)


def test_size_fund__crash__the_smallest_fund_leaves_no_bad_debt_nor_redistribution(session):
    needed, check = session.size_fund(CRASH, latency=1)

    assert check.fund_start_usd == needed
    assert sum(check.redistributed.values(), Decimal(0)) == 0
    assert sum(check.bad_debt.values(), Decimal(0)) == 0
    if needed > 1:  # a fund short of it redistributes
        short = session.run(CRASH, latency=1, fund_usd=needed / 2)
        assert sum(short.redistributed.values(), Decimal(0)) + sum(short.bad_debt.values(), Decimal(0)) > 0


def test_report_write__a_run__markdown_charts_and_rounds_with_the_runs_figures(session, tmp_path):
    result = session.run(CRASH, latency=0, fund_usd=Decimal(1_000))
    facts = report.SessionFacts("crash.csv", len(CRASH), datetime(2020, 3, 12, tzinfo=UTC),
                                datetime(2020, 3, 12, 5, tzinfo=UTC), len(session.book.positions), 0, 3, "unlimited",
                                Decimal(1_000), 1.0)

    written = report.write(tmp_path, facts, session.book.positions, [result], [])

    assert [p.name for p in written] == ["report.md", "stress-btc.png", "stress-cr.png", "stress-fund.png",
                                         "rounds-latency-0.csv", "liquidations-latency-0.csv"]
    text = written[0].read_text()
    assert "| " + " | ".join(str(cell) for cell in report.run_row(result)) + " |" in text
    assert f"| 0 rounds | {len(result.liquidations)} |" in text
    rounds = written[-2].read_text().splitlines()
    assert len(rounds) == len(CRASH) + 1
    assert rounds[-1].split(",")[5] == str(result.fund_end_usd)
    liquidations = written[-1].read_text().splitlines()
    assert [int(row.split(",")[1]) for row in liquidations[1:]] == [x.position_id for x in result.liquidations]


def test_run__squeeze__the_engine_closes_locked_accounts_under_maintenance_the_exchange_refuses(session):
    c = session.system.contracts

    # A squeeze: the book's 9.1x short (position 5) is under its maintenance margin at +11%, its
    # CR still over the liquidation ratio. Every account of the book is locked in the vault, so
    # the exchange keeper is refused (`ExchangeAccountLocked`, asked by eth_call: nothing sent)
    # and the vault's keeper closes the account through the engine instead.
    squeeze = [PricePoint(3600 * i, Decimal(p)) for i, p in enumerate((8000, 8400, 8900, 8600))]

    result = session.run(squeeze, latency=0, fund_usd=Decimal(1_000), exchange_keeper=True)

    assert result.exchange_liquidations == 0 and _events(c["exchange"], "Liquidated", result) == []
    over_ratio = [x for x in result.liquidations if x.cr_before >= 1.2]
    assert over_ratio, [(x.position_id, x.cr_before) for x in result.liquidations]
    assert {x.kind for x in over_ratio} <= {"short", "delta-neutral"}
    engine = {int(e.positionId) for e in _events(c["engine"], "Liquidated", result)}
    assert {x.position_id for x in over_ratio} <= engine


@pytest.fixture(scope="module")
def pools_session(project, chain, owner, trader, keeper, accounts, config):
    roles = {"owner": owner, "trader": trader, "keeper": keeper, "exchange_keeper": accounts[5],
             "depositor": accounts[6]}
    return start(project, chain, roles, config, BTC0, positions=16, seed=3, inventory="pools",
                 capital_usd=Decimal(0), pool_usd=Decimal(5_000_000))


def test_run__pools_inventory__a_keeper_holding_nothing_liquidates_through_the_pools(pools_session, keeper):
    system = pools_session.system
    deposits = {s: p.totalDeposits() for s, p in system.stability_pools.items()}
    assert all(t.balanceOf(keeper) == 0 for t in system.synths.values())
    assert all(deposits.values())

    result = pools_session.run(CRASH, latency=0, fund_usd=Decimal(1_000))

    assert result.liquidations and result.skipped["no-synth"] == 0
    # Every liquidation burned from its synth's pool alone: the pools burned all that was repaid.
    events = _events(system.contracts["engine"], "Liquidated", result)
    assert len(events) == len(result.liquidations)
    assert all(str(e.keeper) == str(keeper.address) and e.repaid > 0 for e in events)
    burned = {s: sum(e.burned for e in _events(p, "Offset", result)) for s, p in system.stability_pools.items()}
    assert {s: deposits[s] - p.totalDeposits() for s, p in system.stability_pools.items()} == burned
    assert sum(burned.values()) == sum(e.repaid for e in events)
    assert all(t.balanceOf(keeper) == 0 for t in system.synths.values())
    assert result.pool_burned_usd > 0 and result.depositors_pnl_usd > 0
