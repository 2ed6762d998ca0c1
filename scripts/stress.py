"""Stress test: what a price history does to a seeded book of positions, with the real keeper.

    make stress                                                       # 200 positions, March 2020 hourly
    ape run stress --csv ../shared/data/btc-usd-2020-03-hourly-ohlc.csv --positions 200
    ape run stress --csv prices.csv --latency 0 --latency 3 --size-fund --inventory self
    ape run stress --csv ../shared/data/btc-usd-2020-03-hourly-ohlc.csv --inventory pools   # keepers hold nothing

Deploys the system on a fresh local chain with BTC at the series' first price, opens a book of
--positions drawn from --seed (long, short, delta-neutral and spot-only; every synth; leverage
1-9.5x; CRs from just over the minting ratio up), gives the keeper its --inventory, then replays
the series once per --latency (the keeper acting that many rounds after it finds a position under
water). A CSV with open/high/low/close columns is walked bar by bar (a down bar open -> high ->
low -> close, an up bar open -> low -> high -> close; --closes replays the closes only). With
--size-fund it also finds the smallest insurance fund with no bad debt and no redistribution at
each latency. Writes tables to the terminal and report.md, charts and per-round CSVs to --out.
Logic in synthvault/stress/.
"""

import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import click
from ape import accounts, chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from synthvault.cli import friendly_errors, is_local
from synthvault.config import ROOT, load_config
from synthvault.errors import without_call_traces
from synthvault.prices import cap_steps, has_ohlc, merge_repeats
from synthvault.replay import load_series
from synthvault.report import console
from synthvault.stress import report
from synthvault.stress.session import start as start_session
from synthvault.stress.setup import INVENTORIES


@click.command(cls=ConnectedProviderCommand)
@click.option("--csv", "csv_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="Price series (time + price, or OHLC columns). Default: the built-in monthly BTC bars, "
              "Feb-Apr 2020.")
@click.option("--closes", is_flag=True, help="Replay a CSV's close (price) column only, even when it has OHLC.")
@click.option("--bar-label", type=click.Choice(["open", "close"]), default="open", show_default=True,
              help="Whether an OHLC row's time is its bar's open or its close (the built-in file: close).")
@click.option("--start", default=None, help="First time to replay (default: the CSV's first row).")
@click.option("--end", default=None, help="Last time to replay (default: the CSV's last row).")
@click.option("--positions", default=200, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=1, show_default=True, help="The book's random seed: the same seed, the same book.")
@click.option("--latency", "latencies", multiple=True, type=click.IntRange(min=0), default=(0,), show_default=True,
              help="Rounds between the keeper finding a position under water and liquidating it; repeat for "
              "more runs.")
@click.option("--inventory", type=click.Choice(INVENTORIES), default="unlimited", show_default=True,
              help="The keeper's synth: the whole book's debt of each, what --keeper-capital-usd mints, or none; "
              "pools: none, the whole book's debt of each in its stability pool instead (a depositor's).")
@click.option("--keeper-capital-usd", default="1000000", show_default=True,
              help="WBTC the keeper locks with --inventory self.")
@click.option("--fund-usd", default=None, help="Insurance fund at the start (default: config/local.yaml's).")
@click.option("--pool-usd", default="20000000", show_default=True, help="Stablecoin in the LP pool at the start.")
@click.option("--exchange-keeper", is_flag=True,
              help="Also run the exchange's own liquidations (FuturesExchange.liquidate at the maintenance margin) "
              "each round, before the vault's keeper.")
@click.option("--size-fund", is_flag=True, help="Also find the smallest fund with no bad debt nor redistribution.")
@click.option("--max-step-bps", default=0, show_default=True,
              help="Split moves larger than this into rounds; 0: no split.")
@click.option("--config", "config_path", type=click.Path(exists=True, path_type=Path), default=None,
              help="Deployment config (default: config/local.yaml): try other risk parameters.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=ROOT / "out" / "stress", show_default=True)
@friendly_errors
def cli(network, csv_path, closes, bar_label, start, end, positions, seed, latencies, inventory, keeper_capital_usd,
        fund_usd, pool_usd, exchange_keeper, size_fund, max_step_bps, config_path, out_dir):
    """Replay a price history on a seeded book with the keeper, and report."""
    if not is_local(network):
        raise click.UsageError("a stress run mints test tokens and moves mock prices: run it on a local chain")
    logger.set_level("ERROR")
    began = time.monotonic()
    ohlc = csv_path is None or (has_ohlc(csv_path) and not closes)
    path, points = load_series(csv_path, ohlc, start, end, bar_label if csv_path else "close")
    points = cap_steps(merge_repeats(points), max_step_bps)
    config = load_config(config_path) if config_path else load_config()
    configured = config["liquidation"]["insurance_fund_deposit_usd"]
    fund = Decimal(fund_usd) if fund_usd is not None else Decimal(str(configured))
    roles = dict(zip(("owner", "trader", "keeper", "exchange_keeper", "depositor"), accounts.test_accounts,
                     strict=False))
    with console.status(f"deploying and opening {positions} positions"), without_call_traces():
        session = start_session(project, chain, roles, config, points[0].price, positions, seed, inventory,
                        Decimal(keeper_capital_usd), Decimal(pool_usd))
    console.print(f"{len(session.book.positions)} positions open ({len(session.book.unminted)} could not mint the "
                  f"minimum debt), {len(points)} rounds from {path.name}, in {time.monotonic() - began:.0f} s")

    sizing = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[status]}"))
    with Progress(*columns, console=console) as progress, without_call_traces():
        def track(label: str):
            task = progress.add_task(label, total=len(points), status="")
            return lambda r: progress.update(task, advance=1, status=(
                f"BTC ${r.btc:,.0f}  liquidated {r.liquidated}  fund ${r.fund_reserves_usd:,.0f}  "
                f"redistributed ${r.redistributed_usd:,.0f}"))
        for latency in latencies:
            session.run(points, latency, fund, track(f"latency {latency}"), exchange_keeper)
        if size_fund:
            for latency in latencies:
                needed, check = session.size_fund(points, latency, track(f"fund sizing, latency {latency}"),
                                                  exchange_keeper)
                session.results.pop()  # the sizing runs are not the report's runs
                session.results.pop()
                sizing.append((latency, needed, check))
    results = session.results
    for t in report.tables(session.book.positions, results):
        console.print(t)
    for latency, needed, check in sizing:
        console.print(f"latency {latency}: the smallest fund with no bad debt and no redistribution is ${needed:,.0f} "
                      f"(check run: {len(check.liquidations)} liquidations, redistributed "
                      f"${check.rounds[-1].redistributed_usd:,.0f})")
    facts = report.SessionFacts(str(path), len(points), datetime.fromtimestamp(points[0].timestamp, UTC),
                                datetime.fromtimestamp(points[-1].timestamp, UTC), len(session.book.positions),
                                len(session.book.unminted), seed, inventory, fund, time.monotonic() - began,
                                (config["vault"]["minting_ratio_pct"], config["vault"]["liquidation_ratio_pct"]),
                                exchange_keeper)
    written = report.write(out_dir, facts, session.book.positions, results, sizing)
    console.print(f"wrote {', '.join(str(p) for p in written)} in {time.monotonic() - began:.0f} s")
