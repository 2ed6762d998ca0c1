"""Fast transactions and reads on a local Anvil, for a stress run's thousands of calls: calldata
is encoded by Ape once per call, then sent as plain JSON-RPC (`eth_sendTransaction` from Anvil's
unlocked test accounts, `eth_call`), without Ape's per-transaction estimate, signing and receipt
wait (about 3 ms a transaction against 40 ms). Every transaction sent is checked afterwards
(`check`): a revert stops the run with its call named. A round's price updates are mined together
in one block at a chosen time (`block_at`): chain time is set directly."""

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ape.exceptions import ContractLogicError
from eth_abi import decode

GAS = 3_000_000  # each transaction's gas limit: no estimate (a stress run's calls stay far under it)


class StressTxError(RuntimeError):
    """A transaction of the stress set-up reverted (a book the contracts refuse)."""


def _hex(data: bytes) -> str:
    return "0x" + bytes(data).hex()


@dataclass
class FastChain:
    """Sends and reads through the provider's JSON-RPC; `sent` holds what `check` has yet to check."""

    provider: Any
    sent: list[tuple[str, str]] = field(default_factory=list)  # (tx hash, what it was)

    def send(self, handler: Any, *args: Any, sender: Any, gas: int = GAS) -> str:
        """Sends `handler(*args)` (a contract method) from `sender`, an unlocked account."""
        data = _hex(handler.encode_input(*args))
        tx = {"from": str(sender.address), "to": str(handler.contract.address), "data": data, "gas": hex(gas)}
        tx_hash = self.provider.make_request("eth_sendTransaction", [tx])
        self.sent.append((tx_hash, f"{handler.contract.contract_type.name}.{handler.abis[0].name}{tuple(args)}"))
        return tx_hash

    def check(self) -> None:
        """Raises `StressTxError` naming the first call sent since the last check that reverted."""
        sent, self.sent = self.sent, []
        for tx_hash, what in sent:
            receipt = self._receipt(tx_hash)
            if int(receipt["status"], 16) != 1:
                raise StressTxError(f"the stress set-up's call {what} reverted (tx {tx_hash})")

    def _receipt(self, tx_hash: str, timeout_s: float = 30.0) -> dict:
        """The transaction's receipt, waited for: Anvil answers `eth_sendTransaction` before it
        has mined the block."""
        deadline = time.monotonic() + timeout_s
        while (receipt := self.provider.make_request("eth_getTransactionReceipt", [tx_hash])) is None:
            if time.monotonic() > deadline:
                raise StressTxError(f"transaction {tx_hash} not mined after {timeout_s:.0f} s")
            time.sleep(0.005)
        return receipt

    def call(self, handler: Any, *args: Any, types: Iterable[str] = ("uint256",), sender: Any = None) -> tuple:
        """`handler(*args)` as an `eth_call` at the latest block (from `sender` if given), decoded as
        `types`. A revert is raised as Ape's `ContractLogicError` with the revert data in hex, as
        the keeper expects of a view (and `describe_error` decodes: `OracleStalePrice(...)`)."""
        call = {"to": str(handler.contract.address), "data": _hex(handler.encode_input(*args))}
        if sender is not None:
            call["from"] = str(sender.address)
        # The web3 provider's own answer: Ape's would turn the revert data into lossy text.
        response = self.provider.web3.provider.make_request("eth_call", [call, "latest"])
        if "error" in response:
            data = response["error"].get("data")
            raise ContractLogicError(revert_message=data if isinstance(data, str) else response["error"]["message"])
        return decode(list(types), bytes.fromhex(response["result"].removeprefix("0x")))

    def uint(self, handler: Any, *args: Any) -> int:
        return int(self.call(handler, *args)[0])

    def head_timestamp(self) -> int:
        return int(self.provider.make_request("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)

    def block_at(self, timestamp: int, sends: Iterable[tuple[Any, tuple, Any]]) -> None:
        """Mines one block at `timestamp` holding each `(handler, args, sender)` sent, in order."""
        self.provider.make_request("evm_setAutomine", [False])
        try:
            for handler, args, sender in sends:
                self.send(handler, *args, sender=sender)
            self.provider.make_request("evm_setNextBlockTimestamp", [timestamp])
            self.provider.make_request("evm_mine", [])
        finally:
            self.provider.make_request("evm_setAutomine", [True])
        # One request for the whole block's receipts, not one per transaction.
        sent, self.sent = self.sent, []
        receipts = self.provider.make_request("eth_getBlockReceipts", ["latest"])
        failed = [what for (_, what), r in zip(sent, receipts, strict=False) if int(r["status"], 16) != 1]
        if len(receipts) != len(sent) or failed:
            raise StressTxError(f"a round's price update did not go through: {failed or 'transactions missing'}")


class Health(NamedTuple):
    """`IVaultLens.Health`, as `Keeper.check` reads it."""

    collateralUsdWad: int  # noqa: N815 - the contract's names
    debtUsdWad: int  # noqa: N815
    crWad: int  # noqa: N815
    status: int
    accountUnderMaintenance: bool  # noqa: N815


@dataclass
class FastLens:
    """The vault's lens for the keeper, its batch view read by `eth_call` and decoded here (a tenth
    of Ape's time for 200 positions), the last answer kept (`last`) for the run's own records."""

    lens: Any
    fast: FastChain
    last: dict[int, Health] = field(default_factory=dict)

    def healthOf(self, ids: list[int]) -> list[Health]:  # noqa: N802 - the contract's name
        (rows,) = self.fast.call(self.lens.healthOf, list(ids), types=("(uint256,uint256,uint256,uint8,bool)[]",))
        healths = [Health(*row) for row in rows]
        self.last.update(zip(ids, healths, strict=True))
        return healths

    def __getattr__(self, name: str) -> Any:
        return getattr(self.lens, name)


def _type_of(param: Any) -> str:
    """The ABI type string eth_abi decodes, tuples spelled out."""
    if param.type.startswith("tuple"):
        return "(" + ",".join(_type_of(c) for c in param.components) + ")" + param.type[len("tuple"):]
    return param.type


def _shaped(param: Any, value: Any) -> Any:
    """A decoded tuple as a namedtuple of its components' names (`params.liquidationRatioWad`)."""
    if param.type == "tuple":
        shape = NamedTuple(param.internal_type.split()[-1].split(".")[-1] if param.internal_type else "Struct",
                           [(c.name, Any) for c in param.components])
        return shape(*(_shaped(c, v) for c, v in zip(param.components, value, strict=True)))
    if param.type.startswith("tuple["):
        return [_shaped(param.model_copy(update={"type": "tuple"}), v) for v in value]
    return value


@dataclass
class FastViews:
    """A contract whose view functions are read by `eth_call` and decoded here (3 ms against
    Ape's 20), for the keeper's per-round reads; anything else (transactions, events) is the
    contract's own."""

    contract: Any
    fast: FastChain

    def __getattr__(self, name: str) -> Any:
        handler = getattr(self.contract, name)
        abis = getattr(handler, "abis", None)
        if not abis or len(abis) != 1 or abis[0].stateMutability not in ("view", "pure"):
            return handler
        outputs = abis[0].outputs

        def view(*args: Any) -> Any:
            args = tuple(a.contract if isinstance(a, FastViews) else a for a in args)
            decoded = self.fast.call(handler, *args, types=tuple(_type_of(o) for o in outputs))
            values = [_shaped(o, v) for o, v in zip(outputs, decoded, strict=True)]
            return values[0] if len(values) == 1 else tuple(values)

        return view
