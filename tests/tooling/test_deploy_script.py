"""`ape run deploy` as a user runs it, against the test chain itself: the dry run prints the plan
and sends nothing; a bad config is one error naming the key, and nothing is sent."""

import json

import pytest
import yaml

from synthvault.config import DEFAULT_CONFIG, read_config
from synthvault.plan import plan_deployment
from synthvault.system import LOCAL_FUNDING
from tests.utils.scripts import run_deploy


@pytest.fixture
def bad_config(tmp_path):
    path = tmp_path / "bad.yaml"
    text = DEFAULT_CONFIG.read_text()
    path.write_text(text.replace("  minting_ratio_pct: 150", "  minting_ratio: 300"))
    return path


def test_deploy_script__dry_run__prints_the_plan_and_sends_nothing(chain, owner):
    nonce, height = owner.nonce, chain.blocks.height
    result = run_deploy(chain, "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    planned = plan_deployment(read_config(), LOCAL_FUNDING).transactions
    assert f"{planned} transactions to ethereum:local" in result.stdout
    assert "dry run: nothing sent" in result.stdout
    assert "LiquidationEngine, keeper share 50%, close factor 100%" in result.stdout
    assert (owner.nonce, chain.blocks.height) == (nonce, height)


def test_deploy_script__min_debt_under_the_keeper_floor__warns_and_plans(chain, owner, tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(DEFAULT_CONFIG.read_text().replace("min_debt: 1.25}", "min_debt: 0.05}"))

    result = run_deploy(chain, "--dry-run", "--config", str(path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "warning: synths.sXAU: min debt $120.00 pays the keeper $6.00" in result.stdout
    assert "warning: synths.sUSD" not in result.stdout
    assert "dry run: nothing sent" in result.stdout


def test_deploy_script__typo_in_config__one_error_naming_the_key_and_nothing_sent(chain, owner, bad_config):
    nonce, height = owner.nonce, chain.blocks.height
    result = run_deploy(chain, "--config", str(bad_config))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"Error: {bad_config}: 2 problems, nothing was sent:\n" in result.stderr
    assert "  vault.minting_ratio: unknown key (did you mean minting_ratio_pct?)\n" in result.stderr
    assert (owner.nonce, chain.blocks.height) == (nonce, height)


def test_deploy_script__live_config_with_an_existing_margin_token__plans_no_seed(chain, owner, system, tmp_path):
    # A live network's config, as a user writes it: existing feeds and tokens, no seed deposits.
    raw = read_config().to_dict()
    raw["oracle"]["feeds"] = {name: {"address": str(feed.address), "heartbeat_s": 3600, "max_deviation_bps": 5000}
                              for name, feed in system.feeds.items()}
    raw["exchange"]["margin_token"] = {"address": str(system.contracts["usdc"].address)}
    raw["exchange"]["spot_token"] = {"address": str(system.contracts["wbtc"].address)}
    del raw["exchange"]["pool_deposit_usd"], raw["liquidation"]["insurance_fund_deposit_usd"]
    path = tmp_path / "live.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(raw, default=str))))
    nonce = owner.nonce

    result = run_deploy(chain, "--dry-run", "--config", str(path))

    assert result.returncode == 0, result.stdout + result.stderr
    config = read_config(path)
    seeds = [s.what for s in plan_deployment(config).steps if s.what.startswith("USDC") or ".deposit" in s.what]
    assert seeds == []
    assert f"{plan_deployment(config, LOCAL_FUNDING).transactions} transactions to ethereum:local" in result.stdout
    assert "exchange.margin_token.address" in result.stdout
    assert owner.nonce == nonce


def test_deploy_script__seed_deposit_with_an_existing_margin_token__refused_naming_the_key(chain, owner, system,
                                                                                           tmp_path):
    path = tmp_path / "live.yaml"
    usdc = system.contracts["usdc"].address
    path.write_text(DEFAULT_CONFIG.read_text().replace(
        'margin_token: {name: "USD Coin (test)", symbol: "USDC", decimals: 6}', f"margin_token: {{address: '{usdc}'}}"))
    nonce = owner.nonce

    result = run_deploy(chain, "--config", str(path))

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"Error: {path}: 2 problems, nothing was sent:\n" in result.stderr
    assert "  exchange.pool_deposit_usd: a seed deposit needs a test margin token" in result.stderr
    assert "  liquidation.insurance_fund_deposit_usd: a seed deposit needs a test margin token" in result.stderr
    assert owner.nonce == nonce
