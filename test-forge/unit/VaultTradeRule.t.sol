// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The rule "no user action lowers a position's CR below the minting ratio", for trades: a
 * reducing fill pays the exchange's fee and price impact like any other, so every trade of a
 * position with debt is checked after its fill. A position already under the ratio may trade
 * only if its collateral does not fall. The expected CRs come from a twin account (Bob's, not
 * locked) making the same fills in the same block: the exchange prices both alike.
 */

import {IVault} from "../../interfaces/IVault.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract VaultTradeRuleTest is SystemFixture {
    uint256 internal constant MR = 1.5e18;

    /// @notice First review, attack 1: a long of 500 BTC built in fills of 50 (0.3% impact each)
    ///         and closed in one fill pays 3% impact, $900k: one reducing trade took the position
    ///         from 155% to ~128% CR, the impact going to a pool the attacker may own. It reverts
    ///         now, with the CR it would have left.
    function test_trade__oneFillCloseUnderTheMintingRatio__reverts() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_500_000e6, 0, 0);
        uint256 twin = _account(BOB, 3_500_000e6);
        for (uint256 i; i < 10; ++i) {
            VM.prank(ALICE);
            vault.trade(id, BTC_PERP, 50e18, type(uint256).max);
            VM.prank(BOB);
            exchange.trade(twin, BTC_PERP, 50e18, type(uint256).max);
        }
        assertEq(exchange.equity(twin), exchange.equity(accountId), "the twin is priced alike");
        uint256 debt = uint256(exchange.equity(accountId)) * 100 / 155;
        VM.prank(ALICE);
        vault.mint(id, debt);
        assertTrue(_cr(id) >= 1.55e18 - 1e15, "155% before");

        VM.prank(BOB);
        exchange.trade(twin, BTC_PERP, -500e18, 0);
        uint256 crAfter = _crWith(0, exchange.equity(twin), _debt(id));
        assertTrue(crAfter < 1.3e18, "the one fill would leave it near 128%");

        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUndercollateralized.selector, id, crAfter, MR));
        vault.trade(id, BTC_PERP, -500e18, 0);

        // In fills that keep the ratio, the same close goes through.
        VM.prank(ALICE);
        vault.trade(id, BTC_PERP, -50e18, 0);
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 450e18, "a small reduction passes");
    }

    /// @notice A position under the minting ratio whose account is under water (valued at 0)
    ///         reduces: its collateral, the spot, does not fall, so the trade passes.
    function test_trade__underTheMintingRatio_collateralKept__passes() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 7_000e6, 1e18, 0);
        _addSpotAndMint(id, 1e8, 35_000e18);
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

    /// @notice A position under the minting ratio whose account still has equity reduces: the
    ///         fee and impact lower its collateral, so the trade reverts with the CR it would leave.
    function test_trade__underTheMintingRatio_collateralFalls__reverts() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 20_000e6, 1e18, 0);
        uint256 twin = _account(BOB, 20_000e6);
        VM.prank(BOB);
        exchange.trade(twin, BTC_PERP, 1e18, type(uint256).max);
        _addSpotAndMint(id, 0.5e8, 32_000e18);
        _setPrice(btcFeed, "BTC", 58_000e8);
        assertTrue(_cr(id) < MR, "under the minting ratio");

        VM.prank(BOB);
        exchange.trade(twin, BTC_PERP, -0.5e18, 0);
        uint256 crAfter = _crWith(0.5e8, exchange.equity(twin), _debt(id));
        assertTrue(crAfter < _cr(id), "the reduction would lower the CR");

        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUndercollateralized.selector, id, crAfter, MR));
        vault.trade(id, BTC_PERP, -0.5e18, 0);
    }

    /// @dev Alice adds `spot` WBTC to her position `id` and mints `debt` sUSD against it.
    function _addSpotAndMint(uint256 id, uint256 spot, uint256 debt) private {
        wbtc.mint(ALICE, spot);
        VM.startPrank(ALICE);
        vault.addSpot(id, spot);
        vault.mint(id, debt);
        VM.stopPrank();
    }

    /// @dev The CR of `spot` WBTC at the BTC price plus `equity` floored at 0, against `debt`
    ///      sUSD ($1), as the vault rounds it.
    function _crWith(uint256 spot, int256 equity, uint256 debt) private view returns (uint256) {
        uint256 collateral = spot * 1e10 * oracle.priceWad("BTC") / WAD;
        // Safe cast: only a positive equity is cast.
        if (equity > 0) collateral += uint256(equity);
        return collateral * WAD / debt;
    }
}
