// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The liquidation engine's paths that need an exact state: its settings' guards, `repayQuote`,
 * a keeper repaying less than the target, spot paying all that is due, the whole-debt rule at the
 * minimum debt, the keeper's minimum output, a batch with several penalties for the fund, the
 * wei-close CR that the exchange's own equity decides, shutdown's walk back to the last trusted
 * round, settlement followed by redemption (a share of each asset, alike in any order), and the
 * attacks of the reviews replayed.
 */

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IInsuranceFund} from "../../interfaces/liquidation/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
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
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidKeeperShare.selector, WAD + 1, WAD));
        new LiquidationEngine(address(this), vault, fund, WAD + 1, 1e18);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidCloseFactor.selector, 0, WAD));
        new LiquidationEngine(address(this), vault, fund, 0.5e18, 0);
    }

    function test_setters__sameOrOutOfRange__revert() public {
        VM.expectRevert(ILiquidationEngine.LiquidationEngineAlreadySet.selector);
        engine.setKeeperShare(0.5e18);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidKeeperShare.selector, WAD + 1, WAD));
        engine.setKeeperShare(WAD + 1);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineAlreadySet.selector);
        engine.setCloseFactor(1e18);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidCloseFactor.selector, 0, WAD));
        engine.setCloseFactor(0);
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInvalidCloseFactor.selector, WAD + 1, WAD));
        engine.setCloseFactor(WAD + 1);
        assertEq(engine.keeperShareWad(), 0.5e18, "keeper share unchanged");
        assertEq(engine.closeFactorWad(), 1e18, "close factor unchanged");

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
        VM.expectRevert(abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineRepayTooSmall.selector, id, 100e18, 150e18));
        engine.liquidate(id, 100e18, 0);
        assertEq(_debt(id), 150e18, "debt unchanged");
        assertEq(sUSD.balanceOf(KEEPER), 150e18, "keeper's synth unchanged");
    }

    /// @dev With the whole penalty to the keeper the fund is due nothing, so spot worth exactly
    ///      the keeper's due pays the liquidation and the locked account is not touched.
    function test_liquidate__smallerRepayPaidBySpot__leavesAccount() public {
        engine.setKeeperShare(1e18);
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 1_000e6, 0, 0);
        wbtc.mint(ALICE, 1e8);
        VM.startPrank(ALICE);
        vault.addSpot(id, 1e8);
        vault.mint(id, 40_000e18);
        VM.stopPrank();
        _arm(sUSD, 9_000e18);
        _setPrice(btcFeed, "BTC", 45_000e8);
        (uint256 target,) = engine.repayQuote(id);
        assertEq(target, 35_000e18, "target");

        // 9,000 repaid (under the target) plus the 10% penalty: 9,900, 0.22 BTC at 45,000 exactly.
        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineInsufficientOutput.selector, 9_900e18, 9_900e18 + 1)
        );
        engine.liquidate(id, 9_000e18, 9_900e18 + 1);
        assertEq(_debt(id), 40_000e18, "debt unchanged by the refused liquidation");

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
        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(IFuturesExchange.ExchangeWithdrawalExceedsMargin.selector, accountId, 1e12, int256(0))
        );
        exchange.withdrawMargin(accountId, 1, ALICE);
        assertEq(usdc.balanceOf(ALICE), 0, "alice took nothing back");
        assertEq(sUSD.balanceOf(ALICE), 4_500e18, "alice keeps only the synth she minted");
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

    /* SHUTDOWN: THE LAST TRUSTED PRICE */

    function test_shutdown__latestRoundNonPositive__freezesTheRoundBefore() public {
        btcFeed.submit(0);
        engine.shutdown();
        assertEq(engine.frozenPriceWad("BTC"), 60_000e18, "BTC frozen at the last positive round");
        assertEq(engine.frozenPriceWad("USD"), 1e18, "USD frozen");
        assertEq(engine.shutdownAt(), START, "shut down");
        VM.expectRevert(ILiquidationEngine.LiquidationEngineShutDown.selector);
        engine.shutdown();
    }

    function test_shutdown__acceptedJumpGoneStale__freezesIt() public {
        uint80 round = btcFeed.submit(25_000e8);
        oracle.acceptRound("BTC", round);
        VM.warp(START + 2 hours);
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad("BTC");
        assertEq(uint256(status), uint256(IOracleHub.PriceStatus.Stale), "stale");
        engine.shutdown();
        assertEq(engine.frozenPriceWad("BTC"), 25_000e18, "the accepted round");
        assertEq(engine.frozenPriceWad("XAU"), 2_400e18, "XAU: its only round, stale");
    }

    function test_shutdown__roundBeforeMissing__trustsTheLatest() public {
        // A new phase: round 5 with nothing at 2-4, so no reference to judge a jump by.
        btcFeed.setRoundData(5, 59_000e8, block.timestamp, block.timestamp, 5);
        assertEq(oracle.priceWad("BTC"), 59_000e18, "the hub takes it");
        VM.warp(START + 2 hours);
        engine.shutdown();
        assertEq(engine.frozenPriceWad("BTC"), 59_000e18, "the latest round");
    }

    function test_shutdown__noTrustedRound__reverts() public {
        MockAggregator empty = new MockAggregator(8, "", 0);
        oracle.setFeed("NONE", AggregatorV3Interface(address(empty)), 3600, 5000);
        SyntheticToken sNone = new SyntheticToken("None", "sNONE", "NONE", address(this));
        vault.listSynth(sNone, _params(0, 1_000e18, 1e18));

        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineNoTrustedPrice.selector, bytes32("NONE"), IOracleHub.PriceStatus.Incomplete
            )
        );
        engine.shutdown();
        assertEq(engine.shutdownAt(), 0, "not shut down");
        assertTrue(!vault.isShutdown(), "vault not shut down");
        assertEq(engine.frozenPriceWad("BTC"), 0, "nothing frozen");
    }

    /* SETTLEMENT AND REDEMPTION */

    function test_redeem__afterSettlement__paysAShareOfEachAsset() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 100_000e6, 1e18, 20_000e18);
        uint256 b = _spotPosition(BOB, sUSD, 1e8, 30_000e18);
        engine.shutdown();

        VM.startPrank(ALICE);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineZeroAmount.selector);
        engine.redeem(sUSD, 0);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineRedemptionNotOpen.selector, sUSD, START + 7 days)
        );
        engine.redeem(sUSD, 1e18);
        VM.stopPrank();

        assertEq(engine.settle(a), 20_000e18, "futures position settled");
        assertEq(engine.settle(b), 30_000e18, "spot position settled");
        (uint256 stable, uint256 spot, uint256 settled) = engine.reserves(sUSD);
        assertEq(stable, 20_000e6, "stablecoin set aside");
        assertEq(spot, 0.5e8, "spot set aside at the frozen 60,000");
        assertEq(settled, 50_000e18, "debt settled");

        // Every position settled: redemption opens at once. Each claim gets its share of each
        // asset: 20,000 of 50,000 is 2/5, then 30,000 of the 30,000 left takes the rest.
        VM.prank(ALICE);
        (uint256 stableOut, uint256 spotOut) = engine.redeem(sUSD, 20_000e18);
        assertEq(stableOut, 8_000e6, "alice: stablecoin");
        assertEq(spotOut, 0.2e8, "alice: spot");
        VM.prank(BOB);
        (stableOut, spotOut) = engine.redeem(sUSD, 30_000e18);
        assertEq(stableOut, 12_000e6, "bob: stablecoin");
        assertEq(spotOut, 0.3e8, "bob: spot");
        assertEq(usdc.balanceOf(ALICE), 8_000e6, "alice paid");
        assertEq(wbtc.balanceOf(BOB), 0.3e8, "bob paid");
        assertEq(sUSD.totalSupply(), 0, "all redeemed");
        (stable, spot, settled) = engine.reserves(sUSD);
        assertEq(stable + spot, 0, "reserve empty");
    }

    /// @dev Second review, point 5: 12,000 USDC and 0.2 BTC set aside for 24,000 sUSD, BTC
    ///      halved live after shutdown. Paying stablecoin first gave the first claim 12,000 USDC
    ///      and the second 0.2 BTC, worth half as much; each claim now gets half of each asset,
    ///      in either order, and the engine ends empty.
    function test_redeem__twoEqualClaims__samePayoutInEitherOrder() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 100_000e6, 0, 12_000e18);
        uint256 b = _spotPosition(BOB, sUSD, 1e8, 12_000e18);
        engine.shutdown();
        engine.settle(a);
        engine.settle(b);
        _setPrice(btcFeed, "BTC", 30_000e8);

        uint256 before = VM.snapshotState();
        (uint256 aliceStable, uint256 aliceSpot) = _redeem(ALICE, 12_000e18);
        (uint256 bobStable, uint256 bobSpot) = _redeem(BOB, 12_000e18);
        _assertEngineEmpty();
        VM.revertToState(before);
        (uint256 bobStable2, uint256 bobSpot2) = _redeem(BOB, 12_000e18);
        (uint256 aliceStable2, uint256 aliceSpot2) = _redeem(ALICE, 12_000e18);
        _assertEngineEmpty();

        assertEq(aliceStable, 6_000e6, "alice first: half the stablecoin");
        assertEq(aliceSpot, 0.1e8, "alice first: half the spot");
        assertEq(bobStable, 6_000e6, "bob second: the same");
        assertEq(bobSpot, 0.1e8, "bob second: the same spot");
        assertEq(bobStable2, bobStable, "bob first: as second");
        assertEq(bobSpot2, bobSpot, "bob first: spot as second");
        assertEq(aliceStable2, aliceStable, "alice second: as first");
        assertEq(aliceSpot2, aliceSpot, "alice second: spot as first");
    }

    /// @dev Second review, point 5: after the settlement period, with one of the two positions
    ///      still unsettled. Priced on the whole supply, the early claim got half its value and
    ///      the later one, capped at its frozen value, left the other half in the engine for good.
    ///      Now a claim is priced on the supply the reserve backs, and the later settlement backs
    ///      the later claim.
    function test_redeem__afterThePeriodBeforeASettlement__nothingStranded() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 100_000e6, 0, 12_000e18);
        uint256 b = _spotPosition(BOB, sUSD, 1e8, 12_000e18);
        engine.shutdown();
        engine.settle(a);
        VM.warp(START + 7 days);

        VM.prank(BOB);
        VM.expectRevert(
            abi.encodeWithSelector(
                ILiquidationEngine.LiquidationEngineRedemptionExceedsBacked.selector, sUSD, 12_000e18 + 1, 12_000e18
            )
        );
        engine.redeem(sUSD, 12_000e18 + 1);
        (uint256 aliceStable, uint256 aliceSpot) = _redeem(ALICE, 12_000e18);
        assertEq(aliceStable, 12_000e6, "alice: the whole frozen value");
        assertEq(aliceSpot, 0, "alice: no spot set aside yet");

        engine.settle(b);
        (uint256 bobStable, uint256 bobSpot) = _redeem(BOB, 12_000e18);
        assertEq(bobStable, 0, "bob: no stablecoin left");
        assertEq(bobSpot, 0.2e8, "bob: what his settlement set aside");
        _assertEngineEmpty();
    }

    function _redeem(address who, uint256 amount) private returns (uint256 stableOut, uint256 spotOut) {
        VM.prank(who);
        (stableOut, spotOut) = engine.redeem(sUSD, amount);
    }

    function _assertEngineEmpty() private view {
        (uint256 stable, uint256 spot,) = engine.reserves(sUSD);
        assertEq(stable + spot, 0, "reserve empty");
        assertEq(usdc.balanceOf(address(engine)) + wbtc.balanceOf(address(engine)), 0, "engine holds nothing");
        assertEq(sUSD.totalSupply(), 0, "all redeemed");
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
