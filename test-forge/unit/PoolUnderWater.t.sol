// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * A pool under water does not sell itself for dust (found by the invariant campaign's attacker,
 * docs/security.md). The pool is worth its cash less the traders' open PnL, floored at 0. When
 * the traders' open profit passed its cash, a deposit was priced at ERC-4626's virtual unit: 1
 * USDC bought a million times the supply, and when prices came back the depositor owned the pool
 * (the LPs who had carried the risk, nothing). A pool with shares outstanding and a value under
 * one whole unit (0 as `totalAssets` and redemptions round it; a deposit would price it at 1 unit
 * or less) now takes no deposit or mint: `maxDeposit` and `maxMint` are 0, so ERC-4626's own
 * errors refuse them, with the amount asked and the 0.
 *
 * Markets without fee or impact, so that every figure is round; no cooldown (the fixture's pool).
 * Alice is long 15 BTC from 60,000 on 200,000 of margin; the pool holds the fixture's 1,000,000
 * (1,000,000e18 shares, and 1e12 virtual ones). Her open profit is 15 x (BTC - 60,000).
 */

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract PoolUnderWaterTest is SystemFixture {
    uint256 internal constant SHARES = 1_000_000e18;
    uint256 internal constant VIRTUAL_SHARES = 1e12;

    function setUp() public override {
        super.setUp();
        exchange.setMarketParams(BTC_PERP, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0, 0));
        usdc.mint(BOB, 9_000_000e6);
        VM.prank(BOB);
        usdc.approve(address(pool), type(uint256).max);
        uint256 accountId = _account(ALICE, 200_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 15e18, type(uint256).max);
    }

    /// @dev BTC at 130,000: her open profit, 1,050,000, passes the pool's 1,000,000, which is worth
    ///      0. Bob's 1 USDC would have bought 1e6 x (1e24 + 1e12) / (0 + 1) shares and, BTC back at
    ///      60,000, redeemed 1,000,000 of the pool (the old code: the test failed there, the
    ///      deposit went through). Refused, deposit and mint alike; back at 60,000 the pool sells
    ///      at its value again: 1 USDC buys 1e6 x (1e24 + 1e12) / (1,000,000e6 + 1) shares.
    function test_deposit__poolWorthNothing__refusedAsOverItsMax() public {
        _moveBtc(130_000e8);
        assertEq(exchange.tradersOpenPnl(), 1_050_000e18, "her open profit");
        assertEq(pool.totalAssets(), 0, "open profit past the cash");
        assertEq(pool.maxDeposit(BOB), 0, "no deposit");
        assertEq(pool.maxMint(BOB), 0, "no mint");

        VM.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, BOB, 1e6, 0));
        VM.prank(BOB);
        pool.deposit(1e6, BOB);
        uint256 dustShares = 1e6 * (SHARES + VIRTUAL_SHARES);
        VM.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxMint.selector, BOB, dustShares, 0));
        VM.prank(BOB);
        pool.mint(dustShares, BOB);

        _moveBtc(60_000e8);
        assertEq(pool.maxDeposit(BOB), type(uint256).max, "worth its cash again");
        VM.prank(BOB);
        uint256 shares = pool.deposit(1e6, BOB);
        assertEq(shares, 1e6 * (SHARES + VIRTUAL_SHARES) / (1_000_000e6 + 1), "at the pool's value");
    }

    /// @dev BTC at 126,666.66666666: her open profit, 15 x 66,666.66666666 = 999,999.9999999,
    ///      leaves the pool worth 0.0000001 (1e11 WAD): 0 rounded down, 1 unit rounded up, at
    ///      which a deposit would price it (1 USDC for 1e6 x (1e24 + 1e12) / 2 shares). Refused as
    ///      at 0.
    function test_deposit__poolWorthUnderAUnit__refusedAsOverItsMax() public {
        _moveBtc(126_666.66666666e8);
        assertEq(usdc.balanceOf(address(pool)) * 1e12 - uint256(exchange.tradersOpenPnl()), 1e11, "worth 1e11 WAD");
        assertEq(pool.totalAssets(), 0, "0 rounded down");

        VM.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, BOB, 1e6, 0));
        VM.prank(BOB);
        pool.deposit(1e6, BOB);
        VM.expectRevert(abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxMint.selector, BOB, 1e18, 0));
        VM.prank(BOB);
        pool.mint(1e18, BOB);
    }

    /// @dev A pool without shares has no LP to sell out: worth nothing (its 1,000,000 owed to
    ///      Alice's open profit, every share redeemed for nothing), it takes a first deposit at
    ///      ERC-4626's initial price, 1e12 shares a unit.
    function test_deposit__emptyPoolWorthNothing__takesTheFirstDeposit() public {
        _moveBtc(130_000e8);
        IERC4626(address(pool)).redeem(SHARES, address(this), address(this));
        assertEq(pool.totalSupply(), 0, "no shares");
        assertEq(pool.totalAssets(), 0, "worth nothing");
        assertEq(pool.maxDeposit(BOB), type(uint256).max, "open to a first deposit");

        VM.prank(BOB);
        assertEq(pool.deposit(1e6, BOB), 1e6 * VIRTUAL_SHARES, "at the initial price");
    }

    /// @dev BTC moved to `answer` through 90,000 (within the circuit breaker both ways).
    function _moveBtc(int256 answer) internal {
        _setPrice(btcFeed, "BTC", 90_000e8);
        _setPrice(btcFeed, "BTC", answer);
    }
}
