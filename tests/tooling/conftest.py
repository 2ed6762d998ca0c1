"""The tooling's tests act on the whole system as the scripts deploy it (`deploy_system`)."""

import pytest

from synthvault.system import deploy_system


@pytest.fixture(scope="module")
def system(project, owner, config):
    # Module-scoped: a deployment made inside one module's snapshot does not outlive it.
    return deploy_system(project, owner, config)
