"""Exact assertions: a custom-error revert with every argument, the exact events of a
transaction, and that a failed action changed nothing.

Why not `ape.reverts(contract.Error, **inputs)` alone: in eth-ape 0.8.51 with ape-foundry, a
revert inside an `eth_call` (any view, e.g. `OracleHub.priceWad`) reaches Python as a plain
`ContractLogicError`: the node's revert data is dropped, so the custom error is never decoded
and `ape.reverts` then passes whatever the error was. It also skips argument names it does not
know and arguments not given. `reverts_with` closes all three gaps.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ape
from ape.exceptions import ContractLogicError, CustomError
from hexbytes import HexBytes


def _plain(value: Any) -> Any:
    """An account or contract as its address; anything else as is."""
    return getattr(value, "address", value)


def _decoded(err: ContractLogicError) -> CustomError:
    """The custom error behind `err`, decoding it from the node's revert data if Ape did not."""
    if isinstance(err, CustomError):
        return err
    trace = err.trace
    call = getattr(trace, "tx", None)
    assert isinstance(call, dict), f"cannot decode the revert of a transaction: {err!r}"
    # Ask the node again for the same call: its JSON-RPC error still carries the revert data.
    provider = ape.chain.provider
    response = provider.web3.provider.make_request("eth_call", [call, *trace.arguments])
    data = response.get("error", {}).get("data")
    assert data, f"the call did not revert the second time: {response}"
    decoded = provider.network.ecosystem.decode_custom_error(HexBytes(data), call["to"])
    assert decoded is not None, f"revert data {data} is no custom error of {call['to']}"
    return decoded


@contextmanager
def reverts_with(error: type[CustomError], **inputs: Any) -> Iterator[Any]:
    """Asserts that the block reverts with `error` (e.g. `hub.OracleStalePrice`), raised by that
    contract, with exactly `inputs` as its arguments (all of them; accounts may stand for
    addresses)."""
    with ape.reverts() as info:
        yield info
    raised = _decoded(info.value)
    assert raised.abi.signature == error.abi.signature, f"expected {error.__name__}, got {raised!r}"
    if (contract := getattr(error, "contract", None)) is not None:
        assert raised.address == contract.address, f"{error.__name__} raised by {raised.address}"
    expected = {name: _plain(value) for name, value in inputs.items()}
    assert dict(raised.inputs) == expected


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
