// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub's market hours and second source, branch by branch: the weekly clock (a session
 * within the week and one across its end), the last close for each use, a fallback for each
 * fault of the primary, two sources disagreeing for each use, and the owner's checks. Prices and
 * moments are written out by hand (a 24/7 BTC at $60,000 and an S&P 500 at $5,500 open Monday
 * 00:00 to Friday 22:00 UTC); the Ape suite walks the same rules from a user's side.
 */

import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {OracleHub} from "../../contracts/oracle/OracleHub.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

contract OracleHubMarketsTest is Assertions {
    bytes32 internal constant BTC = "BTC";
    bytes32 internal constant SPX = "SPX";
    /// @dev Monday 16 June 2025, 00:00 UTC.
    uint256 internal constant MONDAY = 1_750_032_000;
    uint256 internal constant FRIDAY_CLOSE = MONDAY + 4 days + 22 hours;
    uint256 internal constant NEXT_MONDAY = MONDAY + 7 days;
    uint16 internal constant FRIDAY_22H = 4 * 1440 + 22 * 60; // 7,080
    uint16 internal constant SUNDAY_23H = 6 * 1440 + 23 * 60; // 10,020

    OracleHub internal hub;
    MockAggregator internal btcFeed;
    MockAggregator internal btcFallback;
    MockAggregator internal spxFeed;
    MockAggregator internal spxFallback;

    function setUp() public {
        VM.warp(FRIDAY_CLOSE - 1 hours);
        hub = new OracleHub(address(this));
        btcFeed = new MockAggregator(8, "BTC / USD", 60_000e8);
        hub.setFeed(BTC, AggregatorV3Interface(address(btcFeed)), 3600, 5000);
        // The fallback reports with 18 decimals: each source is scaled by its own.
        btcFallback = new MockAggregator(18, "BTC / USD (second)", 60_000e18);
        spxFeed = new MockAggregator(8, "S&P 500 / USD", 5_500e8);
        hub.setFeed(SPX, AggregatorV3Interface(address(spxFeed)), 86_400, 2000);
        hub.setSession(SPX, 0, FRIDAY_22H);
        spxFallback = new MockAggregator(8, "S&P 500 / USD (second)", 5_500e8);
    }

    /* MARKET HOURS */

    function test_session__fridayClose__closedUntilMonday() public {
        VM.warp(FRIDAY_CLOSE - 1);
        _assertSession(SPX, true, 0);
        VM.warp(FRIDAY_CLOSE);
        _assertSession(SPX, false, NEXT_MONDAY);
        VM.warp(NEXT_MONDAY - 1);
        _assertSession(SPX, false, NEXT_MONDAY);
        VM.warp(NEXT_MONDAY);
        _assertSession(SPX, true, 0);
        _assertSession(BTC, true, 0);
    }

    function test_session__acrossTheWeeksEnd__opensSundayEvening() public {
        hub.setSession(SPX, SUNDAY_23H, FRIDAY_22H);
        uint256 sundayOpen = MONDAY + 6 days + 23 hours;
        VM.warp(sundayOpen - 1);
        _assertSession(SPX, false, sundayOpen);
        VM.warp(sundayOpen);
        _assertSession(SPX, true, 0);
        VM.warp(NEXT_MONDAY + 2 days);
        _assertSession(SPX, true, 0);
        VM.warp(FRIDAY_CLOSE + 7 days);
        _assertSession(SPX, false, sundayOpen + 7 days);
    }

    function test_priceWadFor__marketClosed__onlyTheDebtSideTakesTheLastClose() public {
        uint256 closedAt = block.timestamp;
        // Sunday evening: 49 hours after the last round, fresh at the close (a 24-hour heartbeat).
        VM.warp(NEXT_MONDAY - 2 hours);
        assertEq(hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationDebt), 5_500e18, "last close");
        _assertPeekFor(
            SPX, IOracleHub.PriceUse.LiquidationDebt, 5_500e18, closedAt, IOracleHub.PriceStatus.MarketClosed, true
        );
        _assertPeekFor(SPX, IOracleHub.PriceUse.Minting, 5_500e18, closedAt, IOracleHub.PriceStatus.MarketClosed, false);
        (uint256 price, uint256 updatedAt, IOracleHub.PriceStatus status) = hub.peekPriceWad(SPX);
        assertEq(price, 5_500e18, "peek price");
        assertEq(updatedAt, closedAt, "peek updatedAt");
        assertEq(uint256(status), uint256(IOracleHub.PriceStatus.MarketClosed), "peek status");

        bytes memory closed = abi.encodeWithSelector(IOracleHub.OracleMarketClosed.selector, SPX, NEXT_MONDAY);
        VM.expectRevert(closed);
        hub.priceWadFor(SPX, IOracleHub.PriceUse.Minting);
        VM.expectRevert(closed);
        hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationCollateral);
        VM.expectRevert(closed);
        hub.priceWad(SPX);
    }

    function test_priceWadFor__lastCloseStaleAtTheClose__reverts() public {
        // A last round 25 hours before the close: stale then, so no last close.
        uint256 thursday = FRIDAY_CLOSE - 25 hours;
        spxFeed.setRoundData(2, 5_400e8, thursday, thursday, 2);
        VM.warp(FRIDAY_CLOSE + 1 days);
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleStalePrice.selector, SPX, thursday, 86_400, FRIDAY_CLOSE)
        );
        hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationDebt);
        _assertPeekFor(
            SPX, IOracleHub.PriceUse.LiquidationDebt, 5_400e18, thursday, IOracleHub.PriceStatus.Stale, false
        );
        // For minting, the closed market is the reason, whatever the last close.
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleMarketClosed.selector, SPX, NEXT_MONDAY));
        hub.priceWadFor(SPX, IOracleHub.PriceUse.Minting);
    }

    function test_reopen__gapBeyondTheBreaker__frozenAsAnyJump() public {
        uint256 fridayRound = block.timestamp;
        VM.warp(NEXT_MONDAY);
        // Open again, the Friday round is 27 hours old: stale now.
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleStalePrice.selector, SPX, fridayRound, 86_400, NEXT_MONDAY)
        );
        hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationDebt);
        // The opening round gaps 1,500 / 5,500 = 27.27…%, rounded up to 2,728 bps, over the 20% bound.
        spxFeed.submit(4_000e8);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleFrozen.selector, SPX, uint80(2), 2728, 2000));
        hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationDebt);
        hub.acceptRound(SPX, 2);
        assertEq(hub.priceWadFor(SPX, IOracleHub.PriceUse.Minting), 4_000e18, "accepted");
    }

    function test_marketClosed__primaryLastCloseStale__fallbacksLastClose() public {
        hub.setFallback(SPX, AggregatorV3Interface(address(spxFallback)), 86_400, 2000, 0);
        uint256 thursday = FRIDAY_CLOSE - 25 hours;
        spxFeed.setRoundData(2, 5_400e8, thursday, thursday, 2);
        uint256 fallbackAt = block.timestamp;
        VM.warp(FRIDAY_CLOSE + 1 days);
        assertEq(hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationDebt), 5_500e18, "fallback's last close");
        _assertPeekFor(
            SPX, IOracleHub.PriceUse.LiquidationDebt, 5_500e18, fallbackAt, IOracleHub.PriceStatus.MarketClosed, true
        );
    }

    function test_marketClosed__lastClosesDisagree__debtSideTakesTheHigher() public {
        hub.setFallback(SPX, AggregatorV3Interface(address(spxFallback)), 86_400, 2000, 100);
        spxFallback.submit(5_600e8);
        VM.warp(FRIDAY_CLOSE + 1 days);
        assertEq(hub.priceWadFor(SPX, IOracleHub.PriceUse.LiquidationDebt), 5_600e18, "the higher");
    }

    function test_setSession__invalid__reverts() public {
        uint256 week = 10_080;
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleInvalidSession.selector, uint16(0), uint16(10_080), week)
        );
        hub.setSession(SPX, 0, 10_080);
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleInvalidSession.selector, uint16(10_080), uint16(5), week)
        );
        hub.setSession(SPX, 10_080, 5);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleInvalidSession.selector, uint16(5), uint16(5), week));
        hub.setSession(SPX, 5, 5);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleAlreadySet.selector, SPX));
        hub.setSession(SPX, 0, FRIDAY_22H);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("DOGE")));
        hub.setSession("DOGE", 0, FRIDAY_22H);
        // Back to always open.
        hub.setSession(SPX, 0, 0);
        VM.warp(FRIDAY_CLOSE);
        assertEq(hub.priceWad(SPX), 5_500e18, "always open");
    }

    function test_setFeed__keepsTheSessionAndTheFallback() public {
        hub.setFallback(SPX, AggregatorV3Interface(address(spxFallback)), 86_400, 2000, 100);
        hub.setFeed(SPX, AggregatorV3Interface(address(spxFeed)), 3600, 2000);
        (uint16 opensAt, uint16 closesAt,,) = hub.session(SPX);
        assertEq(closesAt, FRIDAY_22H, "closes");
        assertEq(opensAt, 0, "opens");
        (AggregatorV3Interface aggregator,,,, uint16 maxDisagreementBps) = hub.fallbacks(SPX);
        assertEq(address(aggregator), address(spxFallback), "fallback");
        assertEq(maxDisagreementBps, 100, "bound");
    }

    /* SECOND SOURCE */

    function test_fallback__primaryFresh__pricesFromThePrimary() public {
        _setBtcFallback(100);
        btcFallback.submit(60_300e18);
        assertEq(hub.priceWad(BTC), 60_000e18, "primary");
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting), 60_000e18, "within the bound");
        _assertPeekFor(BTC, IOracleHub.PriceUse.Minting, 60_000e18, block.timestamp, IOracleHub.PriceStatus.Ok, true);
    }

    function test_fallback__primaryStale__pricesFromTheFallback() public {
        _setBtcFallback(100);
        VM.warp(block.timestamp + 3601);
        btcFallback.submit(59_000e18);
        assertEq(hub.priceWad(BTC), 59_000e18, "fallback");
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationCollateral), 59_000e18, "fallback for liquidation");
        _assertPeekFor(
            BTC, IOracleHub.PriceUse.Minting, 59_000e18, block.timestamp, IOracleHub.PriceStatus.Fallback, true
        );
        (uint256 price,, IOracleHub.PriceStatus status) = hub.peekPriceWad(BTC);
        assertEq(price, 59_000e18, "peek price");
        assertEq(uint256(status), uint256(IOracleHub.PriceStatus.Fallback), "peek status");
    }

    function test_fallback__primaryFrozen__pricesFromTheFallback() public {
        _setBtcFallback(100);
        btcFeed.submit(20_000e8);
        assertEq(hub.priceWad(BTC), 60_000e18, "fallback");
        _assertPeekFor(
            BTC, IOracleHub.PriceUse.Minting, 60_000e18, block.timestamp, IOracleHub.PriceStatus.Fallback, true
        );
    }

    function test_fallback__primaryNonPositive__pricesFromTheFallback() public {
        _setBtcFallback(100);
        btcFeed.submit(0);
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting), 60_000e18, "fallback");
    }

    function test_fallback__primaryIncomplete__pricesFromTheFallback() public {
        _setBtcFallback(100);
        btcFeed.setRoundData(2, 60_000e8, block.timestamp, block.timestamp, 1);
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationDebt), 60_000e18, "fallback");
    }

    function test_fallback__bothStale__revertsWithThePrimarysFacts() public {
        _setBtcFallback(100);
        uint256 updatedAt = block.timestamp;
        VM.warp(updatedAt + 3601);
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleStalePrice.selector, BTC, updatedAt, 3600, updatedAt + 3601)
        );
        hub.priceWad(BTC);
        _assertPeekFor(
            BTC, IOracleHub.PriceUse.LiquidationDebt, 60_000e18, updatedAt, IOracleHub.PriceStatus.Stale, false
        );
    }

    function test_fallback__sourcesDisagree__mintingStopsLiquidationTakesTheWorse() public {
        _setBtcFallback(100);
        // 1,000 / 60,000 = 1.666…%: 167 bps rounded up, over the 100 bps bound.
        btcFallback.submit(61_000e18);
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleSourcesDisagree.selector, BTC, 60_000e18, 61_000e18, 167, 100)
        );
        hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting);
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationDebt), 61_000e18, "debt: the higher");
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationCollateral), 60_000e18, "collateral: the lower");
        // The plain read does not look at a fallback it does not need.
        assertEq(hub.priceWad(BTC), 60_000e18, "primary");
        _assertPeekFor(
            BTC, IOracleHub.PriceUse.Minting, 60_000e18, block.timestamp, IOracleHub.PriceStatus.SourcesDisagree, false
        );
        _assertPeekFor(
            BTC,
            IOracleHub.PriceUse.LiquidationDebt,
            61_000e18,
            block.timestamp,
            IOracleHub.PriceStatus.SourcesDisagree,
            true
        );

        btcFallback.submit(59_000e18);
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationCollateral), 59_000e18, "collateral: the lower");
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationDebt), 60_000e18, "debt: the higher");
    }

    function test_fallback__disagreementAtTheBound__agrees() public {
        _setBtcFallback(100);
        btcFallback.submit(60_600e18); // exactly 100 bps
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting), 60_000e18, "at the bound");
        btcFallback.submit(60_600e18 + 1); // 1 wei past: 101 bps rounded up
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleSourcesDisagree.selector, BTC, 60_000e18, 60_600e18 + 1, 101, 100)
        );
        hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting);
    }

    function test_fallback__noBound__noCrossCheck() public {
        _setBtcFallback(0);
        btcFallback.submit(90_000e18);
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting), 60_000e18, "primary");
    }

    function test_fallback__fallbackUntrusted__noCrossCheck() public {
        _setBtcFallback(100);
        btcFallback.submit(10_000e18); // frozen by its own breaker: not a second opinion
        assertEq(hub.priceWadFor(BTC, IOracleHub.PriceUse.Minting), 60_000e18, "primary");
    }

    function test_syncSource__switchesAndBack__reportsEachChangeOnce() public {
        _setBtcFallback(100);
        assertTrue(!hub.syncSource(BTC), "primary, as recorded");
        VM.warp(block.timestamp + 3601);
        btcFallback.submit(60_000e18);
        assertTrue(hub.syncSource(BTC), "to the fallback");
        assertTrue(!hub.syncSource(BTC), "already recorded");
        btcFeed.submit(60_000e8);
        assertTrue(hub.syncSource(BTC), "back to the primary");
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("DOGE")));
        hub.syncSource("DOGE");
    }

    function test_setFallback__invalidOrUnchanged__reverts() public {
        AggregatorV3Interface second = AggregatorV3Interface(address(btcFallback));
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, bytes32("DOGE")));
        hub.setFallback("DOGE", second, 3600, 5000, 100);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleInvalidHeartbeat.selector, uint32(0)));
        hub.setFallback(BTC, second, 0, 5000, 100);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleInvalidMaxDeviation.selector, uint16(10_001), 10_000));
        hub.setFallback(BTC, second, 3600, 10_001, 100);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleInvalidMaxDeviation.selector, uint16(10_001), 10_000));
        hub.setFallback(BTC, second, 3600, 5000, 10_001);
        MockAggregator wide = new MockAggregator(19, "", 1);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnsupportedDecimals.selector, address(wide), uint8(19)));
        hub.setFallback(BTC, AggregatorV3Interface(address(wide)), 3600, 5000, 100);
        VM.expectRevert(IOracleHub.OracleZeroAddress.selector);
        hub.setFallback(BTC, AggregatorV3Interface(address(0)), 3600, 0, 0);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleAlreadySet.selector, BTC));
        hub.setFallback(BTC, AggregatorV3Interface(address(0)), 0, 0, 0);
        _setBtcFallback(100);
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleAlreadySet.selector, BTC));
        hub.setFallback(BTC, second, 3600, 5000, 100);
    }

    function test_setFallback__removed__primaryAloneAgain() public {
        _setBtcFallback(100);
        hub.setFallback(BTC, AggregatorV3Interface(address(0)), 0, 0, 0);
        uint256 updatedAt = block.timestamp;
        VM.warp(updatedAt + 3601);
        btcFallback.submit(60_000e18);
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleStalePrice.selector, BTC, updatedAt, 3600, updatedAt + 3601)
        );
        hub.priceWad(BTC);
    }

    function test_removeFeed__removesTheFallbackToo() public {
        _setBtcFallback(100);
        hub.removeFeed(BTC);
        (AggregatorV3Interface aggregator,,,,) = hub.fallbacks(BTC);
        assertEq(address(aggregator), address(0), "no fallback");
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleUnknownAsset.selector, BTC));
        hub.priceWadFor(BTC, IOracleHub.PriceUse.LiquidationDebt);
    }

    /* HELPERS */

    function _setBtcFallback(uint16 maxDisagreementBps) internal {
        hub.setFallback(BTC, AggregatorV3Interface(address(btcFallback)), 3600, 5000, maxDisagreementBps);
    }

    function _assertSession(bytes32 asset, bool open, uint256 reopensAt) internal view {
        (,, bool isOpen, uint256 reopens) = hub.session(asset);
        assertTrue(isOpen == open, "open");
        assertEq(reopens, reopensAt, "reopens at");
    }

    function _assertPeekFor(
        bytes32 asset,
        IOracleHub.PriceUse use,
        uint256 price,
        uint256 updatedAt,
        IOracleHub.PriceStatus status,
        bool usable
    ) internal view {
        (uint256 p, uint256 u, IOracleHub.PriceStatus s, bool ok) = hub.peekPriceWadFor(asset, use);
        assertEq(p, price, "price");
        assertEq(u, updatedAt, "updatedAt");
        assertEq(uint256(s), uint256(status), "status");
        assertTrue(ok == usable, "usable");
    }
}
