"""The stability fee: a per-synth rate index, a nominal yearly rate compounded every second (2% a
year at launch charges e^0.02 - 1 = 2.0201%), the same however often it is touched; the fee
accrued is minted in the synth to the fee recipient by `accrue`, so that the synth's supply plus
the fees not yet minted is the total debt. Expected indexes come from `grow` (the contract's
arithmetic in exact integers), which one test checks against 90-digit decimals."""

from decimal import ROUND_CEILING, Decimal, getcontext

import pytest

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import YEAR
from tests.utils.events import logs
from tests.utils.wadmath import div_wad_down, div_wad_up, grow, mul_wad_down, mul_wad_up

FEE = wad("0.02")
# The index a year at 2% gives: (1 + 0.02 / YEAR)^YEAR, rounded up.
A_YEAR = grow(wad(1), FEE, YEAR)


def at(chain, timestamp: int) -> None:
    """The next transaction is mined at `timestamp`."""
    chain.pending_timestamp = timestamp


@pytest.fixture
def loan(vault, trader, open_position):
    """A position of 1 BTC owing 10,000 sUSD, minted at index 1; its id and the mint's time."""
    position_id = open_position("sUSD", spot_btc=1)
    return position_id, vault.mint(position_id, wad(10_000), sender=trader).timestamp


def refresh_prices(feeds, owner) -> None:
    for ticker, price in (("BTC", 60_000), ("XAU", 2_400), ("USD", 1)):
        set_price(feeds[ticker], price, owner)


def test_accrue__a_year_untouched__debt_grows_by_the_yearly_fee(vault, synths, chain, owner, trader, loan):
    susd = synths["sUSD"]
    position_id, start = loan
    at(chain, start + YEAR)

    tx = vault.accrue(susd, sender=trader)  # no price needed, a year after the last round

    debt, fee = mul_wad_up(wad(10_000), A_YEAR), mul_wad_down(wad(10_000), A_YEAR) - wad(10_000)
    assert vault.synthDebt(susd) == (A_YEAR, start + YEAR, wad(10_000), debt)
    assert vault.position(position_id).debt == debt == wad("10202.01340020285736")
    assert susd.balanceOf(owner) == fee
    assert susd.totalSupply() == wad(10_000) + fee
    assert vault.uncollectedFees(susd) == 0
    assert logs(tx, vault.FeeAccrued) == [{"synth": susd.address, "rateIndexWad": A_YEAR}]
    assert logs(tx, vault.FeesCollected) == [{"synth": susd.address, "recipient": owner.address, "amount": fee}]


def test_grow__a_year__the_fee_compounded_every_second_to_the_wei():
    # Apart from the contract's binary exponentiation: 90-digit decimals, then rounded up.
    getcontext().prec = 90
    for fee, e_fee in ((FEE, "1.0202013400267558"), (wad(1), "2.7182818284590452")):
        per_second = -(-fee * 10**9 // YEAR)  # RAY, rounded up
        exact = Decimal(wad(1)) * (1 + Decimal(per_second) / 10**27) ** YEAR
        assert grow(wad(1), fee, YEAR) == exact.to_integral_value(rounding=ROUND_CEILING)
        # Compounded every second, a nominal yearly fee f multiplies a year's debt by e^f (to 2e-8).
        assert abs(exact / wad(1) / Decimal(e_fee) - 1) < Decimal("2e-8")


def test_mint__a_year_later__accrues_without_minting_the_fee(vault, synths, chain, owner, feeds, trader,
                                                             loan):
    susd = synths["sUSD"]
    position_id, start = loan
    at(chain, start + YEAR - 10)
    refresh_prices(feeds, owner)
    at(chain, start + YEAR)

    tx = vault.mint(position_id, wad(100), sender=trader)

    shares = wad(10_000) + div_wad_up(wad(100), A_YEAR)
    assert vault.position(position_id).debt == mul_wad_up(shares, A_YEAR)  # rounded up
    assert logs(tx, vault.FeeAccrued) == []  # silent: Minted's amount / shares is the index
    assert vault.synthDebt(susd).rateIndexWad == A_YEAR
    assert susd.totalSupply() == wad(10_100)
    fee = mul_wad_down(shares, A_YEAR) - wad(10_100)
    assert vault.uncollectedFees(susd) == fee
    # Collected a second later (pinned: Anvil's clock would otherwise pick the block's time), so
    # that second's fee is owed too.
    at(chain, start + YEAR + 1)
    vault.accrue(susd, sender=trader)
    assert susd.balanceOf(owner) == mul_wad_down(shares, grow(A_YEAR, FEE, 1)) - wad(10_100)


def test_accrue__every_half_year__the_index_of_one_touch_but_rounding(vault, synths, chain, owner, trader, loan):
    # Simple interest between touches made a touch at half-year compound (2.01% instead of 2%):
    # compounded every second, the touches no longer matter.
    susd = synths["sUSD"]
    position_id, start = loan

    at(chain, start + YEAR // 2)
    vault.accrue(susd, sender=trader)
    at(chain, start + YEAR)
    vault.accrue(susd, sender=trader)

    index = grow(grow(wad(1), FEE, YEAR // 2), FEE, YEAR - YEAR // 2)
    assert vault.synthDebt(susd).rateIndexWad == index
    assert 0 <= index - A_YEAR <= 2  # one wei of rounding up a touch, at most
    assert vault.position(position_id).debt == mul_wad_up(wad(10_000), index)
    assert susd.balanceOf(owner) == mul_wad_down(wad(10_000), index) - wad(10_000)
    assert susd.totalSupply() == mul_wad_down(wad(10_000), index)


def test_accrue__a_year_later__health_shows_the_grown_debt(vault, lens, chain, owner, feeds, trader, open_position):
    position_id = open_position("sXAU", spot_btc=1)
    start = vault.mint(position_id, wad(10), sender=trader).timestamp
    at(chain, start + YEAR - 10)
    refresh_prices(feeds, owner)
    chain.mine(timestamp=start + YEAR)  # views read the latest block's time

    debt = mul_wad_up(wad(10), A_YEAR)
    debt_usd = mul_wad_up(debt, wad(2_400))
    assert vault.position(position_id).debt == debt
    assert lens.health(position_id) == (wad(60_000), debt_usd, div_wad_down(wad(60_000), debt_usd))


def test_accrue__no_debt__index_stands_still(vault, synths, chain, trader):
    start = chain.pending_timestamp
    at(chain, start + YEAR)

    tx = vault.accrue(synths["sETH"], sender=trader)

    assert vault.synthDebt(synths["sETH"]) == (wad(1), start + YEAR, 0, 0)
    assert logs(tx, vault.FeesCollected) == []
    assert synths["sETH"].totalSupply() == 0


def test_set_synth_params__new_fee__accrues_the_old_one_first(vault, synths, chain, owner, trader, loan,
                                                             set_params):
    susd = synths["sUSD"]
    position_id, start = loan

    at(chain, start + YEAR // 2)
    tx = set_params("sUSD", stabilityFeeWad=wad("0.04"))
    half = grow(wad(1), FEE, YEAR // 2)
    assert logs(tx, vault.FeeAccrued) == [{"synth": susd.address, "rateIndexWad": half}]
    assert logs(tx, vault.FeesCollected) == [
        {"synth": susd.address, "recipient": owner.address, "amount": mul_wad_down(wad(10_000), half) - wad(10_000)}]
    at(chain, start + YEAR)
    vault.accrue(susd, sender=trader)

    index = grow(half, wad("0.04"), YEAR - YEAR // 2)
    assert vault.synthDebt(susd).rateIndexWad == index
    assert vault.position(position_id).debt == mul_wad_up(wad(10_000), index)
    assert susd.totalSupply() == mul_wad_down(wad(10_000), index)


def test_set_fee_recipient__fees_so_far__go_to_the_old_one(vault, synths, chain, owner, keeper, trader,
                                                          loan):
    susd = synths["sUSD"]
    position_id, start = loan
    at(chain, start + YEAR // 2)
    vault.setFeeRecipient(keeper, sender=owner)

    at(chain, start + YEAR)
    vault.accrue(susd, sender=trader)

    half = grow(wad(1), FEE, YEAR // 2)
    index = grow(half, FEE, YEAR - YEAR // 2)
    assert susd.balanceOf(owner) == mul_wad_down(wad(10_000), half) - wad(10_000)
    assert susd.balanceOf(keeper) == mul_wad_down(wad(10_000), index) - mul_wad_down(wad(10_000), half)


def test_supply__positions_touched_at_odd_times__never_exceeds_the_debts(vault, synths, chain, owner, feeds,
                                                                         trader, trader2, open_position):
    # Odd amounts at odd times: the index follows the model to the wei, and every rounding goes
    # the protocol's way, so the supply never exceeds the debts and trails them by a few wei.
    sxau = synths["sXAU"]
    first = open_position("sXAU", spot_btc="1.3")
    second = open_position("sXAU", spot_btc=2, owner=trader2)
    index, last = wad(1), vault.mint(first, wad("7.123456789123456789"), sender=trader).timestamp
    touches = [lambda: vault.mint(second, wad("3.333333333333333333"), sender=trader2)]
    for step in range(3):
        touches.append(lambda: vault.mint(first, wad("0.010000000000000007"), sender=trader))
        touches.append(lambda step=step: vault.burn(second, wad("0.2") + step, sender=trader2))
    for seconds, touch in zip((12_345, 86_399, 3_333_333, 7, 1_000_001, 59, 31_536_000), touches, strict=True):
        at(chain, last + seconds)
        refresh_prices(feeds, owner)
        now = touch().timestamp
        index, last = grow(index, wad("0.02"), now - last), now

    rate_index, _, total_shares, total_debt = vault.synthDebt(sxau)
    assert rate_index == index
    debts = [mul_wad_up(vault.position(p).debtShares, index) for p in (first, second)]
    assert [vault.position(p).debt for p in (first, second)] == debts
    assert sxau.totalSupply() + vault.uncollectedFees(sxau) == mul_wad_down(total_shares, index)
    assert mul_wad_down(total_shares, index) <= total_debt <= sum(debts)
    vault.accrue(sxau, sender=trader)
    elapsed = chain.blocks.head.timestamp - last
    assert sxau.totalSupply() == mul_wad_down(total_shares, grow(index, wad("0.02"), elapsed))
    # At most: 2 wei per mint (shares and debt round up), 1 per burn (shares round down), 1 per
    # fee accrual (the fee rounds down), 1 per position (its debt rounds up).
    mints, burns, accruals, positions = 4, 3, 7, 2
    assert sum(debts) - mul_wad_down(total_shares, index) <= 2 * mints + burns + accruals + positions
