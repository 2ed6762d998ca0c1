"""Replays a price series onto mock feeds, moving the chain's clock with it; and which series a
replay takes (`load_series`): a CSV's own window unless told otherwise."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synthvault.prices import PricePoint, btc_monthly_csv, parse_time, read_series, series_span, walk_ohlc
from synthvault.units import scaled

# Without a CSV, a replay walks the built-in monthly bars of this window: March 2020 and a month
# either side.
BUILT_IN_WINDOW = ("2020-02-01", "2020-04-30")

Step = Callable[[int, PricePoint], None]


def replay(
    chain: Any,
    feed: Any,
    points: list[PricePoint],
    sender: Any,
    keep_fresh: Iterable[Any] = (),
    speedup: float = 1.0,
    on_step: Step | None = None,
) -> int:
    """Submits each point's price to `feed` at a chain time that keeps the series' spacing
    (divided by `speedup`), starting from the chain's next block, and always after the chain's
    latest block: what `on_step` (a keeper) sent after a round has moved the chain on, and the
    next round comes after it (a second later at least), never at a time Anvil would refuse.
    Feeds in `keep_fresh` get their latest answer again at each step, as live feeds publish at
    least once a heartbeat, so a long replay does not leave them stale. Calls `on_step(i, point)`
    after each round. Returns the number of rounds submitted."""
    decimals = feed.decimals()
    others = [(f, f.latestAnswer()) for f in keep_fresh]
    start_chain = chain.pending_timestamp
    start_series = points[0].timestamp
    for i, point in enumerate(points):
        # Read now, not after the last round: the keeper's transactions since are later blocks.
        latest = chain.blocks.head.timestamp
        when = max(latest + 1, start_chain + int((point.timestamp - start_series) / speedup))
        chain.mine(timestamp=when)
        feed.submit(scaled(point.price, decimals), sender=sender)
        for other, answer in others:
            other.submit(answer, sender=sender)
        if on_step:
            on_step(i, point)
    return len(points)


class SeriesWindowError(ValueError):
    """The window asked for (`--start`/`--end`) holds none of the file's rows: said in one line
    naming the options and the file's own span."""


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M")


def load_series(csv_path: Path | None, ohlc: bool = False, start: str | None = None, end: str | None = None,
                bar_label: str = "close") -> tuple[Path, list[PricePoint]]:
    """The file a replay reads and its points. Without `csv_path`, the built-in monthly BTC bars
    (walked as OHLC) within `BUILT_IN_WINDOW` unless `start`/`end` say otherwise; with one, the
    file's own rows (OHLC bars walked when `ohlc`, labelled by their `bar_label` time) within
    [`start`, `end`], each bound the file's own when not given. A window holding no row raises
    `SeriesWindowError`."""
    path = csv_path or btc_monthly_csv()
    if csv_path is None:
        start, end = start or BUILT_IN_WINDOW[0], end or BUILT_IN_WINDOW[1]
    window = (None if start is None else parse_time(start), None if end is None else parse_time(end))
    try:
        if ohlc or csv_path is None:
            return path, walk_ohlc(path, *window, label=bar_label)
        return path, read_series(path, *window)
    except ValueError as err:
        if "no rows in the window" not in str(err):
            raise
        first, last = series_span(path)
        asked = " and ".join(f"{option} {value}" for option, value in (("--start", start), ("--end", end)) if value)
        raise SeriesWindowError(f"{path} has no rows between {asked}: its rows run from {_when(first)} to "
                                f"{_when(last)} UTC (leave out --start/--end to replay all of it)") from None
