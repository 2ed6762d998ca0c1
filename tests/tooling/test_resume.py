"""`make deploy ARGS=--resume`: a deployment that stopped part-way continues from its first missing
step, re-using what it had deployed, each step skipped when its effect is on chain already; a
record that does not fit the plan, the chain or the signer is refused in one line, nothing sent."""

import json

import pytest
from ape_accounts import import_account_from_private_key

from synthvault.config import DEFAULT_CONFIG, read_config
from synthvault.deploy import Reuse
from synthvault.plan import plan_deployment
from synthvault.resume import ResumeError, check_resumable
from synthvault.system import LOCAL_FUNDING, deploy_system, deployed_since, fund_local_accounts
from tests.utils.scripts import run_deploy

ALIAS = "synthvault-resume-test"
PASSPHRASE = "not-a-secret"
KEY = "0x" + "7e" * 32  # a throwaway key, not one of the test mnemonic's accounts
SIGNS = {f"APE_ACCOUNTS_{ALIAS}_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def deployer(accounts):
    """A keyfile account, as on a live network: it asks `Sign: [y/N]` before each transaction."""
    account = import_account_from_private_key(ALIAS, PASSPHRASE, KEY)
    accounts[0].transfer(account, 100 * 10**18)
    yield account
    account.keyfile_path.unlink()


def _shape(manifest: dict) -> dict:
    """A manifest without its addresses and blocks: which contracts, feeds, synths and markets,
    and the config as applied."""
    contracts = manifest["contracts"]
    return {"keys": sorted(manifest), "contracts": sorted(contracts), "feeds": sorted(contracts["feeds"]),
            "synths": sorted(contracts["synths"]), "markets": contracts["markets"], "config": manifest["config"]}


def test_deploy_script__resume_after_a_refusal_mid_liquidation__continues_and_deploys_nothing_twice(
    project, chain, deployer, tmp_path
):
    config = read_config()
    plan = plan_deployment(config, LOCAL_FUNDING)
    # The signer refuses the liquidation layer's second wiring call: the fund, the engine and the
    # settlement are deployed, and the fund already names the engine.
    stop = [step.what for step in plan.steps].index("Vault.setLiquidationEngine")
    nonce = deployer.nonce

    # Signs the first transaction (its passphrase asked then, the key left unlocked), and the next
    # ones up to the refusal.
    answers = f"y\n{PASSPHRASE}\ny\n" + "y\n" * (stop - 1) + "n\n"
    failed = run_deploy(chain, "--account", ALIAS, folder=tmp_path, env=SIGNS, answers=answers)

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert f"are listed in {tmp_path / 'local.failed.json'}" in failed.stderr
    assert deployer.nonce - nonce == stop, failed.stderr[-1000:]
    record = json.loads((tmp_path / "local.failed.json").read_text())
    before = [entry["address"] for entry in record["deployed"]]
    assert [entry["name"] for entry in record["deployed"]] == [s.deploys for s in plan.steps[:stop] if s.deploys]
    assert not (tmp_path / "local.json").exists()

    # The cause fixed (the signer now signs), the deployment resumes.
    resumed = run_deploy(chain, "--account", ALIAS, "--yes", "--resume", folder=tmp_path, env=SIGNS)

    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"re-using {len(before)} of the plan's {len(plan.contracts)} contracts" in resumed.stdout
    # Every planned transaction sent once over both runs, and each contract deployed once.
    assert deployer.nonce - nonce == plan.transactions
    created = [entry["address"] for entry in deployed_since(chain, deployer, record["start_block"])]
    assert len(created) == len(plan.contracts) and created[:len(before)] == before
    manifest = json.loads((tmp_path / "local.json").read_text())
    names = {entry["name"]: entry["address"] for entry in record["deployed"]}
    assert manifest["contracts"]["oracle"] == names["OracleHub"]
    assert manifest["contracts"]["vault"] == names["Vault"]
    assert manifest["contracts"]["engine"] == names["LiquidationEngine"]
    assert manifest["contracts"]["settlement"] == names["GlobalSettlement"]
    assert manifest["start_block"] == record["start_block"]  # the keeper finds positions from there
    assert not (tmp_path / "local.failed.json").exists()
    # The same system as a clean deployment's, wired as one.
    clean = run_deploy(chain, folder=tmp_path / "clean")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert _shape(manifest) == _shape(json.loads((tmp_path / "clean" / "local.json").read_text()))
    vault = project.Vault.at(manifest["contracts"]["vault"])
    assert vault.liquidationEngine() == manifest["contracts"]["engine"]
    assert vault.globalSettlement() == manifest["contracts"]["settlement"]
    for address in manifest["contracts"]["synths"].values():
        synth = project.SyntheticToken.at(address)
        assert synth.hasRole(synth.BURNER_ROLE(), manifest["contracts"]["settlement"])
        assert not synth.hasRole(synth.DEFAULT_ADMIN_ROLE(), deployer)


def _record(chain, owner, system, **changes) -> dict:
    """A failed deployment's record, as `deploy_and_record` writes it: the oracle hub and two
    feeds of the tooling's system deployed, by `owner`, with config/local.yaml."""
    deployed = [{"name": "OracleHub", "address": str(system.contracts["oracle"].address)},
                {"name": "MockAggregator", "address": str(system.feeds["BTC"].address)},
                {"name": "MockAggregator", "address": str(system.feeds["ETH"].address)}]
    return {"chain_id": chain.chain_id, "deployer": str(owner.address), "start_block": 1, "block": 2,
            "error": "SignatureError: The transaction was not signed.", "config": read_config().to_json_dict(),
            "deployed": deployed} | changes


def _check(chain, owner, record: dict, config=None, signer=None) -> list[dict]:
    config = config or read_config()
    return check_resumable(record, config, plan_deployment(config), chain.chain_id, str((signer or owner).address),
                           lambda address: bool(chain.provider.get_code(address)), "local.failed.json")


def test_check_resumable__record_fits__its_contracts_to_reuse(chain, owner, system):
    record = _record(chain, owner, system)
    assert _check(chain, owner, record) == record["deployed"]


def test_deploy_script__resume_on_another_chain__refused_in_one_line(chain, owner, system, tmp_path):
    (tmp_path / "local.failed.json").write_text(json.dumps(_record(chain, owner, system, chain_id=11155111)))
    nonce = owner.nonce

    result = run_deploy(chain, "--resume", folder=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: {tmp_path / 'local.failed.json'} cannot be resumed: its contracts are on chain 11155111, "
        f"this node is chain {chain.chain_id}; nothing was sent"]
    assert owner.nonce == nonce


def test_deploy_script__resume_with_nothing_recorded__refused_in_one_line(chain, owner, tmp_path):
    result = run_deploy(chain, "--resume", folder=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Error: no failed deployment recorded at {tmp_path / 'local.failed.json'}: nothing to resume" in (
        result.stderr)


def test_check_resumable__another_config__refused_naming_the_first_key_that_differs(chain, owner, system, tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(DEFAULT_CONFIG.read_text().replace("keeper_share_pct: 50", "keeper_share_pct: 40"))

    with pytest.raises(ResumeError, match=r"^local.failed.json cannot be resumed: it was deployed with another "
                                          r"config \(liquidation.keeper_share_pct: 50 there, 40 here\)"):
        _check(chain, owner, _record(chain, owner, system), config=read_config(path))


def test_check_resumable__contract_not_the_plans__refused_naming_both(chain, owner, system):
    record = _record(chain, owner, system)
    record["deployed"][1]["name"] = "TestToken"

    with pytest.raises(ResumeError, match=rf"contract 2 \(TestToken at {record['deployed'][1]['address']}\) is not "
                                          r"the plan's \(MockAggregator\)"):
        _check(chain, owner, record)


def test_check_resumable__address_without_code__refused(chain, owner, system, accounts):
    record = _record(chain, owner, system)
    record["deployed"][2]["address"] = str(accounts[7].address)

    with pytest.raises(ResumeError, match=rf"no contract at {accounts[7].address} \(contract 3, MockAggregator\)"):
        _check(chain, owner, record)


def test_check_resumable__another_signer__refused(chain, owner, system, accounts):
    with pytest.raises(ResumeError, match=rf"its contracts are owned by {owner.address}, the signer is "
                                          rf"{accounts[6].address}"):
        _check(chain, owner, _record(chain, owner, system), signer=accounts[6])


def test_deploy_system__every_contract_reused__sends_nothing(project, chain, owner, lp, trader, config):
    # Every step reads the chain first: resumed after its last step, a deployment sends nothing.
    start = chain.blocks.height + 1
    system = deploy_system(project, owner, config)
    fund_local_accounts(system, owner, {"lp": lp, "trader": trader})
    nonce = owner.nonce

    again = deploy_system(project, owner, config, reuse=Reuse(deployed_since(chain, owner, start)))
    fund_local_accounts(again, owner, {"lp": lp, "trader": trader})

    assert owner.nonce == nonce
    assert again.addresses() == system.addresses()
