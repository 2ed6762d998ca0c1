// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The synth's rate index: bounded against write-offs that would lift it toward 2^128, and grown
 * by the stability fee the same however often it is touched. The test contract names itself the
 * vault's liquidation engine (the owner may), so that it writes off debt directly, as the engine
 * does after a crash with an empty insurance fund.
 */

import {MAX_RATE_INDEX_WAD} from "../../contracts/Vault.sol";
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

    /// @dev Bob repays his position down to just over the minimum debt (100 sUSD).
    function _burnToDust(uint256 dust) private {
        uint256 debt = _debt(dust);
        if (debt <= 102e18) return;
        VM.prank(BOB);
        vault.burn(dust, debt - 101e18);
    }
}
