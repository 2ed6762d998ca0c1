"""Exact assertions: the exact events of a transaction, and that a failed action changed
nothing. (Custom-error reverts: `tests/utils/custom_errors.py`.)"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any



def assert_events(receipt: Any, *expected: Any) -> None:
    """Asserts that `receipt` emitted exactly `expected`, in order, each with every argument
    given: `assert_events(tx, hub.FeedRemoved(asset=BTC))`."""
    logs = list(receipt.events)
    assert len(logs) == len(expected), f"emitted {logs}"
    for log, mock in zip(logs, expected, strict=True):
        assert set(mock.event_arguments) == set(log.event_arguments), f"{mock} names not every argument"
        assert mock == log, f"emitted {log}, expected {mock}"


@contextmanager
def unchanged(*reads: Callable[[], Any]) -> Iterator[None]:
    """Asserts that every read returns the same after the block as before it."""
    before = [read() for read in reads]
    yield
    assert [read() for read in reads] == before
