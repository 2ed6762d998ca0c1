"""The demo's story runs to its end on the test chain and leaves the state it describes."""

from synthvault.story import Story
from synthvault.system import deploy_system
from synthvault.units import scaled


def test_story__chapters_so_far__pool_funded_and_trader_long(project, owner, trader, trader2, keeper, lp, config):
    system = deploy_system(project, owner, config)
    story = Story(system, {"owner": owner, "trader": trader, "trader2": trader2, "keeper": keeper, "lp": lp})
    pool, exchange = system.contracts["pool"], system.contracts["exchange"]
    seeded = pool.totalAssets()

    story.prices()
    story.venue()
    story.trade()

    assert pool.totalAssets() >= seeded + scaled(250_000, 6)
    assert exchange.position(1, system.markets["BTC-PERP"])[0] == 10**18
    assert exchange.ownerOf(1) == trader.address
    assert any("buys 1 BTC-PERP" in line for line in story.log)
