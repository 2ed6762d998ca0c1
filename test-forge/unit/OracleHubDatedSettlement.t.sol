// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * A dated market settles at a price the rules fix (the hub's first trusted round at or after
 * expiry, whoever settles and whenever), and an expired position can be closed before that round
 * comes (at the live mark, as a settlement of that one position): no waiting for a better price,
 * and no liquidation blackout after expiry.
 */

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

/// @dev The fixture: BTC at 60,000 with a 50% circuit breaker, BTC-DATED (market 3) expiring a
///      day after the start, 10% initial and 5% maintenance margin, a 0.5% liquidation reward.
contract OracleHubDatedSettlementTest is SystemFixture {
    /// @dev Alice's account, long 1 BTC-DATED, and its entry price.
    function _longDated(address who, uint256 margin) internal returns (uint256 accountId, uint256 entry) {
        accountId = _account(who, margin);
        VM.prank(who);
        exchange.trade(accountId, BTC_DATED, 1e18, type(uint256).max);
        (, entry) = exchange.position(accountId, BTC_DATED);
    }

    /// @dev PnL of 1 BTC long from `entry` to `price`, floored to whole stablecoin units (1e12 WAD).
    function _pnl(uint256 entry, uint256 price) internal pure returns (int256 pnl) {
        int256 exact = int256(price) - int256(entry);
        pnl = exact - exact % 1e12;
        if (exact % 1e12 < 0) pnl -= 1e12;
    }

    /* THE PRICE FIXED BY THE RULES */

    function test_settle__twoDaysAndManyRoundsLater__atTheFirstRoundSinceExpiry() public {
        (uint256 accountId, uint256 entry) = _longDated(ALICE, 20_000e6);
        VM.warp(DATED_EXPIRY + 5 minutes);
        btcFeed.submit(54_000e8); // the first round since expiry

        uint256 before = VM.snapshotState();
        int256 pnlAtOnce = exchange.settle(accountId, BTC_DATED);
        VM.revertToState(before);

        // Nobody settles; two days of rounds take BTC to 66,000.
        for (uint256 i = 1; i <= 96; ++i) {
            VM.warp(DATED_EXPIRY + 5 minutes + i * 30 minutes);
            btcFeed.submit(int256(54_000e8 + i * 125e8));
        }
        assertEq(oracle.priceWad("BTC"), 66_000e18, "live price");
        int256 marginBefore = exchange.signedMarginOf(accountId);
        VM.prank(ALICE);
        int256 pnlLater = exchange.settle(accountId, BTC_DATED);

        assertEq(pnlLater, pnlAtOnce, "the same whenever settled");
        assertEq(pnlLater, _pnl(entry, 54_000e18), "at the first round since expiry");
        assertEq(exchange.signedMarginOf(accountId), marginBefore + pnlLater, "credited");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 54_000e18, "settlement price");
        assertEq(exchange.markPrice(BTC_DATED), 54_000e18, "mark");
    }

    function test_markPrice__expiredWithTheFirstRoundSince__isItBeforeAnySettlement() public {
        (uint256 accountId, uint256 entry) = _longDated(ALICE, 20_000e6);
        VM.warp(DATED_EXPIRY + 5 minutes);
        btcFeed.submit(54_000e8);
        VM.warp(DATED_EXPIRY + 3 hours); // stale: the settlement price needs no fresh round
        assertEq(exchange.markPrice(BTC_DATED), 54_000e18, "mark");
        // 1 BTC: the margin plus 54,000 less the entry, exactly.
        int256 expected = exchange.signedMarginOf(accountId) + 54_000e18 - int256(entry);
        assertEq(exchange.equity(accountId), expected, "equity at it");
    }

    function test_settle__firstRoundSinceExpiryRefused__atTheNextTrustedRound() public {
        (uint256 accountId, uint256 entry) = _longDated(ALICE, 20_000e6);
        VM.warp(DATED_EXPIRY + 5 minutes);
        btcFeed.submit(20_000e8); // -66%: the breaker refuses it
        VM.warp(DATED_EXPIRY + 10 minutes);
        btcFeed.submit(60_000e8); // +200% from the glitch: refused too
        VM.warp(DATED_EXPIRY + 15 minutes);
        btcFeed.submit(60_500e8); // within the bound of the round before: the first trusted
        VM.warp(DATED_EXPIRY + 2 days);
        btcFeed.submit(66_000e8);

        int256 pnl = exchange.settle(accountId, BTC_DATED);

        assertEq(pnl, _pnl(entry, 60_500e18), "realised at the next trusted round");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 60_500e18, "settlement price");
    }

    /* NO BLACKOUT BEFORE THE FIRST ROUND SINCE EXPIRY */

    function test_settle__beforeTheFirstRoundSinceExpiry__atTheLiveMarkFixingNothing() public {
        (uint256 first, uint256 entry) = _longDated(ALICE, 20_000e6);
        (uint256 second, uint256 entry2) = _longDated(BOB, 20_000e6);
        VM.warp(DATED_EXPIRY - 10 minutes);
        btcFeed.submit(58_000e8);
        VM.warp(DATED_EXPIRY + 1); // the round from before expiry is still fresh

        // Only the holder may choose the live mark: no one can force it on them.
        VM.prank(KEEPER);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnauthorized.selector, first, KEEPER));
        exchange.settle(first, BTC_DATED);

        int256 marginBefore = exchange.signedMarginOf(first);
        VM.prank(ALICE);
        int256 pnl = exchange.settle(first, BTC_DATED);
        assertEq(pnl, _pnl(entry, 58_000e18), "at the live mark, without impact or fee");
        assertEq(exchange.signedMarginOf(first), marginBefore + pnl, "credited");
        assertEq(exchange.positions(first).length, 0, "closed");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 0, "nothing fixed");

        VM.warp(DATED_EXPIRY + 5 minutes);
        btcFeed.submit(62_000e8);
        VM.prank(KEEPER); // anyone, once the settlement price can be fixed
        assertEq(exchange.settle(second, BTC_DATED), _pnl(entry2, 62_000e18), "the rest at the first round since");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 62_000e18, "fixed");
    }

    function test_liquidate__expiredBeforeTheFirstRoundSinceExpiry__closedAtTheLiveMark() public {
        (uint256 accountId, uint256 entry) = _longDated(ALICE, 7_000e6);
        // Under the 5% maintenance at 55,500 (equity about 2,466 against 2,775), ten minutes
        // before expiry; no round comes after it.
        VM.warp(DATED_EXPIRY - 10 minutes);
        btcFeed.submit(55_500e8);
        VM.warp(DATED_EXPIRY + 1);
        int256 marginBefore = exchange.signedMarginOf(accountId);

        VM.prank(KEEPER);
        uint256 reward = exchange.liquidate(accountId);

        // 0.5% of the 55,500 closed at the live mark, without impact or fee.
        assertEq(reward, 277.5e18, "reward");
        assertEq(usdc.balanceOf(KEEPER), 277.5e6, "liquidator paid");
        assertEq(exchange.signedMarginOf(accountId), marginBefore + _pnl(entry, 55_500e18) - 277.5e18, "left");
        assertEq(exchange.positions(accountId).length, 0, "closed");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 0, "nothing fixed");
    }

    function test_liquidate__vaultPositionAt115PercentHoldingExpiredDated__liquidatedThroughTheEngine() public {
        // A 6x long owing 60% of its margin: minted with no shock (the owner may set one later).
        _withoutShocks();
        (uint256 id, uint256 accountId) = _futuresPosition(BOB, sUSD, 10_000e6, 0, 0);
        VM.startPrank(BOB);
        vault.trade(id, BTC_DATED, 1e18, type(uint256).max);
        vault.mint(id, 6_000e18);
        VM.stopPrank();
        (, uint256 entry) = exchange.position(accountId, BTC_DATED);
        _arm(sUSD, 6_000e18);

        // Equity 6,900 against a debt of about 6,000: 115%, from a round ten minutes before expiry.
        VM.warp(DATED_EXPIRY - 10 minutes);
        btcFeed.submit(int256((entry - 3_100e18) / 1e10));
        usdFeed.submit(1e8);
        VM.warp(DATED_EXPIRY + 1);
        uint256 cr = _cr(id);
        assertTrue(cr > 1.14e18 && cr < 1.15e18, "about 115%");

        (uint256 repay,) = engine.repayQuote(id);
        VM.prank(KEEPER);
        (uint256 repaid,) = engine.liquidate(id, repay, 0);

        assertEq(repaid, repay, "repaid");
        (int256 dated,) = exchange.position(accountId, BTC_DATED);
        assertEq(dated, 0, "the expired position settled");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 0, "at the live mark, nothing fixed");
        assertTrue(_cr(id) >= 1.5e18 || _debt(id) == 0, "restored");
    }
}
