"""Replays a price series from CSV onto the deployed mock feeds, moving chain time to match.

    make replay                                                         # BTC, March 2020, on `make node`
    make replay ARGS='--csv prices.csv --asset ETH --speedup 3600'      # any CSV: time + price columns
    make replay ARGS='--ohlc --start 2020-02-01 --end 2020-04-30'       # walk monthly OHLC bars

Without --csv it walks the monthly BTC-USD bars shipped by the `backtesting` package (see
synthvault/prices.py), Feb-Apr 2020 unless --start/--end say otherwise; with --csv it replays the
file's own window (all its rows) unless --start/--end narrow it. By default the series' relative
moves are applied to the feed's current price (March 2020's crash on today's BTC); --absolute
replays its own prices, after first walking the feed from the deployed price to the series' first
price (for March 2020 on a $60,000 deployment, -86% before the replay starts: a book opened at the
deployed price is wiped out by that walk, not by the replay). Each move larger than --max-step-bps
is split into several rounds, as a real feed publishes at its deviation threshold, so the circuit
breaker sees what a live feed would show. Each round is mined after the chain's latest block, so a
keeper running beside it cannot make Anvil refuse the next round's time.
"""

from decimal import Decimal
from pathlib import Path

import click
from ape import chain, project
from ape.cli import ConnectedProviderCommand
from ape.logging import logger
from rich.progress import Progress

from synthvault.cli import account_option, autosign_option, friendly_errors, signer
from synthvault.preflight import attach_checked
from synthvault.prices import PricePoint, cap_steps, rebase
from synthvault.replay import BUILT_IN_WINDOW, load_series, replay


@click.command(cls=ConnectedProviderCommand)
@account_option
@autosign_option
@click.option("--csv", "csv_path", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--asset", default="BTC", show_default=True, help="Ticker of the feed to move.")
@click.option("--ohlc", is_flag=True, help="Walk Open/High/Low/Close bars instead of one price per row.")
@click.option("--start", default=None, help=f"First time to replay (ISO date or unix). Default: the CSV's first row "
              f"({BUILT_IN_WINDOW[0]} without --csv).")
@click.option("--end", default=None, help=f"Last time to replay (ISO date or unix). Default: the CSV's last row "
              f"({BUILT_IN_WINDOW[1]} without --csv).")
@click.option("--bar-label", type=click.Choice(["open", "close"]), default="close", show_default=True,
              help="With --ohlc: whether a row's time is its bar's open or its close.")
@click.option("--speedup", default=3600.0, show_default=True, help="Series seconds per chain second.")
@click.option("--absolute", is_flag=True,
              help="Replay the series' own prices, not its moves from today's price: walks the feed from the "
              "deployed price to the series' first price first (e.g. -86% for March 2020 from $60,000), "
              "which liquidates a book opened at the deployed price before the replay starts.")
@click.option("--max-step-bps", default=1000, show_default=True, help="Largest move per round; 0: no split.")
@friendly_errors
def cli(network, account_alias, autosign, csv_path: Path | None, asset, ohlc, start, end, bar_label, speedup,
        absolute, max_step_bps):
    """Replay a price series onto a mock feed."""
    logger.set_level("WARNING")
    _, system = attach_checked(project, chain.provider, network.name)
    path, points = load_series(csv_path, ohlc, start, end, bar_label)
    feed = system.feeds[asset]
    current = Decimal(feed.latestAnswer()) / Decimal(10) ** feed.decimals()
    # From today's price: either the series' moves applied to it, or a walk to the series' start.
    points = [PricePoint(points[0].timestamp, current), *points] if absolute else rebase(points, current)
    points = cap_steps(points, max_step_bps)
    others = [f for name, f in system.feeds.items() if name != asset]
    with Progress() as progress:
        task = progress.add_task(f"{asset} from {path.name}", total=len(points))
        replay(chain, feed, points, signer(network, account_alias, autosign=autosign), others, speedup,
               on_step=lambda i, p: progress.update(task, advance=1, description=f"{asset} ${p.price:,.2f}"))
    click.echo(f"{len(points)} rounds; {asset} now {points[-1].price}")
