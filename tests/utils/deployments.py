"""The suite's one deployment factory. Each folder of tests runs on a stack of its own, named by
`STACK_OF_FOLDER`: an oracle, an exchange, a vault and, where the folder tests liquidations, an
engine with its insurance fund and global settlement. Two extras are deployed for the tests that ask
for them: spare oracle feeds (`spare_feeds`) and a second vault over a token with a transfer hook
(`hook_system`), on the adversarial stack's exchange.

Why every stack is deployed at the session's start (`Deployments.prepare`, from the root conftest's
autouse session fixture): Ape snapshots the chain before each module and each test and restores it
after. A session deployment made while a module's snapshot is open would be reverted with it at the
module's end while pytest kept it cached, so that the next file's tests would call contracts that
no longer exist (`ContractNotFoundError`, whatever the order the files run in). Made before the
first snapshot, no restore can reach them. And why a stack per folder rather than one shared
system: a stack's state is then the same whatever else the session ran, in any order and on any
worker (a seeded insurance fund mints stablecoin, a second vault's adapter is a mark relay of the
exchange it locks accounts of: neither is seen by another folder's tests)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ape

from synthvault.deploy import (
    ExchangeLayer,
    LiquidationLayer,
    OracleLayer,
    VaultLayer,
    deploy_exchange,
    deploy_liquidation,
    deploy_oracle,
    deploy_vault,
)
from synthvault.system import System, deploy_system

SHARED, LIQUIDATION, ADVERSARIAL = "shared", "liquidation", "adversarial"

# The folders under tests/ whose stack is not the shared one (the assurance suite runs on the
# adversarial suite's stack).
STACK_OF_FOLDER = {"liquidation": LIQUIDATION, "adversarial": ADVERSARIAL, "assurance": ADVERSARIAL}

# 8 is Chainlink's USD feeds; 0, 6 and 18 are the edges the hub must scale; 19 it must refuse.
SPARE_FEED_DECIMALS = (0, 6, 8, 18, 19)

# The fixture names that make a test need its folder's stack or an extra (`Deployments.prepare`).
STACK_FIXTURE, SPARE_FEEDS_FIXTURE, HOOK_SYSTEM_FIXTURE = "stack", "spare_feeds", "hook_system"
# The tooling's tests act on the whole system as the scripts deploy it (`deploy_system`).
SYSTEM_FIXTURE = "system"


def stateless(scope: str) -> Callable[[Callable], Any]:
    """A fixture that sends no transaction (a lookup, an account, a factory of closures): Ape is
    told so (`chain_isolation=False`), so that asking for it first in a later test never makes Ape
    revert and rebuild the fixtures of the narrower scopes ("rebasing")."""
    return ape.fixture(chain_isolation=False, scope=scope)


def stack_of(path: Path | str) -> str:
    """The stack of the test file at `path`: its folder's under tests/, else the shared one."""
    parts = Path(path).parts
    folder = parts[parts.index("tests") + 1] if "tests" in parts[:-1] else ""
    return STACK_OF_FOLDER.get(folder, SHARED)


def unseeded(config: dict) -> dict:
    """The config with no stablecoin minted into the insurance fund at deployment."""
    return config | {"liquidation": config["liquidation"] | {"insurance_fund_deposit_usd": 0}}


@dataclass(frozen=True)
class Stack:
    """One folder's deployment: `liquidation` is None on the shared stack (no engine wired)."""

    oracle: OracleLayer
    exchange: ExchangeLayer
    vault: VaultLayer
    liquidation: LiquidationLayer | None


@dataclass(frozen=True)
class HookSystem:
    """A vault and engine whose spot token calls out on every transfer."""

    token: Any
    vault: VaultLayer
    liquidation: LiquidationLayer
    deployer: Any


class Deployments:
    """The stacks and extras of a session, each deployed once, by `prepare`, before any snapshot."""

    def __init__(self, project: Any, accounts: Any, config: dict[str, Any]) -> None:
        self._project, self._accounts, self._config = project, accounts, config
        self._owner = accounts[0]
        self._stacks: dict[str, Stack] = {}
        self._spare_feeds: dict[int, Any] | None = None
        self._hook_system: HookSystem | None = None
        self._system: System | None = None
        # The block height the deployments left the chain at: where every module starts.
        self.height: int | None = None

    def prepare(self, tests: Iterable[tuple[Path, Iterable[str]]]) -> None:
        """Deploys what the `tests` (each a file's path and the fixture names it uses) need: the
        stack of each one's folder that asks for `stack`, and the extras asked for."""
        stacks, spare_feeds, hook, system = set(), False, False, False
        for path, fixtures in tests:
            names = set(fixtures)
            if STACK_FIXTURE in names:
                stacks.add(stack_of(path))
            spare_feeds |= SPARE_FEEDS_FIXTURE in names
            hook |= HOOK_SYSTEM_FIXTURE in names
            system |= SYSTEM_FIXTURE in names
        for name in sorted(stacks | ({ADVERSARIAL} if hook else set())):
            self._deploy_stack(name)
        if spare_feeds:
            self._spare_feeds = self._deploy_spare_feeds()
        if hook:
            self._hook_system = self._deploy_hook_system(self._stacks[ADVERSARIAL])
        if system:
            # One for every tooling module (each used to deploy its own: ~12 s of set-up a module).
            self._system = deploy_system(self._project, self._owner, self._config)
        self.height = ape.chain.blocks.height

    def stack(self, name: str) -> Stack:
        return self._prepared(self._stacks.get(name), name)

    def spare_feeds(self) -> dict[int, Any]:
        return self._prepared(self._spare_feeds, SPARE_FEEDS_FIXTURE)

    def hook_system(self) -> HookSystem:
        return self._prepared(self._hook_system, HOOK_SYSTEM_FIXTURE)

    def system(self) -> System:
        return self._prepared(self._system, SYSTEM_FIXTURE)

    @staticmethod
    def _prepared(deployment: Any, name: str) -> Any:
        if deployment is None:
            # Deployed now, it would be inside a snapshot and reverted with it: refuse instead.
            raise LookupError(f"{name!r} was not deployed at the session's start (Deployments.prepare)")
        return deployment

    def _deploy_stack(self, name: str) -> None:
        project, owner, config = self._project, self._owner, self._config
        oracle = deploy_oracle(project, owner, config["oracle"]["feeds"])
        exchange = deploy_exchange(project, owner, oracle.hub, config["exchange"])
        vault = deploy_vault(project, owner, oracle.hub, exchange.exchange, exchange.wbtc, config)
        liquidation = None
        if name != SHARED:
            # The adversarial stack's fund is not seeded: the stateful test deposits its reserves itself.
            cfg = config if name == LIQUIDATION else unseeded(config)
            liquidation = deploy_liquidation(project, owner, vault, exchange.usdc, cfg)
        self._stacks[name] = Stack(oracle, exchange, vault, liquidation)

    def _deploy_spare_feeds(self) -> dict[int, Any]:
        """One `MockAggregator` per decimals, owned by the owner, with no round yet and registered
        nowhere: a test registers and feeds the one it needs."""
        return {
            decimals: self._owner.deploy(self._project.MockAggregator, decimals, f"TEST{decimals} / USD", 0)
            for decimals in SPARE_FEED_DECIMALS
        }

    def _deploy_hook_system(self, stack: Stack) -> HookSystem:
        """The whole vault layer again over a `HookToken` spot BTC (8 decimals), with its engine and
        unseeded fund, no stability fee on sUSD, on the adversarial stack's oracle and exchange.
        Deployed by an account of its own (the exchange's owner trusts its adapter as a second mark
        relay, `deploy_vault`: one exchange serving both vaults)."""
        project, config = self._project, self._config
        deployer = self._accounts[9]
        token = deployer.deploy(project.HookToken, "Hooked BTC (test)", "HBTC", 8)
        layer = deploy_vault(project, deployer, stack.oracle.hub, stack.exchange.exchange, token, config,
                             exchange_owner=self._owner)
        susd = layer.synths["sUSD"]
        params = list(layer.vault.synthParams(susd))
        params[3] = 0
        layer.vault.setSynthParams(susd, params, sender=deployer)
        engine = deploy_liquidation(project, deployer, layer, stack.exchange.usdc, unseeded(config))
        return HookSystem(token, layer, engine, deployer)
