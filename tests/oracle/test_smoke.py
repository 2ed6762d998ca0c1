from synthvault.units import asset_id, wad


def test_price_wad__configured_feed__returns_wad_price(oracle):
    assert oracle.priceWad(asset_id("BTC")) == wad(60000)
