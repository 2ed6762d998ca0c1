"""Fixtures shared by every test. Deployments are session-scoped: Ape snapshots the chain
before each test and restores it after, so each test starts from the same deployed system."""

from typing import Any

import pytest

from synthvault.config import load_config
from synthvault.deploy import OracleLayer, VaultLayer, deploy_oracle, deploy_vault


@pytest.fixture(scope="session")
def config() -> dict[str, Any]:
    return load_config()


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


# The vault and its synths. TEMPORARY until the exchange branch lands: `wbtc` is a local stand-in
# and `exchange` a placeholder address the spot-only tests never call.
@pytest.fixture(scope="session")
def wbtc(project, owner):
    return owner.deploy(project.TempSpotToken, "Wrapped BTC (test)", "WBTC", 8, owner)


@pytest.fixture(scope="session")
def exchange():
    return "0x000000000000000000000000000000000000dEaD"


@pytest.fixture(scope="session")
def vault_layer(project, owner, oracle, exchange, wbtc, config) -> VaultLayer:
    return deploy_vault(project, owner, oracle, exchange, wbtc, config)


@pytest.fixture(scope="session")
def vault(vault_layer):
    return vault_layer.vault


@pytest.fixture(scope="session")
def synths(vault_layer) -> dict[str, Any]:
    return vault_layer.synths
