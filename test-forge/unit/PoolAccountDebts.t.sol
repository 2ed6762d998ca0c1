// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The pool counts what accounts owe it (found by the invariant campaign's attacker,
 * docs/security.md). A loss realised past an account's margin while the account holds other
 * positions leaves its margin negative: a debt the pool collects when those positions close (or
 * from the account's next deposit). The pool's value left it out: it fell by the debt when the
 * loss was realised and rose again when it was paid, and a deposit in that window took a share
 * of the debt from the LPs who were owed it. The exchange now keeps the sum of the negative
 * margins (`totalOwedWad`: moved wherever a margin crosses or moves below zero, written down
 * when a debt is written off) and the pool counts it: cash + owed − traders' open PnL.
 *
 * Markets without fee or impact, so that every figure is round; no cooldown (the fixture's
 * pool). Alice is hedged, long 8 BTC-PERP and short 8 BTC-DATED from 60,000 on 100,000; BTC falls
 * to 40,000 (through 50,000, within the circuit breaker) and she closes the long: 8 x 20,000 =
 * 160,000 realised against 100,000 of margin leaves her owing 60,000. The pool then holds
 * 1,100,000 (its 1,000,000 and the 100,000 her margin held), is owed 60,000 and owes her short's
 * open profit, 160,000: worth 1,000,000 as before (the old code: 940,000).
 */

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract PoolAccountDebtsTest is SystemFixture {
    uint256 internal constant SHARES = 1_000_000e18;
    uint256 internal constant VIRTUAL_SHARES = 1e12;

    uint256 internal accountId;

    function setUp() public override {
        super.setUp();
        exchange.setMarketParams(BTC_PERP, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0, 0));
        exchange.setMarketParams(BTC_DATED, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0, 0));
        usdc.mint(BOB, 9_000_000e6);
        VM.prank(BOB);
        usdc.approve(address(pool), type(uint256).max);
        accountId = _account(ALICE, 100_000e6);
        VM.startPrank(ALICE);
        exchange.trade(accountId, BTC_PERP, 8e18, type(uint256).max);
        exchange.trade(accountId, BTC_DATED, -8e18, 0);
        VM.stopPrank();
        _setPrice(btcFeed, "BTC", 50_000e8);
        _setPrice(btcFeed, "BTC", 40_000e8);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -8e18, 0);
    }

    /// @dev Bob's 9,000,000 buy 9e12 x (1e24 + 1e12) / (1,000,000e6 + 1) = 9e24 shares (at
    ///      940,000, the old code's value, 9,574,468.075...e18: the test failed there). Alice
    ///      closes the short (+160,000, the 60,000 paid from it): the pool is worth 10,000,000, and
    ///      Bob's shares redeem 9e24 x (10,000,000e6 + 1) / (1e24 + 9e24 + 1e12) = 9,000,000: none
    ///      of the debt the LP was owed (the old code: 9,054,325.955734).
    function test_deposit__anAccountOwesThePool__pricedWithTheDebt() public {
        assertEq(exchange.signedMarginOf(accountId), -60_000e18, "she owes the pool 60,000");
        assertEq(pool.totalAssets(), 1_000_000e6, "which its value counts");

        VM.prank(BOB);
        uint256 shares = pool.deposit(9_000_000e6, BOB);
        assertEq(shares, 9_000_000e18, "9e12 x (1e24 + 1e12) / (1,000,000e6 + 1)");
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 8e18, type(uint256).max);
        assertEq(pool.totalAssets(), 10_000_000e6, "the debt paid");

        VM.prank(BOB);
        assertEq(pool.redeem(shares, BOB, BOB), 9_000_000e6, "none of the debt to the depositor");
    }

    /// @dev The sum moves with the margin below zero: a deposit of 10,000 pays the pool 10,000 of
    ///      the debt (owed 50,000, the pool's value unchanged); closing the short pays the rest.
    function test_depositMargin__accountOwes__paysTheDebtAndTheSumFalls() public {
        assertEq(exchange.totalOwedWad(), 60_000e18, "the debt");
        usdc.mint(ALICE, 10_000e6);
        VM.startPrank(ALICE);
        usdc.approve(address(exchange), 10_000e6);
        exchange.depositMargin(accountId, 10_000e6);
        VM.stopPrank();
        assertEq(exchange.totalOwedWad(), 50_000e18, "10,000 of it paid");
        assertEq(pool.totalAssets(), 1_000_000e6, "the pool's value unchanged");

        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 8e18, type(uint256).max);
        assertEq(exchange.totalOwedWad(), 0, "the rest paid by the close");
        assertEq(exchange.signedMarginOf(accountId), 110_000e18, "160,000 less the 50,000");
    }

    /// @dev BTC back at 60,000 (through 50,000), the short is worth nothing (the pool worth its
    ///      1,100,000 and the 60,000 owed): closing it, Alice's last position, leaves her margin at
    ///      -60,000 with nothing open, which the exchange writes off: the sum falls to 0 and the
    ///      pool's value by the 60,000 it loses (1,100,000).
    function test_trade__lastPositionClosedOwing__debtWrittenOffTheSum() public {
        _setPrice(btcFeed, "BTC", 50_000e8);
        _setPrice(btcFeed, "BTC", 60_000e8);
        assertEq(pool.totalAssets(), 1_160_000e6, "its cash and the debt");
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 8e18, type(uint256).max);

        assertEq(exchange.signedMarginOf(accountId), 0, "written off");
        assertEq(exchange.totalOwedWad(), 0, "and out of the sum");
        assertEq(pool.totalAssets(), 1_100_000e6, "the pool's loss");
    }
}
