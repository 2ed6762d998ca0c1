// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The rule "no user action lowers a position's CR below the minting ratio", for trades: a
 * reducing fill pays the exchange's fee and price impact like any other, so every trade of a
 * position with debt is checked after its fill. A position already under the ratio may trade
 * only if its collateral does not fall. The expected CRs come from a twin account (Bob's, not
 * locked) making the same fills in the same block: the exchange prices both alike.
 */

import {IVault} from "../../interfaces/core/IVault.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract VaultTradeRuleTest is SystemFixture {
    uint256 internal constant MR = 1.5e18;

    /// @notice First review, attack 1: a long of 500 BTC built in fills of 50 (0.3% impact each)
    ///         would pay 3% impact, $900k, closed in one fill. Against its equity at mark the
    ///         position could mint at 155% and then, by that one reducing fill, drop to ~128% CR
    ///         (the impact going to a pool the attacker may own). The vault lends against what
    ///         closing the account would fetch (`closeValue`), so the mint against the mark is
    ///         refused with the CR at the close value, and the one-fill close of a position minted
    ///         against its close value does not lower its CR.
    function test_trade__oneFillCloseAfterMintingAtTheLimit__keepsTheCr() public {
        // The attack as found, on an 8.6x long: with no shock the valuation alone must hold.
        _withoutShocks();
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_500_000e6, 0, 0);
        uint256 twin = _account(BOB, 3_500_000e6);
        for (uint256 i; i < 10; ++i) {
            VM.prank(ALICE);
            vault.trade(id, BTC_PERP, 50e18, type(uint256).max);
            VM.prank(BOB);
            exchange.trade(twin, BTC_PERP, 50e18, type(uint256).max);
        }
        assertEq(exchange.closeValue(twin), exchange.closeValue(accountId), "the twin is priced alike");
        int256 closeValue = exchange.closeValue(accountId);
        assertTrue(exchange.equity(accountId) - closeValue > 900_000e18, "closing in one fill costs over $900k");

        uint256 atMark = uint256(exchange.equity(accountId)) * 100 / 155;
        uint256 crAtMark = _crWith(0, closeValue, atMark);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUndercollateralized.selector, id, crAtMark, MR));
        vault.mint(id, atMark);

        uint256 debt = uint256(closeValue) * 100 / 155;
        VM.prank(ALICE);
        vault.mint(id, debt);
        uint256 crBefore = _cr(id);
        assertEq(crBefore, _crWith(0, closeValue, debt), "155% of the close value");

        VM.prank(BOB);
        exchange.trade(twin, BTC_PERP, -500e18, 0);
        VM.prank(ALICE);
        vault.trade(id, BTC_PERP, -500e18, 0);
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 0, "closed in one fill");
        assertEq(_cr(id), _crWith(0, exchange.closeValue(twin), debt), "the CR the twin's close leaves");
        assertTrue(_cr(id) >= crBefore, "the close did not lower the CR");
    }

    /// @notice A position under the minting ratio whose account is under water (valued at 0)
    ///         reduces: its collateral, the spot, does not fall, so the trade passes.
    function test_trade__underTheMintingRatio_collateralKept__passes() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 7_000e6, 1e18, 0);
        _addSpotAndMint(ALICE, id, 1e8, 35_000e18);
        _setPrice(btcFeed, "BTC", 52_000e8);
        assertTrue(exchange.equity(accountId) < 0, "the account is under water");
        uint256 crBefore = _cr(id);
        assertEq(crBefore, _crWith(1e8, 0, _debt(id)), "valued at its spot alone");
        assertTrue(crBefore < MR, "under the minting ratio");

        VM.prank(ALICE);
        vault.trade(id, BTC_PERP, -0.5e18, 0);

        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 0.5e18, "reduced");
        assertEq(_cr(id), crBefore, "the CR did not fall");
    }

    /// @notice A position under the minting ratio whose account still has equity: a reduction
    ///         pays its fill's impact and fee but frees the rest from a larger one-fill close, so
    ///         its close value rises and the trade passes; an increase lowers it and reverts with
    ///         the CR it would leave.
    function test_trade__underTheMintingRatio__reducePassesIncreaseReverts() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 20_000e6, 1e18, 0);
        // Two twins, each making one of Alice's fills in the same block: the exchange prices alike.
        uint256 twinUp = _account(BOB, 20_000e6);
        uint256 twin = _account(BOB, 20_000e6);
        VM.startPrank(BOB);
        exchange.trade(twinUp, BTC_PERP, 1e18, type(uint256).max);
        exchange.trade(twin, BTC_PERP, 1e18, type(uint256).max);
        VM.stopPrank();
        _addSpotAndMint(ALICE, id, 0.5e8, 32_000e18);
        _setPrice(btcFeed, "BTC", 58_000e8);
        uint256 crBefore = _cr(id);
        assertTrue(crBefore < MR, "under the minting ratio");

        VM.prank(BOB);
        exchange.trade(twinUp, BTC_PERP, 0.1e18, type(uint256).max);
        uint256 crUp = _crWith(0.5e8, exchange.closeValue(twinUp), _debt(id));
        assertTrue(crUp < crBefore, "the increase would lower the CR");
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUndercollateralized.selector, id, crUp, MR));
        vault.trade(id, BTC_PERP, 0.1e18, type(uint256).max);

        VM.prank(BOB);
        exchange.trade(twin, BTC_PERP, -0.5e18, 0);
        VM.prank(ALICE);
        vault.trade(id, BTC_PERP, -0.5e18, 0);
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 0.5e18, "reduced");
        assertEq(exchange.closeValue(accountId), exchange.closeValue(twin), "the twin is priced alike");
        assertEq(_cr(id), _crWith(0.5e8, exchange.closeValue(twin), _debt(id)), "the CR the twin shows");
        assertTrue(_cr(id) >= crBefore, "the reduction did not lower the CR");
    }

    /// @dev The CR of `spot` WBTC at the BTC price plus an account `equity` (its close value)
    ///      floored at 0, against `debt` sUSD ($1), as the vault rounds it.
    function _crWith(uint256 spot, int256 equity, uint256 debt) private view returns (uint256) {
        uint256 collateral = spot * 1e10 * oracle.priceWad("BTC") / WAD;
        // Safe cast: only a positive equity is cast.
        if (equity > 0) collateral += uint256(equity);
        return collateral * WAD / debt;
    }
}
