"""`make position`: every open position found from events, each with what it locks, owes and its
CR against its synth's ratios, as the vault and its lens report them; one position in detail
(its liquidation price, BTC's downside); and the actions that change a position, from the script
and from the console's helpers."""

import re
from decimal import Decimal

import pytest
from ape.exceptions import ContractLogicError

from synthvault import actions
from synthvault.console import console_namespace
from synthvault.errors import describe_error
from synthvault.keeper import scan_positions
from synthvault.positions import detail_lines, position_detail, position_rows
from synthvault.units import from_wad, wad
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



# --- Acting without code (`make position ARGS='open sUSD'`, ...) and one position in detail.

BTC_PRICE = Decimal(60_000)  # config/local.yaml


@pytest.fixture
def spot_position(system, owner, trader):
    """A spot-only sUSD position of the trader, opened, funded and minted through the actions:
    1 WBTC at $60,000 owing 36,000 sUSD (CR 166.7%)."""
    wbtc = system.contracts["wbtc"]
    wbtc.mint(trader, WBTC, sender=owner)
    position_id, opened = actions.open_position(system, trader, "sUSD")
    deposited = actions.deposit(system, trader, position_id, Decimal(1))
    minted = actions.mint(system, trader, position_id, Decimal(36_000))
    return position_id, (opened, deposited.line, minted.line)


def test_open_deposit_mint__user_story__show_reports_cr_and_liquidation_price(system, trader, spot_position):
    position_id, lines = spot_position
    assert lines == (f"opened position {position_id} owing sUSD",
                     f"deposited 1 WBTC into position {position_id} (approved the vault for 1 WBTC first)",
                     f"minted 36000 sUSD against position {position_id}")

    detail = position_detail(system, position_id)

    collateral, debt, _ = system.contracts["lens"].health(position_id)
    debt_usd = from_wad(debt)
    assert Decimal(36_000) <= debt_usd < Decimal("36000.01")  # minted, plus a block or two of fee
    assert from_wad(collateral) == BTC_PRICE
    assert abs(detail.row.cr - BTC_PRICE / debt_usd) < Decimal("1e-15")
    assert (detail.row.spot, detail.basket, detail.model.exact) == (Decimal(1), None, True)
    assert detail.liquidation_price == Decimal("1.2") * debt_usd / Decimal(1)  # LR × D / spot
    assert f"liquidated at BTC ${detail.liquidation_price:,.2f}" in detail_lines(detail)[-1]


def test_show__spot_position__the_minting_checks_shock_and_what_it_may_mint(system, spot_position):
    """1 WBTC owing 36,000 sUSD: a 10% fall costs $6,000 and leaves 54,000 / debt; the minting
    ratio binds first ($40,000 of debt), less the debt and the new shares' rounding (4 wei)."""
    position_id, _ = spot_position
    vault, lens = system.contracts["vault"], system.contracts["lens"]

    detail = position_detail(system, position_id)

    debt = vault.position(position_id).debt
    index = vault.synthDebt(system.synths["sUSD"]).rateIndexWad
    assert detail.room.shock_loss == 6_000
    assert detail.room.shocked_cr == from_wad(wad(54_000) * 10**18 // lens.health(position_id)[1])
    assert detail.room.max_mint == from_wad(wad(40_000) - debt - index // 10**18 - 3)
    assert detail_lines(detail)[4:6] == [
        f"  after the shock: CR {detail.room.shocked_cr * 100:.2f}% (at least 100% to mint; it costs $6,000.00)",
        f"  may mint {detail.room.max_mint:,.6f} sUSD more (the minting ratio and the shock kept)"]


def test_show_downside__spot_only__cr_is_spot_times_price_over_debt(system, spot_position):
    position_id, _ = spot_position

    detail = position_detail(system, position_id)

    debt_usd = detail.row.debt_usd
    prices = [BTC_PRICE * (1 - fall) for fall in (Decimal("0.1"), Decimal("0.2"), Decimal("0.3"), Decimal("0.5"))]
    assert [shock.btc_price for shock in detail.shocks] == prices
    assert [shock.cr for shock in detail.shocks] == [Decimal(1) * price / debt_usd for price in prices]
    # -10% and -20% keep the CR over 120%: no liquidation. -30% (CR 116.7%): the engine's partial
    # repayment back to 150%, the keeper's share of the penalty on top (a spot-only position
    # pays the fund nothing). -50%: C < D × 1.1, the whole debt.
    assert [shock.repay_usd for shock in detail.shocks[:2]] == [0, 0]
    repay = (Decimal("1.5") * debt_usd - prices[2]) / (Decimal("1.5") - 1 - Decimal("0.1"))
    assert (detail.shocks[2].repay_usd, detail.shocks[2].seized_usd) == (repay, repay * Decimal("1.05"))
    assert (detail.shocks[3].repay_usd, detail.shocks[3].seized_usd) == (debt_usd, prices[3])


def test_mint__past_the_minting_ratio__refused_with_the_decoded_error(system, trader, spot_position):
    position_id, _ = spot_position

    with pytest.raises(ContractLogicError) as refused:
        actions.mint(system, trader, position_id, Decimal(10_000))

    line = describe_error(refused.value)
    match = re.fullmatch(rf"VaultUndercollateralized\(positionId={position_id}, crWad=(\d+), minCrWad=(\d+)\)", line)
    assert match, line
    assert int(match[2]) == wad("1.5")
    assert abs(from_wad(int(match[1])) - BTC_PRICE / 46_000) < Decimal("1e-6")  # $60,000 for 46,000 sUSD
    assert system.contracts["vault"].position(position_id).debt < wad("36000.01")


def test_trade__unknown_market__refused_before_sending(system, trader, spot_position):
    position_id, _ = spot_position
    nonce = trader.nonce

    with pytest.raises(actions.ActionError, match="unknown market 'DOGE-PERP': one of BTC-DATED, BTC-PERP"):
        actions.trade(system, trader, position_id, "DOGE-PERP", Decimal("0.1"))

    assert trader.nonce == nonce


def test_price_limit__buy_and_sell__two_percent_against_the_taker():
    assert actions.price_limit(wad(60_000), buying=True) == wad(61_200)
    assert actions.price_limit(wad(60_000), buying=False) == wad(58_800)


def test_console_helpers__open_deposit_withdraw_mint_show__the_position_as_typed(
        project, system, owner, trader, capsys):
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner, trader)
    vault, wbtc, susd = system.contracts["vault"], system.contracts["wbtc"], system.synths["sUSD"]
    wbtc.mint(trader, WBTC, sender=owner)
    wbtc_before, susd_before = wbtc.balanceOf(trader), susd.balanceOf(trader)
    capsys.readouterr()

    position_id = namespace["open_position"]("sUSD")
    namespace["deposit"](position_id, 0.5)
    namespace["withdraw"](position_id, 0.1)  # a float typed in the console is taken as written
    namespace["mint"](position_id, 10_000)

    position = vault.position(position_id)
    assert (position.owner, position.synth) == (trader.address, susd.address)
    assert position.spotAmount == Decimal("0.4") * 10 ** wbtc.decimals() == 40_000_000
    assert position.debt == wad(10_000)  # read in the block that minted it: no fee yet
    assert wbtc_before - wbtc.balanceOf(trader) == 40_000_000
    assert susd.balanceOf(trader) - susd_before == wad(10_000)
    assert capsys.readouterr().out.splitlines() == [
        f"opened position {position_id} owing sUSD",
        f"deposited 0.5 WBTC into position {position_id} (approved the vault for 0.5 WBTC first)",
        f"withdrew 0.1 WBTC from position {position_id} to {trader.address}",
        f"minted 10000 sUSD against position {position_id}",
    ]

    namespace["show"](position_id)

    shown = capsys.readouterr().out.splitlines()
    detail = position_detail(system, position_id)
    assert (detail.row.spot, detail.row.debt, detail.row.cr) == (Decimal("0.4"), Decimal(10_000), Decimal("2.4"))
    assert detail.liquidation_price == Decimal(30_000)  # 120% × 10,000 / 0.4 BTC
    lines = detail_lines(detail)
    assert shown[:len(lines)] == lines
    assert shown[len(lines)].startswith("If BTC falls (exact; ")


def test_console_helpers__no_trader_on_the_network__refused_before_sending(project, system, owner, trader):
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner)
    nonce = trader.nonce

    with pytest.raises(actions.ActionError, match="open_position: no test trader on this network"):
        namespace["open_position"]("sUSD")

    assert trader.nonce == nonce
    position_id = namespace["open_position"]("sUSD", sender=trader)
    assert system.contracts["vault"].position(position_id).owner == trader.address


def test_open_account__margin__an_exchange_account_of_the_sender_ready_to_lock(system, owner, trader):
    # `make position ARGS='account 20000'`: the account `lock` needs, without the console.
    usdc = system.contracts["usdc"]
    usdc.mint(trader, 20_000 * 10**6, sender=owner)

    account_id, line = actions.open_account(system, trader, Decimal(20_000))

    assert line == (f"opened futures account {account_id} with 20000 USDC margin "
                    "(approved the exchange for 20000 USDC first)")
    assert system.contracts["futures_accounts"].ownerOf(account_id) == trader.address
    assert system.contracts["exchange"].marginOf(account_id) == wad(20_000)
    assert usdc.balanceOf(trader) == 0
    position_id, _ = actions.open_position(system, trader, "sUSD")
    actions.lock(system, trader, position_id, account_id)
    assert system.contracts["vault"].position(position_id).accountId == account_id


def test_console_helpers__open_account__returns_its_id(project, system, owner, trader, capsys):
    namespace = console_namespace(project, {"contracts": system.addresses()}, owner, trader)
    system.contracts["usdc"].mint(trader, 5_000 * 10**6, sender=owner)
    capsys.readouterr()

    account_id = namespace["open_account"](5_000)

    assert system.contracts["futures_accounts"].ownerOf(account_id) == trader.address
    assert capsys.readouterr().out.splitlines() == [
        f"opened futures account {account_id} with 5000 USDC margin (approved the exchange for 5000 USDC first)"]
