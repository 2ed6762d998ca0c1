"""One revert decoder for the tools and the tests: a revert's custom error by name, with its inputs.

Ape decodes a custom error only when the contract it called raised it in a transaction. With Anvil,
a view call's revert arrives as text ("custom error 0x7c6298f2: ..."), or as data Ape read back as
a string, and an error raised by a nested contract (an `OracleHub` error inside an exchange call)
is not the called contract's. `ErrorDecoder` recovers the revert data in each of these forms and
looks its selector up among every error of the project's contracts: `OracleStalePrice(asset='BTC',
updatedAt=..., heartbeat=3600, now=...)`."""

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from ape.exceptions import ContractLogicError, CustomError
from eth_utils import keccak

_ANVIL_CUSTOM_ERROR = re.compile(r"custom error 0x([0-9a-fA-F]{8}):\s?(.*)", re.S)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


@dataclass(frozen=True)
class DecodedError:
    """A custom error and its inputs, by name."""

    name: str
    inputs: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.name}({', '.join(f'{k}={_show(v)}' for k, v in self.inputs.items())})"


def _show(value: Any) -> str:
    """An input as a reader wants it: an asset id as its ticker ('BTC'), other bytes in hex."""
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).rstrip(b"\0")
        if text and text.isascii() and text.decode().isprintable():
            return repr(text.decode())
        return "0x" + bytes(value).hex()
    return repr(value) if isinstance(value, str) else str(value)


def selector(abi: Any) -> bytes:
    """The 4-byte selector of an error ABI."""
    return keccak(text=abi.selector)[:4]


def revert_data(err: ContractLogicError) -> bytes | None:
    """The raw revert data of `err`, from whichever form it came in; None when there is none
    (a revert without data, or a string reason)."""
    message = err.revert_message or ""
    if message.startswith("0x") and _HEX.fullmatch(message[2:]):
        return bytes.fromhex(message[2:])
    # The node's own bytes first: Anvil's text rendering of the data is lossy.
    if (data := _call_again(err)) is not None:
        return data
    if match := _ANVIL_CUSTOM_ERROR.fullmatch(message):
        return _anvil_data(match)
    return None


def _anvil_data(match: re.Match) -> bytes:
    """The revert data of Anvil's text `custom error 0x<selector>: <arguments>`."""
    payload = match[2]
    # Anvil prints the arguments as text when the bytes are valid UTF-8, else as hex.
    body = bytes.fromhex(payload) if _HEX.fullmatch(payload) else payload.encode("utf-8")
    return bytes.fromhex(match[1]) + body


def _call_again(err: ContractLogicError) -> bytes | None:
    """The revert data of a reverted `eth_call`, asked of the node again: for a view whose revert
    Ape reports in neither form above (e.g. data read back as text), the JSON-RPC error of the
    same call still carries the raw bytes."""
    from ape import networks

    trace = err.trace if err.trace is not None else None
    call = getattr(trace, "tx", None)
    if not isinstance(call, dict):
        return None
    try:
        response = networks.provider.web3.provider.make_request("eth_call", [call, *trace.arguments])
    except Exception:  # noqa: BLE001 - the node may be gone; then the other forms must do
        return None
    data = response.get("error", {}).get("data")
    return bytes.fromhex(data[2:]) if isinstance(data, str) and data.startswith("0x") else None


def decode_inputs(abi: Any, data: bytes) -> dict[str, Any]:
    """The inputs of the error `abi` from its revert data (selector included)."""
    from ape import networks

    return dict(networks.ethereum.decode_calldata(abi, data[4:]))


class ErrorDecoder:
    """Decodes reverts against every custom error of the given contract types."""

    def __init__(self, contracts: Iterable[Any]):
        """`contracts`: contract types, or Ape contract containers (`project.contracts.values()`)."""
        self._abis: dict[bytes, Any] = {}
        for contract in contracts:
            for abi in getattr(contract, "contract_type", contract).errors:
                self._abis.setdefault(selector(abi), abi)

    def decode_data(self, data: bytes) -> DecodedError | None:
        abi = self._abis.get(data[:4])
        if abi is None:
            return None
        try:
            return DecodedError(abi.name, decode_inputs(abi, data))
        except Exception:  # noqa: BLE001 - data too short for the error it names: not this error
            return None

    def decode(self, err: ContractLogicError) -> DecodedError | None:
        """The custom error behind `err`, or None when it is none the project knows."""
        if isinstance(err, CustomError):
            return DecodedError(err.abi.name, dict(err.inputs))
        data = revert_data(err)
        return self.decode_data(data) if data else None

    def describe(self, err: BaseException) -> str:
        """One line for a person: `ErrorName(arg=value, ...)` for a known custom error, the revert
        message for any other revert, else the exception's type and text."""
        if isinstance(err, ContractLogicError):
            if decoded := self.decode(err):
                return str(decoded)
            if data := revert_data(err):
                return f"unknown custom error 0x{data[:4].hex()} (data 0x{data.hex()})"
            return f"reverted: {err.revert_message or 'no reason'}"
        # A revert that reached us as another error's text (a node's "execution reverted: custom
        # error 0x...: ..." in a ProviderError): its custom error all the same.
        if (match := _ANVIL_CUSTOM_ERROR.search(str(err))) and (decoded := self.decode_data(_anvil_data(match))):
            return f"reverted: {decoded}"
        return f"{type(err).__name__}: {err}"


_DECODERS: dict[int, ErrorDecoder] = {}


def project_decoder(project: Any = None) -> ErrorDecoder:
    """The decoder of the project's contracts (by default Ape's local project), built once."""
    if project is None:
        from ape import project as local_project

        project = local_project
    if id(project) not in _DECODERS:
        # The compiled manifest's types: asking `project.contracts` would check sources (and print
        # a compile line) in the middle of an error message.
        compiled = getattr(project.manifest, "contract_types", None) or {}
        _DECODERS[id(project)] = ErrorDecoder(compiled.values() or project.contracts.values())
    return _DECODERS[id(project)]


def describe_error(err: BaseException, project: Any = None) -> str:
    """`project_decoder(project).describe(err)`: what the scripts, the keeper and the console print."""
    return project_decoder(project).describe(err)


@contextlib.contextmanager
def without_call_traces() -> Iterator[None]:
    """ape-foundry prints a reverted transaction's whole call tree to stdout before raising; what
    says the revert in one line (a script's `friendly_errors`, the keeper's log, the console's
    position helpers) sends inside this instead. Nor does Ape fetch the opcode trace to decode a
    nested contract's error (`custom_errors_without_traces`): the one line decodes it from the data."""
    from ape_ethereum.trace import Trace

    with mock.patch.object(Trace, "show", lambda *args, **kwargs: None), custom_errors_without_traces():
        yield


@contextlib.contextmanager
def custom_errors_without_traces() -> Iterator[None]:
    """When a transaction reverts with an error the called contract does not declare (an
    `OracleHub` error inside an exchange trade), Ape looks for the contract that raised it by
    fetching the transaction's whole opcode trace from the node and parsing every step: tens of
    seconds on Anvil for one revert. `ErrorDecoder` knows every error of the project by selector
    and reads the revert data itself, so inside this Ape decodes only the called contract's own
    errors and leaves any other revert as a plain `ContractLogicError` with its data."""
    from ape_ethereum.ecosystem import Ethereum

    original = Ethereum.decode_custom_error

    def called_contract_only(self: Any, data: bytes, address: Any, **kwargs: Any) -> CustomError | None:
        try:
            contract_type = self.chain_manager.contracts.instance_at(address).contract_type
        except Exception:  # noqa: BLE001 - as Ape: an address it cannot type decodes nothing
            return None
        return original(self, data, address, **kwargs) if bytes(data[:4]) in contract_type.errors else None

    with mock.patch.object(Ethereum, "decode_custom_error", called_contract_only):
        yield
