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
def oracle_admin(ctx: BenchContext) -> list[Measurement]:
    oracle = ctx.system.contracts["oracle"]
    owner = ctx.accounts["owner"]
    tx = oracle.setFeed(asset_id("NEW"), ctx.system.feeds["ETH"], 3600, 5000, sender=owner)
    return [Measurement("OracleHub.setFeed", tx.gas_used, "a new asset")]
