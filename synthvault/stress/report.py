"""What a stress session says: rich tables for the terminal, PNG charts (matplotlib, pinned in
requirements.txt) and a markdown report, written under one folder (`out/stress/` by default)."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.table import Table

from synthvault.report import table
from synthvault.stress.book import KINDS, PositionSpec
from synthvault.stress.runner import PERCENTILES, RunResult


@dataclass(frozen=True)
class SessionFacts:
    """What the report says about the session besides its runs."""

    source: str  # the price file
    points: int  # rounds
    first: datetime
    last: datetime
    positions: int
    unminted: int
    seed: int
    inventory: str
    fund_usd: Decimal
    elapsed_s: float
    ratios: tuple[float, float] = (150, 120)  # the minting and liquidation ratios, percent
    exchange_keeper: bool = False


def _usd(value: Decimal | float) -> str:
    return f"${value:,.0f}"


def _cr(value: float) -> str:
    return f"{value * 100:.1f}%"


def book_rows(specs: dict[int, PositionSpec]) -> list[tuple]:
    """Per kind: positions, collateral, debt, leverage range, CR range at opening."""
    rows = []
    for kind in KINDS:
        of_kind = [s for s in specs.values() if s.kind == kind]
        if not of_kind:
            continue
        rows.append((kind, len(of_kind), _usd(sum(s.collateral_usd for s in of_kind)),
                     _usd(sum(s.debt_usd for s in of_kind)),
                     f"{min(s.leverage for s in of_kind)}-{max(s.leverage for s in of_kind)}x",
                     f"{_cr(float(min(s.target_cr for s in of_kind)))}-{_cr(float(max(s.target_cr for s in of_kind)))}",
                     ", ".join(f"{n} {synth}" for synth, n in sorted(Counter(s.synth for s in of_kind).items()))))
    return rows


BOOK_COLUMNS = ["kind", "positions", "collateral", "debt", "leverage", "CR at opening", "synths"]
RUN_COLUMNS = ["latency", "liquidations", "exchange liquidations", "median CR seen", "lowest CR seen",
               "shortfalls", "fund paid", "fund end", "redistributed", "bad debt", "LP pool PnL",
               "keeper PnL net of gas", "stability pools burned", "depositors' PnL", "fund needed"]


def run_row(r: RunResult) -> tuple:
    seen = sorted(x.cr_before for x in r.liquidations)
    shortfalls = sum((x.shortfall_usd for x in r.liquidations), Decimal(0))
    redistributed = r.rounds[-1].redistributed_usd if r.rounds else Decimal(0)
    return (f"{r.latency} rounds", len(r.liquidations), r.exchange_liquidations,
            _cr(seen[len(seen) // 2]) if seen else "-",
            _cr(seen[0]) if seen else "-", _usd(shortfalls), _usd(r.fund_paid_usd), _usd(r.fund_end_usd),
            _usd(redistributed), _usd(sum(r.bad_debt_usd.values(), Decimal(0))), _usd(r.pool_pnl_usd),
            _usd(r.keeper_pnl_usd), _usd(r.pool_burned_usd), _usd(r.depositors_pnl_usd), _usd(r.fund_needed_usd))


def synth_rows(r: RunResult) -> list[tuple]:
    synths = sorted(set(r.bad_debt) | set(r.redistributed))
    return [(s, sum(1 for x in r.liquidations if x.synth == s), f"{r.redistributed.get(s, Decimal(0)):,.4f}",
             f"{r.bad_debt.get(s, Decimal(0)):,.4f}", _usd(r.bad_debt_usd.get(s, Decimal(0)))) for s in synths]


SYNTH_COLUMNS = ["synth", "liquidations", "redistributed (units)", "bad debt (units, Vault.badDebt)", "bad debt (USD)"]


def kind_rows(r: RunResult) -> list[tuple]:
    rows = []
    for kind in (*KINDS, "keeper"):
        of_kind = [x for x in r.liquidations if x.kind == kind]
        if of_kind:
            rows.append((kind, len(of_kind), _cr(min(x.cr_before for x in of_kind)),
                         _usd(sum((x.shortfall_usd for x in of_kind), Decimal(0)))))
    return rows


KIND_COLUMNS = ["kind", "liquidations", "lowest CR seen", "shortfalls"]


def tables(specs: dict[int, PositionSpec], results: list[RunResult]) -> list[Table]:
    # Two tables, so that each fits a 132-column log: the losses, then who gained and the fund.
    split = RUN_COLUMNS.index("LP pool PnL")
    rows = [run_row(r) for r in results]
    out = [table("The book", BOOK_COLUMNS, book_rows(specs)),
           table("Each run: liquidations and losses", RUN_COLUMNS[:split], [row[:split] for row in rows]),
           table("Each run: PnL and the fund needed", [RUN_COLUMNS[0], *RUN_COLUMNS[split:]],
                 [(row[0], *row[split:]) for row in rows])]
    for r in results:
        out.append(table(f"Latency {r.latency}: by synth", SYNTH_COLUMNS, synth_rows(r)))
        out.append(table(f"Latency {r.latency}: by kind", KIND_COLUMNS, kind_rows(r)))
    return out


def _markdown_table(columns: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join(["---"] + ["---:"] * (len(columns) - 1)) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def charts(results: list[RunResult], folder: Path, ratios: tuple[float, float] = (150, 120),
           stem: str = "stress") -> list[Path]:
    """Three PNGs: BTC with each run's liquidations marked, the book's CR distribution over time
    (the first run) against the minting and liquidation `ratios` (percent), and the fund's
    reserves over time (every run)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    first = results[0]
    rounds = [r.round for r in first.rounds]
    btc = [float(r.btc) for r in first.rounds]

    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.plot(rounds, btc, color="#f7931a", linewidth=1, label="BTC")
    for run, marker in zip(results, ("v", "o", "s", "^", "D"), strict=False):
        hits = Counter(x.round for x in run.liquidations)
        ax.scatter(list(hits), [btc[i] for i in hits], s=[8 + 4 * n for n in hits.values()], marker=marker,
                   alpha=0.6, label=f"liquidations, latency {run.latency}")
    paths.append(_save(fig, ax, "BTC and the rounds with liquidations (marker size: how many)", "BTC (USD)",
                       folder / f"{stem}-btc.png"))

    fig, ax = plt.subplots(figsize=(8, 3.6))
    bands = list(zip(*(r.cr_percentiles for r in first.rounds), strict=True))
    pct = [[v * 100 for v in band] for band in bands]
    ax.fill_between(rounds, pct[0], pct[4], alpha=0.2, color="#1f77b4", label=f"p{PERCENTILES[0]}-p{PERCENTILES[4]}")
    ax.fill_between(rounds, pct[1], pct[3], alpha=0.4, color="#1f77b4", label=f"p{PERCENTILES[1]}-p{PERCENTILES[3]}")
    ax.plot(rounds, pct[2], color="#1f77b4", linewidth=1, label="median")
    ax.axhline(ratios[0], color="grey", linestyle="--", linewidth=0.8, label=f"minting {ratios[0]:g}%")
    ax.axhline(ratios[1], color="red", linestyle="--", linewidth=0.8, label=f"liquidation {ratios[1]:g}%")
    ax.set_ylim(0, 500)
    paths.append(_save(fig, ax, f"The book's CRs over time (latency {first.latency})", "CR (%)",
                       folder / f"{stem}-cr.png"))

    fig, ax = plt.subplots(figsize=(8, 3.6))
    for run in results:
        ax.plot([r.round for r in run.rounds], [float(r.fund_reserves_usd) for r in run.rounds],
                label=f"latency {run.latency}, from {_usd(run.fund_start_usd)}")
    paths.append(_save(fig, ax, "Insurance fund reserves", "fund reserves (USD)", folder / f"{stem}-fund.png"))
    return paths


def _save(fig: Any, ax: Any, title: str, ylabel: str, path: Path) -> Path:
    """Titles, labels and writes one chart (small: 80 dpi), then frees it."""
    import matplotlib.pyplot as plt

    ax.set_title(title)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("round")
    ax.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def markdown(facts: SessionFacts, specs: dict[int, PositionSpec], results: list[RunResult],
             chart_paths: list[Path], fund_sizing: list[tuple[int, Decimal, RunResult]]) -> str:
    when = f"{facts.first:%Y-%m-%d %H:%M} to {facts.last:%Y-%m-%d %H:%M} UTC"
    lines = [
        "# Stress run",
        "",
        f"{facts.positions} positions (seed {facts.seed}; {facts.unminted} more drawn could not mint the minimum "
        f"debt) replayed through {facts.points} rounds of `{facts.source}` ({when}). Keeper inventory: "
        f"{facts.inventory}. Exchange keeper: {'yes' if facts.exchange_keeper else 'no'}. Insurance fund at the "
        f"start: {_usd(facts.fund_usd)}. Ran in {facts.elapsed_s:.0f} s.",
        "",
        "## The book",
        "",
        _markdown_table(BOOK_COLUMNS, book_rows(specs)),
        "",
        "## Each run",
        "",
        _markdown_table(RUN_COLUMNS, [run_row(r) for r in results]),
        "",
    ]
    for r in results:
        lines += [f"### Latency {r.latency}", "", _markdown_table(SYNTH_COLUMNS, synth_rows(r)), "",
                  _markdown_table(KIND_COLUMNS, kind_rows(r)), ""]
    if fund_sizing:
        lines += ["## Fund sizing", "", "| latency | smallest fund | check run: redistributed | bad debt |",
                  "| ---: | ---: | ---: | ---: |"]
        for latency, needed, check in fund_sizing:
            redistributed = check.rounds[-1].redistributed_usd if check.rounds else Decimal(0)
            lines.append(f"| {latency} | {_usd(needed)} | {_usd(redistributed)} | "
                         f"{_usd(sum(check.bad_debt_usd.values(), Decimal(0)))} |")
        lines.append("")
    lines += ["## Charts", ""] + [f"![{p.stem}]({p.name})" for p in chart_paths]
    return "\n".join(lines) + "\n"


def per_round_csv(result: RunResult) -> str:
    head = ("round,time,btc,liquidated,shortfall_usd,fund_reserves_usd,bad_debt_usd,redistributed_usd,"
            "pool_pnl_usd,keeper_pnl_usd,under_liquidation_ratio,under_water,"
            + ",".join(f"cr_p{p}" for p in PERCENTILES))
    rows = [",".join(str(v) for v in (
        r.round, datetime.fromtimestamp(r.timestamp, UTC).isoformat(), r.btc, r.liquidated, r.shortfall_usd,
        r.fund_reserves_usd, r.bad_debt_usd, r.redistributed_usd, r.pool_pnl_usd, r.keeper_pnl_usd,
        r.under_liquidation_ratio, r.under_water, *(f"{c:.4f}" for c in r.cr_percentiles))) for r in result.rounds]
    return "\n".join([head, *rows]) + "\n"


def liquidations_csv(result: RunResult) -> str:
    """One row per liquidation: its round, the position, what the keeper saw and what it cost."""
    head = ("round,position,kind,synth,cr_seen,cr_before,repaid_usd,penalty_to_fund_usd,shortfall_usd,"
            "fund_paid_usd,written_off")
    rows = [",".join(str(v) for v in (x.round, x.position_id, x.kind, x.synth, f"{x.cr_seen:.4f}", f"{x.cr_before:.4f}",
                                       x.repaid_usd, x.penalty_to_fund_usd, x.shortfall_usd, x.fund_paid_usd,
                                       x.written_off)) for x in result.liquidations]
    return "\n".join([head, *rows]) + "\n"


def write(folder: Path, facts: SessionFacts, specs: dict[int, PositionSpec], results: list[RunResult],
          fund_sizing: list[tuple[int, Decimal, RunResult]]) -> list[Path]:
    """Writes the charts, `report.md`, and per run a CSV of its rounds and one of its liquidations
    under `folder`; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = charts(results, folder, facts.ratios)
    report = folder / "report.md"
    report.write_text(markdown(facts, specs, results, paths, fund_sizing))
    csvs = []
    for r in results:
        csvs.append(folder / f"rounds-latency-{r.latency}.csv")
        csvs[-1].write_text(per_round_csv(r))
        csvs.append(folder / f"liquidations-latency-{r.latency}.csv")
        csvs[-1].write_text(liquidations_csv(r))
    return [report, *paths, *csvs]


