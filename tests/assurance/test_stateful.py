"""A stateful property test of the vault and the liquidation engine on Anvil (hypothesis): three
users open spot-BTC positions owing sUSD or sXAU, add and remove spot, mint and burn; BTC and
gold move (crashes and spikes within the circuit breaker), time passes; a keeper liquidates one
position or a batch. Every user action is predicted from the books first, in exact integers: what
would leave a position under its minting ratio (or under the minimum debt, or over the ceiling)
must revert with the vault's own error naming the numbers; every liquidation
must find the position under its liquidation ratio, a healthy one reverts with its CR. After every
step, from the users' side: each synth's supply, with the uncollected fees, equals the positions'
debts plus its bad debt (up to the one wei a position the interface allows once a shortfall was
shared out), and the insurance fund's reserves are its token balance.

No stability fee (set before any debt, every index starts at exactly 1): the checks stay exact
whatever the wall clock stamps on the blocks. Each example runs from a chain snapshot and is
rolled back after, since hypothesis runs them all inside this one test."""

from collections import Counter
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from synthvault.units import wad
from tests.utils.chain import advance
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.wadmath import div_wad_down, div_wad_up, mul_wad_down, mul_wad_up

BTC = 10**8
ANSWER_TO_WAD = 10**10  # 8-decimal feed answers
SYNTHS = ("sUSD", "sXAU")
TICKER = {"sUSD": "USD", "sXAU": "XAU"}
# Prices stay where the keeper's reserve position stays sound; each move stays within the
# feed's circuit breaker (BTC 50%, XAU 20%).
BTC_RANGE, XAU_RANGE = (wad(15_000), wad(150_000)), (wad(1_200), wad(4_800))
MAX_POSITIONS = 8
# What the examples did, shown by `-s` (hypothesis' own statistics do not reach a state machine
# run inside a test): each refusal by its error, liquidations, shortfalls.
SEEN: Counter = Counter()

# No shrinking and no example database: on Anvil each step is a few round trips, and shrinking a
# failure would take minutes; the failing run is printed step by step as it happened.
SETTINGS = settings(max_examples=12, stateful_step_count=20, deadline=None, database=None,
                    phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))


def test_vault_and_engine__random_users_prices_and_keepers__books_always_balance(
        chain, vault, lens, synths, engine, insurance_fund, feeds, wbtc, usdc, owner, trader, trader2, lp,
        keeper, set_params):
    for symbol in synths:
        set_params(symbol, stabilityFeeWad=0)
    # The fund's reserves, for shortfalls (deposited here: the session's deployment mints none).
    usdc.mint(owner, 50_000 * 10**6, sender=owner)
    usdc.approve(insurance_fund, 50_000 * 10**6, sender=owner)
    insurance_fund.deposit(50_000 * 10**6, sender=owner)
    users = (trader, trader2, lp)
    for who in (*users, keeper):
        wbtc.mint(who, 5_000 * BTC if who == keeper else 30 * BTC, sender=who)
        wbtc.approve(vault, MAX_UINT, sender=who)
    # The keeper's synth comes from a position of its own, sound at any price in range.
    reserve = vault.open(synths["sUSD"], sender=keeper).events.filter(vault.PositionOpened)[0].positionId
    vault.addSpot(reserve, 4_000 * BTC, sender=keeper)
    vault.mint(reserve, wad(3_000_000), sender=keeper)
    reserve_xau = vault.open(synths["sXAU"], sender=keeper).events.filter(vault.PositionOpened)[0].positionId
    vault.addSpot(reserve_xau, 1_000 * BTC, sender=keeper)
    vault.mint(reserve_xau, wad(4_000), sender=keeper)
    params = {s: vault.synthParams(synths[s]) for s in SYNTHS}

    class Books(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot = chain.snapshot()
            self.prices = {"BTC": wad(60_000), "XAU": wad(2_400), "USD": wad(1)}
            self._refresh()
            self.positions: list[tuple[int, Any, str]] = [(reserve, keeper, "sUSD"), (reserve_xau, keeper, "sXAU")]
            self.shared_out = False  # a shortfall was shared out through a rate index

        def teardown(self):
            chain.restore(self.snapshot)

        # Reading and predicting.

        def _refresh(self):
            for ticker, price in self.prices.items():
                feeds[ticker].submit(price // ANSWER_TO_WAD, sender=owner)

        def _synth_price(self, symbol: str) -> int:
            return self.prices[TICKER[symbol]]

        def _collateral(self, spot: int) -> int:
            return mul_wad_down(spot * ANSWER_TO_WAD, self.prices["BTC"])

        def _cr(self, symbol: str, collateral: int, debt: int) -> int:
            return MAX_UINT if debt == 0 else div_wad_down(collateral, mul_wad_up(debt, self._synth_price(symbol)))

        def _pick(self, index: int, with_debt: bool = False, users_only: bool = True):
            choices = [p for p in self.positions if (not users_only or p[1] != keeper)
                       and (not with_debt or vault.position(p[0]).debtShares)]
            return choices[index % len(choices)] if choices else None

        def _refused(self, error: Any, call, **facts):
            SEEN[f"refused: {error.abi.name}"] += 1
            with reverts(error, **facts):
                call()

        # User actions.

        # Hypothesis enables a random subset of the rules in each example (swarm testing): every
        # example starts with each user owing something near the minting ratio, so that a crash
        # alone gives the keeper work.
        @initialize(spots=st.lists(st.integers(BTC // 2, 3 * BTC), min_size=3, max_size=3),
                    permilles=st.lists(st.integers(800, 1_000), min_size=3, max_size=3))
        def users_open_positions(self, spots, permilles):
            for i, user in enumerate(users):
                self.open_position(user, SYNTHS[i % 2], spots[i], permilles[i])

        @precondition(lambda self: len(self.positions) < MAX_POSITIONS)
        @rule(user=st.sampled_from(users), symbol=st.sampled_from(SYNTHS), spot=st.integers(1, 3 * BTC),
              permille=st.integers(0, 1_000))
        def open_position(self, user, symbol, spot, permille):
            SEEN["open_position"] += 1
            position_id = vault.open(synths[symbol], sender=user).events.filter(vault.PositionOpened)[0].positionId
            vault.addSpot(position_id, spot, sender=user)
            self.positions.append((position_id, user, symbol))
            if permille:
                self._mint(position_id, user, symbol, permille)

        @rule(index=st.integers(0, 99), spot=st.integers(1, 2 * BTC))
        def add_spot(self, index, spot):
            SEEN["add_spot"] += 1
            position_id, user, _ = self._pick(index)
            held = vault.position(position_id).spotAmount
            vault.addSpot(position_id, spot, sender=user)
            assert vault.position(position_id).spotAmount == held + spot

        # Amounts on both sides of the minting ratio, and up to it.
        @rule(index=st.integers(0, 99), permille=st.one_of(st.integers(1, 1_000), st.integers(900, 1_300)))
        def mint(self, index, permille):
            SEEN["mint"] += 1
            self._mint(*self._pick(index), permille)

        def _mint(self, position_id: int, user: Any, symbol: str, permille: int):
            """Mints `permille` of what the minting ratio leaves room for (over 1,000: past it)."""
            p, s = vault.position(position_id), params[symbol]
            index_wad, _, total_shares, _ = vault.synthDebt(synths[symbol])
            collateral = self._collateral(p.spotAmount)
            room = div_wad_down(div_wad_down(collateral, s.mintingRatioWad), self._synth_price(symbol))
            amount = max(1, (room - p.debt) * permille // 1_000) if room > p.debt else 1 + permille
            shares = div_wad_up(amount, index_wad)
            debt, total = mul_wad_up(p.debtShares + shares, index_wad), mul_wad_up(total_shares + shares, index_wad)
            cr = self._cr(symbol, collateral, debt)
            def call():
                return vault.mint(position_id, amount, sender=user)

            if total > s.debtCeiling:
                self._refused(vault.VaultDebtCeilingExceeded, call, totalDebt=total)
            elif debt < s.minDebt:
                self._refused(vault.VaultDebtBelowMin, call, positionId=position_id, debt=debt,
                              minDebt=s.minDebt)
            elif cr < s.mintingRatioWad:
                self._refused(vault.VaultUndercollateralized, call, positionId=position_id, crWad=cr,
                              minCrWad=s.mintingRatioWad)
            else:
                call()
                assert vault.position(position_id).debt == debt
                assert lens.health(position_id)[2] == cr >= s.mintingRatioWad

        @rule(index=st.integers(0, 99), permille=st.integers(1, 1_000))
        def remove_spot(self, index, permille):
            SEEN["remove_spot"] += 1
            position_id, user, symbol = self._pick(index)
            p, s = vault.position(position_id), params[symbol]
            if p.spotAmount == 0:
                return
            amount = max(1, p.spotAmount * permille // 1_000)
            cr = self._cr(symbol, self._collateral(p.spotAmount - amount), p.debt)
            def call():
                return vault.removeSpot(position_id, amount, user, sender=user)

            if cr < s.mintingRatioWad:
                self._refused(vault.VaultUndercollateralized, call, positionId=position_id, crWad=cr,
                              minCrWad=s.mintingRatioWad)
            else:
                call()
                assert vault.position(position_id).spotAmount == p.spotAmount - amount

        @rule(index=st.integers(0, 99), permille=st.integers(1, 1_100))
        def burn(self, index, permille):
            SEEN["burn"] += 1
            position_id, user, symbol = self._pick(index)
            p, s = vault.position(position_id), params[symbol]
            held = synths[symbol].balanceOf(user)
            amount = min(held, p.debt * permille // 1_000)
            if p.debt == 0 or amount == 0:
                return
            index_wad = vault.synthDebt(synths[symbol]).rateIndexWad
            left = 0 if amount >= p.debt else mul_wad_up(p.debtShares - div_wad_down(amount, index_wad), index_wad)
            def call():
                return vault.burn(position_id, amount, sender=user)

            if 0 < left < s.minDebt:
                self._refused(vault.VaultDebtBelowMin, call, positionId=position_id, debt=left,
                              minDebt=s.minDebt)
            else:
                call()
                assert vault.position(position_id).debt == left

        # The world.

        # Crashes (down to -45%) as often as any other move.
        @rule(permille=st.one_of(st.integers(550, 850), st.integers(550, 1_450)))
        def move_btc(self, permille):
            SEEN["move_btc"] += 1
            self._move("BTC", permille, BTC_RANGE)

        def _move(self, ticker: str, permille: int, bounds: tuple[int, int]):
            price = self.prices[ticker] * permille // 1_000 // ANSWER_TO_WAD * ANSWER_TO_WAD
            if bounds[0] <= price <= bounds[1] and price != self.prices[ticker]:
                self.prices[ticker] = price
                feeds[ticker].submit(price // ANSWER_TO_WAD, sender=owner)

        @rule(permille=st.integers(850, 1_150))
        def move_gold(self, permille):
            SEEN["move_gold"] += 1
            self._move("XAU", permille, XAU_RANGE)

        @rule(seconds=st.integers(1, 3_000))
        def pass_time(self, seconds):
            SEEN["pass_time"] += 1
            advance(chain, seconds)
            self._refresh()  # the feeds report again, at the same prices

        # The keeper.

        def _check_payout(self, tx, symbol: str):
            penalty = params[symbol].liquidationPenaltyWad
            repaid, keeper_usd = tx.return_value
            assert keeper_usd <= mul_wad_up(mul_wad_up(repaid, self._synth_price(symbol)), wad(1) + penalty)
            if tx.events.filter(vault.DebtRedistributed):
                self.shared_out = True
                SEEN["shortfall shared out"] += 1
            if tx.events.filter(engine.ShortfallCovered):
                SEEN["shortfall"] += 1

        # BTC may fall first, in the same step: hypothesis may have switched `move_btc` off for
        # the example, and a keeper's moment is the block after a fall.
        @rule(index=st.integers(0, 99), unhealthy_first=st.booleans(),
              fall=st.one_of(st.just(1_000), st.integers(600, 1_000)))
        def liquidate(self, index, unhealthy_first, fall):
            SEEN["liquidate"] += 1
            self._move("BTC", fall, BTC_RANGE)
            picked = self._pick(index, with_debt=True)
            if picked is None:
                return
            position_id, _, symbol = picked
            if unhealthy_first:  # a keeper goes for what it can liquidate, when there is any
                due = [p for p in self.positions if p[1] != keeper and vault.position(p[0]).debtShares
                       and lens.health(p[0])[2] < params[p[2]].liquidationRatioWad]
                position_id, _, symbol = due[index % len(due)] if due else picked
            _, _, cr = lens.health(position_id)
            ratio = params[symbol].liquidationRatioWad
            def call():
                return engine.liquidate(position_id, MAX_UINT, 0, sender=keeper)

            if cr >= ratio:
                self._refused(engine.LiquidationEngineHealthyPosition, call, positionId=position_id,
                              crWad=cr, liquidationRatioWad=ratio)
            else:
                self._check_payout(call(), symbol)
                SEEN["liquidated"] += 1

        @rule(picks=st.lists(st.integers(0, 99), min_size=2, max_size=4, unique=True),
              fall=st.one_of(st.just(1_000), st.integers(600, 1_000)))
        def liquidate_many(self, picks, fall):
            SEEN["liquidate_many"] += 1
            self._move("BTC", fall, BTC_RANGE)
            ids = list(dict.fromkeys(self._pick(i, with_debt=True, users_only=False)[0] for i in picks))
            unhealthy = {i for i in ids if lens.health(i)[2] < params[self._symbol(i)].liquidationRatioWad}
            # The positions' stored state: the keeper's own reserve may be in the batch (its
            # balances move with the repayments), and a shortfall shared out raises every debt.
            before = {i: tuple(vault.position(i))[:-1] for i in ids}
            tx = engine.liquidateMany(ids, 0, sender=keeper)
            liquidated = [log.positionId for log in tx.events.filter(engine.Liquidated)]
            shared = bool(tx.events.filter(vault.DebtRedistributed))
            self.shared_out |= shared
            SEEN[f"batch liquidated {len(unhealthy)} of {len(ids)}"] += 1
            # A position healthy before the batch is liquidated only if a shortfall shared out in
            # the same batch raised its debt; otherwise it is left exactly as it was.
            assert set(liquidated) == unhealthy or (shared and unhealthy <= set(liquidated))
            for i in set(ids) - set(liquidated):
                assert tuple(vault.position(i))[:-1] == before[i]

        def _symbol(self, position_id: int) -> str:
            return next(symbol for pid, _, symbol in self.positions if pid == position_id)

        # Invariants.

        @invariant()
        def supply_is_the_debts_plus_bad_debt(self):
            for symbol in SYNTHS:
                token = synths[symbol]
                index_wad, _, total_shares, _ = vault.synthDebt(token)
                debts = sum(vault.position(pid).debt for pid, _, s in self.positions if s == symbol)
                bad, supply, uncollected = vault.badDebt(token), token.totalSupply(), vault.uncollectedFees(token)
                owed = mul_wad_down(total_shares, index_wad)
                # No synth that no position owes and no bad debt accounts for.
                assert supply - bad <= owed
                assert supply + uncollected == owed + bad
                slack = debts - owed  # each position's debt rounds up
                assert 0 <= slack <= (len(self.positions) if self.shared_out else 0)

        @invariant()
        def fund_reserves_are_its_balance(self):
            assert insurance_fund.reserves() == usdc.balanceOf(insurance_fund)

    run_state_machine_as_test(Books, settings=SETTINGS)
    print("stateful examples saw:", dict(sorted(SEEN.items())))
