// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OPEN issues the invariant campaign's attacker (`SynthvaultAttacker`) led to, not fixed here
 * (see docs/security.md): these tests pin today's behaviour, each an attack that works, so that
 * the fix turns them around. The pool's: markets without fee or impact, so that every figure is
 * round; no cooldown (the SystemFixture's pool), so that the attacker redeems in the same block
 * (with the deployed 24 hours it redeems a day later, the gain already its).
 *
 * 1. The pool does not count what accounts owe it. A negative margin (a loss realised past the
 *    margin by an account that still holds positions) is a debt the pool collects when the
 *    account's other positions close; until then the pool's value leaves it out. Anyone
 *    depositing in that window buys at the lower value, and shares the debt when it is paid.
 * 2. The exchange pays its liquidation reward to whoever liquidates an account, the owner of the
 *    vault position that has it locked included: the margin it comes out of is that position's
 *    collateral, which, the position under water, is its creditors'.
 */

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract AttackerOpenFindingsTest is SystemFixture {
    /// @dev The pool's cases: markets without fee or impact, Bob holding 9,000,000.
    function _roundMarkets() internal {
        exchange.setMarketParams(BTC_PERP, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0, 0));
        exchange.setMarketParams(BTC_DATED, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0, 0));
        usdc.mint(BOB, 9_000_000e6);
        VM.prank(BOB);
        usdc.approve(address(pool), type(uint256).max);
    }

    /// @dev Alice hedged, long 8 BTC-PERP and short 8 BTC-DATED on 100,000; BTC falls to 40,000
    ///      and she closes the long: 160,000 realised against 100,000 of margin leaves her owing
    ///      60,000, which the pool no longer counts (worth 940,000, not 1,000,000). Bob's
    ///      9,000,000 buy 9e12 x (1e24 + 1e12) / (940,000e6 + 1) shares; Alice closes the short
    ///      (+160,000: the 60,000 is paid from it) and the pool is worth 10,000,000, of which
    ///      Bob's shares redeem 9,054,325.955734: 54,325.955734 of the debt the LP was owed.
    function test_deposit__anAccountOwesThePool__depositorSharesTheDebt() public {
        _roundMarkets();
        uint256 accountId = _account(ALICE, 100_000e6);
        VM.startPrank(ALICE);
        exchange.trade(accountId, BTC_PERP, 8e18, type(uint256).max);
        exchange.trade(accountId, BTC_DATED, -8e18, 0);
        VM.stopPrank();
        _setPrice(btcFeed, "BTC", 40_000e8);
        assertEq(pool.totalAssets(), 1_000_000e6, "hedged: the pool's value has not moved");
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -8e18, 0);
        assertEq(exchange.signedMarginOf(accountId), -60_000e18, "she owes the pool 60,000");
        assertEq(pool.totalAssets(), 940_000e6, "which its value leaves out");

        uint256 deposit = 9_000_000e6;
        VM.prank(BOB);
        uint256 shares = pool.deposit(deposit, BOB);
        assertEq(shares, deposit * (1_000_000e18 + 1e12) / (940_000e6 + 1), "shares at 940,000");
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 8e18, type(uint256).max);
        assertEq(pool.totalAssets(), 10_000_000e6, "the debt paid");

        VM.prank(BOB);
        assertEq(pool.redeem(shares, BOB, BOB), 9_054_325.955734e6, "54,325.955734 of it to the depositor");
    }

    /// @dev Alice's position owes 3,000 sUSD on a locked account of 10,000 long 1 BTC (filled at
    ///      60,003.6, fee 30.0018: margin 9,969.9982; close value 9,932.8, CR 331%; within the
    ///      10% shock, which leaves 3,925.744376 over the debt). BTC falls to
    ///      51,000: equity 966.3982 under the exchange's maintenance (2,550), the position under
    ///      water. Alice liquidates her own account on the exchange: the close fills at
    ///      50,997.399 (-9,006.201, fee 25.4987: margin 938.2985), and the reward, 0.5% of the
    ///      51,000 closed, 255, goes to her: the position's creditors recover 683.2985, not
    ///      938.2985, and the 3,000 sUSD she minted are still hers.
    function test_exchangeLiquidate__ownLockedAccountUnderWater__ownerTakesTheRewardFromTheCollateral() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 10_000e6, 1e18, 3_000e18);
        assertEq(exchange.signedMarginOf(accountId), 9_969.9982e18, "margin after the open's fee");
        assertEq(exchange.closeValue(accountId), 9_932.8e18, "close value at the mint");
        _setPrice(btcFeed, "BTC", 51_000e8);
        assertEq(exchange.closeValue(accountId), 938.2985e18, "the collateral, under water");

        VM.prank(ALICE);
        uint256 rewardWad = exchange.liquidate(accountId);

        assertEq(rewardWad, 255e18, "0.5% of the 51,000 closed");
        assertEq(usdc.balanceOf(ALICE), 255e6, "to the position's owner");
        assertEq(exchange.closeValue(accountId), 683.2985e18, "out of the position's collateral");
        assertEq(vault.position(id).debt, 3_000e18, "the debt unchanged");
        assertEq(sUSD.balanceOf(ALICE), 3_000e18, "and the synth hers");
    }
}
