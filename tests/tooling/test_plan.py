"""Deploying as a plan: the plan counts exactly the transactions the deployment sends, the
manifest records what was applied, and a second deployment to a live network is refused before
its first transaction."""

import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from synthvault import system as system_module
from synthvault.config import parse_config, read_config
from synthvault.manifest import ManifestExistsError
from synthvault.plan import keeper_floor_warnings, plan_deployment
from synthvault.preflight import PreflightError, check_existing, check_governed
from synthvault.system import LOCAL_FUNDING, DeployFailedError, deploy_and_record
from synthvault.units import asset_id

LIVE = SimpleNamespace(name="sepolia", choice="ethereum:sepolia:foundry")
LOCAL = SimpleNamespace(name="local", choice="ethereum:local:foundry")


def test_deploy_and_record__local_chain__sends_exactly_the_planned_transactions(
    project, chain, owner, lp, trader, tmp_path
):
    config = read_config()
    plan = plan_deployment(config, LOCAL_FUNDING)
    nonce = owner.nonce

    system, path = deploy_and_record(project, chain, LOCAL, owner, config, local_accounts={"lp": lp, "trader": trader},
                                     folder=tmp_path)

    assert owner.nonce - nonce == plan.transactions
    deployed = [c.contract_type.name
                for c in (*system.contracts.values(), *system.feeds.values(), *system.synths.values(),
                          *system.stability_pools.values())]
    # The pool and the account registry are created by the exchange, the adapter by the vault, not
    # by a transaction.
    created_inside = {"LiquidityPool", "FuturesAccounts", "FuturesCollateral"}
    assert sorted(step.deploys for step in plan.contracts) == sorted(n for n in deployed if n not in created_inside)
    manifest = json.loads(path.read_text())
    assert manifest["config"] == config.to_json_dict()
    assert manifest["config"]["vault"]["shock_pct"] == {"BTC": 10, "ETH": 15, "IDX": 20}
    assert manifest["contracts"] == system.addresses()


def test_deploy_and_record__live_manifest_exists__refused_before_the_first_transaction(project, chain, owner, tmp_path):
    config = read_config()
    _, path = deploy_and_record(project, chain, LIVE, owner, config, folder=tmp_path)
    first = path.read_text()
    nonce = owner.nonce

    with pytest.raises(ManifestExistsError,
                       match="sepolia.json exists: 'sepolia' is deployed already; nothing was sent"):
        deploy_and_record(project, chain, LIVE, owner, config, folder=tmp_path)

    assert owner.nonce == nonce
    assert path.read_text() == first


def test_deploy_and_record__stops_part_way__records_what_it_deployed(project, chain, owner, tmp_path, monkeypatch):
    # The liquidation layer never comes: its deployment raises, as a signer refusing would.
    def refuse(*args, **kwargs):
        raise RuntimeError("the signer refused")

    monkeypatch.setattr(system_module, "deploy_liquidation", refuse)
    config = read_config()
    start_block = chain.blocks.height + 1
    failed = tmp_path / "sepolia.failed.json"

    with pytest.raises(DeployFailedError, match=f"stopped \\(RuntimeError: the signer refused\\); the contracts "
                                                f"it had deployed are listed in {failed}"):
        deploy_and_record(project, chain, LIVE, owner, config, folder=tmp_path)

    assert not (tmp_path / "sepolia.json").exists()  # no manifest for a system that is not whole
    record = json.loads(failed.read_text())
    assert (record["start_block"], record["block"]) == (start_block, chain.blocks.height)
    assert record["error"] == "RuntimeError: the signer refused"
    # Exactly the plan's contracts of the layers before the liquidation layer, in the plan's order.
    before = [step.deploys for step in plan_deployment(config).contracts if step.layer != "liquidation"]
    assert [entry["name"] for entry in record["deployed"]] == before
    assert all(chain.provider.get_code(entry["address"]) for entry in record["deployed"])


def test_deploy_and_record__stops_at_the_first_transaction__records_nothing_deployed(
    project, chain, owner, tmp_path, monkeypatch
):
    def refuse(*args, **kwargs):
        raise RuntimeError("the signer refused")

    monkeypatch.setattr(system_module, "deploy_oracle", refuse)
    height = chain.blocks.height

    with pytest.raises(DeployFailedError, match=r"stopped \(RuntimeError: the signer refused\)"):
        deploy_and_record(project, chain, LIVE, owner, read_config(), folder=tmp_path)

    record = json.loads((tmp_path / "sepolia.failed.json").read_text())
    assert (record["start_block"], record["block"], record["deployed"]) == (height + 1, height, [])


def test_deploy_and_record__existing_feeds_and_tokens__registered_not_deployed(project, chain, owner, system, tmp_path):
    raw = read_config().to_dict()
    for name, feed in system.feeds.items():
        raw["oracle"]["feeds"][name] = {"address": str(feed.address), "heartbeat_s": 3600, "max_deviation_bps": 5000}
    raw["exchange"]["margin_token"] = {"address": str(system.contracts["usdc"].address)}
    raw["exchange"]["spot_token"] = {"address": str(system.contracts["wbtc"].address)}
    raw["exchange"]["pool_deposit_usd"] = raw["liquidation"]["insurance_fund_deposit_usd"] = 0
    config = parse_config(raw)
    plan = plan_deployment(config)
    nonce = owner.nonce

    fresh, _ = deploy_and_record(project, chain, LIVE, owner, config, folder=tmp_path)

    assert owner.nonce - nonce == plan.transactions
    assert not [step for step in plan.contracts if step.deploys in ("MockAggregator", "TestToken")]
    assert fresh.addresses()["feeds"] == system.addresses()["feeds"]
    for name, feed in system.feeds.items():
        assert fresh.contracts["oracle"].feeds(asset_id(name))[0] == feed.address
    assert fresh.contracts["exchange"].marginToken() == system.contracts["usdc"].address
    assert fresh.contracts["vault"].spotToken() == system.contracts["wbtc"].address


def test_check_existing__address_without_code__named_before_anything_is_sent(chain, accounts):
    named = {"oracle.feeds.BTC.address": str(accounts[7].address)}
    with pytest.raises(PreflightError, match=rf"^no contract at {accounts[7].address} \(oracle.feeds.BTC.address\)"):
        check_existing(chain.provider, "sepolia", named)


def test_plan_deployment__no_deposits__their_transactions_left_out():
    config = read_config()
    no_deposit = config.liquidation.model_copy(update={"insurance_fund_deposit_usd": 0})
    lean = config.model_copy(update={"liquidation": no_deposit})
    assert plan_deployment(config).transactions - plan_deployment(lean).transactions == 3  # mint, approve, deposit
    assert plan_deployment(config, LOCAL_FUNDING).transactions - plan_deployment(config).transactions == 3


# The bench's liquidations of an 8-market account, made round: $129 of gas at the reference prices.
EIGHT_MARKETS_GAS = {"LiquidationEngine.liquidate (8 markets)": 860_000,
                     "LiquidationEngine.liquidate (min debt, 8 markets)": 820_000,
                     "LiquidationEngine.liquidate (gapped min debt, 8 markets)": 850_000}


def test_keeper_floor_warnings__deployed_config__none():
    assert keeper_floor_warnings(read_config(), EIGHT_MARKETS_GAS) == []
    assert keeper_floor_warnings(read_config()) == []  # against the measured baseline


def test_keeper_floor_warnings__min_debt_under_the_floor__said_with_its_numbers():
    config = read_config()
    small = config.synths["sXAU"].model_copy(update={"min_debt": Decimal("0.05")})  # $120
    config = config.model_copy(update={"synths": config.synths | {"sXAU": small}})

    assert keeper_floor_warnings(config, EIGHT_MARKETS_GAS) == [
        "synths.sXAU: min debt $120.00 pays the keeper $6.00, under the $129.00 of gas of an 8-market liquidation "
        "(floor $2,580); at 50 gwei and ETH $3,000 (docs/gas.md), no keeper is paid to liquidate a position that small"]


def test_keeper_floor_warnings__least_bonus_under_the_gas__said_with_its_numbers():
    config = read_config()
    low = config.liquidation.model_copy(update={"min_keeper_bonus_usd": Decimal(100)})
    config = config.model_copy(update={"liquidation": low})

    assert keeper_floor_warnings(config, EIGHT_MARKETS_GAS) == [
        "liquidation.min_keeper_bonus_usd ($100.00) is under the $129.00 of gas of an 8-market liquidation: a gapped "
        "position would not pay its keeper"]


def test_keeper_floor_warnings__gas_not_measured__none():
    config = read_config()
    small = config.synths["sXAU"].model_copy(update={"min_debt": Decimal("0.05")})
    config = config.model_copy(update={"synths": config.synths | {"sXAU": small}})

    assert keeper_floor_warnings(config, {}) == []


def test_check_governed__live_network_without_governance__refused_before_anything_is_sent():
    with pytest.raises(PreflightError, match=r"^sepolia is not a local network: the config needs a `governance` "
                                             r"section .*; nothing was sent$"):
        check_governed("sepolia", governed=False)
    check_governed("sepolia", governed=True)  # a timelock in the config: deployed
    check_governed("local", governed=False)  # a local chain: the deployer keeps the owner roles
