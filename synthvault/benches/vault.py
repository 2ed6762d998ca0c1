"""Gas of the vault: what a position owner pays, and what a keeper pays to watch many positions.
Reference points (issue 4, same Anvil): borrowing more costs 92.7k on Morpho Blue, 131k on Maker,
273k on Liquity; repaying 90k / 129k / 216k. Targets: mint and burn under 100k, healthOf under
30k per position. The health views are `VaultLens`'s, outside the vault."""

from typing import Any

from synthvault.gas import BenchContext, Measurement, bench, view_gas
from synthvault.units import scaled, wad

# healthOf is measured over these many positions; the mock opens them this many at a time.
WATCHED = (100, 1_000)
OPEN_PER_TX = 50


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
    contracts = ctx.system.contracts
    vault, exchange, usdc = contracts["vault"], contracts["exchange"], contracts["usdc"]
    trader, btc = ctx.accounts["trader"], ctx.system.markets["BTC-PERP"]
    position_id, opened, added = _spot_position(ctx, trader, "sUSD", "1")
    first_mint = vault.mint(position_id, wad(10_000), sender=trader)
    spot_mint = vault.mint(position_id, wad(1_000), sender=trader)

    usdc.mint(trader, scaled(20_000, 6), sender=ctx.accounts["owner"])
    usdc.approve(exchange, 2**256 - 1, sender=trader)
    account = exchange.openAccount(sender=trader).return_value
    exchange.depositMargin(account, scaled(20_000, 6), sender=trader)
    exchange.trade(account, btc, -wad(1), 0, sender=trader)
    contracts["futures_accounts"].approve(vault, account, sender=trader)
    locked = vault.lock(position_id, account, sender=trader)
    mint = vault.mint(position_id, wad(1_000), sender=trader)
    burn = vault.burn(position_id, wad(1_000), sender=trader)
    health = view_gas(ctx.system.contracts["lens"].health, position_id, sender=trader)
    trade_up = vault.trade(position_id, btc, -wad("0.1"), 0, sender=trader)
    trade_down = vault.trade(position_id, btc, wad("0.1"), 2**256 - 1, sender=trader)
    withdraw = vault.withdrawMargin(position_id, scaled(100, 6), trader, sender=trader)
    return [
        Measurement("Vault.open", opened.gas_used, "new position"),
        Measurement("Vault.addSpot", added.gas_used, "first spot BTC"),
        Measurement("Vault.mint (first)", first_mint.gas_used, "spot only, first debt"),
        Measurement("Vault.mint (spot only)", spot_mint.gas_used, "existing debt, no account"),
        Measurement("Vault.lock", locked.gas_used, "account with 1 market"),
        Measurement("Vault.mint", mint.gas_used, "existing debt; spot + account with 1 market; the shock loss too"),
        Measurement("Vault.burn", burn.gas_used, "partial"),
        Measurement("VaultLens.health", health, "view; spot + account with 1 market"),
        Measurement("Vault.trade (adds risk)", trade_up.gas_used,
                    "checked at the minting ratio and the shock: collateral and shock loss before and after"),
        Measurement("Vault.trade (reduces)", trade_down.gas_used,
                    "checked like any trade: collateral and shock loss before and after"),
        Measurement("Vault.withdrawMargin", withdraw.gas_used, "checked at the minting ratio and the shock"),
    ]


@bench
def watching(ctx: BenchContext) -> list[Measurement]:
    """The lens's healthOf over 100 and 1,000 spot-only sXAU positions (0.1 BTC each, owing sXAU's minimum
    debt), opened by the `PositionBatcher` mock in transactions of `OPEN_PER_TX` so that the setup stays quick."""
    vault, wbtc, owner = ctx.system.contracts["vault"], ctx.system.contracts["wbtc"], ctx.accounts["owner"]
    batcher = ctx.project.PositionBatcher.deploy(sender=owner)
    spot_each = scaled("0.1", wbtc.decimals())
    debt_each = vault.synthParams(ctx.system.synths["sXAU"]).minDebt
    ids: list[int] = []
    for _ in range(max(WATCHED) // OPEN_PER_TX):
        wbtc.mint(batcher, OPEN_PER_TX * spot_each, sender=owner)
        first = batcher.openMany(vault, ctx.system.synths["sXAU"], OPEN_PER_TX, spot_each, debt_each, sender=owner)
        ids.extend(range(first.return_value, first.return_value + OPEN_PER_TX))
    rows = []
    for count in WATCHED:
        total = view_gas(ctx.system.contracts["lens"].healthOf, ids[:count], sender=owner)
        rows.append(Measurement(f"VaultLens.healthOf ({count} positions)", total,
                                "view; spot-only positions of one synth"))
    rows.append(Measurement("VaultLens.healthOf (per position)", total // count, f"of {count}"))
    return rows
