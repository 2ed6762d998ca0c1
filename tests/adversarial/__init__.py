"""The adversarial suite (issue 7): what an attacker, a careless owner or a bad feed would try, each
case asserting the exact custom error (with its arguments). A reverted transaction changes nothing,
so no state is read around one; a batch that goes through but passes over a position is checked to
leave its books as they were (`books`, tests/utils/books.py).

Here:
- test_prices.py: every bad round (stale, zero, negative, incomplete: updatedAt 0 or answered in an
  earlier round, a jump past the circuit breaker) against mint and liquidate; liquidateMany,
  removeSpot, withdrawMargin, a trade of the locked account and unlock sampled; the synth's own
  price; repaying and adding spot still work; a control row on good prices.
- test_callers.py: the vault's owner on the engine's hooks, the synths' admin and a holder on
  mint/burn, the vault owner on coverShortfall, a locked account's old owner on the account token.
- test_reentrancy.py: a spot token with a transfer hook (contracts/mocks/HookToken.sol) re-entering
  the vault (addSpot, removeSpot, close) and the engine or the vault (liquidate) reverts with
  ReentrancyGuardReentrantCall().
- test_dust.py: fifty 1-wei mint/burn rounds (index 1, and above 1 with the fee); 1 sat of spot at
  a time, out to the minting ratio and back.
- test_sandwich.py: a liquidation quoted at one price and landing at another (back up: healthy;
  down: the new price; past the penalty: minOut); one wei of CR above the liquidation ratio.
- test_overflow.py: type(uint256).max amounts and sizes, the largest prices a feed holds. Four of
  them first met a bare panic 0x11 instead of a custom error (findings, since fixed: mint over the
  ceiling, addSpot, withdrawMargin and trade sizes over 128 bits).
- test_params.py: nonsense parameters through listSynth, a minting ratio under 100%, every field
  at max, the engine's settings at max.
- tests/assurance/test_stateful.py: the stateful property test of the vault and the engine.

Already covered where they live, and not repeated here:
- Each bad-price status at the hub itself: tests/oracle/test_oracle_hub.py; stale and frozen
  prices against mint, removeSpot, trade and health: tests/vault/test_mint_burn.py,
  test_positions.py, test_futures_accounts.py, test_health.py; against liquidate and
  liquidateMany: tests/liquidation/test_liquidate.py, test_liquidate_many.py; the exchange's own
  guards: tests/exchange/test_oracle_guards.py.
- An outsider on every engine-only hook: tests/liquidation/test_vault_hooks.py
  (test_hooks__not_the_engine__revert); on SyntheticToken mint/burn: tests/synth; on the fund's
  coverShortfall and notifyPenalty(ies): tests/liquidation/test_insurance_fund.py; on the owners'
  setters: tests/vault/test_params.py, tests/liquidation/test_engine_settings.py,
  tests/oracle/test_oracle_hub.py.
- Trading or withdrawing a locked account from outside the vault (ExchangeUnauthorized), locking
  someone else's account, sending the vault an account token: tests/vault/test_futures_accounts.py;
  a non-owner's trade, withdraw, unlock and close through the vault: tests/vault/test_positions.py.
- A healthy position (CR exactly at the ratio: healthy; one wei of debt more: liquidated), minOut
  one wei over, a repayment too small for a whole-debt liquidation: tests/liquidation/test_liquidate.py.
- Three 1-wei mint/burn rounds with the fee: tests/vault/test_mint_burn.py.
- Huge repayments (repayFor over the debt), a zero or over-one fraction, stale futures views:
  tests/liquidation/test_vault_hooks.py.
- Nonsense synth parameters through setSynthParams (ratios equal or crossed, liquidation ratio under
  100% or under 1 + penalty, penalty, fee, debt limits): tests/vault/test_params.py; keeper share
  over 1, close factor 0 or over 1, zero addresses at construction:
  tests/liquidation/test_engine_settings.py; heartbeat 0, zero feed, 19 decimals:
  tests/oracle/test_oracle_hub.py; market parameters: tests/exchange/test_markets.py.
- Shutdown's settlement price after a frozen jump (findings KI1, fixed; regression tests):
  tests/liquidation/test_assurance_findings.py.
"""
