"""Fixtures shared by every test, each defined once (no folder's conftest registers one of these names
again). The deployments are made once a session by the factory in `tests/utils/deployments.py`,
before Ape's first snapshot; each folder's tests see their own stack through the module-scoped
lookups below (`stack`). Ape snapshots the chain before each test and restores it after, so each
test starts from the same deployed system."""

from collections.abc import Callable
from typing import Any

import pytest
from ape.logging import logger

from synthvault.config import load_config
from synthvault.deploy import ExchangeLayer, LiquidationLayer, OracleLayer, VaultLayer, shocks
from synthvault.errors import without_call_traces
from synthvault.units import asset_id, scaled, wad
from tests.utils.ape_fixes import calls_raise_while_tracing, no_round_trips_for_nothing
from tests.utils.books import books_of
from tests.utils.constants import MAX_UINT, PARAM_NAMES
from tests.utils.deployments import Deployments, HookSystem, Stack, stack_of, stateless
from tests.utils.oracle import always_open

# The files that take longest (`make test`'s --durations), longest first. `make test` gives each
# worker a whole file at a time, in collection order (`--dist loadfile --no-loadscope-reorder`):
# these start first, so that the run does not end waiting on one of them started last.
SLOWEST_FILES = (
    "tests/assurance/test_stateful.py",
    "tests/tooling/test_forge.py",
    "tests/tooling/test_resume.py",
    "tests/tooling/test_story.py",
    "tests/tooling/test_plan.py",
    "tests/tooling/test_deploy_script.py",
    "tests/exchange/test_solvency.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On parallel workers (`make test`, four by default), `SLOWEST_FILES` first, in that order; every other
    test after them, in the order collected. A serial run keeps the order collected (any order
    passes: each folder has a stack of its own, deployed before the first snapshot)."""
    if not getattr(config.option, "numprocesses", None):
        return
    rank = {path: i for i, path in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """An xdist worker logs at the level `ape test` set here (WARNING unless `-v`): started without
    `ape test`'s command line, it would log at INFO, a line per transaction on the output that the
    console helpers' tests read."""
    node.workerinput["ape_log_level"] = logger.level


def pytest_configure(config: pytest.Config) -> None:
    if level := getattr(config, "workerinput", {}).get("ape_log_level"):
        logger.set_level(level)


@pytest.fixture(scope="session", autouse=True)
def _calls_raise_while_tracing(request, chain):
    """Under `--gas` or `--coverage`, a reverting view still raises (see `tests/utils/ape_fixes.py`)."""
    if not (request.config.getoption("--gas") or request.config.getoption("--coverage")):
        yield
        return
    with calls_raise_while_tracing(chain.provider):
        yield


@pytest.fixture(scope="session", autouse=True)
def _no_round_trips_for_nothing(chain):
    """No console.log trace after each transaction, no automine question before each test (see
    `tests/utils/ape_fixes.py`): a fifth of the suite's requests to the node."""
    with no_round_trips_for_nothing(chain.provider):
        yield


@pytest.fixture(scope="session", autouse=True)
def _without_call_traces():
    """A revert is neither printed as a call tree nor decoded from the opcode trace
    (`synthvault.errors.without_call_traces`). ape-foundry prints a reverted transaction's whole
    call tree to the captured output before raising: its enrichment was a fifth of the CPU of
    `tests/vault` (0.34 s for each of 87 reverts), and no test reads it. A revert raised by a nested
    contract is decoded by `tests/utils/custom_errors.py` from its data, not by Ape from the
    transaction's opcode trace (tens of seconds a revert on Anvil)."""
    with without_call_traces():
        yield


@stateless("session")
def config() -> dict[str, Any]:
    """config/local.yaml with every market open all week (`always_open`: no test depends on the
    weekday); the market-hours tests set the sessions it gives."""
    return always_open(load_config())


# Accounts by role.
@stateless("session")
def owner(accounts):
    return accounts[0]


@stateless("session")
def trader(accounts):
    return accounts[1]


@stateless("session")
def trader2(accounts):
    return accounts[2]


@stateless("session")
def keeper(accounts):
    return accounts[3]


@stateless("session")
def lp(accounts):
    return accounts[4]


@stateless("session")
def attacker(accounts):
    return accounts[5]


@stateless("session")
def feeder(accounts):
    return accounts[6]


# The modules this worker has started, in order (`_module_starts_where_the_deployments_left_the_chain`).
_MODULES_STARTED: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def deployments(request, project, accounts, config, _no_round_trips_for_nothing,
                _without_call_traces) -> Deployments:
    """Every stack and extra the collected tests use, deployed here, at the first test's set-up,
    before Ape's first module snapshot, so that no snapshot's restore can revert them
    (`tests/utils/deployments.py`)."""
    factory = Deployments(project, accounts, config)
    factory.prepare((item.path, item.fixturenames) for item in request.session.items)
    return factory


@pytest.fixture(scope="module", autouse=True)
def _module_starts_where_the_deployments_left_the_chain(request, chain, deployments):
    """Every module starts on the chain as the session's deployments left it: each module's and
    each test's changes are reverted by Ape's snapshots, so the block height at a module's start is
    the same for every module of a worker. A module that finds it otherwise fails here, naming the
    modules this worker ran before it, instead of failing later on state another file left behind
    (a leak seen twice on four workers under heavy load, with module fixtures that sent
    transactions; docs/assurance.md, "The suite's time")."""
    height = chain.blocks.height
    assert height == deployments.height, (f"{request.module.__name__} starts at block {height}, not at the "
                                          f"deployments' {deployments.height}, after {_MODULES_STARTED}")
    _MODULES_STARTED.append(request.module.__name__)


@stateless("module")
def stack(deployments, request) -> Stack:
    """The stack of this test's folder (`STACK_OF_FOLDER`). Module-scoped: a lookup, no
    transaction, so that each folder's fixtures below resolve to its own deployment."""
    return deployments.stack(stack_of(request.path))


@stateless("module")
def oracle_layer(stack) -> OracleLayer:
    return stack.oracle


@stateless("module")
def oracle(oracle_layer):
    return oracle_layer.hub


@stateless("module")
def feeds(oracle_layer) -> dict[str, Any]:
    return oracle_layer.feeds


@stateless("module")
def spare_feeds(deployments) -> dict[int, Any]:
    """One `MockAggregator` per decimals of `SPARE_FEED_DECIMALS`, owned by `owner`, with no round
    yet and registered nowhere: a test registers and feeds the one it needs."""
    return deployments.spare_feeds()


# The futures venue.
@stateless("module")
def exchange_layer(stack) -> ExchangeLayer:
    return stack.exchange


@stateless("module")
def exchange(exchange_layer):
    return exchange_layer.exchange


@stateless("module")
def pool(exchange_layer):
    return exchange_layer.pool


@stateless("module")
def futures_accounts(exchange_layer):
    """The exchange's account registry (`FuturesAccounts`): the accounts' ERC-721 tokens."""
    return exchange_layer.accounts


@stateless("module")
def usdc(exchange_layer):
    return exchange_layer.usdc


@stateless("module")
def wbtc(exchange_layer):
    return exchange_layer.wbtc


@stateless("module")
def markets(exchange_layer) -> dict[str, int]:
    """Market ids by config name: BTC-PERP, ETH-PERP, IDX-PERP, BTC-DATED."""
    return exchange_layer.markets


@pytest.fixture
def no_min_position(exchange, owner, markets):
    """Every market's minimum position off, for the tests that replay an attack with dust as the
    review found it (a $0.30 position): as opened before the owner set a minimum, which it may
    raise at any time, or as a liquidation's partial close may leave it."""
    for market_id in markets.values():
        if exchange.minPositionNotionalWad(market_id):
            exchange.setMinPositionNotional(market_id, 0, sender=owner)


# Funded margin accounts.
@stateless("module")
def fund(usdc, exchange) -> Callable[..., int]:
    """Mints `usd` whole stablecoins to `holder` and approves the exchange for them."""

    def _fund(holder: Any, usd: Any) -> int:
        amount = scaled(usd, usdc.decimals())
        usdc.mint(holder, amount, sender=holder)
        usdc.approve(exchange, amount, sender=holder)
        return amount

    return _fund


@stateless("module")
def open_account(exchange, trader, fund) -> Callable[..., int]:
    """Opens an account for `owner` with `margin` whole stablecoins deposited; returns its id."""

    def _open(owner: Any = trader, margin: Any = 10_000) -> int:
        amount = fund(owner, margin)
        tx = exchange.openAccount(sender=owner)
        account_id = tx.events.filter(exchange.AccountOpened)[0].accountId
        if amount:
            exchange.depositMargin(account_id, amount, sender=owner)
        return account_id

    return _open


# The vault and its synths, priced by the oracle, locking the exchange's accounts and its WBTC.
@stateless("module")
def vault_layer(stack) -> VaultLayer:
    return stack.vault


@stateless("module")
def vault(vault_layer):
    return vault_layer.vault


@stateless("module")
def futures_adapter(vault_layer):
    """The vault's `FuturesCollateral` adapter: it holds the locked accounts."""
    return vault_layer.futures


@stateless("module")
def lens(vault_layer):
    """The vault's `VaultLens`: the positions' health."""
    return vault_layer.lens


@stateless("module")
def synths(vault_layer) -> dict[str, Any]:
    return vault_layer.synths


# Factories of the vault's positions.
@stateless("module")
def fund_wbtc(wbtc, vault) -> Callable[..., int]:
    """Mints `amount_btc` spot BTC to `account` and approves the vault for it; returns the
    amount in the token's decimals."""

    def _fund(account: Any, amount_btc: Any) -> int:
        amount = scaled(amount_btc, wbtc.decimals())
        wbtc.mint(account, amount, sender=account)
        wbtc.approve(vault, wbtc.allowance(account, vault) + amount, sender=account)
        return amount

    return _fund


@stateless("module")
def open_position(vault, synths, trader, fund_wbtc) -> Callable[..., int]:
    """Opens a position of `owner` owing `synth`, adds `spot_btc` spot BTC and mints `mint`
    whole synth units; returns its id."""

    def open_(synth: str = "sXAU", spot_btc: Any = 0, mint: Any = 0, owner: Any = None) -> int:
        owner = owner or trader
        tx = vault.open(synths[synth], sender=owner)
        position_id = tx.events.filter(vault.PositionOpened)[0].positionId
        if spot_btc:
            vault.addSpot(position_id, fund_wbtc(owner, spot_btc), sender=owner)
        if mint:
            vault.mint(position_id, wad(mint), sender=owner)
        return position_id

    return open_


@stateless("module")
def futures_position(vault, exchange, futures_accounts, markets, open_account, open_position,
                     trader) -> Callable[..., tuple[int, int]]:
    """Opens a margin account of `owner` with `margin` whole USDC, trades `btc_size` BTC
    perpetual on it (negative: short) at any price, locks it into a new position owing `synth`
    with `spot_btc` spot BTC beside it, and mints `mint` whole synth units; returns the
    position and account ids."""

    def build(synth: str, margin: Any = 10_000, btc_size: Any = 0, spot_btc: Any = 0, mint: Any = 0,
              owner: Any = None) -> tuple[int, int]:
        owner = owner or trader
        account_id = open_account(owner, margin)
        if btc_size:
            size = wad(btc_size)
            exchange.trade(account_id, markets["BTC-PERP"], size, MAX_UINT if size > 0 else 0, sender=owner)
        position_id = open_position(synth, spot_btc=spot_btc, owner=owner)
        futures_accounts.approve(vault, account_id, sender=owner)
        vault.lock(position_id, account_id, sender=owner)
        if mint:
            vault.mint(position_id, wad(mint), sender=owner)
        return position_id, account_id

    return build


@stateless("module")
def set_params(vault, synths, owner) -> Callable[..., Any]:
    """Changes some of a synth's parameters by their `IVault.SynthParams` names, e.g.
    `set_params("sXAU", stabilityFeeWad=0)`; returns the receipt."""

    def set_(symbol: str, **changes: int) -> Any:
        params = dict(zip(PARAM_NAMES, vault.synthParams(synths[symbol]), strict=True)) | changes
        return vault.setSynthParams(synths[symbol], tuple(params.values()), sender=owner)

    return set_


@pytest.fixture
def no_fee(set_params, synths):
    """No stability fee on any synth, so that amounts stay whole across blocks: set before any
    debt exists, every rate index stays exactly 1."""
    for symbol in synths:
        set_params(symbol, stabilityFeeWad=0)


@pytest.fixture
def no_shock(vault, owner, config):
    """The minting check's shocks off (every asset the config gives one), for the tests of rules
    older than it whose positions are more leveraged than a 10% shock lets one mint: as minted
    before the owner set a shock, which it may do at any time."""
    for asset in shocks(config["vault"]):
        vault.setShock(asset_id(asset), 0, sender=owner)


# The liquidation engine, the insurance fund and the global settlement, wired to the vault as
# `deploy_system` wires them: on the liquidation and adversarial stacks only.
@stateless("module")
def liquidation_layer(stack) -> LiquidationLayer:
    if stack.liquidation is None:
        raise LookupError("the shared stack has no engine: liquidation fixtures are for tests/liquidation, "
                          "tests/adversarial and tests/assurance (STACK_OF_FOLDER)")
    return stack.liquidation


@stateless("module")
def engine(liquidation_layer):
    return liquidation_layer.engine


@stateless("module")
def insurance_fund(liquidation_layer):
    return liquidation_layer.fund


@stateless("module")
def stability_pools(liquidation_layer) -> dict[str, Any]:
    """One `StabilityPool` per synth symbol, named to the engine."""
    return liquidation_layer.stability_pools


@stateless("module")
def settlement(liquidation_layer):
    """The `GlobalSettlement`: shutdown, settlement and redemption."""
    return liquidation_layer.settlement


@stateless("module")
def give(synths, trader) -> Callable[..., int]:
    """Moves `amount` (WAD) of `symbol` from `source` (the trader) to `to`, as a keeper buys synth."""

    def give_(to: Any, symbol: str, amount: int, source: Any = None) -> int:
        synths[symbol].transfer(to, amount, sender=source or trader)
        return amount

    return give_


@stateless("module")
def books(vault, synths, wbtc, usdc, exchange, engine, insurance_fund, trader, trader2, keeper,
          attacker) -> Callable[..., tuple]:
    """`books(*position_ids)`: everything a liquidation can move around the positions
    (`tests/utils/books.py`): the positions and their accounts, every synth's debt book and supply,
    and the balances of the roles, the vault, the engine and the fund."""
    holders = (trader, trader2, keeper, attacker, vault, engine, insurance_fund)
    return books_of(vault, synths.values(), (wbtc, usdc), holders, exchange)


@stateless("module")
def hook_system(deployments) -> HookSystem:
    """A second vault with its engine over a spot token with a transfer hook, on the adversarial
    stack's exchange (`Deployments._deploy_hook_system`)."""
    return deployments.hook_system()
