"""Gas of the vault: what a position owner pays, and what a keeper pays to watch many positions.
Reference points (issue 4, same Anvil): borrowing more costs 92.7k on Morpho Blue, 131k on Maker,
273k on Liquity; repaying 90k / 129k / 216k. Targets: mint and burn under 100k, healthOf under
30k per position."""

from typing import Any

from synthvault.gas import BenchContext, Measurement, bench, view_gas
from synthvault.units import scaled, wad

BATCH = 100


def _spot_position(ctx: BenchContext, who: Any, symbol: str, btc: str) -> tuple[int, Any, Any]:
    vault, wbtc = ctx.system.contracts["vault"], ctx.system.contracts["wbtc"]
    amount = scaled(btc, wbtc.decimals())
    wbtc.mint(who, amount, sender=ctx.accounts["owner"])
    wbtc.approve(vault, 2**256 - 1, sender=who)
    opened = vault.open(ctx.system.synths[symbol], sender=who)
    position_id = opened.return_value
    added = vault.addSpot(position_id, amount, sender=who)
    return position_id, opened, added


@bench
def position_life(ctx: BenchContext) -> list[Measurement]:
    vault, exchange, usdc = ctx.system.contracts["vault"], ctx.system.contracts["exchange"], ctx.system.contracts["usdc"]
    trader, btc = ctx.accounts["trader"], ctx.system.markets["BTC-PERP"]
    position_id, opened, added = _spot_position(ctx, trader, "sUSD", "1")
    first_mint = vault.mint(position_id, wad(10_000), sender=trader)
    spot_mint = vault.mint(position_id, wad(1_000), sender=trader)

    usdc.mint(trader, scaled(20_000, 6), sender=ctx.accounts["owner"])
    usdc.approve(exchange, 2**256 - 1, sender=trader)
    account = exchange.openAccount(sender=trader).return_value
    exchange.depositMargin(account, scaled(20_000, 6), sender=trader)
    exchange.trade(account, btc, -wad(1), 0, sender=trader)
    exchange.approve(vault, account, sender=trader)
    locked = vault.lock(position_id, account, sender=trader)
    mint = vault.mint(position_id, wad(1_000), sender=trader)
    burn = vault.burn(position_id, wad(1_000), sender=trader)
    health = view_gas(vault.health, position_id, sender=trader)
    trade_up = vault.trade(position_id, btc, -wad("0.1"), 0, sender=trader)
    trade_down = vault.trade(position_id, btc, wad("0.1"), 2**256 - 1, sender=trader)
    withdraw = vault.withdrawMargin(position_id, scaled(100, 6), trader, sender=trader)
    return [
        Measurement("Vault.open", opened.gas_used, "new position"),
        Measurement("Vault.addSpot", added.gas_used, "first spot BTC"),
        Measurement("Vault.mint (first)", first_mint.gas_used, "spot only, first debt"),
        Measurement("Vault.mint (spot only)", spot_mint.gas_used, "existing debt, no account"),
        Measurement("Vault.lock", locked.gas_used, "account with 1 market"),
        Measurement("Vault.mint", mint.gas_used, "existing debt; spot + account with 1 market; target < 100k"),
        Measurement("Vault.burn", burn.gas_used, "partial; target < 100k"),
        Measurement("Vault.health", health, "view; spot + account with 1 market"),
        Measurement("Vault.trade (adds risk)", trade_up.gas_used, "checked at the minting ratio"),
        Measurement("Vault.trade (reduces)", trade_down.gas_used, "no check"),
        Measurement("Vault.withdrawMargin", withdraw.gas_used, "checked at the minting ratio"),
    ]


@bench
def watching(ctx: BenchContext) -> list[Measurement]:
    vault, trader = ctx.system.contracts["vault"], ctx.accounts["trader"]
    ids = []
    for _ in range(BATCH):
        position_id, _, _ = _spot_position(ctx, trader, "sXAU", "0.1")
        vault.mint(position_id, wad(1), sender=trader)
        ids.append(position_id)
    total = view_gas(vault.healthOf, ids, sender=trader)
    return [
        Measurement(f"Vault.healthOf ({BATCH} positions)", total, "view; spot-only positions of one synth"),
        Measurement("Vault.healthOf (per position)", total // BATCH, f"of {BATCH}; target < 30k"),
    ]
