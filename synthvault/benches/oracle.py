"""Gas of the price layer: what every risk check pays to read a price."""

from synthvault.gas import BenchContext, Measurement, bench, view_gas
from synthvault.units import asset_id, scaled


@bench
def oracle_reads(ctx: BenchContext) -> list[Measurement]:
    oracle = ctx.system.contracts["oracle"]
    btc = ctx.system.feeds["BTC"]
    owner = ctx.accounts["owner"]
    # A second round, so the read compares with a previous one as it does in production.
    submit = btc.submit(scaled(61_000, 8), sender=owner)
    return [
        Measurement("MockAggregator.submit", submit.gas_used, "a new round"),
        Measurement("OracleHub.priceWad", view_gas(oracle.priceWad, asset_id("BTC"), sender=owner),
                    "view; latest round + the previous one for the circuit breaker"),
        Measurement("OracleHub.peekPriceWad", view_gas(oracle.peekPriceWad, asset_id("BTC"), sender=owner), "view"),
    ]


@bench
def oracle_fallback_reads(ctx: BenchContext) -> list[Measurement]:
    """A second BTC feed registered as the fallback: the plain read does not touch it while the
    primary is trusted; the read for minting compares the two sources."""
    oracle = ctx.system.contracts["oracle"]
    btc = ctx.system.feeds["BTC"]
    owner = ctx.accounts["owner"]
    second = owner.deploy(ctx.project.MockAggregator, 8, "BTC / USD (second)", scaled(61_000, 8))
    oracle.setFallback(asset_id("BTC"), second, 3600, 5000, 200, sender=owner)
    btc.submit(scaled(61_000, 8), sender=owner)
    second.submit(scaled(61_000, 8), sender=owner)
    return [
        Measurement("OracleHub.priceWad (fallback unused)",
                    view_gas(oracle.priceWad, asset_id("BTC"), sender=owner),
                    "view; a fallback configured, the primary trusted: the fallback is not read"),
        Measurement("OracleHub.priceWadFor (minting, fallback agreeing)",
                    view_gas(oracle.priceWadFor, asset_id("BTC"), 0, sender=owner),
                    "view; both sources read and compared"),
    ]


@bench
def oracle_admin(ctx: BenchContext) -> list[Measurement]:
    oracle = ctx.system.contracts["oracle"]
    owner = ctx.accounts["owner"]
    tx = oracle.setFeed(asset_id("NEW"), ctx.system.feeds["ETH"], 3600, 5000, sender=owner)
    return [Measurement("OracleHub.setFeed", tx.gas_used, "a new asset")]
