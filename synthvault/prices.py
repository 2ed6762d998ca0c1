"""Price series for replays: read a CSV, expand OHLC bars into a path, cap the move per round.

Any CSV with a time column and a price column works: the time column is the first of
`timestamp`, `time`, `date`, `datetime` (or an unnamed first column), as unix seconds or an
ISO date; the price column is the first of `price`, `close`, `Close`. A CSV with Open, High,
Low and Close columns can instead be walked bar by bar (`walk_ohlc`).
"""

import csv
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

TIME_COLUMNS = ("timestamp", "time", "date", "datetime", "")
PRICE_COLUMNS = ("price", "close", "Close")


@dataclass(frozen=True)
class PricePoint:
    timestamp: int  # unix seconds
    price: Decimal  # USD per whole unit


def btc_monthly_csv() -> Path:
    """Monthly BTC-USD OHLC bars, 2012-01 to 2024-12, as shipped by the PyPI package `backtesting`
    (pinned in requirements.txt). Each row is labelled with the last day of its month."""
    return Path(str(resources.files("backtesting.test") / "BTCUSD.csv"))


def parse_time(raw: str) -> int:
    raw = raw.strip()
    if raw.replace(".", "", 1).isdigit():
        return int(float(raw))
    parsed = datetime.fromisoformat(raw)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _column(fieldnames: Iterable[str], candidates: Iterable[str], what: str) -> str:
    names = list(fieldnames)
    for candidate in candidates:
        for name in names:
            if name.strip().lower() == candidate.lower():
                return name
    raise ValueError(f"no {what} column in {names}; expected one of {list(candidates)}")


def _read(path: Path) -> tuple[list[dict[str, str]], list[int]]:
    """Every row of the file and its time, in file order."""
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        time_col = _column(reader.fieldnames or [], TIME_COLUMNS, "time")
        rows = list(reader)
    return rows, [parse_time(r[time_col]) for r in rows]


def _in_window(times: list[int], start: int | None, end: int | None, path: Path) -> list[int]:
    """Indices of the rows whose time is within [start, end]."""
    keep = [i for i, t in enumerate(times) if (start is None or t >= start) and (end is None or t <= end)]
    if not keep:
        raise ValueError(f"{path} has no rows in the window asked for")
    return keep


def series_span(path: Path) -> tuple[int, int]:
    """The first and last time of a file's rows."""
    _, times = _read(path)
    return min(times), max(times)


def read_series(path: Path, start: int | None = None, end: int | None = None) -> list[PricePoint]:
    """One point per row: (time, price), sorted by time, within [start, end] if given."""
    rows, times = _read(path)
    price_col = _column(rows[0].keys() if rows else [], PRICE_COLUMNS, "price")
    points = [PricePoint(times[i], Decimal(rows[i][price_col])) for i in _in_window(times, start, end, path)]
    return sorted(points, key=lambda p: p.timestamp)


def bar_path(o: Decimal, h: Decimal, low: Decimal, c: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """The order a bar's four prices are walked in. A falling bar (close < open) walks open ->
    high -> low -> close, a rising (or flat) one open -> low -> high -> close: the usual
    assumption when only OHLC is known (the far extreme is reached last, on the way to the
    close), and the one that shows a crash bar's full depth before its recovery."""
    return (o, h, low, c) if c < o else (o, low, h, c)


def walk_ohlc(path: Path, start: int | None = None, end: int | None = None, label: str = "close") -> list[PricePoint]:
    """Each bar within [start, end] (by its label) as a path through its four prices in the order
    `bar_path` gives, spread evenly over the bar. A bar is labelled with its close time (`label`
    "close", as the built-in monthly file is: it opens at the previous row's label) or its open
    time (`label` "open", as most exchange exports are: it closes at the next row's label); a bar
    without a neighbour is given the length of the one beside it."""
    if label not in ("open", "close"):
        raise ValueError(f"a bar's label is its 'open' or 'close' time, not {label!r}")
    rows, labels = _read(path)
    cols = {k: _column(rows[0].keys() if rows else [], (k,), k) for k in ("Open", "High", "Low", "Close")}
    points: list[PricePoint] = []
    for i in _in_window(labels, start, end, path):
        length = _bar_length(labels, i, label)
        o, h, low, c = (Decimal(rows[i][cols[k]]) for k in ("Open", "High", "Low", "Close"))
        bar_open = labels[i] - length if label == "close" else labels[i]
        points.extend(PricePoint(bar_open + length * k // 3, p) for k, p in enumerate(bar_path(o, h, low, c)))
    return points


def _bar_length(labels: list[int], i: int, label: str) -> int:
    """Bar i's length: to the previous label (close-labelled) or the next one (open-labelled), else
    the neighbouring bar's, else a day."""
    if len(labels) < 2:
        return 86_400
    if label == "close":
        return labels[i] - labels[i - 1] if i > 0 else labels[1] - labels[0]
    return labels[i + 1] - labels[i] if i + 1 < len(labels) else labels[i] - labels[i - 1]


def has_ohlc(path: Path) -> bool:
    """Whether the file has Open, High, Low and Close columns (any case)."""
    with open(path, newline="") as handle:
        header = next(csv.reader(handle), [])
    return {"open", "high", "low", "close"} <= {name.strip().lower() for name in header}


def merge_repeats(points: list[PricePoint]) -> list[PricePoint]:
    """The points without those repeating the previous price (a bar's close and the next bar's
    open, walked as two points at the same price): one round each, not two."""
    return points[:1] + [p for prev, p in itertools.pairwise(points) if p.price != prev.price]


def cap_steps(points: list[PricePoint], max_step_bps: int) -> list[PricePoint]:
    """Inserts geometric in-between points so that no two consecutive prices differ by more than
    `max_step_bps` of the earlier one, as a real Chainlink feed publishes a round at every
    deviation threshold rather than one gap. Times are interpolated linearly."""
    if max_step_bps <= 0:
        return list(points)
    out = [points[0]]
    bound = Decimal(max_step_bps) / Decimal(10_000)
    for prev, curr in itertools.pairwise(points):
        ratio = curr.price / prev.price
        # Enough steps that each step's ratio stays within [1 - bound, 1 + bound].
        step_log = math.log(1 - bound) if ratio < 1 else math.log(1 + bound)
        steps = max(1, math.ceil(math.log(ratio) / step_log - 1e-12)) if ratio != 1 else 1
        for k in range(1, steps + 1):
            price = curr.price if k == steps else prev.price * ratio ** (Decimal(k) / Decimal(steps))
            t = prev.timestamp + (curr.timestamp - prev.timestamp) * k // steps
            out.append(PricePoint(t, price.quantize(Decimal("0.00000001"))))
    return out


def rebase(points: list[PricePoint], start_price: Decimal) -> list[PricePoint]:
    """The same path of relative moves, starting from `start_price`: replays a historical crash
    on today's price level."""
    factor = Decimal(start_price) / points[0].price
    return [PricePoint(p.timestamp, (p.price * factor).quantize(Decimal("0.00000001"))) for p in points]
