// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * OracleHub's one definition of a trusted round, asked about the past: `lastTrustedPriceWad`
 * (the price shutdown freezes) and `firstTrustedPriceWadSince` (the price a dated market settles
 * at), and the circuit-breaker bound `setFeed` refuses.
 */

import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {OracleHub} from "../../contracts/oracle/OracleHub.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

/// @dev BTC at 60,000 (8 decimals), a one-hour heartbeat and a 50% circuit breaker.
contract OracleHubTrustedTest is Assertions {
    bytes32 internal constant BTC = "BTC";
    uint256 internal constant START = 1_750_000_000;

    OracleHub internal hub;
    MockAggregator internal feed;

    function setUp() public {
        VM.warp(START);
        hub = new OracleHub(address(this));
        feed = new MockAggregator(8, "BTC / USD", 60_000e8);
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 3600, 5000);
    }

    /* setFeed */

    function test_setFeed__boundOver10000Bps__reverts() public {
        VM.expectRevert(abi.encodeWithSelector(IOracleHub.OracleInvalidMaxDeviation.selector, uint16(10_001), 10_000));
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 3600, 10_001);
        // 100% is the largest bound a fall can reach: accepted.
        hub.setFeed(BTC, AggregatorV3Interface(address(feed)), 3600, 10_000);
        (,,, uint16 bound,) = hub.feeds(BTC);
        assertEq(bound, 10_000, "bound set");
    }

    /* lastTrustedPriceWad */

    function test_lastTrustedPriceWad__latestTrusted__isTheLatest() public {
        VM.warp(START + 10);
        uint80 round = feed.submit(61_000e8);
        _assertLast(61_000e18, round, START + 10);
    }

    function test_lastTrustedPriceWad__latestMerelyStale__isTheLatest() public {
        VM.warp(START + 2 hours);
        _assertLast(60_000e18, 1, START);
    }

    function test_lastTrustedPriceWad__glitchThenSilence__isTheRoundBefore() public {
        feed.submit(20_000e8); // -66%: frozen
        VM.warp(START + 2 hours); // and stale: still not trusted
        _assertLast(60_000e18, 1, START);
    }

    function test_lastTrustedPriceWad__twoJumps__isTheLastTrusted() public {
        VM.warp(START + 10);
        feed.submit(61_000e8);
        feed.submit(20_000e8);
        feed.submit(60_000e8); // jumps back from the glitch: frozen too
        _assertLast(61_000e18, 2, START + 10);
    }

    function test_lastTrustedPriceWad__acceptedJump__isTheJump() public {
        uint80 round = feed.submit(20_000e8);
        hub.acceptRound(BTC, round);
        _assertLast(20_000e18, round, START);
    }

    function test_lastTrustedPriceWad__noneInTheLast32Rounds__zero() public {
        // Alternating glitches: every round jumps 200% or 66% from the one before it.
        for (uint256 i; i < 16; ++i) {
            feed.submit(20_000e8);
            feed.submit(60_000e8);
        }
        _assertLast(0, 0, 0); // rounds 33 down to 2 looked at: round 1, trusted, is the 33rd
        feed.submit(20_000e8);
        _assertLast(0, 0, 0);
    }

    function test_lastTrustedPriceWad__32RoundsBack__found() public {
        for (uint256 i; i < 15; ++i) {
            feed.submit(20_000e8);
            feed.submit(60_000e8);
        }
        feed.submit(20_000e8); // 31 frozen rounds on round 1: it is the 32nd looked at
        _assertLast(60_000e18, 1, START);
    }

    function test_lastTrustedPriceWad__unknownOrEmpty__zero() public {
        (uint256 price,,) = hub.lastTrustedPriceWad("DOGE");
        assertEq(price, 0, "unknown asset");
        MockAggregator empty = new MockAggregator(8, "", 0);
        hub.setFeed("ETH", AggregatorV3Interface(address(empty)), 3600, 5000);
        (price,,) = hub.lastTrustedPriceWad("ETH");
        assertEq(price, 0, "no round");
    }

    /* firstTrustedPriceWadSince */

    function test_firstTrustedPriceWadSince__noRoundSince__zero() public {
        _assertFirst(START + 1, 0, 0, 0);
        VM.warp(START + 30 minutes);
        _assertFirst(START + 1, 0, 0, 0);
    }

    function test_firstTrustedPriceWadSince__manyRoundsLater__theFirstSince() public {
        uint256 expiry = START + 1 days;
        for (uint256 i = 1; i <= 24; ++i) {
            VM.warp(START + i * 1 hours - 1);
            feed.submit(int256(60_000e8 + i * 100e8)); // the 24th at expiry - 1
        }
        VM.warp(expiry + 5 minutes);
        feed.submit(63_000e8); // round 26: the first since expiry
        _assertFirst(expiry, 63_000e18, 26, expiry + 5 minutes);
        // Two days and 100 rounds later: the same round.
        for (uint256 i = 1; i <= 100; ++i) {
            VM.warp(expiry + 5 minutes + i * 30 minutes);
            feed.submit(int256(63_000e8 + i * 50e8));
        }
        _assertFirst(expiry, 63_000e18, 26, expiry + 5 minutes);
        _assertFirst(expiry + 5 minutes, 63_000e18, 26, expiry + 5 minutes); // at the expiry itself
        _assertFirst(expiry + 5 minutes + 1, 63_050e18, 27, expiry + 35 minutes);
    }

    function test_firstTrustedPriceWadSince__firstRoundRefused__theNextTrusted() public {
        uint256 expiry = START + 1 hours;
        VM.warp(expiry);
        feed.submit(20_000e8); // round 2 at expiry: -66%, the breaker refuses it
        VM.warp(expiry + 10 minutes);
        feed.submit(60_000e8); // round 3: +200% from the glitch, refused too
        VM.warp(expiry + 20 minutes);
        feed.submit(60_500e8); // round 4: within the bound of round 3, trusted
        VM.warp(expiry + 30 minutes);
        feed.submit(61_000e8);
        _assertFirst(expiry, 60_500e18, 4, expiry + 20 minutes);
    }

    function test_firstTrustedPriceWadSince__firstRoundAccepted__itCounts() public {
        uint256 expiry = START + 1 hours;
        VM.warp(expiry);
        uint80 round = feed.submit(20_000e8);
        hub.acceptRound(BTC, round);
        VM.warp(expiry + 10 minutes);
        feed.submit(20_100e8);
        _assertFirst(expiry, 20_000e18, round, expiry);
    }

    function test_firstTrustedPriceWadSince__incompleteOrNonPositive__passedOver() public {
        uint256 expiry = START + 1 hours;
        VM.warp(expiry + 1);
        feed.submit(0); // round 2: non-positive
        feed.setRoundData(3, 61_000e8, expiry + 1, expiry + 1, 2); // carried over
        VM.warp(expiry + 2);
        feed.submit(61_000e8); // round 4: within the bound of round 3, which gives the reference
        _assertFirst(expiry, 61_000e18, 4, expiry + 2);
    }

    function test_firstTrustedPriceWadSince__unknownAsset__zero() public view {
        (uint256 price,,) = hub.firstTrustedPriceWadSince("DOGE", START);
        assertEq(price, 0, "unknown asset");
    }

    function _assertLast(uint256 price, uint80 roundId, uint256 updatedAt) internal view {
        (uint256 p, uint80 r, uint256 u) = hub.lastTrustedPriceWad(BTC);
        assertEq(p, price, "price");
        assertEq(r, roundId, "round");
        assertEq(u, updatedAt, "updatedAt");
    }

    function _assertFirst(uint256 since, uint256 price, uint80 roundId, uint256 updatedAt) internal view {
        (uint256 p, uint80 r, uint256 u) = hub.firstTrustedPriceWadSince(BTC, since);
        assertEq(p, price, "price");
        assertEq(r, roundId, "round");
        assertEq(u, updatedAt, "updatedAt");
    }
}
