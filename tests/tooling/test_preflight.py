"""The scripts check the chain before acting: a node that answers, the manifest's chain, the
manifest's contracts; otherwise one line naming what to start. The keeper never reports an
all-clear about an empty chain."""

import os
import shutil
import socket
import subprocess
from types import SimpleNamespace

import pytest

from synthvault.config import ROOT
from synthvault.manifest import write_manifest
from synthvault.preflight import PreflightError, attach_deployed, check_node


@pytest.fixture
def manifest_of(system, chain, tmp_path):
    """Writes a local manifest of the tooling's system (optionally edited) into tmp_path."""

    def write(**changes):
        manifest = {"chain_id": chain.chain_id, "contracts": system.addresses(), **changes}
        write_manifest("local", manifest, folder=tmp_path)
        return manifest

    return write


def test_attach_deployed__deployed_system__attached(project, chain, system, manifest_of, tmp_path):
    manifest_of()
    manifest, attached = attach_deployed(project, chain.provider, "local", folder=tmp_path)
    assert attached.addresses() == system.addresses()
    assert manifest["chain_id"] == chain.chain_id


def test_attach_deployed__contracts_without_code__names_make_node(project, chain, system, manifest_of, tmp_path,
                                                                  accounts):
    contracts = system.addresses()
    contracts["vault"] = str(accounts[7].address)  # an account: no code, as on a restarted node
    manifest_of(contracts=contracts)
    with pytest.raises(PreflightError) as caught:
        attach_deployed(project, chain.provider, "local", folder=tmp_path)
    message = str(caught.value)
    assert message.startswith("1 of the ")
    assert f"(e.g. vault at {accounts[7].address})" in message
    assert message.endswith("start one with `make node` (it deploys the system)")


def test_attach_deployed__other_chain__names_both_chain_ids(project, chain, manifest_of, tmp_path):
    manifest_of(chain_id=11155111)
    expected = f"runs chain {chain.chain_id}, but .*local.json was written on chain 11155111"
    with pytest.raises(PreflightError, match=expected):
        attach_deployed(project, chain.provider, "local", folder=tmp_path)


def test_attach_deployed__no_manifest__says_how_to_deploy(project, chain, tmp_path):
    with pytest.raises(FileNotFoundError, match="make node"):
        attach_deployed(project, chain.provider, "local", folder=tmp_path)


def test_check_node__provider_started_its_own_node__no_node_there():
    started = SimpleNamespace(uri="http://127.0.0.1:9999", process=object(), chain_id=31337)
    with pytest.raises(PreflightError, match=r"^no node at http://127.0.0.1:9999: start one with `make node`"):
        check_node(started, "local")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_keeper_script__no_node_listening__exits_non_zero_with_one_line():
    port = _free_port()
    env = {**os.environ, "APE_FOUNDRY_HOST": f"http://127.0.0.1:{port}"}
    result = subprocess.run(
        [shutil.which("ape"), "run", "keeper", "--network", "ethereum:local:foundry", "--once"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: no node at http://127.0.0.1:{port}: start one with `make node` (it deploys the system)"]
    assert "Traceback" not in result.stderr
    assert "positions watched" not in result.stdout
