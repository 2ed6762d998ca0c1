"""Workarounds for eth-ape 0.8.51 bugs that would make tests pass or fail for the wrong reason."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from ape.exceptions import DecodingError


@contextmanager
def calls_raise_while_tracing(provider: Any) -> Iterator[None]:
    """Makes a reverting call raise under `--gas` and `--coverage` as it does without them.

    With gas or coverage tracking on, Ape's `Web3Provider.send_call` answers a call from its
    `debug_traceCall` trace and never checks whether the call failed: a view that reverts
    returns its revert data as if it were the result (`priceWad` of an unknown asset returns
    `0xd90258f4…` decoded as a uint256). So each traced call is first made the way `send_call`
    makes it when nothing is tracked (`_prepare_call`, then `_eth_call`), which raises on a
    revert with the usual error, and its result is what the caller gets; the traced call only
    feeds the gas table. Ape's gas table also breaks on some views that return a struct
    (`FuturesExchange.market`: its trace enrichment decodes the struct as `None` and raises a
    `TypeError`); such a call keeps its correct result and is left out of the table.
    """
    provider_class = type(provider)
    send_call = provider_class.send_call

    def checked_send_call(self: Any, txn: Any, block_id: Any = None, state: Any = None, **kwargs: Any) -> Any:
        if not kwargs.get("skip_trace"):
            call_kwargs = {k: v for k, v in kwargs.items() if k not in ("skip_trace", "show_gas_report", "show_trace")}
            if block_id is not None:
                call_kwargs["block_identifier"] = block_id
            if state is not None:
                call_kwargs["state_override"] = state
            raise_on_revert = kwargs.get("raise_on_revert", txn.raise_on_revert)
            result = self._eth_call(self._prepare_call(txn, **call_kwargs), raise_on_revert=raise_on_revert)
            try:
                send_call(self, txn, block_id, state, **kwargs)
            except TypeError:
                pass  # Ape could not enrich the trace (a struct return): no gas row for this call
            return result
        return send_call(self, txn, block_id, state, **kwargs)

    # The gas table's trace of a call carries no return data, which Ape then decodes as zeros;
    # a struct (or array of structs) of zeros breaks its decoder ("'NoneType' object is not
    # iterable"), failing every test that reads a struct-returning view under `--gas`. Empty
    # data for such outputs is reported as undecodable instead, which the trace enrichment
    # handles (it shows no return value).
    ecosystem_class = type(provider.network.ecosystem)
    decode_returndata = ecosystem_class.decode_returndata

    def checked_decode_returndata(self: Any, abi: Any, raw_data: bytes) -> Any:
        if not raw_data and any(o.type.startswith("tuple") or o.type.endswith("]") for o in abi.outputs):
            raise DecodingError(f"no return data for {abi.selector}")
        return decode_returndata(self, abi, raw_data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(provider_class, "send_call", checked_send_call)
        patch.setattr(ecosystem_class, "decode_returndata", checked_decode_returndata)
        yield
