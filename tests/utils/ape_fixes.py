"""Workarounds for eth-ape 0.8.51 bugs that would make tests pass or fail for the wrong reason, and
for the round trips it makes that a test on a local Anvil does not need (the suite's time)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ape_ethereum.provider
import pytest
from ape.exceptions import DecodingError
from ape.logging import logger


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


def _log_confirmed(tx: Any, receipt: Any) -> None:
    """What Ape's `_post_send_transaction` does besides looking for `console.log` lines."""
    logger.info(f"Confirmed {receipt.txn_hash} (total fees paid = {receipt.total_fees_paid})")


def _read_once(prop: property, known: dict[int, Any]) -> Callable[[Any], Any]:
    """A getter answering `prop` of each provider from `known`, read from the node the first time."""

    def remembered(self: Any) -> Any:
        if id(self) not in known:
            known[id(self)] = prop.fget(self)
        return known[id(self)]

    return remembered


@contextmanager
def no_round_trips_for_nothing(provider: Any) -> Iterator[None]:
    """Drops three kinds of requests Ape 0.8.51 sends to the node that a test of these contracts
    never needs, about one in five of the suite's (each a few milliseconds, hundreds a module):

    - After every transaction, Ape asks the node whether its receiver has code (`eth_getCode`) and,
      if so, for the transaction's whole call trace (`trace_transaction`), to print the `console.log`
      lines of Hardhat's and Forge's `console.sol`. No contract here imports it (`contracts/` and
      `interfaces/`), so there is never a line to print: only the confirmation is logged.
    - Before every test, Ape asks the node once per fixture whether it mines automatically
      (`anvil_getAutomine`), to judge which fixtures changed the chain. Nothing in the suite turns
      automining off, so the answer is asked once per provider and remembered; a change made through
      the provider (`provider.auto_mine = False`) is remembered as made.
    - Before every transaction, Ape reads the latest block (`eth_getBlockByNumber`) for its gas
      limit, the limit it gives the transaction (`gas_limit: max`, the local default). Anvil's
      block gas limit is fixed when it starts, and nothing in the suite changes it: read once.
    """
    provider_class = type(provider)
    auto_mine, max_gas = provider_class.auto_mine, provider_class.max_gas
    known_auto_mine: dict[int, bool] = {}

    def set_auto_mine(self: Any, value: bool) -> None:
        auto_mine.fset(self, value)
        known_auto_mine[id(self)] = value

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ape_ethereum.provider, "_post_send_transaction", _log_confirmed)
        patch.setattr(provider_class, "auto_mine", property(_read_once(auto_mine, known_auto_mine), set_auto_mine))
        patch.setattr(provider_class, "max_gas", property(_read_once(max_gas, {})))
        yield
