"""The deployment tooling: the system it deploys, the manifest it writes, the console it feeds."""

import json
from decimal import Decimal

import pytest

from synthvault.config import load_config
from synthvault.console import console_namespace
from synthvault.deploy import deploy_oracle
from synthvault.manifest import ManifestExistsError, load_manifest, write_manifest
from synthvault.system import LOCAL_FUNDING, attach_system, fund_local_accounts
from synthvault.units import asset_id, wad


def test_deploy_system__every_configured_feed__registered_at_its_price(system, config):
    oracle = system.contracts["oracle"]
    for name, cfg in config["oracle"]["feeds"].items():
        feed = system.feeds[name]
        assert oracle.feeds(asset_id(name)) == (feed.address, cfg["heartbeat_s"], 8, cfg["max_deviation_bps"], 0)
        assert oracle.priceWad(asset_id(name)) == wad(cfg["price"])


def test_deploy_oracle__sessions_and_a_fallback__set_as_configured(project, owner):
    feeds = load_config()["oracle"]["feeds"]
    feeds["BTC"]["fallback"] = {"description": "BTC / USD (second)", "price": 60_500, "heartbeat_s": 3_600,
                                "max_deviation_bps": 5_000, "max_disagreement_bps": 200}
    layer = deploy_oracle(project, owner, feeds)
    hub = layer.hub
    # Minutes since Monday 00:00 UTC: Fri 22:00 is 7,080, Sun 23:00 10,020.
    assert [tuple(hub.session(asset_id(name))[:2]) for name in ("SPX", "RE", "XAU", "BTC")] == [
        (0, 7_080), (0, 7_080), (10_020, 7_080), (0, 0)]
    second = layer.fallbacks["BTC"]
    assert hub.fallbacks(asset_id("BTC")) == (second.address, 3_600, 8, 5_000, 200)
    assert second.latestAnswer() == 60_500 * 10**8
    assert list(layer.fallbacks) == ["BTC"]


def test_deploy_system__shocks__set_on_the_vault_as_configured(system):
    vault = system.contracts["vault"]
    assert {ticker: vault.shockWad(asset_id(ticker)) for ticker in ("BTC", "ETH", "IDX", "XAU")} == {
        "BTC": wad("0.10"), "ETH": wad("0.15"), "IDX": wad("0.20"), "XAU": 0}


def test_attach_system__manifest_addresses__same_contracts(project, system):
    attached = attach_system(project, system.addresses())
    assert attached.addresses() == system.addresses()
    assert attached.contracts["oracle"].priceWad(asset_id("ETH")) == wad(3000)
    assert attached.markets == {"BTC-PERP": 1, "ETH-PERP": 2, "IDX-PERP": 3, "BTC-DATED": 4}
    assert attached.contracts["exchange"].markPrice(attached.markets["BTC-PERP"]) == wad(60000)
    assert attached.contracts["pool"].asset() == attached.contracts["usdc"].address


def test_write_manifest__local_network__overwritten(tmp_path):
    write_manifest("local", {"block": 1}, folder=tmp_path)
    path = write_manifest("local", {"block": 2}, folder=tmp_path)
    assert json.loads(path.read_text()) == {"block": 2}
    assert load_manifest("local", folder=tmp_path) == {"block": 2}


def test_write_manifest__live_network_exists__refused_without_force(tmp_path):
    write_manifest("mainnet", {"block": 1}, folder=tmp_path)
    with pytest.raises(ManifestExistsError):
        write_manifest("mainnet", {"block": 2}, folder=tmp_path)
    assert load_manifest("mainnet", folder=tmp_path) == {"block": 1}
    write_manifest("mainnet", {"block": 2}, force=True, folder=tmp_path)
    assert load_manifest("mainnet", folder=tmp_path) == {"block": 2}


def test_load_manifest__missing__says_how_to_deploy(tmp_path):
    with pytest.raises(FileNotFoundError, match="make deploy"):
        load_manifest("sepolia", folder=tmp_path)


def test_console_namespace__helpers__read_and_move_prices(project, system, owner):
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner)
    assert namespace["oracle"].address == system.contracts["oracle"].address
    assert set(namespace["feeds"]) == set(system.feeds)
    assert namespace["price"]("BTC") == 60000
    namespace["set_price"]("BTC", "42000.5")
    assert namespace["price"]("BTC") == Decimal("42000.5")
    assert system.contracts["oracle"].priceWad(asset_id("BTC")) == wad("42000.5")
    assert set(namespace["synths"]) == {"sUSD", "sXAU", "sETH", "sSPX", "sRE"}
    assert namespace["sXAU"].address == system.synths["sXAU"].address


def test_deploy_system__global_settlement__wired_in_the_manifest_and_the_console(project, system, owner):
    settlement, vault, engine = system.contracts["settlement"], system.contracts["vault"], system.contracts["engine"]
    assert vault.globalSettlement() == settlement.address and settlement.vault() == vault.address
    assert vault.liquidationEngine() == engine.address
    assert system.addresses()["settlement"] == str(settlement.address)
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner)
    assert namespace["settlement"].address == settlement.address
    assert namespace["settlement"].SETTLEMENT_PERIOD() == 7 * 86_400


def test_deploy_system__stability_pools__one_per_synth_named_to_the_engine_and_in_the_console(project, system, owner):
    engine = system.contracts["engine"]
    assert set(system.stability_pools) == set(system.synths)
    for symbol, pool in system.stability_pools.items():
        assert engine.stabilityPools(system.synths[symbol]) == pool.address
        assert (pool.synth(), pool.engine()) == (system.synths[symbol].address, engine.address)
    assert engine.gasCompensationUsdWad() == wad(150)
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner)
    assert {s: p.address for s, p in namespace["stability_pools"].items()} == {
        s: p.address for s, p in system.stability_pools.items()}


def test_console_health__position_with_debt__usd_and_cr(project, system, owner):
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner)
    vault, wbtc, susd = system.contracts["vault"], system.contracts["wbtc"], system.synths["sUSD"]
    wbtc.mint(owner, 10**8, sender=owner)
    wbtc.approve(vault, 10**8, sender=owner)
    position_id = vault.open(susd, sender=owner).return_value
    vault.addSpot(position_id, 10**8, sender=owner)
    vault.mint(position_id, wad(30_000), sender=owner)
    assert namespace["health"](position_id) == {
        "collateral_usd": Decimal(60_000), "debt_usd": Decimal(30_000), "cr": Decimal(2)}


def test_fund_local_accounts__lp_and_trader__get_the_listed_tokens(system, owner, lp, trader):
    usdc, wbtc = system.contracts["usdc"], system.contracts["wbtc"]
    fund_local_accounts(system, owner, {"lp": lp, "trader": trader})
    assert usdc.balanceOf(lp) == LOCAL_FUNDING["lp"]["usdc"] * 10**6
    assert usdc.balanceOf(trader) == LOCAL_FUNDING["trader"]["usdc"] * 10**6
    assert wbtc.balanceOf(trader) == LOCAL_FUNDING["trader"]["wbtc"] * 10**8
