// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The synth's rate index: bounded against write-offs that would lift it toward 2^128, and grown
 * by the stability fee the same however often it is touched. The test contract names itself the
 * vault's liquidation engine (the owner may), so that it writes off debt directly, as the engine
 * does after a crash with an empty insurance fund.
 */

import {MAX_RATE_INDEX_WAD} from "../../contracts/core/Vault.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract VaultDebtIndexTest is SystemFixture {
    uint256 internal constant CAROL_DEBT = 10_000e18;
    address internal constant CAROL = address(0xCA401);

    /* ATTACK: WRAP THE DEBT INDEX */

    /// @notice Second review: with dust as the only other debt, each write-off multiplies the
    ///         index by (1 + written-off debt / dust); five rounds took it near 2^128, and the
    ///         next accrual's unchecked cast wrapped it to ~0, collapsing every debt of the synth.
    ///         Each round: Bob burns his position back to dust, Alice mints what lifts the index
    ///         10,000 times (the last round: to 99% of 2^128) and the engine writes her off.
    function test_writeOff__dustTheOnlyOtherDebt__indexStaysUnderTheBoundAndDebtsNeverShrink() public {
        vault.setLiquidationEngine(address(this));
        uint256 dust = _spotPosition(BOB, sUSD, 1e8, 101e18);
        uint256 refused;
        for (uint256 round; round < 5; ++round) {
            _burnToDust(dust);
            (uint256 index,, uint256 otherShares,) = vault.synthDebt(sUSD);
            uint256 target = index * 1e8 > type(uint128).max ? type(uint128).max / 100 * 99 : index * 10_000;
            uint256 amount = (target - index) * otherShares / WAD;
            uint256 attacker = _spotPosition(ALICE, sUSD, amount * 2 / 60_000 / 1e10 + 1e8, amount);
            VM.prank(ALICE);
            sUSD.transfer(BOB, amount);
            uint256 badBefore = vault.badDebt(sUSD);
            uint256 bobDebt = _debt(dust);

            uint256 written = vault.writeOff(attacker);

            (uint256 indexAfter,,,) = vault.synthDebt(sUSD);
            assertTrue(indexAfter <= MAX_RATE_INDEX_WAD, "the index stays under its bound");
            assertTrue(_debt(dust) >= bobDebt, "the other debt never shrinks");
            if (indexAfter == index) {
                // Refused: recorded as bad debt, whole.
                assertEq(vault.badDebt(sUSD), badBefore + written, "bad debt recorded");
                ++refused;
            } else {
                assertEq(vault.badDebt(sUSD), badBefore, "redistributed, not bad debt");
            }
        }
        assertTrue(refused >= 3, "the rounds past the bound were refused");

        // An honest position opened after the attack: a year of fee only grows its debt.
        VM.prank(CAROL);
        wbtc.approve(address(vault), type(uint256).max);
        uint256 honest = _spotPosition(CAROL, sUSD, 1e8, CAROL_DEBT);
        uint256 before = _debt(honest);
        assertTrue(before >= CAROL_DEBT, "owes at least what it minted");
        VM.warp(block.timestamp + 365 days);
        _refresh();
        vault.accrue(sUSD);
        (uint256 indexEnd,,,) = vault.synthDebt(sUSD);
        assertTrue(indexEnd <= type(uint128).max, "the index fits its slot");
        assertTrue(_debt(honest) > before, "the fee grew the honest debt");
        assertTrue(_debt(honest) < before * 103 / 100, "by the fee, not more");
    }

    /* FEE COMPOUNDING */

    /// @dev WAD · (1 + r / 1e27)^31,536,000 rounded up, r = ceil(fee · 1e9 / 31,536,000), computed
    ///      apart from the contract, in Python with 90-digit decimals:
    ///      `from decimal import *; getcontext().prec = 90; Y = 31536000; r = -(-fee * 10**9 // Y)`
    ///      `print(-(-Decimal(10**18) * (1 + Decimal(r) / 10**27) ** Y // 1))`
    ///      at 2% (e^0.02 = 1.02020134002...), and at 100% (e = 2.71828182845...: the per-second
    ///      steps give 2.71828178536...).
    uint256 internal constant YEAR_AT_2PCT = 1020201340020285736;
    uint256 internal constant YEAR_AT_100PCT = 2718281785360970822;

    /// @notice Anyone could compound the fee by touching it every block (2.02% a year instead of
    ///         2%, 171.8% instead of 100% at the maximum rate). The fee now compounds every
    ///         second, so touching the index every hour for a year gives the index of one touch
    ///         a year, but for rounding: under 1 wei per touch, grown at most e-fold by the rest of
    ///         the year, so at most 3 wei a touch. And the one touch gives the exact value.
    function test_accrue__everyHourForAYear__sameIndexAsOnce() public {
        _spotPosition(ALICE, sUSD, 1e8, 10_000e18);
        _assertHourlyAsOnce(YEAR_AT_2PCT);
    }

    function test_accrue__everyHourForAYearAtTheMaximumFee__sameIndexAsOnce() public {
        vault.setSynthParams(sUSD, _params(1e18, 10_000_000e18, 100e18));
        _spotPosition(ALICE, sUSD, 1e8, 10_000e18);
        _assertHourlyAsOnce(YEAR_AT_100PCT);
    }

    function _assertHourlyAsOnce(uint256 expectedOnce) private {
        uint256 start = block.timestamp;
        uint256 snapshot = VM.snapshotState();
        VM.warp(start + 365 days);
        (uint256 once,) = vault.accrue(sUSD);
        assertEq(once, expectedOnce, "one touch a year: the fee compounded every second, to the wei");
        VM.revertToState(snapshot);

        uint256 hourly;
        for (uint256 hour = 1; hour <= 8760; ++hour) {
            VM.warp(start + hour * 1 hours);
            (hourly,) = vault.accrue(sUSD);
        }
        assertTrue(hourly >= once, "touching never lowers the index");
        assertTrue(hourly - once <= 3 * 8760, "touching every hour gains only rounding dust");
    }

    /// @dev Bob repays his position down to just over the minimum debt (100 sUSD).
    function _burnToDust(uint256 dust) private {
        uint256 debt = _debt(dust);
        if (debt <= 102e18) return;
        VM.prank(BOB);
        vault.burn(dust, debt - 101e18);
    }
}
