"""The tooling's tests act on the whole system as the scripts deploy it (`deploy_system`): one for
the session, deployed with the suite's other deployments before any snapshot
(`tests/utils/deployments.py`), so that each module starts from it as deployed."""

from typing import Any

from tests.utils.deployments import stateless


@stateless("module")
def system(deployments) -> Any:
    return deployments.system()
