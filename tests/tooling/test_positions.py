"""`make position`: every open position found from events, each with what it locks, owes and its
CR against its synth's ratios, as the vault and its lens report them."""

from decimal import Decimal

from synthvault.keeper import scan_positions
from synthvault.positions import position_rows
from synthvault.units import wad
from tests.utils.chain import set_price

WBTC = 10**8


def test_position_rows__after_a_fall__status_against_each_synths_ratios(chain, system, owner, trader, trader2):
    vault, wbtc, sxau = system.contracts["vault"], system.contracts["wbtc"], system.synths["sXAU"]
    start = chain.blocks.height + 1

    def position(who, xau: str) -> int:
        wbtc.mint(who, WBTC, sender=owner)
        wbtc.approve(vault, WBTC, sender=who)
        position_id = vault.open(sxau, sender=who).return_value
        vault.addSpot(position_id, WBTC, sender=who)
        if xau != "0":
            vault.mint(position_id, wad(xau), sender=who)
        return position_id

    risky, safe, empty = position(trader, "16.1"), position(trader2, "10"), position(trader, "0")
    closed = vault.open(sxau, sender=trader2).return_value
    vault.close(closed, sender=trader2)
    set_price(system.feeds["BTC"], 45_000, owner)

    ids = scan_positions(vault, start, chain.blocks.height, set())
    rows = {row.position_id: row for row in position_rows(system, ids)}

    assert set(rows) == {risky, safe, empty}
    assert {pid: row.status for pid, row in rows.items()} == {risky: "under water", safe: "mintable", empty: "no debt"}
    row = rows[safe]
    assert (row.owner, row.synth, row.spot, row.account) == (trader2.address, "sXAU", Decimal(1), None)
    assert row.collateral_usd == 45_000
    assert Decimal(10) <= row.debt < Decimal("10.0001")  # minted, plus a few seconds of fee
    assert abs(row.cr - row.collateral_usd / row.debt_usd) < Decimal("1e-15")
    assert (row.minting_ratio, row.liquidation_ratio) == (Decimal("1.5"), Decimal("1.2"))
    assert rows[empty].cr is None
    assert rows[risky].cells()[-3:] == (f"{rows[risky].cr * 100:.1f}%", "120%", "under water")

