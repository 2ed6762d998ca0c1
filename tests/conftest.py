"""Fixtures shared by every test. Deployments are session-scoped: Ape snapshots the chain
before each test and restores it after, so each test starts from the same deployed system."""

from collections.abc import Callable
from typing import Any

import pytest
from ape.logging import logger

from synthvault.config import load_config
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
from synthvault.errors import custom_errors_without_traces
from synthvault.units import scaled
from tests.utils.ape_fixes import calls_raise_while_tracing, no_round_trips_for_nothing
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
    """On parallel workers (`make test WORKERS=2`), `SLOWEST_FILES` first, in that order; every other
    test after them, in the order collected. A serial run keeps the order collected: the suite's
    session fixtures are known to leak across files in some other orders (docs/assurance.md)."""
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
def _custom_errors_without_traces():
    """A revert raised by a nested contract is decoded by `tests/utils/custom_errors.py` from its
    data, not by Ape from the transaction's opcode trace (tens of seconds a revert on Anvil)."""
    with custom_errors_without_traces():
        yield


@pytest.fixture(scope="session")
def config() -> dict[str, Any]:
    """config/local.yaml with every market open all week (`always_open`: no test depends on the
    weekday); the market-hours tests set the sessions it gives."""
    return always_open(load_config())


# Accounts by role.
@pytest.fixture(scope="session")
def owner(accounts):
    return accounts[0]


@pytest.fixture(scope="session")
def trader(accounts):
    return accounts[1]


@pytest.fixture(scope="session")
def trader2(accounts):
    return accounts[2]


@pytest.fixture(scope="session")
def keeper(accounts):
    return accounts[3]


@pytest.fixture(scope="session")
def lp(accounts):
    return accounts[4]


@pytest.fixture(scope="session")
def attacker(accounts):
    return accounts[5]


@pytest.fixture(scope="session")
def feeder(accounts):
    return accounts[6]


@pytest.fixture(scope="session")
def oracle_layer(project, owner, config) -> OracleLayer:
    return deploy_oracle(project, owner, config["oracle"]["feeds"])


@pytest.fixture(scope="session")
def oracle(oracle_layer):
    return oracle_layer.hub


@pytest.fixture(scope="session")
def feeds(oracle_layer) -> dict[str, Any]:
    return oracle_layer.feeds


# The futures venue, shared with the vault's tests.
@pytest.fixture(scope="session")
def exchange_layer(project, owner, oracle, config) -> ExchangeLayer:
    return deploy_exchange(project, owner, oracle, config["exchange"])


@pytest.fixture(scope="session")
def exchange(exchange_layer):
    return exchange_layer.exchange


@pytest.fixture(scope="session")
def pool(exchange_layer):
    return exchange_layer.pool


@pytest.fixture(scope="session")
def futures_accounts(exchange_layer):
    """The exchange's account registry (`FuturesAccounts`): the accounts' ERC-721 tokens."""
    return exchange_layer.accounts


@pytest.fixture(scope="session")
def usdc(exchange_layer):
    return exchange_layer.usdc


@pytest.fixture(scope="session")
def wbtc(exchange_layer):
    return exchange_layer.wbtc


@pytest.fixture(scope="session")
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


# Funded margin accounts, for the exchange's tests and the vault's.
@pytest.fixture(scope="session")
def fund(usdc, exchange) -> Callable[..., int]:
    """Mints `usd` whole stablecoins to `holder` and approves the exchange for them."""

    def _fund(holder: Any, usd: Any) -> int:
        amount = scaled(usd, usdc.decimals())
        usdc.mint(holder, amount, sender=holder)
        usdc.approve(exchange, amount, sender=holder)
        return amount

    return _fund


@pytest.fixture(scope="session")
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
@pytest.fixture(scope="session")
def vault_layer(project, owner, oracle, exchange, wbtc, config) -> VaultLayer:
    return deploy_vault(project, owner, oracle, exchange, wbtc, config)


@pytest.fixture(scope="session")
def vault(vault_layer):
    return vault_layer.vault


@pytest.fixture(scope="session")
def futures_adapter(vault_layer):
    """The vault's `FuturesCollateral` adapter: it holds the locked accounts."""
    return vault_layer.futures


@pytest.fixture(scope="session")
def lens(vault_layer):
    """The vault's `VaultLens`: the positions' health."""
    return vault_layer.lens


@pytest.fixture(scope="session")
def synths(vault_layer) -> dict[str, Any]:
    return vault_layer.synths


# The liquidation engine, the insurance fund and the global settlement, wired to the vault as
# `deploy_system` wires them.
@pytest.fixture(scope="session")
def liquidation_layer(project, owner, vault_layer, usdc, config) -> LiquidationLayer:
    return deploy_liquidation(project, owner, vault_layer, usdc, config)


@pytest.fixture(scope="session")
def engine(liquidation_layer):
    return liquidation_layer.engine


@pytest.fixture(scope="session")
def insurance_fund(liquidation_layer):
    return liquidation_layer.fund


@pytest.fixture(scope="session")
def stability_pools(liquidation_layer) -> dict[str, Any]:
    """One `StabilityPool` per synth symbol, named to the engine."""
    return liquidation_layer.stability_pools


@pytest.fixture(scope="session")
def settlement(liquidation_layer):
    """The `GlobalSettlement`: shutdown, settlement and redemption."""
    return liquidation_layer.settlement
