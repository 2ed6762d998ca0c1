"""Asserting custom-error reverts exactly, whichever contract raised them.

`ape.reverts(contract.ErrorName, **inputs)` (eth-ape 0.8.51) checks the error only when Ape
decoded the revert as a custom error of the contract it called; otherwise it passes whatever the
revert was. With Anvil 1.7 that happens for every view call (Anvil words the revert data as
"custom error 0x…: …", which Ape does not parse, or Ape reads the data back as text) and for
errors raised by a nested contract (an `OracleHub` error inside an exchange transaction). It
also ignores input names the error does not have. `reverts` decodes the revert data with the
tools' decoder (`synthvault/errors.py`) and asserts the selector and every named input.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ape.exceptions import ContractLogicError, CustomError

from synthvault.errors import decode_inputs, revert_data, selector


@dataclass
class Revert:
    """What `reverts` caught: the error's name and decoded inputs."""

    name: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)


def _normalise(value: Any) -> Any:
    return value.address if hasattr(value, "address") else value


def _decode(err: ContractLogicError, abi: Any) -> dict[str, Any]:
    if isinstance(err, CustomError):
        if err.abi.name != abi.name:
            raise AssertionError(f"expected {abi.name} but the revert was {err.abi.name}{err.inputs}")
        return dict(err.inputs)
    data = revert_data(err)
    if data is None:
        raise AssertionError(f"expected a custom error, but the revert was {err.revert_message!r}")
    if data[:4] != selector(abi):
        raise AssertionError(f"expected {abi.name} ({selector(abi).hex()}) but the revert was 0x{data.hex()}")
    return decode_inputs(abi, data)


@contextmanager
def reverts(error: Any, **inputs: Any) -> Iterator[Revert]:
    """Asserts that the block reverts with the custom error `error` (e.g. `exchange.ExchangeZeroAmount`
    or `oracle.OracleStalePrice`), and that each named input equals the value given."""
    caught = Revert(name=error.abi.name)
    try:
        yield caught
    except ContractLogicError as err:
        caught.inputs = _decode(err, error.abi)
        wrong = []
        for name, expected in inputs.items():
            if name not in caught.inputs:
                raise AssertionError(f"{error.abi.name} has no input {name!r}: {list(caught.inputs)}") from err
            if caught.inputs[name] != _normalise(expected):
                wrong.append(f"{name}: expected {_normalise(expected)!r}, got {caught.inputs[name]!r}")
        if wrong:
            raise AssertionError(f"{error.abi.name} inputs differ: " + "; ".join(wrong)) from err
    else:
        raise AssertionError(f"did not revert (expected {error.abi.name})")
