"""A strict `ape.reverts` for custom errors.

`ape.reverts(contract.Error, **inputs)` in eth-ape 0.8.51 passes when the revert is not decoded
as a custom error at all (a bare revert, a panic, or an error bubbled up from a contract the
receiver called, which Ape decodes only against the receiver's ABI) and ignores input names the
error does not have. `reverts` fails in the first and last case and decodes the bubbled-up one
against the expected error's ABI."""

from contextlib import contextmanager
from typing import Any, Iterator

import ape
from eth_abi import decode
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes


def _inputs(raised: Any, error: Any) -> dict[str, Any]:
    """The expected error's inputs from `raised`, decoded by Ape or from the raw revert data."""
    if isinstance(raised, error):
        return dict(raised.inputs)
    abi = error.abi
    data = HexBytes(raised.revert_message) if str(raised.revert_message).startswith("0x") else HexBytes(b"")
    assert data[:4] == keccak(text=abi.selector)[:4], f"expected {error.__name__}, got {type(raised).__name__}: {raised}"
    types = [ipt.canonical_type for ipt in abi.inputs]
    values = decode(types, bytes(data[4:]))
    return {
        ipt.name: to_checksum_address(value) if kind == "address" else value
        for ipt, kind, value in zip(abi.inputs, types, values)
    }


@contextmanager
def reverts(error: Any, **inputs: Any) -> Iterator[Any]:
    """Asserts the block reverts with `error` (e.g. `vault.VaultZeroAmount`, or an error of a
    contract the receiver calls, e.g. `oracle.OracleStalePrice`) and that each of `inputs` is an
    argument of it with that value (addresses as checksummed strings)."""
    with ape.reverts() as info:
        yield info
    actual = _inputs(info.value, error)
    unknown = set(inputs) - set(actual)
    assert not unknown, f"{error.__name__} has no inputs {sorted(unknown)}; it has {sorted(actual)}"
    wrong = {name: actual[name] for name, value in inputs.items() if actual[name] != value}
    assert not wrong, f"{error.__name__} inputs {wrong} differ from the expected {inputs}"
