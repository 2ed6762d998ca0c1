"""Exact assertions: the exact events of a transaction. (Custom-error reverts:
`tests/utils/custom_errors.py`.)"""

from typing import Any


def assert_events(receipt: Any, *expected: Any) -> None:
    """Asserts that `receipt` emitted exactly `expected`, in order, each with every argument
    given: `assert_events(tx, hub.FeedRemoved(asset=BTC))`."""
    logs = list(receipt.events)
    assert len(logs) == len(expected), f"emitted {logs}"
    for log, mock in zip(logs, expected, strict=True):
        assert set(mock.event_arguments) == set(log.event_arguments), f"{mock} names not every argument"
        assert mock == log, f"emitted {log}, expected {mock}"
