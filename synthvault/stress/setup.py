"""A stress run's chain: the system deployed at the series' first BTC price, the book opened
(`open_book`) and the keeper given its inventory (`arm_keeper`), all through `FastChain`."""

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from synthvault.stress.book import PositionSpec
from synthvault.stress.chain import FastChain
from synthvault.stress.runner import _POSITION
from synthvault.system import System, deploy_system
from synthvault.units import WAD, scaled, wad

MAX_UINT = 2**256 - 1
# "pools": the keeper holds nothing; a depositor mints what "unlimited" would give the keeper and
# puts it in each synth's stability pool, which repays every liquidation it covers.
INVENTORIES = ("unlimited", "self", "none", "pools")
# The keeper's own positions mint at this CR: far enough from liquidation for a -60% BTC ("unlimited")...
UNLIMITED_CR = Decimal(20)
# ... or as a keeper minting what its own capital allows would ("self").
SELF_CR = Decimal(2)


def stress_config(config: dict[str, Any], btc_price: Decimal, fund_usd: Decimal | None,
                  pool_usd: Decimal) -> dict[str, Any]:
    """The deployment config of a stress run: `config` with BTC's feed at `btc_price` (the
    series' first price: the book opens where the history starts), the LP pool seeded with
    `pool_usd`, and the insurance fund with `fund_usd` (the config's own when None)."""
    out = copy.deepcopy(config)
    out["oracle"]["feeds"]["BTC"]["price"] = btc_price
    out["exchange"]["pool_deposit_usd"] = pool_usd
    if fund_usd is not None:
        out["liquidation"]["insurance_fund_deposit_usd"] = fund_usd
    return out


@dataclass(frozen=True)
class Book:
    """The opened book: each position id and its spec; the specs whose mint the vault would not
    allow at the minimum debt (left open without debt and out of the book's figures)."""

    positions: dict[int, PositionSpec]
    unminted: tuple[PositionSpec, ...] = ()
    accounts: dict[int, tuple[int, int]] = field(default_factory=dict)  # position -> (futures account, size WAD)


def deploy(project: Any, owner: Any, config: dict[str, Any]) -> System:
    return deploy_system(project, owner, config)


def _price_wad(fast: FastChain, system: System, asset: bytes) -> int:
    return fast.uint(system.contracts["oracle"].priceWad, asset)


def open_book(system: System, fast: FastChain, owner: Any, trader: Any, specs: list[PositionSpec]) -> Book:
    """Opens every position of `specs` for `trader`: futures accounts funded, traded on BTC-PERP
    and locked, spot added, then each mints at its target CR (or what the vault allows, if less)."""
    c = system.contracts
    vault, exchange, lens, usdc, wbtc = c["vault"], c["exchange"], c["lens"], c["usdc"], c["wbtc"]
    btc = _price_wad(fast, system, b"BTC".ljust(32, b"\0"))
    usdc_decimals, wbtc_decimals = usdc.decimals(), wbtc.decimals()
    margin_total = sum(scaled(s.margin_usd, usdc_decimals) for s in specs)
    spot_units = {s.index: s.spot_usd * WAD * 10**wbtc_decimals // btc for s in specs}
    fast.send(usdc.mint, trader, margin_total, sender=owner)
    fast.send(wbtc.mint, trader, int(sum(spot_units.values())), sender=owner)
    fast.send(usdc.approve, exchange, MAX_UINT, sender=trader)
    fast.send(wbtc.approve, vault, MAX_UINT, sender=trader)
    fast.send(c["futures_accounts"].setApprovalForAll, vault, True, sender=trader)
    fast.check()

    market = system.markets["BTC-PERP"]
    next_account = exchange.openAccount(sender=trader).return_value  # the first id; the others follow it
    spare_account: int | None = next_account
    next_position = vault.nextPositionId()
    positions: dict[int, PositionSpec] = {}
    accounts: dict[int, tuple[int, int]] = {}
    for spec in specs:
        position_id, next_position = next_position, next_position + 1
        fast.send(vault.open, system.synths[spec.synth], sender=trader)
        if spec.kind != "spot-only":
            if spare_account is None:
                fast.send(exchange.openAccount, sender=trader)
                next_account += 1
                account = next_account
            else:
                account, spare_account = spare_account, None
            fast.send(exchange.depositMargin, account, scaled(spec.margin_usd, usdc_decimals), sender=trader)
            size = int(spec.btc_size_usd * WAD) * WAD // btc
            fast.send(exchange.trade, account, market, size, MAX_UINT if size > 0 else 0, sender=trader)
            fast.send(vault.lock, position_id, account, sender=trader)
            accounts[position_id] = (account, size)
        if spot_units[spec.index]:
            fast.send(vault.addSpot, position_id, int(spot_units[spec.index]), sender=trader)
        positions[position_id] = spec
    fast.check()

    unminted = []
    for position_id, spec in list(positions.items()):
        synth = system.synths[spec.synth]
        price = _price_wad(fast, system, synth.asset())
        (room,) = fast.call(lens.mintRoom, position_id, types=("(uint256,uint256,uint256,uint256,uint256,uint256)",))
        collateral, max_mint = room[0], room[5]
        amount = min(max_mint, collateral * WAD // wad(spec.target_cr) * WAD // price)
        if amount < vault.synthParams(synth).minDebt:
            unminted.append(positions.pop(position_id))
            continue
        fast.send(vault.mint, position_id, amount, sender=trader)
    fast.check()
    return Book(positions, tuple(unminted), {pid: a for pid, a in accounts.items() if pid in positions})


def arm_keeper(system: System, fast: FastChain, owner: Any, keeper: Any, book: Book, inventory: str,
               capital_usd: Decimal, depositor: Any = None) -> list[int]:
    """Gives the keeper synth to repay with, from positions of its own backed by spot WBTC:
    `unlimited` mints of each synth the whole book's debt of it (at `UNLIMITED_CR`), `self` mints
    what `capital_usd` of WBTC allows at `SELF_CR`, split evenly over the synths, `none` nothing;
    `pools` has `depositor` mint as `unlimited` would and deposit all of it in each synth's
    stability pool, the keeper holding nothing. Returns the positions opened (not part of the book)."""
    if inventory not in INVENTORIES:
        raise ValueError(f"inventory is one of {INVENTORIES}, not {inventory!r}")
    if inventory == "none":
        return []
    if inventory == "pools":
        ids, minted = _mint_inventory(system, fast, owner, depositor, book, "unlimited", capital_usd)
        for symbol, amount in minted.items():
            pool = system.stability_pools[symbol]
            fast.send(system.synths[symbol].approve, pool, amount, sender=depositor)
            fast.send(pool.deposit, amount, sender=depositor)
        fast.check()
        return ids
    return _mint_inventory(system, fast, owner, keeper, book, inventory, capital_usd)[0]


def _mint_inventory(system: System, fast: FastChain, owner: Any, who: Any, book: Book, inventory: str,
                    capital_usd: Decimal) -> tuple[list[int], dict[str, int]]:
    """`who` mints each synth as `arm_keeper`'s `unlimited` or `self` says. Returns its position ids
    and what it minted of each synth."""
    c = system.contracts
    vault, wbtc = c["vault"], c["wbtc"]
    btc = _price_wad(fast, system, b"BTC".ljust(32, b"\0"))
    debts: dict[str, int] = dict.fromkeys(system.synths, 0)
    for position_id, spec in book.positions.items():
        debts[spec.synth] += fast.call(vault.position, position_id, types=(_POSITION,))[0][6]
    fast.send(wbtc.approve, vault, MAX_UINT, sender=who)
    ids, minted = [], {}
    next_position = vault.nextPositionId()
    for symbol, synth in system.synths.items():
        price = _price_wad(fast, system, synth.asset())
        if inventory == "unlimited":
            amount = debts[symbol] * 11 // 10
            collateral_usd = amount * price // WAD * wad(UNLIMITED_CR) // WAD
        else:
            collateral_usd = wad(capital_usd) // len(system.synths)
            amount = collateral_usd * WAD // wad(SELF_CR) * WAD // price
        if amount == 0:
            continue
        spot = collateral_usd * 10 ** wbtc.decimals() // btc + 1
        fast.send(wbtc.mint, who, spot, sender=owner)
        fast.send(vault.open, synth, sender=who)
        fast.send(vault.addSpot, next_position, spot, sender=who)
        fast.send(vault.mint, next_position, amount, sender=who)
        ids.append(next_position)
        minted[symbol] = amount
        next_position += 1
    fast.check()
    return ids, minted
