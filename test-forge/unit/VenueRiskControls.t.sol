// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The venue's risk controls (issue 14): a venue frozen (no new locks, no mints against it; the
 * rest goes on) or winding down (its accounts counted at (1 - haircut), rounded down, in the
 * minting check and the liquidation trigger), and what a liquidation then pays: the keeper and
 * the fund out of the account's own margin, never out of the fund's reserves or another user's.
 *
 * Most positions here lock an account holding margin only (its value is its margin, to the wei)
 * and owe sUSD at $1 (no warp: no fee accrues).
 */

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract VenueRiskControlsTest is SystemFixture {
    ICollateralVenue internal venue;

    function setUp() public override {
        super.setUp();
        venue = vault.futuresCollateral();
    }

    function _state() internal view returns (ICollateralVenue.VenueState state, uint256 haircutBps) {
        return venue.venueState();
    }

    /* SETTING THE STATE */

    function test_setVenueState__notTheVaultsOwner__reverts() public {
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(ICollateralVenue.CollateralVenueNotOwner.selector, ALICE));
        venue.setVenueState(ICollateralVenue.VenueState.Frozen, 0);
    }

    function test_setVenueState__haircutOver100Percent__reverts() public {
        VM.expectRevert(abi.encodeWithSelector(ICollateralVenue.CollateralVenueHaircutTooHigh.selector, 10_001, 10_000));
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 10_001);
    }

    function test_setVenueState__haircutWhileNotWindingDown__reverts() public {
        VM.expectRevert(
            abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueHaircutNotWindingDown.selector, ICollateralVenue.VenueState.Frozen, 1
            )
        );
        venue.setVenueState(ICollateralVenue.VenueState.Frozen, 1);
    }

    function test_setVenueState__noChange__reverts() public {
        VM.expectRevert(ICollateralVenue.CollateralVenueAlreadySet.selector);
        venue.setVenueState(ICollateralVenue.VenueState.Active, 0);
    }

    function test_setVenueState__eachChange__emitsInThePastTense() public {
        VM.expectEmit();
        emit ICollateralVenue.VenueStateSet(ICollateralVenue.VenueState.Active, ICollateralVenue.VenueState.Frozen);
        venue.setVenueState(ICollateralVenue.VenueState.Frozen, 0);

        VM.expectEmit();
        emit ICollateralVenue.VenueStateSet(ICollateralVenue.VenueState.Frozen, ICollateralVenue.VenueState.WindingDown);
        VM.expectEmit();
        emit ICollateralVenue.HaircutRaised(0, 2_500);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 2_500);

        VM.expectEmit();
        emit ICollateralVenue.HaircutLowered(2_500, 1_000);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 1_000);

        VM.expectEmit();
        emit ICollateralVenue.VenueStateSet(ICollateralVenue.VenueState.WindingDown, ICollateralVenue.VenueState.Active);
        VM.expectEmit();
        emit ICollateralVenue.HaircutLowered(1_000, 0);
        venue.setVenueState(ICollateralVenue.VenueState.Active, 0);

        (ICollateralVenue.VenueState state, uint256 haircutBps) = _state();
        assertEq(uint256(state), uint256(ICollateralVenue.VenueState.Active), "active again");
        assertEq(haircutBps, 0, "no haircut");
    }

    /* FROZEN */

    function test_lock__frozenVenue__revertsNamingTheVenue() public {
        venue.setVenueState(ICollateralVenue.VenueState.Frozen, 0);
        uint256 accountId = _account(ALICE, 3_000e6);
        VM.startPrank(ALICE);
        uint256 id = vault.open(sUSD);
        exchange.accounts().approve(address(vault), accountId);
        VM.expectRevert(
            abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueNotActive.selector,
                address(venue),
                ICollateralVenue.VenueState.Frozen,
                0
            )
        );
        vault.lock(id, accountId);
        VM.stopPrank();
    }

    function test_mint__frozenVenue__revertsNamingTheVenue() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.Frozen, 0);
        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueNotActive.selector,
                address(venue),
                ICollateralVenue.VenueState.Frozen,
                0
            )
        );
        vault.mint(id, 100e18);
        assertEq(lens.mintRoom(id).maxMint, 0, "the lens offers no room either");
    }

    function test_mint__windingDownVenue__revertsWithItsHaircut() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 0);
        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueNotActive.selector,
                address(venue),
                ICollateralVenue.VenueState.WindingDown,
                0
            )
        );
        vault.mint(id, 100e18);
    }

    /// @dev Frozen, an existing position goes on: it repays, adds margin, trades, withdraws under
    ///      the minting ratio and unlocks; a spot-only position still mints (nothing on the venue).
    function test_frozenVenue__existingPositions__keepWorking() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_000e18);
        uint256 spotId = _spotPosition(BOB, sUSD, 1e8, 0);
        venue.setVenueState(ICollateralVenue.VenueState.Frozen, 0);

        VM.startPrank(ALICE);
        vault.burn(id, 400e18);
        usdc.mint(ALICE, 600e6);
        exchange.depositMargin(accountId, 600e6);
        vault.trade(id, BTC_PERP, 0.01e18, type(uint256).max);
        vault.trade(id, BTC_PERP, -0.01e18, 0);
        int256 marginWad = exchange.signedMarginOf(accountId);
        // Debt 600 at 150%: 900 must stay, and the two fills' fees and impact left it 3,599.4 and more.
        vault.withdrawMargin(id, 2_699e6, ALICE);
        VM.stopPrank();
        assertEq(exchange.signedMarginOf(accountId), marginWad - 2_699e18, "withdrawn under the minting ratio");

        VM.prank(BOB);
        vault.mint(spotId, 1_000e18);
        assertEq(_debt(spotId), 1_000e18, "spot alone is not on the venue");

        VM.startPrank(ALICE);
        vault.burn(id, type(uint256).max);
        vault.unlock(id);
        VM.stopPrank();
        assertEq(exchange.accounts().ownerOf(accountId), ALICE, "moved off the venue");
    }

    /* THE HAIRCUT'S ARITHMETIC */

    /// @dev 3,000.000001 of margin at 33.33%: 3,000.000001 x 6,667 / 10,000 = 2,000.1000006667,
    ///      in every view the vault and its lens count, the equity that sizes the closes untouched.
    function test_haircut__marginOnlyAccount__countedAtOneLessHaircut() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000.000001e6, 0, 1_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 3_333);

        assertEq(venue.valueUsdWad(accountId), 2_000.1000006667e18, "valueUsdWad");
        (bool ok, uint256 valueWad,) = venue.tryValueUsdWad(accountId);
        assertTrue(ok, "priced");
        assertEq(valueWad, 2_000.1000006667e18, "tryValueUsdWad");
        (, valueWad,) = vault.futuresCollateral().tryLiquidationValueUsdWad(accountId);
        assertEq(valueWad, 2_000.1000006667e18, "tryLiquidationValueUsdWad");
        (valueWad,) = venue.valueAndShockLossUsdWad(accountId, "BTC", 0, 0);
        assertEq(valueWad, 2_000.1000006667e18, "the minting check's value");
        // A withdrawal's cut leaves the account's own value first: 2,000.000001 x 66.67%.
        (valueWad,) = venue.valueAndShockLossUsdWad(accountId, "BTC", 0, 1_000e18);
        assertEq(valueWad, 1_333.4000006667e18, "after a withdrawal of 1,000");
        (valueWad,) = venue.valueAndShockLossUsdWad(accountId, "BTC", 0, 0);
        assertEq(valueWad, 2_000.1000006667e18, "the minting check's value");
        IVault.LiquidationSnapshot memory snap = vault.liquidationSnapshot(id);
        assertEq(snap.collateralUsdWad, 2_000.1000006667e18, "the liquidation trigger's");
        assertEq(snap.equityWad, 3_000.000001e18, "the equity, which sizes what is seized, is the account's own");
        (uint256 collateralUsdWad,, uint256 crWad) = lens.health(id);
        assertEq(collateralUsdWad, 2_000.1000006667e18, "the lens's");
        assertEq(crWad, 2.0001000006667e18, "CR 200.01%");
    }

    /// @dev An account with a position: its close value is floored to whole stablecoin units
    ///      (1e12 wei), so (1 - haircut) of it in basis points is exact to the wei; rounding down
    ///      binds only a venue that values in finer units.
    function test_haircut__openPosition__exactOnWholeUnits() public {
        (, uint256 accountId) = _futuresPosition(ALICE, sUSD, 10_000e6, 0.1e18, 0);
        _setPrice(btcFeed, "BTC", 61_234.56789012e8);
        uint256 closeValueWad = uint256(exchange.closeValue(accountId));
        assertEq(closeValueWad % 1e12, 0, "whole units");
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 7);
        assertEq(venue.valueUsdWad(accountId), closeValueWad / 1e12 * 9_993 * 1e8, "99.93%, to the wei");
    }

    function test_haircut__whole__countsNothing() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 10_000);
        (uint256 collateralUsdWad,, uint256 crWad) = lens.health(id);
        assertEq(collateralUsdWad, 0, "nothing counted");
        assertEq(crWad, 0, "CR 0");
    }

    /* WINDING DOWN: THE MINTING CHECK */

    /// @dev 3,000 of margin owing 1,000 at a 40% haircut counts 1,800; 1,500 must stay counted
    ///      (150%): 2,500 of margin, so 500 may leave, not a unit more (2,499.999999 x 60% =
    ///      1,499.9999994: CR 149.99999994%).
    function test_withdrawMargin__windingDown__checkedAtTheHaircut() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 4_000);
        VM.startPrank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUndercollateralized.selector, id, 1.4999999994e18, 1.5e18));
        vault.withdrawMargin(id, 500.000001e6, ALICE);
        vault.withdrawMargin(id, 500e6, ALICE);
        VM.stopPrank();
        assertEq(exchange.signedMarginOf(accountId), 2_500e18, "500 left");
    }

    /* WINDING DOWN: LIQUIDATION PAYS FOR ITSELF */

    /// @dev A keeper on a 100% haircut: the account counts 0, so the position (3,000 of margin,
    ///      1,000 of debt, truly at 300%) is liquidated whole: the keeper repays 1,000 and takes
    ///      1,050 (its half of the 10% penalty), the fund 50, both out of the account's margin; the
    ///      owner keeps 1,900 and no debt. The fund's reserves and the other borrower are untouched.
    function test_liquidate__wholeHaircut__paidOutOfTheAccountsOwnMargin() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_000e18);
        uint256 bobId = _spotPosition(BOB, sUSD, 1e8, 20_000e18);
        usdc.mint(address(this), 5_000e6);
        usdc.approve(address(fund), 5_000e6);
        fund.deposit(5_000e6);
        _arm(sUSD, 1_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 10_000);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 1_000e18, "the whole debt: nothing counted cannot be restored");
        assertEq(keeperUsdWad, 1_050e18, "repaid value + half the penalty");
        assertEq(usdc.balanceOf(KEEPER), 1_050e6, "in stablecoin, from the margin");
        assertEq(fund.reserves(), 5_050e6, "the fund got its 50 and paid nothing");
        assertEq(exchange.signedMarginOf(accountId), 1_900e18, "the owner keeps the rest");
        assertEq(_debt(id), 0, "no debt left");
        assertEq(_debt(bobId), 20_000e18, "the other borrower owes what he owed");
        // Debt-free, the position is healthy however its venue is counted.
        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineHealthyPosition.selector, id, type(uint256).max, 1.2e18
            )
        );
        engine.liquidate(id, type(uint256).max, 0);
    }

    /// @dev Spot beside the account, 100% haircut: 0.05 BTC (3,000) and 3,000 of margin owing
    ///      3,000 (truly 200%) count 3,000: 100% < 120%, whole (3,000 < 3,300). The keeper's 3,150
    ///      takes all the spot (3,000), the rest (150 to it, 150 to the fund) from the margin.
    function test_liquidate__wholeHaircutWithSpot__spotFirstThenMargin() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 0);
        _addSpotAndMint(ALICE, id, 0.05e8, 3_000e18);
        _arm(sUSD, 3_000e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 10_000);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 3_000e18, "the whole debt");
        assertEq(keeperUsdWad, 3_150e18, "3,000 of spot + 150 of margin");
        assertEq(wbtc.balanceOf(KEEPER), 0.05e8, "all the spot");
        assertEq(usdc.balanceOf(KEEPER), 150e6, "the rest of its due");
        assertEq(fund.reserves(), 150e6, "the fund's half of the penalty, from the margin");
        assertEq(exchange.signedMarginOf(accountId), 2_700e18, "the owner keeps 2,700");
    }

    /// @dev An owner who front-runs the haircut: with 3,000 of margin owing 1,500, she withdraws
    ///      the most the minting check lets go (750: 2,250 = 150%) before the wind-down at 50%.
    ///      Then 1,125 counts: under 120% and under 1,650 (debt and penalty), so the whole 1,500
    ///      is repaid: the keeper takes 1,575, the fund 75, from her margin; she keeps 600. She
    ///      has 750 + 600 in stablecoin and 1,500 sUSD: 2,850 of the 3,000 she brought, the penalty
    ///      lost and nothing gained; the fund only received.
    function test_liquidate__ownerFrontRunsTheHaircut__paysThePenaltyOnly() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_500e18);
        VM.prank(ALICE);
        vault.withdrawMargin(id, 750e6, ALICE);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 5_000);
        (,, uint256 crWad) = lens.health(id);
        assertEq(crWad, 0.75e18, "1,125 / 1,500");
        _arm(sUSD, 1_500e18);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 1_500e18, "the whole debt");
        assertEq(keeperUsdWad, 1_575e18, "repaid + half the penalty");
        assertEq(fund.reserves(), 75e6, "the fund's half");
        assertEq(exchange.signedMarginOf(accountId), 600e18, "what she keeps");
        assertEq(usdc.balanceOf(ALICE) + 600e6 + sUSD.balanceOf(ALICE) / 1e12, 2_850e6, "3,000 less the penalty");
    }

    /// @dev A partial liquidation at a haircut: 3,000 of margin owing 1,800 at 20% counts 2,400
    ///      (133.3%: over 120%, not liquidatable); at 30% it counts 2,100 (116.7%), and
    ///      R = (1.5 x 1,800 - 2,100) / (1.5 - 1 - 0.1) = 1,500. The keeper takes 1,575, the fund
    ///      75, of the margin (1,650 seized); what stays, 1,350, counts 945 against 300 owed: 315%,
    ///      above the minting ratio (the sizing counts the seizure whole, the haircut at 70%).
    function test_liquidate__partialAtAHaircut__restoredAboveTheMintingRatio() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 3_000e6, 0, 1_800e18);
        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 2_000);
        // 2,400 / 1,800 = 133.3%: not yet liquidatable.
        _arm(sUSD, 1_800e18);
        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineHealthyPosition.selector, id, 1.333333333333333333e18, 1.2e18
            )
        );
        engine.liquidate(id, type(uint256).max, 0);

        venue.setVenueState(ICollateralVenue.VenueState.WindingDown, 3_000);
        // 2,100 / 1,800 = 116.7%: R = (2,700 - 2,100) / 0.4 = 1,500.
        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);
        assertEq(repaid, 1_500e18, "R");
        assertEq(keeperUsdWad, 1_575e18, "R + half the penalty");
        assertEq(fund.reserves(), 75e6, "the fund's half");
        assertEq(exchange.signedMarginOf(accountId), 1_350e18, "3,000 - 1,650");
        (uint256 collateralUsdWad,, uint256 crWad) = lens.health(id);
        assertEq(collateralUsdWad, 945e18, "1,350 x 70%");
        assertEq(crWad, 3.15e18, "945 / 300");
    }
}
