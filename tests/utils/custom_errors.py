"""Asserting custom-error reverts exactly, whichever contract raised them.

`ape.reverts(contract.ErrorName, **inputs)` (eth-ape 0.8.51) checks the error only when Ape
decoded the revert as a custom error of the contract it called; otherwise it passes whatever the
revert was. With Anvil 1.7 that happens for every view call (Anvil words the revert data as
"custom error 0x…: …", which Ape does not parse, or Ape reads the data back as text) and for
errors raised by a nested contract (an `OracleHub` error inside an exchange transaction). It also ignores input names the error does
not have. `reverts` decodes the revert data itself and asserts the selector and every named input.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ape import networks
from ape.exceptions import ContractLogicError, CustomError
from eth_utils import keccak

_ANVIL_CUSTOM_ERROR = re.compile(r"custom error 0x([0-9a-fA-F]{8}):\s?(.*)", re.S)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


@dataclass
class Revert:
    """What `reverts` caught: the error's name and decoded inputs."""

    name: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)


def _revert_data(err: ContractLogicError) -> bytes:
    message = err.revert_message or ""
    if message.startswith("0x"):
        return bytes.fromhex(message[2:])
    # The node's own bytes first: Anvil's text rendering of the data is lossy.
    if (data := _call_again(err)) is not None:
        return data
    if match := _ANVIL_CUSTOM_ERROR.fullmatch(message):
        payload = match[2]
        # Anvil prints the arguments as text when the bytes are valid UTF-8, else as hex.
        body = bytes.fromhex(payload) if _HEX.fullmatch(payload) else payload.encode("utf-8")
        return bytes.fromhex(match[1]) + body
    raise AssertionError(f"expected a custom error, but the revert was {message!r}")


def _call_again(err: ContractLogicError) -> bytes | None:
    """The revert data of a reverted `eth_call`, asked of the node again: for a view whose revert
    Ape reports in neither form above (e.g. data read back as text), the JSON-RPC error of the
    same call still carries the raw bytes."""
    call = getattr(err.trace, "tx", None) if err.trace is not None else None
    if not isinstance(call, dict):
        return None
    response = networks.provider.web3.provider.make_request("eth_call", [call, *err.trace.arguments])
    data = response.get("error", {}).get("data")
    return bytes.fromhex(data[2:]) if isinstance(data, str) and data.startswith("0x") else None


def _normalise(value: Any) -> Any:
    return value.address if hasattr(value, "address") else value


def _decode(err: ContractLogicError, abi: Any) -> dict[str, Any]:
    if isinstance(err, CustomError):
        if err.abi.name != abi.name:
            raise AssertionError(f"expected {abi.name} but the revert was {err.abi.name}{err.inputs}")
        return dict(err.inputs)
    data = _revert_data(err)
    selector = keccak(text=abi.selector)[:4]
    if data[:4] != selector:
        raise AssertionError(f"expected {abi.name} ({selector.hex()}) but the revert was 0x{data.hex()}")
    return networks.ethereum.decode_calldata(abi, data[4:])


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
