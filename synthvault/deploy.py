"""Deploying the system, piece by piece. Used by `scripts/deploy.py`, the demo and the tests."""

from dataclasses import dataclass, field
from typing import Any

from synthvault.units import FEED_DECIMALS, asset_id, bps, scaled


@dataclass
class OracleLayer:
    """The deployed oracle: the hub and one mock feed per asset ticker."""

    hub: Any
    feeds: dict[str, Any] = field(default_factory=dict)


def deploy_oracle(project: Any, owner: Any, feeds_config: dict[str, dict[str, Any]]) -> OracleLayer:
    """Deploys an `OracleHub` owned by `owner` and a `MockAggregator` per feed in the config,
    each opened at its configured price and registered with its heartbeat and deviation bound."""
    hub = owner.deploy(project.OracleHub, owner)
    layer = OracleLayer(hub=hub)
    for name, cfg in feeds_config.items():
        decimals = cfg.get("decimals", FEED_DECIMALS)
        feed = owner.deploy(project.MockAggregator, decimals, cfg["description"], scaled(cfg["price"], decimals))
        hub.setFeed(asset_id(name), feed, cfg["heartbeat_s"], cfg["max_deviation_bps"], sender=owner)
        layer.feeds[name] = feed
    return layer


@dataclass
class ExchangeLayer:
    """The deployed futures venue: the exchange, the pool it created, the test tokens, and the
    market ids by the names the config gives them."""

    exchange: Any
    pool: Any
    usdc: Any
    wbtc: Any
    markets: dict[str, int] = field(default_factory=dict)


def deploy_token(project: Any, owner: Any, token_config: dict[str, Any]) -> Any:
    """Deploys a `TestToken` owned by `owner` as the config describes it (name, symbol, decimals)."""
    return owner.deploy(project.TestToken, token_config["name"], token_config["symbol"], token_config["decimals"], owner)


def market_params(market_config: dict[str, Any]) -> tuple[int, int, int, int]:
    """A market's `MarketParams` (WAD fractions) from its config entry (basis points)."""
    return (
        bps(market_config["initial_margin_bps"]),
        bps(market_config["maintenance_margin_bps"]),
        bps(market_config["taker_fee_bps"]),
        bps(market_config["impact_bps_per_million_usd"]),
    )


def deploy_exchange(project: Any, owner: Any, oracle: Any, exchange_config: dict[str, Any]) -> ExchangeLayer:
    """Deploys the test tokens and a `FuturesExchange` (which creates its `LiquidityPool`) owned by
    `owner` and priced by `oracle`, lists the configured markets in order (a dated market expires
    `expiry_days` after now), and seeds the pool with the configured deposit from `owner`."""
    from ape import chain

    usdc = deploy_token(project, owner, exchange_config["margin_token"])
    wbtc = deploy_token(project, owner, exchange_config["spot_token"])
    exchange = owner.deploy(
        project.FuturesExchange, owner, oracle, usdc, bps(exchange_config["liquidation_reward_bps"])
    )
    layer = ExchangeLayer(exchange=exchange, pool=project.LiquidityPool.at(exchange.pool()), usdc=usdc, wbtc=wbtc)

    for name, cfg in exchange_config["markets"].items():
        days = cfg.get("expiry_days")
        expiry = chain.pending_timestamp + days * 86_400 if days else 0
        exchange.addMarket(asset_id(cfg["asset"]), expiry, market_params(cfg), sender=owner)
        layer.markets[name] = exchange.marketCount()

    deposit = scaled(exchange_config["pool_deposit_usd"], usdc.decimals())
    if deposit:
        usdc.mint(owner, deposit, sender=owner)
        usdc.approve(layer.pool, deposit, sender=owner)
        layer.pool.deposit(deposit, owner, sender=owner)
    return layer
