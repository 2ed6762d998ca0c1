// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The pool's share price rounds against whoever deposits, mints, withdraws or redeems. The pool
 * is worth its cash less the traders' open PnL, a WAD figure that `totalAssets` rounds down to a
 * whole unit of the stablecoin. Found by the invariant campaign's attacker (no free lunch): with
 * a trader's open loss worth 0.6 of a unit more than the whole units, a deposit priced on the
 * value rounded down bought shares worth more than it paid (the campaign's: 0.938905 of a unit
 * on a 36,874,406.418698 deposit, taken from the LPs already in). Deposits and mints now price
 * the pool at its value rounded up, withdrawals and redemptions at it rounded down.
 *
 * The numbers, mirrored from the exchange's formulas (`PositionMath`): Alice buys 0.1234567 BTC
 * at 60,000; the notional 7,407.402 moves the fill by 0.001 x 7,407.402 / 1,000,000 =
 * 7.407402e-6 to 60,000.44444412, and the taker fee, 0.05% of the notional at the fill,
 * 3.703728434802194802, rounds up to 3.703729. Her open loss at the mark, 0.1234567 x
 * 0.44444412 = 0.054869604389604 (the pool's to collect), makes the pool worth
 * 1,000,000 + 3.703729 + 0.054869604389604 = 1,000,003.758598604389604: 1,000,003.758598 rounded
 * down, 1,000,003.758599 up. The pool has 1,000,000 shares (18 decimals) and 1e12 virtual ones.
 */

import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract PoolRoundingTest is SystemFixture {
    uint256 internal constant SHARES = 1_000_000e18;
    uint256 internal constant VIRTUAL_SHARES = 1e12;
    /// @dev The pool's value in WAD and in whole units rounded up (see the header).
    uint256 internal constant VALUE_WAD = 1_000_003.758598604389604e18;
    uint256 internal constant VALUE_UP = 1_000_003_758_599;

    function setUp() public override {
        super.setUp();
        uint256 accountId = _account(ALICE, 10_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 0.1234567e18, type(uint256).max);
        usdc.mint(BOB, 100_000_000e6);
        VM.prank(BOB);
        usdc.approve(address(pool), type(uint256).max);
    }

    /// @dev 99,000,000 deposited buy 99,000,000e6 x (1,000,000e18 + 1e12) / (1,000,003,758,599 + 1)
    ///      shares, rounded down (the value rounded down gave 98,999,627,900,196,573,949,057,351,
    ///      worth 0.598346 of a unit more than the deposit at the pool's value; now 0.391654 less).
    function test_deposit__poolValueWithAPartOfAUnit__pricedAtItRoundedUp() public {
        _assertValue();
        VM.prank(BOB);
        uint256 shares = pool.deposit(99_000_000e6, BOB);

        assertEq(shares, 98_999_627_900_097_574_693_255_757, "shares at the value rounded up");
        assertEq(shares, 99_000_000e6 * (SHARES + VIRTUAL_SHARES) / (VALUE_UP + 1), "the mirror");
        // What they are worth of the pool's value, unrounded, is no more than the deposit.
        uint256 worthWad = shares * (VALUE_WAD + 99_000_000e18 + 1e12) / (SHARES + shares + VIRTUAL_SHARES);
        assertTrue(worthWad <= 99_000_000e18, "the deposit bought no more than it paid for");
    }

    /// @dev 1,000,000 shares minted cost 1e24 x (1,000,003,758,599 + 1) / (1e24 + 1e12) units,
    ///      rounded up: 1,000,003.758599 (at the value rounded down, 1,000,003.758598, worth
    ///      0.302193 of a unit more than paid; now 0.197807 less).
    function test_mint__poolValueWithAPartOfAUnit__pricedAtItRoundedUp() public {
        _assertValue();
        VM.prank(BOB);
        uint256 assets = pool.mint(1_000_000e18, BOB);

        assertEq(assets, 1_000_003_758_599, "assets at the value rounded up");
        assertEq(assets, _divUp(1_000_000e18 * (VALUE_UP + 1), SHARES + VIRTUAL_SHARES), "the mirror");
    }

    /// @dev Leaving rounds the other way: 1,000 units redeem at the value rounded down, 1,000,003,758,598.
    function test_redeemAndWithdraw__poolValueWithAPartOfAUnit__pricedAtItRoundedDown() public view {
        _assertValue();
        uint256 valueDown = VALUE_UP - 1;
        assertEq(
            pool.previewRedeem(1_000e18),
            1_000e18 * (valueDown + 1) / (SHARES + VIRTUAL_SHARES),
            "a redemption at the value rounded down"
        );
        assertEq(
            pool.previewWithdraw(1_000e6),
            _divUp(1_000e6 * (SHARES + VIRTUAL_SHARES), valueDown + 1),
            "a withdrawal at the value rounded down"
        );
        assertEq(pool.totalAssets(), valueDown, "totalAssets rounds down");
    }

    /// @dev The pool's value as the header derives it, from its cash and the traders' open PnL.
    function _assertValue() internal view {
        assertEq(usdc.balanceOf(address(pool)), 1_000_003.703729e6, "cash: the seed and the fee");
        assertEq(exchange.tradersOpenPnl(), -0.054869604389604e18, "the trader's open loss");
    }

    function _divUp(uint256 a, uint256 b) private pure returns (uint256) {
        return (a - 1) / b + 1;
    }
}
