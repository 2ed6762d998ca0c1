"""Readable output for people: rich tables of what was deployed and what it says."""

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.table import Table

# Wide enough for addresses and prices when the output is a file or a CI log, not a terminal.
console = Console(width=None if Console().is_terminal else 132)


def table(title: str, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Table:
    """A table whose numeric columns (all but the first) are right-aligned."""
    out = Table(title=title, title_justify="left")
    for i, name in enumerate(columns):
        out.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        out.add_row(*(str(cell) for cell in row))
    return out


def count(n: int, noun: str, plural: str = "") -> str:
    """`1 position`, `4 positions` (`plural` when adding an s will not do: `pass`, `passes`)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def usd(value: Any, places: int = 2) -> str:
    return f"${value:,.{places}f}"
