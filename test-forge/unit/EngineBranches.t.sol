// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The liquidation engine's paths that need an exact state: its settings' guards, `repayQuote`,
 * a keeper repaying less than the target, spot paying all that is due, the whole-debt rule at the
 * minimum debt, the keeper's minimum output, a batch with several penalties for the fund, the
 * wei-close CR that the exchange's own equity decides, no liquidation after shutdown, and the
 * attacks of the reviews replayed. (Shutdown, settlement and redemption: GlobalSettlementBranches.)
 */

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IInsuranceFund} from "../../interfaces/liquidation/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract EngineBranchesTest is SystemFixture {
    /* SETTINGS */

    function test_constructor__badArguments__revert() public {
        VM.expectRevert(ILiquidationEngine.LiquidationEngineZeroAddress.selector);
        new LiquidationEngine(address(this), IVault(address(0)), fund, 0.5e18, 1e18);
        InsuranceFund btcFund = new InsuranceFund(wbtc, address(this));
        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineFundAssetMismatch.selector, address(wbtc), address(usdc)
            )
        );
        new LiquidationEngine(address(this), vault, btcFund, 0.5e18, 1e18);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidKeeperShare.selector, WAD + 1, WAD)
        );
        new LiquidationEngine(address(this), vault, fund, WAD + 1, 1e18);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidCloseFactor.selector, 0, WAD));
        new LiquidationEngine(address(this), vault, fund, 0.5e18, 0);
    }

    function test_setters__sameOrOutOfRange__revert() public {
        VM.expectRevert(ILiquidationEngine.LiquidationEngineAlreadySet.selector);
        engine.setKeeperShare(0.5e18);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidKeeperShare.selector, WAD + 1, WAD)
        );
        engine.setKeeperShare(WAD + 1);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineAlreadySet.selector);
        engine.setCloseFactor(1e18);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidCloseFactor.selector, 0, WAD));
        engine.setCloseFactor(0);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidCloseFactor.selector, WAD + 1, WAD)
        );
        engine.setCloseFactor(WAD + 1);

        engine.setCloseFactor(0.25e18);
        assertEq(engine.closeFactorWad(), 0.25e18, "close factor set");
    }

    /* LIQUIDATION */

    function test_liquidate__zeroOrUnknown__reverts() public {
        VM.prank(KEEPER);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineZeroAmount.selector);
        engine.liquidate(1, 0, 0);
        VM.prank(KEEPER);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineUnknownPosition.selector, 999));
        engine.liquidate(999, 1e18, 0);
    }

    function test_repayQuote__unknownHealthyAndUnder() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        (uint256 repay, bool whole) = engine.repayQuote(999);
        assertEq(repay, 0, "unknown: nothing");
        assertTrue(!whole, "unknown: not whole");
        (repay, whole) = engine.repayQuote(id);
        assertEq(repay, 0, "healthy: nothing");
        assertTrue(!whole, "healthy: not whole");

        _setPrice(btcFeed, "BTC", 45_000e8);
        // CR 1.125: (1.5 x 40,000 - 45,000) / (1.5 - 1 - 0.1) = 37,500 restores the minting ratio.
        (repay, whole) = engine.repayQuote(id);
        assertEq(repay, 37_500e18, "repay to the minting ratio");
        assertTrue(!whole, "partial");
    }

    function test_liquidate__targetLeavesUnderMinDebt__mustRepayWhole() public {
        // 150 sUSD against 0.004 BTC: at 43,000 the CR is 1.147, restorable, but the 132.5 that
        // would restore it leaves 17.5, under the minimum of 100.
        uint256 id = _spotPosition(ALICE, sUSD, 400_000, 150e18);
        _arm(sUSD, 150e18);
        _setPrice(btcFeed, "BTC", 43_000e8);
        (uint256 repay, bool whole) = engine.repayQuote(id);
        assertEq(repay, 150e18, "the whole debt");
        assertTrue(whole, "whole");

        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineRepayTooSmall.selector, id, 100e18, 150e18)
        );
        engine.liquidate(id, 100e18, 0);
    }

    /// @dev With the whole penalty to the keeper the fund is due nothing, so spot worth exactly
    ///      the keeper's due pays the liquidation and the locked account is not touched.
    function test_liquidate__smallerRepayPaidBySpot__leavesAccount() public {
        engine.setKeeperShare(1e18);
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 1_000e6, 0, 0);
        _addSpotAndMint(ALICE, id, 1e8, 40_000e18);
        _arm(sUSD, 9_000e18);
        _setPrice(btcFeed, "BTC", 45_000e8);
        (uint256 target,) = engine.repayQuote(id);
        assertEq(target, 35_000e18, "target");

        // 9,000 repaid (under the target) plus the 10% penalty: 9,900, 0.22 BTC at 45,000 exactly.
        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineInsufficientOutput.selector, 9_900e18, 9_900e18 + 1
            )
        );
        engine.liquidate(id, 9_000e18, 9_900e18 + 1);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsd) = engine.liquidate(id, 9_000e18, 9_900e18);
        assertEq(repaid, 9_000e18, "repaid what the keeper offered");
        assertEq(keeperUsd, 9_900e18, "keeper's value");
        assertEq(wbtc.balanceOf(KEEPER), 0.22e8, "keeper's spot");
        assertEq(vault.position(id).spotAmount, 0.78e8, "spot left");
        assertEq(_debt(id), 31_000e18, "debt left");
        assertEq(exchange.marginOf(accountId), 1_000e18, "account untouched");
        assertEq(fund.reserves(), 0, "fund due nothing");
        assertEq(sUSD.balanceOf(KEEPER), 0, "keeper's synth burned");
    }

    function test_liquidateMany__twoPenalties__oneTransferToTheFund() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 20_000e6, 1e18, 13_000e18);
        (uint256 b,) = _futuresPosition(BOB, sUSD, 20_000e6, 1e18, 13_000e18);
        _arm(sUSD, 30_000e18);
        _setPrice(btcFeed, "BTC", 55_000e8);

        // What each would give alone, then the batch (with an unknown position passed over).
        uint256 before = VM.snapshotState();
        VM.startPrank(KEEPER);
        (, uint256 keeperUsdA) = engine.liquidate(a, type(uint256).max, 0);
        uint256 fundA = fund.reserves();
        (, uint256 keeperUsdB) = engine.liquidate(b, type(uint256).max, 0);
        VM.stopPrank();
        uint256 fundAB = fund.reserves();
        uint256 keeperStable = usdc.balanceOf(KEEPER);
        assertTrue(fundA != 0 && fundAB > fundA, "each paid the fund");
        VM.revertToState(before);

        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (a, 999, b);
        VM.prank(KEEPER);
        (uint256 liquidated, uint256 keeperUsd) = engine.liquidateMany(ids, 0);
        assertEq(liquidated, 2, "two liquidated");
        assertEq(keeperUsd, keeperUsdA + keeperUsdB, "keeper's value");
        assertEq(fund.reserves(), fundAB, "the fund's penalties");
        assertEq(usdc.balanceOf(KEEPER), keeperStable, "keeper's stablecoin");
    }

    /* ATTACKS */

    /// @dev First review, attack 4: a 10x long gapped 12% under water. The liquidation writes the
    ///      whole debt off; before the fix it left the account open with its long, so the owner
    ///      unlocked it (no debt, no check), kept the synth, and took the margin back after a
    ///      rebound. Now every position is closed and whatever margin is left is taken.
    function test_liquidate__underWaterAccountWrittenOff__closesEverythingAndTakesTheMargin() public {
        // A 10x long owing 64% of its margin: minted with no shock (the owner may set one later).
        _withoutShocks();
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 7_000e6, 1e18, 4_500e18);
        _arm(sUSD, 4_500e18);
        _setPrice(btcFeed, "BTC", 52_800e8);
        assertTrue(exchange.equity(accountId) < 0, "under water");

        VM.prank(KEEPER);
        (uint256 repaid,) = engine.liquidate(id, type(uint256).max, 0);
        assertEq(repaid, 0, "nothing recovered: the keeper burns nothing");
        assertEq(_debt(id), 0, "the debt written off");
        assertEq(exchange.positions(accountId).length, 0, "every futures position closed");
        assertEq(exchange.signedMarginOf(accountId), 0, "no margin left (the loss past it written off by the exchange)");

        // The owner's later moves gain nothing: unlock, rebound, withdraw.
        VM.prank(ALICE);
        vault.unlock(id);
        _setPrice(btcFeed, "BTC", 60_000e8);
        assertEq(exchange.equity(accountId), 0, "nothing to rebound");
        assertEq(usdc.balanceOf(ALICE), 0, "alice took nothing back");
        assertEq(sUSD.balanceOf(ALICE), 4_500e18, "alice keeps only the synth she minted");
        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesExchange.ExchangeWithdrawalExceedsMargin.selector, accountId, 1e12, int256(0)
            )
        );
        exchange.withdrawMargin(accountId, 1, ALICE);
    }

    /// @dev A CR within two wei of the liquidation ratio: the snapshot counts the account at the
    ///      exchange's own `closeValue`, to the wei, so the quote is the lens's CR's.
    function test_repayQuote__crWithinWeiOfRatio__closeValueDecides() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 50_000e6, 1e18, 30_000e18);
        VM.prank(ALICE);
        vault.trade(id, ETH_PERP, 10e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 42_000e8);

        // Burn down to the debt D with C / D just under 1.2 and (C + 2 wei) / D at or over it.
        uint256 collateral = vault.liquidationSnapshot(id).collateralUsdWad;
        uint256 target = (collateral + 2) * 10 / 12;
        VM.prank(ALICE);
        vault.burn(id, 30_000e18 - target);
        assertEq(uint256(exchange.closeValue(accountId)), collateral, "the snapshot counts the close value");
        (,, uint256 cr) = lens.health(id);
        assertTrue(cr < 1.2e18 && (collateral + 2) * WAD / target >= 1.2e18, "within two wei of the ratio");

        (uint256 repay, bool whole) = engine.repayQuote(id);
        uint256 expected = ((target * 15 + 9) / 10 - collateral) * WAD;
        expected = expected / 0.4e18 + (expected % 0.4e18 == 0 ? 0 : 1);
        assertEq(repay, expected, "repay to the minting ratio");
        assertTrue(!whole, "partial");
    }

    /* THE LEAST KEEPER BONUS */

    function test_setMinKeeperBonus__ownerOnlyUpToAThousand() public {
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        engine.setMinKeeperBonus(150e18);
        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineInvalidMinKeeperBonus.selector, 1_000e18 + 1, 1_000e18
            )
        );
        engine.setMinKeeperBonus(1_000e18 + 1);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineAlreadySet.selector);
        engine.setMinKeeperBonus(0);
        engine.setMinKeeperBonus(1_000e18);
        assertEq(engine.minKeeperBonusUsdWad(), 1_000e18, "set, at the most");
        assertEq(engine.keeperShareWad(), 0.5e18, "the slot's other settings kept");
        assertEq(engine.closeFactorWad(), 1e18, "the slot's other settings kept");
    }

    /// @dev A least bonus of 150, and 1 BTC of spot owing 40,000 sUSD gapped to 38,000 (95%), the
    ///      keeper holding the debt: the gapped position of the two tests below.
    function _gappedUnder100() internal returns (uint256 id) {
        engine.setMinKeeperBonus(150e18);
        id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        _arm(sUSD, 40_000e18);
        _setPrice(btcFeed, "BTC", 38_000e8);
    }

    /// @dev 1 BTC owing 40,000 sUSD gaps to 38,000 (95%): the fund pays the 2,000 short of the
    ///      repaid value, then the keeper's least bonus, min(150, 40,000 x 10% x 50% = 2,000).
    function test_liquidate__gappedUnder100__fundTopsTheKeeperUpToItsLeastBonus() public {
        usdc.mint(address(this), 10_000e6);
        usdc.approve(address(fund), 10_000e6);
        fund.deposit(10_000e6);
        uint256 id = _gappedUnder100();

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);
        assertEq(repaid, 40_000e18, "the whole debt");
        assertEq(keeperUsdWad, 40_150e18, "the repaid value and the least bonus");
        assertEq(usdc.balanceOf(KEEPER), 2_150e6, "the shortfall, then the bonus, from the fund");
        assertEq(fund.reserves(), 7_850e6, "the fund paid both");
    }

    /// @dev The same gap with an empty fund: the keeper burns only what the spot covers, and no
    ///      bonus is topped up (nothing to pay it with, and the repaid value comes first).
    function test_liquidate__gappedUnder100EmptyFund__noBonus() public {
        uint256 id = _gappedUnder100();

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);
        assertEq(repaid, 38_000e18, "only what the spot covers");
        assertEq(keeperUsdWad, 38_000e18, "the spot alone");
        assertEq(usdc.balanceOf(KEEPER), 0, "nothing from the fund");
    }

    /* AFTER SHUTDOWN */

    function test_liquidate__afterShutdown__reverts() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        settlement.shutdown();
        _setPrice(btcFeed, "BTC", 45_000e8);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineShutDown.selector);
        engine.liquidate(id, type(uint256).max, 0);
        uint256[] memory ids = new uint256[](1);
        ids[0] = id;
        VM.expectRevert(ILiquidationEngine.LiquidationEngineShutDown.selector);
        engine.liquidateMany(ids, 0);
    }

    /* THE FUND'S BATCH NOTICE */

    function test_notifyPenalties__lengthMismatch__reverts() public {
        uint256[] memory ids = new uint256[](2);
        uint256[] memory amounts = new uint256[](1);
        VM.prank(address(engine));
        VM.expectRevert(abi.encodeWithSelector(IInsuranceFund.InsuranceFundLengthMismatch.selector, 2, 1));
        fund.notifyPenalties(ids, amounts);
    }
}
