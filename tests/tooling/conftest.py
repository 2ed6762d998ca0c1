"""The tooling's tests act on the whole system as the scripts see it (a `System`)."""

import pytest

from synthvault.system import System, assemble


@pytest.fixture(scope="session")
def system(oracle_layer, exchange_layer, vault_layer, liquidation_layer) -> System:
    """The session's deployment (the root conftest's layers, each deployed as `deploy_system`
    deploys it, from the same config), as a `System`: one deployment for every tooling module,
    each test starting from it in Ape's snapshot. `deploy_system` itself is run by the plan and
    story tests."""
    return assemble(oracle_layer, exchange_layer, vault_layer, liquidation_layer)
