"""Markets as deployed from the config, and the owner's few powers over them."""

from synthvault.deploy import market_params
from synthvault.units import asset_id, wad
from tests.utils.custom_errors import reverts
from tests.utils.exchange import buy


def test_markets__deployed_from_config(exchange, config, markets):
    assert list(markets) == ["BTC-PERP", "ETH-PERP", "IDX-PERP", "BTC-DATED"]
    assert exchange.marketCount() == 4
    for name, cfg in config["exchange"]["markets"].items():
        market = exchange.market(markets[name])
        assert market.asset == asset_id(cfg["asset"])
        assert tuple(market.params) == market_params(cfg)
        assert (market.expiry != 0) == ("expiry_days" in cfg)
        assert (market.fundingRatePerSecondWad, market.fundingIndexWad, market.settlementPriceWad) == (0, 0, 0)
    assert exchange.market(markets["BTC-PERP"]).params.initialMarginWad == wad("0.1")  # 10× leverage
    assert exchange.liquidationRewardWad() == wad("0.005")
    # Each market's minimum position pays the minimum reward out of its maintenance margin.
    assert [exchange.minPositionNotionalWad(markets[name]) for name in markets] == [wad(200), wad(200), wad(100),
                                                                                     wad(200)]


def test_set_min_position_notional__emits(exchange, owner, eth):
    tx = exchange.setMinPositionNotional(eth, wad(1000), sender=owner)

    event = tx.events.filter(exchange.MinPositionNotionalSet)[0]
    assert (event.marketId, event.notionalWad) == (eth, wad(1000))
    assert exchange.minPositionNotionalWad(eth) == wad(1000)


def test_mark_price__is_oracle_price(exchange, btc, eth, idx):
    assert [exchange.markPrice(m) for m in (btc, eth, idx)] == [wad(60000), wad(3000), wad(1000)]


def test_mark_price__unknown_market__reverts(exchange):
    with reverts(exchange.ExchangeUnknownMarket, marketId=0):
        exchange.markPrice(0)


def test_add_market__lists_and_emits(exchange, owner):
    params = (wad("0.05"), wad("0.025"), wad("0.0002"), wad("0.001"))

    tx = exchange.addMarket(asset_id("XAU"), 0, params, sender=owner)

    event = tx.events.filter(exchange.MarketAdded)[0]
    assert (event.marketId, event.asset, event.expiry, tuple(event.params)) == (5, asset_id("XAU"), 0, params)
    assert exchange.markPrice(5) == wad(2400)


def test_add_market__not_owner__reverts(exchange, attacker):
    with reverts(exchange.OwnableUnauthorizedAccount, account=attacker):
        exchange.addMarket(asset_id("XAU"), 0, (wad("0.1"), wad("0.05"), 0, 0), sender=attacker)


def test_add_market__unknown_asset__reverts(exchange, owner):
    with reverts(exchange.ExchangeUnknownAsset, asset=asset_id("DOGE")):
        exchange.addMarket(asset_id("DOGE"), 0, (wad("0.1"), wad("0.05"), 0, 0), sender=owner)


def test_add_market__bad_params__revert(exchange, owner):
    for params in [
        (wad("0.1"), 0, 0, 0),  # no maintenance margin
        (wad("0.1"), wad("0.1"), 0, 0),  # maintenance not below initial
        (wad("1.1"), wad("0.05"), 0, 0),  # initial above 100%
        (wad("0.1"), wad("0.05"), wad("0.011"), 0),  # fee above 1%
        (wad("0.1"), wad("0.05"), 0, wad("1.01")),  # impact above 100% per million
    ]:
        with reverts(exchange.ExchangeInvalidMarketParams):
            exchange.addMarket(asset_id("XAU"), 0, params, sender=owner)


def test_add_market__past_expiry__reverts(exchange, chain, owner):
    now = chain.pending_timestamp
    with reverts(exchange.ExchangeInvalidExpiry, expiry=now - 1):
        exchange.addMarket(asset_id("BTC"), now - 1, (wad("0.1"), wad("0.05"), 0, 0), sender=owner)


def test_set_market_params__applies_to_open_positions(exchange, owner, open_account, trader, btc):
    account = open_account(margin=10_000)
    buy(exchange, account, btc, wad(1), trader)
    params = (wad("0.2"), wad("0.1"), wad("0.0005"), wad("0.001"))

    tx = exchange.setMarketParams(btc, params, sender=owner)

    assert tuple(tx.events.filter(exchange.MarketParamsSet)[0].params) == params
    assert exchange.requirements(account) == (wad(12000), wad(6000))


def test_set_market_params__unchanged__reverts(exchange, owner, btc):
    with reverts(exchange.ExchangeAlreadySet):
        exchange.setMarketParams(btc, tuple(exchange.market(btc).params), sender=owner)


def test_set_funding_keeper__emits_and_guards(exchange, owner, keeper, attacker):
    tx = exchange.setFundingKeeper(keeper, True, sender=owner)
    event = tx.events.filter(exchange.FundingKeeperSet)[0]
    assert (event.keeper, event.allowed) == (keeper, True)
    assert exchange.isFundingKeeper(keeper)

    with reverts(exchange.ExchangeAlreadySet):
        exchange.setFundingKeeper(keeper, True, sender=owner)
    with reverts(exchange.ExchangeZeroAddress):
        exchange.setFundingKeeper("0x0000000000000000000000000000000000000000", True, sender=owner)
    with reverts(exchange.OwnableUnauthorizedAccount, account=attacker):
        exchange.setFundingKeeper(attacker, True, sender=attacker)


def test_constructor__reward_above_max__reverts(project, exchange, owner, feeder, oracle, usdc):
    # From an account no other test deploys from (see tests/vault/test_params.py: Ape caches types by address).
    with reverts(exchange.ExchangeInvalidLiquidationReward, rewardWad=wad("0.051")):
        feeder.deploy(project.FuturesExchange, owner, oracle, usdc, wad("0.051"))
