// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The global settlement's paths that need an exact state: shutdown's walk back to the last
 * trusted round, settlement followed by redemption (a share of each asset, alike in any order),
 * and the second review's redemption attacks replayed. (Moved from EngineBranches with the
 * settlement itself.)
 */

import {IGlobalSettlement} from "../../interfaces/liquidation/IGlobalSettlement.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {GlobalSettlement} from "../../contracts/liquidation/GlobalSettlement.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract GlobalSettlementBranchesTest is SystemFixture {
    function test_constructor__zeroVault__reverts() public {
        VM.expectRevert(IGlobalSettlement.GlobalSettlementZeroAddress.selector);
        new GlobalSettlement(address(this), IVault(address(0)));
    }

    /* SHUTDOWN: THE LAST TRUSTED PRICE */

    function test_shutdown__latestRoundNonPositive__freezesTheRoundBefore() public {
        btcFeed.submit(0);
        settlement.shutdown();
        assertEq(settlement.frozenPriceWad("BTC"), 60_000e18, "BTC frozen at the last positive round");
        assertEq(settlement.frozenPriceWad("USD"), 1e18, "USD frozen");
        assertEq(settlement.shutdownAt(), START, "shut down");
        VM.expectRevert(abi.encodeWithSelector(IGlobalSettlement.GlobalSettlementShutDown.selector, START));
        settlement.shutdown();
    }

    function test_shutdown__acceptedJumpGoneStale__freezesIt() public {
        uint80 round = btcFeed.submit(25_000e8);
        oracle.acceptRound("BTC", round);
        VM.warp(START + 2 hours);
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad("BTC");
        assertEq(uint256(status), uint256(IOracleHub.PriceStatus.Stale), "stale");
        settlement.shutdown();
        assertEq(settlement.frozenPriceWad("BTC"), 25_000e18, "the accepted round");
        assertEq(settlement.frozenPriceWad("XAU"), 2_400e18, "XAU: its only round, stale");
    }

    function test_shutdown__roundBeforeMissing__trustsTheLatest() public {
        // A new phase: round 5 with nothing at 2-4, so no reference to judge a jump by.
        btcFeed.setRoundData(5, 59_000e8, block.timestamp, block.timestamp, 5);
        assertEq(oracle.priceWad("BTC"), 59_000e18, "the hub takes it");
        VM.warp(START + 2 hours);
        settlement.shutdown();
        assertEq(settlement.frozenPriceWad("BTC"), 59_000e18, "the latest round");
    }

    function test_shutdown__noTrustedRound__reverts() public {
        MockAggregator empty = new MockAggregator(8, "", 0);
        oracle.setFeed("NONE", AggregatorV3Interface(address(empty)), 3600, 5000);
        SyntheticToken sNone = new SyntheticToken("None", "sNONE", "NONE", address(this));
        vault.listSynth(sNone, _params(0, 1_000e18, 1e18));

        VM.expectRevert(
            abi.encodeWithSelector(
                IGlobalSettlement.GlobalSettlementNoTrustedPrice.selector,
                bytes32("NONE"),
                IOracleHub.PriceStatus.Incomplete
            )
        );
        settlement.shutdown();
        assertEq(settlement.frozenPriceWad("BTC"), 0, "nothing frozen");
    }

    /* SETTLEMENT AND REDEMPTION */

    function test_redeem__afterSettlement__paysAShareOfEachAsset() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 100_000e6, 1e18, 20_000e18);
        uint256 b = _spotPosition(BOB, sUSD, 1e8, 30_000e18);
        settlement.shutdown();

        VM.startPrank(ALICE);
        VM.expectRevert(IGlobalSettlement.GlobalSettlementZeroAmount.selector);
        settlement.redeem(sUSD, 0);
        VM.expectRevert(
            abi.encodeWithSelector(IGlobalSettlement.GlobalSettlementRedemptionNotOpen.selector, sUSD, START + 7 days)
        );
        settlement.redeem(sUSD, 1e18);
        VM.stopPrank();

        assertEq(settlement.settle(a), 20_000e18, "futures position settled");
        assertEq(settlement.settle(b), 30_000e18, "spot position settled");
        (uint256 stable, uint256 spot, uint256 settled) = settlement.reserves(sUSD);
        assertEq(stable, 20_000e6, "stablecoin set aside");
        assertEq(spot, 0.5e8, "spot set aside at the frozen 60,000");
        assertEq(settled, 50_000e18, "debt settled");

        // Every position settled: redemption opens at once. Each claim gets its share of each
        // asset: 20,000 of 50,000 is 2/5, then 30,000 of the 30,000 left takes the rest.
        VM.prank(ALICE);
        (uint256 stableOut, uint256 spotOut) = settlement.redeem(sUSD, 20_000e18);
        assertEq(stableOut, 8_000e6, "alice: stablecoin");
        assertEq(spotOut, 0.2e8, "alice: spot");
        VM.prank(BOB);
        (stableOut, spotOut) = settlement.redeem(sUSD, 30_000e18);
        assertEq(stableOut, 12_000e6, "bob: stablecoin");
        assertEq(spotOut, 0.3e8, "bob: spot");
        assertEq(usdc.balanceOf(ALICE), 8_000e6, "alice paid");
        assertEq(wbtc.balanceOf(BOB), 0.3e8, "bob paid");
        assertEq(sUSD.totalSupply(), 0, "all redeemed");
        (stable, spot, settled) = settlement.reserves(sUSD);
        assertEq(stable + spot, 0, "reserve empty");
    }

    /// @dev Second review, point 5: 12,000 USDC and 0.2 BTC set aside for 24,000 sUSD, BTC
    ///      halved live after shutdown. Paying stablecoin first gave the first claim 12,000 USDC
    ///      and the second 0.2 BTC, worth half as much; each claim now gets half of each asset,
    ///      in either order, and the settlement ends empty.
    function test_redeem__twoEqualClaims__samePayoutInEitherOrder() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 100_000e6, 0, 12_000e18);
        uint256 b = _spotPosition(BOB, sUSD, 1e8, 12_000e18);
        settlement.shutdown();
        settlement.settle(a);
        settlement.settle(b);
        _setPrice(btcFeed, "BTC", 30_000e8);

        uint256 before = VM.snapshotState();
        (uint256 aliceStable, uint256 aliceSpot) = _redeem(ALICE, 12_000e18);
        (uint256 bobStable, uint256 bobSpot) = _redeem(BOB, 12_000e18);
        _assertReserveEmpty();
        VM.revertToState(before);
        (uint256 bobStable2, uint256 bobSpot2) = _redeem(BOB, 12_000e18);
        (uint256 aliceStable2, uint256 aliceSpot2) = _redeem(ALICE, 12_000e18);
        _assertReserveEmpty();

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
    ///      the later one, capped at its frozen value, left the other half in the reserve for good.
    ///      Now a claim is priced on the supply the reserve backs, and the later settlement backs
    ///      the later claim.
    function test_redeem__afterThePeriodBeforeASettlement__nothingStranded() public {
        (uint256 a,) = _futuresPosition(ALICE, sUSD, 100_000e6, 0, 12_000e18);
        uint256 b = _spotPosition(BOB, sUSD, 1e8, 12_000e18);
        settlement.shutdown();
        settlement.settle(a);
        VM.warp(START + 7 days);

        VM.prank(BOB);
        VM.expectRevert(
            abi.encodeWithSelector(
                IGlobalSettlement.GlobalSettlementRedemptionExceedsBacked.selector, sUSD, 12_000e18 + 1, 12_000e18
            )
        );
        settlement.redeem(sUSD, 12_000e18 + 1);
        (uint256 aliceStable, uint256 aliceSpot) = _redeem(ALICE, 12_000e18);
        assertEq(aliceStable, 12_000e6, "alice: the whole frozen value");
        assertEq(aliceSpot, 0, "alice: no spot set aside yet");

        settlement.settle(b);
        (uint256 bobStable, uint256 bobSpot) = _redeem(BOB, 12_000e18);
        assertEq(bobStable, 0, "bob: no stablecoin left");
        assertEq(bobSpot, 0.2e8, "bob: what his settlement set aside");
        _assertReserveEmpty();
    }

    function _redeem(address who, uint256 amount) private returns (uint256 stableOut, uint256 spotOut) {
        VM.prank(who);
        (stableOut, spotOut) = settlement.redeem(sUSD, amount);
    }

    function _assertReserveEmpty() private view {
        (uint256 stable, uint256 spot,) = settlement.reserves(sUSD);
        assertEq(stable + spot, 0, "reserve empty");
        assertEq(
            usdc.balanceOf(address(settlement)) + wbtc.balanceOf(address(settlement)), 0, "settlement holds nothing"
        );
        assertEq(sUSD.totalSupply(), 0, "all redeemed");
    }
}
