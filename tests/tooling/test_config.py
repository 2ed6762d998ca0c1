"""The deployment config as a user writes it: a typo, a missing key or a value a contract would
refuse is reported by its path before anything is sent, with every problem at once."""

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from synthvault.config import DEFAULT_CONFIG, ConfigError, parse_config, read_config
from synthvault.plan import plan_deployment
from synthvault.system import deploy_system

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture
def raw() -> dict[str, Any]:
    """config/local.yaml as YAML reads it, for a test to spoil."""
    return yaml.safe_load(DEFAULT_CONFIG.read_text())


def _parent(raw: dict[str, Any], path: str) -> tuple[dict[str, Any], str]:
    """The mapping holding the key `path` names ("vault.minting_ratio_pct"), and that key."""
    *parents, key = path.split(".")
    for part in parents:
        raw = raw[part]
    return raw, key


def _set(path: str, value: Any) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        node, key = _parent(raw, path)
        node[key] = value

    return edit


def _drop(path: str) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        node, key = _parent(raw, path)
        del node[key]

    return edit


def _problems(raw: dict[str, Any], *edits: Edit) -> list[str]:
    spoiled = copy.deepcopy(raw)
    for edit in edits:
        edit(spoiled)
    with pytest.raises(ConfigError) as caught:
        parse_config(spoiled, "config/local.yaml")
    assert str(caught.value).startswith("config/local.yaml: ")
    assert "nothing was sent" in str(caught.value)
    return caught.value.problems


def test_read_config__local_yaml__every_key_kept_and_defaults_filled(raw):
    config = read_config()
    applied = config.to_dict()
    assert applied["vault"] == raw["vault"]
    assert applied["liquidation"] == raw["liquidation"]
    assert applied["synths"]["sXAU"] == raw["synths"]["sXAU"] | {"min_debt": applied["synths"]["sXAU"]["min_debt"]}
    assert str(applied["synths"]["sSPX"]["min_debt"]) == "0.55"  # exact, not the float 0.55
    assert applied["oracle"]["feeds"]["BTC"] == raw["oracle"]["feeds"]["BTC"]  # decimals: the mock's default, 8
    assert config.risk_params("sXAU") == {"minting_ratio_pct": 150, "liquidation_ratio_pct": 120,
                                          "liquidation_penalty_pct": 10, "stability_fee_pct_per_year": 2}


def test_parse_config__synth_override__applies_to_that_synth_only(raw):
    raw["synths"]["sXAU"]["minting_ratio_pct"] = 300
    config = parse_config(raw)
    assert config.risk_params("sXAU")["minting_ratio_pct"] == 300
    assert config.risk_params("sUSD")["minting_ratio_pct"] == 150


def test_parse_config__typo_in_vault__unknown_key_named_with_the_right_one(raw):
    problems = _problems(raw, _drop("vault.minting_ratio_pct"), _set("vault.minting_ratio", 300))
    assert problems == ["vault.minting_ratio_pct: missing",
                        "vault.minting_ratio: unknown key (did you mean minting_ratio_pct?)"]


def test_parse_config__typo_in_a_synth__unknown_key_named_not_ignored(raw):
    assert _problems(raw, _set("synths.sXAU.minting_ratio", 300)) == [
        "synths.sXAU.minting_ratio: unknown key (did you mean minting_ratio_pct?)"]


def test_parse_config__unknown_section__named(raw):
    assert _problems(raw, _set("liquidations", {})) == ["liquidations: unknown key (did you mean liquidation?)"]


def test_parse_config__missing_keeper_share__named(raw):
    assert _problems(raw, _drop("liquidation.keeper_share_pct")) == ["liquidation.keeper_share_pct: missing"]


def test_parse_config__liquidation_ratio_above_minting__every_synth_named(raw):
    problems = _problems(raw, _set("vault.liquidation_ratio_pct", 160))
    assert problems == [
        f"synths.{symbol}: minting_ratio_pct (150) must be above liquidation_ratio_pct (160) (VaultInvalidMintingRatio)"
        for symbol in raw["synths"]
    ]


# One case per rule the contracts check, each with the path and words its message must carry.
CROSS_FIELD_RULES = {
    "liquidation ratio under 1 + penalty": (
        [_set("synths.sXAU.liquidation_ratio_pct", 105)],
        "synths.sXAU: liquidation_ratio_pct (105) must be at least 100 + liquidation_penalty_pct (110)"),
    "minting ratio over 1000%": (
        [_set("synths.sXAU.minting_ratio_pct", 1001)], "synths.sXAU: minting_ratio_pct (1001) must be at most 1000"),
    "penalty over 50%": (
        [_set("synths.sXAU.liquidation_penalty_pct", 51), _set("synths.sXAU.liquidation_ratio_pct", 160),
         _set("synths.sXAU.minting_ratio_pct", 170)],
        "synths.sXAU: liquidation_penalty_pct (51) must be at most 50"),
    "fee over 100% a year": (
        [_set("synths.sETH.stability_fee_pct_per_year", 101)],
        "synths.sETH: stability_fee_pct_per_year (101) must be at most 100"),
    "min debt over the ceiling": (
        [_set("synths.sXAU.min_debt", 20001)], "synths.sXAU: min_debt (20001) must be at most debt_ceiling (20000)"),
    "ceiling past uint96": (
        [_set("synths.sUSD.debt_ceiling", 10**11)], "synths.sUSD: debt_ceiling and min_debt must be at most"),
    "keeper share over 100%": (
        [_set("liquidation.keeper_share_pct", 101)],
        "liquidation.keeper_share_pct: Input should be less than or equal to 100"),
    "close factor zero": (
        [_set("liquidation.close_factor_pct", 0)], "liquidation.close_factor_pct: Input should be greater than 0"),
    "close factor over 100%": (
        [_set("liquidation.close_factor_pct", "100.5")],
        "liquidation.close_factor_pct: Input should be less than or equal to 100"),
    "deviation over 10,000 bps": (
        [_set("oracle.feeds.BTC.max_deviation_bps", 10_001)],
        "oracle.feeds.BTC.max_deviation_bps: Input should be less"),
    "heartbeat zero": (
        [_set("oracle.feeds.XAU.heartbeat_s", 0)],
        "oracle.feeds.XAU.heartbeat_s: Input should be greater than 0"),
    "maintenance not under initial": (
        [_set("exchange.markets.BTC-PERP.maintenance_margin_bps", 1000)],
        "exchange.markets.BTC-PERP: maintenance_margin_bps (1000) must be below initial_margin_bps (1000)"),
    "maintenance zero": (
        [_set("exchange.markets.ETH-PERP.maintenance_margin_bps", 0)],
        "exchange.markets.ETH-PERP: maintenance_margin_bps (0) must be above 0"),
    "initial over 100%": (
        [_set("exchange.markets.IDX-PERP.initial_margin_bps", 10_001)],
        "exchange.markets.IDX-PERP: initial_margin_bps (10001) must be at most 10000"),
    "taker fee over 1%": (
        [_set("exchange.markets.BTC-PERP.taker_fee_bps", 101)],
        "exchange.markets.BTC-PERP: taker_fee_bps (101) must be at most 100"),
    "impact over 100%": (
        [_set("exchange.markets.BTC-PERP.impact_bps_per_million_usd", 10_001)],
        "exchange.markets.BTC-PERP: impact_bps_per_million_usd (10001) must be at most 10000"),
    "liquidation reward over 5%": (
        [_set("exchange.liquidation_reward_bps", 501)], "exchange: liquidation_reward_bps (501) must be at most 500"),
    "min liquidation reward over $1,000": (
        [_set("exchange.min_liquidation_reward_usd", 1001)],
        "exchange: min_liquidation_reward_usd (1001) must be at most 1000"),
    "min position over $1,000,000": (
        [_set("exchange.markets.BTC-PERP.min_position_usd", 1_000_001)],
        "exchange.markets.BTC-PERP: min_position_usd (1000001) must be at most 1000000"),
    "min position's maintenance under the min reward": (
        [_set("exchange.markets.ETH-PERP.min_position_usd", "99.99")],
        "exchange: markets.ETH-PERP.min_position_usd (99.99) x maintenance_margin_bps (500) must cover "
        "min_liquidation_reward_usd (5), or the pool pays the minimum reward for dust"),
    "cooldown over 7 days": (
        [_set("exchange.pool_cooldown_hours", 169)],
        "exchange: pool_cooldown_hours (169) must be at most 168"),
    "market on an unknown feed": (
        [_set("exchange.markets.ETH-PERP.asset", "DOGE")],
        "exchange.markets.ETH-PERP.asset: 'DOGE' is not a feed in oracle.feeds"),
    "synth on an unknown feed": (
        [_set("synths.sRE.asset", "RE2")],
        "synths.sRE.asset: 'RE2' is not a feed in oracle.feeds"),
    "token over 18 decimals": (
        [_set("exchange.margin_token.decimals", 19)],
        "exchange.margin_token.decimals: Input should be less than or equal to 18"),
    "shock over 50%": (
        [_set("vault.shock_pct.BTC", 51)], "vault: shock_pct.BTC (51) must be between 0 and 50 (VaultInvalidShock)"),
    "shock negative": (
        [_set("vault.shock_pct.IDX", -1)], "vault: shock_pct.IDX (-1) must be between 0 and 50 (VaultInvalidShock)"),
    "shock on an unknown feed": (
        [_set("vault.shock_pct.DOGE", 5)], "vault.shock_pct.DOGE: 'DOGE' is not a feed in oracle.feeds"),
    "market asset without a shock": (
        [_drop("vault.shock_pct.ETH")],
        "exchange.markets.ETH-PERP.asset: 'ETH' has no shock in vault.shock_pct (its leverage would carry no haircut"),
    "expiry not in the future": (
        [_set("exchange.markets.BTC-DATED.expiry_days", 0)],
        "exchange.markets.BTC-DATED.expiry_days: Input should be greater than 0"),
}


@pytest.mark.parametrize("edits, expected", CROSS_FIELD_RULES.values(), ids=CROSS_FIELD_RULES.keys())
def test_parse_config__value_the_contracts_refuse__named(raw, edits, expected):
    problems = _problems(raw, *edits)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


EXISTING = "0x5FbDB2315678afecb367f032d93F642f64180aa3"

EXISTING_CONTRACT_RULES = {
    "feed with address and price": (
        [_set("oracle.feeds.BTC.address", EXISTING)],
        "oracle.feeds.BTC: description, price must be left out with address"),
    "feed with neither": (
        [_drop("oracle.feeds.BTC.price")],
        "oracle.feeds.BTC: give address (an existing contract) or price (to deploy one)"),
    "existing feed with decimals": (
        [_set("oracle.feeds.BTC",
              {"address": EXISTING, "decimals": 8, "heartbeat_s": 3600, "max_deviation_bps": 5000})],
        "oracle.feeds.BTC: decimals must be left out with address"),
    "not an address": (
        [_set("oracle.feeds.BTC", {"address": "0x1234", "heartbeat_s": 3600, "max_deviation_bps": 5000})],
        "oracle.feeds.BTC.address: '0x1234' is not an address"),
    "existing token with a name": (
        [_set("exchange.spot_token.address", EXISTING)],
        "exchange.spot_token: name, symbol, decimals must be left out with address"),
    # Named by its key (it used to be said as `exchange: pool_deposit_usd must be 0 ...`).
    "existing margin token with a pool seed": (
        [_set("exchange.margin_token", {"address": EXISTING}), _drop("liquidation.insurance_fund_deposit_usd")],
        "exchange.pool_deposit_usd: a seed deposit needs a test margin token"),
    "existing margin token with a fund seed": (
        [_set("exchange.margin_token", {"address": EXISTING}), _drop("exchange.pool_deposit_usd")],
        "liquidation.insurance_fund_deposit_usd: a seed deposit needs a test margin token"),
    "test margin token without its pool seed": (
        [_drop("exchange.pool_deposit_usd")],
        "exchange.pool_deposit_usd: missing (the deployment's seed"),
}


@pytest.mark.parametrize("edits, expected", EXISTING_CONTRACT_RULES.values(), ids=EXISTING_CONTRACT_RULES.keys())
def test_parse_config__existing_contract_mixed_with_new__named(raw, edits, expected):
    problems = _problems(raw, *edits)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_parse_config__existing_margin_token_without_seed_deposits__valid_and_no_seed_planned(raw):
    raw["exchange"]["margin_token"] = {"address": EXISTING}
    del raw["exchange"]["pool_deposit_usd"], raw["liquidation"]["insurance_fund_deposit_usd"]

    config = parse_config(raw)

    applied = config.to_dict()
    assert "pool_deposit_usd" not in applied["exchange"]
    assert "insurance_fund_deposit_usd" not in applied["liquidation"]
    steps = [step.what for step in plan_deployment(config).steps]
    assert not [what for what in steps if "USDC" in what or ".deposit" in what]
    assert plan_deployment(read_config()).transactions - plan_deployment(config).transactions == 1 + 3 + 3


def test_parse_config__existing_margin_token_with_zero_seeds__valid(raw):
    raw["exchange"]["margin_token"] = {"address": EXISTING}
    raw["exchange"]["pool_deposit_usd"] = raw["liquidation"]["insurance_fund_deposit_usd"] = 0
    assert parse_config(raw).existing_addresses() == {"exchange.margin_token.address": EXISTING}


def test_parse_config__spot_asset_without_a_shock__the_spot_and_each_of_its_markets_named(raw):
    problems = _problems(raw, _drop("vault.shock_pct.BTC"))
    assert [p.split(":")[0] for p in problems] == [
        "vault.spot_asset", "exchange.markets.BTC-PERP.asset", "exchange.markets.BTC-DATED.asset"]


def test_parse_config__shock_of_zero__kept_and_not_sent(raw):
    raw["vault"]["shock_pct"]["IDX"] = 0
    config = parse_config(raw)
    assert config.to_dict()["vault"]["shock_pct"] == {"BTC": 10, "ETH": 15, "IDX": 0}
    assert [step.what for step in plan_deployment(config).steps if "setShock" in step.what] == [
        "Vault.setShock(BTC: 10%)", "Vault.setShock(ETH: 15%)"]


def test_parse_config__existing_feed_and_token__addresses_listed(raw):
    raw["oracle"]["feeds"]["BTC"] = {"address": EXISTING.lower(), "heartbeat_s": 3600, "max_deviation_bps": 5000}
    raw["exchange"]["spot_token"] = {"address": EXISTING}
    assert parse_config(raw).existing_addresses() == {
        "oracle.feeds.BTC.address": EXISTING, "exchange.spot_token.address": EXISTING}


def test_parse_config__several_problems__all_reported(raw):
    problems = _problems(raw, _drop("liquidation.keeper_share_pct"), _set("oracle.feeds.BTC.heartbeat_s", 0),
                         _set("vault.minting_ratio", 300))
    assert [p.split(":")[0] for p in problems] == [
        "oracle.feeds.BTC.heartbeat_s", "vault.minting_ratio", "liquidation.keeper_share_pct"]


def test_deploy_system__bad_config__refused_before_the_first_transaction(project, owner, raw):
    raw["vault"]["liquidation_ratio_pct"] = 160  # used to revert VaultInvalidMintingRatio at the 29th transaction
    nonce = owner.nonce
    with pytest.raises(ConfigError, match="VaultInvalidMintingRatio"):
        deploy_system(project, owner, raw)
    assert owner.nonce == nonce


def test_parse_config__session_not_a_weekly_moment__named(raw):
    problems = _problems(raw, _set("oracle.feeds.SPX.session.opens", "Friday 22:00"))
    assert problems == ["oracle.feeds.SPX.session.opens: 'Friday 22:00' is not a weekly moment like 'Fri 22:00' (UTC)"]


def test_parse_config__session_opens_when_it_closes__refused_as_the_hub_would(raw):
    # OracleInvalidSession: a session must open and close at different moments.
    problems = _problems(raw, _set("oracle.feeds.SPX.session.opens", "Fri 22:00"))
    assert problems == ["oracle.feeds.SPX.session: opens and closes must differ "
                        "(leave the session out for a market always open)"]


def test_parse_config__fallback_bound_over_100_percent__refused(raw):
    fallback = {"description": "BTC / USD (second)", "price": 60_000, "heartbeat_s": 3_600,
                "max_deviation_bps": 5_000, "max_disagreement_bps": 10_001}
    problems = _problems(raw, _set("oracle.feeds.BTC.fallback", fallback))
    assert problems == ["oracle.feeds.BTC.fallback.max_disagreement_bps: "
                        "Input should be less than or equal to 10000 (got 10001)"]
