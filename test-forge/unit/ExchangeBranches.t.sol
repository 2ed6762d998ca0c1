// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The futures exchange's (and its pool's) paths that need an exact state: construction and
 * listing guards, margin guards, a deposit into an account that owes the pool, dated settlement
 * (before its price is ready, then fixed), a liquidation that settles an expired dated position,
 * the eight-market limit of an account, a profit the pool cannot pay in full, the funding and
 * mark views, `closeValue` against an independent mirror, the pool's mark of open PnL and its
 * cooldown (the just-in-time LP attack), the minimum liquidation reward the pool tops up, and
 * the minimum position that keeps an owner from farming it.
 */

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/venue/ILiquidityPool.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {FuturesExchange} from "../../contracts/venue/FuturesExchange.sol";
import {LiquidityPool} from "../../contracts/venue/LiquidityPool.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract ExchangeBranchesTest is SystemFixture {
    /* OWNER */

    function test_constructor__badArguments__revert() public {
        VM.expectRevert(IFuturesExchange.ExchangeZeroAddress.selector);
        new FuturesExchange(address(this), IOracleHub(address(0)), usdc, 0.005e18);
        VM.expectRevert(IFuturesExchange.ExchangeZeroAddress.selector);
        new FuturesExchange(address(this), oracle, IERC20Metadata(address(0)), 0.005e18);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeInvalidLiquidationReward.selector, 0.05e18 + 1));
        new FuturesExchange(address(this), oracle, usdc, 0.05e18 + 1);
    }

    function test_addMarket__unknownAssetOrPastExpiry__reverts() public {
        IFuturesExchange.MarketParams memory p = exchange.market(BTC_PERP).params;
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnknownAsset.selector, bytes32("DOGE")));
        exchange.addMarket("DOGE", 0, p);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeInvalidExpiry.selector, START, START));
        exchange.addMarket("BTC", uint40(START), p);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnknownMarket.selector, 4));
        exchange.market(4);
    }

    /* MARGIN */

    function test_margin__unknownAccountZeroOrNoRecipient__reverts() public {
        uint256 accountId = _account(ALICE, 1_000e6);
        VM.startPrank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnknownAccount.selector, 99));
        exchange.depositMargin(99, 1e6);
        VM.expectRevert(IFuturesExchange.ExchangeZeroAmount.selector);
        exchange.depositMargin(accountId, 0);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnknownAccount.selector, 99));
        exchange.withdrawMargin(99, 1e6, ALICE);
        VM.expectRevert(IFuturesExchange.ExchangeZeroAmount.selector);
        exchange.withdrawMargin(accountId, 0, ALICE);
        VM.expectRevert(IFuturesExchange.ExchangeZeroAddress.selector);
        exchange.withdrawMargin(accountId, 1e6, address(0));
        VM.stopPrank();
        assertEq(exchange.marginOf(accountId), 1_000e18, "margin unchanged");
        assertEq(exchange.totalMarginWad(), 1_000e18, "total unchanged");
    }

    function test_depositMargin__accountOwesThePool__poolPaidFirst() public {
        uint256 accountId = _indebtedAccount();
        int256 owed = exchange.signedMarginOf(accountId);
        assertTrue(owed < 0, "margin negative");
        assertEq(exchange.marginOf(accountId), 0, "no positive margin");
        uint256 debtUnits = uint256(-owed) / 1e12;

        assertEq(exchange.totalOwedWad(), uint256(-owed), "the pool counts the debt");
        uint256 poolBefore = pool.totalAssets();
        uint256 cashBefore = pool.cash();
        uint256 heldBefore = usdc.balanceOf(address(exchange));
        usdc.mint(BOB, 10_000e6);
        VM.prank(BOB);
        exchange.depositMargin(accountId, 10_000e6);
        assertEq(exchange.signedMarginOf(accountId), owed + 10_000e18, "margin");
        assertEq(pool.cash(), cashBefore + debtUnits, "the pool took what was owed");
        // (Before the pool counted the debt, its value rose by it here.)
        assertEq(pool.totalAssets(), poolBefore, "the debt was the pool's already: its value unchanged");
        assertEq(exchange.totalOwedWad(), 0, "no longer owed");
        assertEq(usdc.balanceOf(address(exchange)), heldBefore + 10_000e6 - debtUnits, "the exchange holds the rest");
        assertEq(exchange.totalMarginWad(), usdc.balanceOf(address(exchange)) * 1e12, "solvent");
    }

    /* TRADING */

    function test_trade__zeroSizeOrUnknownMarket__reverts() public {
        uint256 accountId = _account(ALICE, 10_000e6);
        VM.startPrank(ALICE);
        VM.expectRevert(IFuturesExchange.ExchangeZeroAmount.selector);
        exchange.trade(accountId, BTC_PERP, 0, 0);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnknownMarket.selector, 9));
        exchange.trade(accountId, 9, 1e18, type(uint256).max);
        VM.stopPrank();
        assertEq(exchange.positions(accountId).length, 0, "no position");
    }

    function test_trade__ninthMarket__reverts() public {
        IFuturesExchange.MarketParams memory p = exchange.market(BTC_PERP).params;
        for (uint256 i; i < 6; ++i) {
            exchange.addMarket(i % 2 == 0 ? bytes32("XAU") : bytes32("ETH"), 0, p);
        }
        uint256 accountId = _account(ALICE, 100_000e6);
        VM.startPrank(ALICE);
        for (uint256 marketId = 1; marketId <= 8; ++marketId) {
            exchange.trade(accountId, marketId, 0.01e18, type(uint256).max);
        }
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeTooManyPositions.selector, accountId, 8));
        exchange.trade(accountId, 9, 0.01e18, type(uint256).max);
        // A market already held still trades.
        exchange.trade(accountId, 8, 0.01e18, type(uint256).max);
        VM.stopPrank();
        assertEq(exchange.positions(accountId).length, 8, "eight positions");
        (int256 size,) = exchange.position(accountId, 9);
        assertEq(size, 0, "none in the ninth");
    }

    function test_trade__profitOverThePool__poolPaysWhatItHolds() public {
        // The LP takes out all but 1,000.
        pool.withdraw(999_000e6, address(this), address(this));
        uint256 accountId = _account(ALICE, 50_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 70_000e8);

        int256 marginBefore = exchange.signedMarginOf(accountId);
        // Its value is nil already (the profit marked in); its cash is what it can pay.
        assertEq(pool.totalAssets(), 0, "the pool is worth nothing");
        uint256 poolBefore = pool.cash();
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -1e18, 0);
        assertEq(pool.cash(), 0, "the pool paid all it held");
        assertEq(exchange.signedMarginOf(accountId), marginBefore + int256(poolBefore * 1e12), "credited what was paid");
        assertEq(exchange.totalMarginWad(), usdc.balanceOf(address(exchange)) * 1e12, "solvent");
    }

    /* MARK RELAYS */

    /// @dev One exchange, many vaults: each vault's adapter is a relay, and the marks one relay
    ///      passes in a transaction are never read for another's withdrawal. Relay ALICE passes a
    ///      mark twice the oracle's; relay BOB's withdrawal in the same transaction is still
    ///      checked at the oracle's price (read at ALICE's mark, its long would cover it).
    function test_withdrawMarginAtMarks__anotherRelaysMarks__notRead() public {
        exchange.setMarkRelay(ALICE, true);
        exchange.setMarkRelay(BOB, true);
        uint256 aliceAccount = _account(ALICE, 10_000e6);
        uint256 bobAccount = _account(BOB, 10_000e6);
        VM.prank(BOB);
        exchange.trade(bobAccount, BTC_PERP, 1e18, type(uint256).max);

        VM.prank(ALICE);
        exchange.tradeAtMark(aliceAccount, BTC_PERP, 0.1e18, type(uint256).max, 120_000e18);
        int256 equityWad = exchange.equity(bobAccount);
        // At the oracle's $60,000: 1 BTC needs $6,000 of initial margin, which $9,000 out breaks.
        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesExchange.ExchangeInsufficientMargin.selector, bobAccount, equityWad - 9_000e18, 6_000e18
            )
        );
        VM.prank(BOB);
        exchange.withdrawMarginAtMarks(bobAccount, 9_000e6, BOB);

        // Its own marks it reads: at $120,000, its long covers the $12,000 the same withdrawal needs.
        VM.prank(BOB);
        exchange.tradeAtMark(bobAccount, BTC_PERP, 0.001e18, type(uint256).max, 120_000e18);
        uint256 heldBefore = usdc.balanceOf(BOB);
        VM.prank(BOB);
        exchange.withdrawMarginAtMarks(bobAccount, 9_000e6, BOB);
        assertEq(usdc.balanceOf(BOB) - heldBefore, 9_000e6, "withdrawn at its own marks");
    }

    function test_setMarkRelay__zeroOrUnchanged__reverts() public {
        address adapter = address(vault.futuresCollateral());
        VM.expectRevert(IFuturesExchange.ExchangeZeroAddress.selector);
        exchange.setMarkRelay(address(0), true);
        VM.expectRevert(IFuturesExchange.ExchangeAlreadySet.selector);
        exchange.setMarkRelay(adapter, true);
        VM.expectRevert(IFuturesExchange.ExchangeAlreadySet.selector);
        exchange.setMarkRelay(ALICE, false);
    }

    /* DATED MARKETS */

    function test_settle__roundBeforeExpiryNotTheSettlementPrice() public {
        uint256 accountId = _account(ALICE, 20_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 1e18, type(uint256).max);
        (, uint256 entry) = exchange.position(accountId, BTC_DATED);

        // A round ten minutes before expiry is fresh after it, but is not the settlement price
        // (before the first round since expiry a position settles at the live mark, fixing
        // nothing: test-forge/unit/OracleHubDatedSettlement.t.sol).
        VM.warp(DATED_EXPIRY - 10 minutes);
        btcFeed.submit(60_000e8);
        VM.warp(DATED_EXPIRY + 1);

        btcFeed.submit(62_000e8);
        int256 marginBefore = exchange.signedMarginOf(accountId);
        int256 pnl = exchange.settle(accountId, BTC_DATED);
        // 1 BTC from the entry to 62,000, floored to whole stablecoin units.
        int256 exact = 62_000e18 - int256(entry);
        assertEq(pnl, exact - exact % 1e12, "realised PnL");
        assertEq(exchange.signedMarginOf(accountId), marginBefore + pnl, "credited");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 62_000e18, "settlement price");
        assertEq(exchange.markPrice(BTC_DATED), 62_000e18, "mark is the settlement price");
        assertEq(exchange.positions(accountId).length, 0, "position settled");
        assertEq(exchange.fundingOwed(accountId, BTC_DATED), 0, "nothing owed on no position");
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeNoPosition.selector, accountId, BTC_DATED));
        exchange.settle(accountId, BTC_DATED);
    }

    function test_liquidate__expiredDatedPosition__settledNotTraded() public {
        uint256 accountId = _account(ALICE, 7_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 1e18, type(uint256).max);
        VM.warp(DATED_EXPIRY + 1);
        // Under the 5% maintenance at 55,500 (equity about 2,466 against 2,775).
        btcFeed.submit(55_500e8);
        int256 equityBefore = exchange.equity(accountId);
        (, uint256 maintenance) = exchange.requirements(accountId);
        assertTrue(equityBefore < int256(maintenance), "unhealthy");

        VM.prank(KEEPER);
        uint256 reward = exchange.liquidate(accountId);
        // 0.5% of the 55,500 closed at the settlement price.
        assertEq(reward, 277.5e18, "reward");
        assertEq(usdc.balanceOf(KEEPER), 277.5e6, "liquidator paid");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 55_500e18, "settled at the oracle's price");
        assertEq(exchange.positions(accountId).length, 0, "closed");
        int256 left = exchange.signedMarginOf(accountId) + int256(reward);
        assertTrue(left <= equityBefore && equityBefore - left < 1e12, "settled without impact or fee");
    }

    /* THE LIQUIDATION PRICE (issue 12, second review, point 3) */

    /// @dev A jump the breaker refused is no price to liquidate at: the rule marks from the round
    ///      before it (60,000), moved against the long by the 5% maintenance fraction. At 57,000
    ///      the account is healthy; at the refused 24,000 it would have been wiped out.
    function test_liquidate__frozenMarket__markedAtTheRoundBeforeTheJump() public {
        uint256 accountId = _account(ALICE, 6_500e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        (, uint256 entryWad) = exchange.position(accountId, BTC_PERP);
        int256 marginWad = exchange.signedMarginOf(accountId);
        btcFeed.submit(24_000e8); // -60%: frozen
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad("BTC");
        assertTrue(status == IOracleHub.PriceStatus.Frozen, "frozen");

        // Mirror: margin + 1 × (57,000 − entry), floored; maintenance 57,000 × 5%.
        int256 equityWad = marginWad + (57_000e18 - int256(entryWad));
        VM.expectRevert(
            abi.encodeWithSelector(IFuturesExchange.ExchangeAccountHealthy.selector, accountId, equityWad, 2_850e18)
        );
        exchange.liquidate(accountId);
        // Every other path still refuses the price.
        VM.expectRevert(
            abi.encodeWithSelector(
                IOracleHub.OracleFrozen.selector, bytes32("BTC"), uint80(btcFeed.latestRound()), 6_000, 5_000
            )
        );
        exchange.equity(accountId);
    }

    /// @dev An expired dated short whose feed went quiet before expiry (no round since, so no
    ///      settlement price, and a stale live one): settled in the liquidation at the rule's
    ///      60,000 × 105% = 63,000, without impact or fee, fixing nothing.
    function test_liquidate__expiredDatedShortStaleBeforeItsRound__settledAtTheRulePrice() public {
        uint256 accountId = _account(ALICE, 6_100e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, -1e18, 0);
        (, uint256 entryWad) = exchange.position(accountId, BTC_DATED);
        int256 marginWad = exchange.signedMarginOf(accountId);
        VM.warp(DATED_EXPIRY + 1);

        VM.prank(KEEPER);
        uint256 reward = exchange.liquidate(accountId);
        // Realised −1 × (63,000 − entry), floored to a whole unit; 0.5% of 63,000 to the keeper.
        int256 realizedWad = -(63_000e18 - int256(entryWad));
        realizedWad -= (realizedWad % 1e12 + 1e12) % 1e12;
        assertEq(reward, 315e18, "reward");
        assertEq(exchange.signedMarginOf(accountId), marginWad + realizedWad - 315e18, "settled at 63,000");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 0, "nothing fixed");
        assertEq(exchange.positions(accountId).length, 0, "closed");
    }

    /* MINIMUM LIQUIDATION REWARD */

    function test_setMinLiquidationReward__ownerOnlyUpToAThousand() public {
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        exchange.setMinLiquidationReward(5e18);
        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesExchange.ExchangeInvalidMinLiquidationReward.selector, 1_000e18 + 1, 1_000e18
            )
        );
        exchange.setMinLiquidationReward(1_000e18 + 1);
        VM.expectRevert(IFuturesExchange.ExchangeAlreadySet.selector);
        exchange.setMinLiquidationReward(0);
        exchange.setMinLiquidationReward(5e18);
        assertEq(exchange.minLiquidationRewardWad(), 5e18, "set");
    }

    /* MINIMUM POSITION */

    function test_setMinPositionNotional__ownerOnlyKnownMarketUpToAMillion() public {
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        exchange.setMinPositionNotional(BTC_PERP, 200e18);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnknownMarket.selector, 9));
        exchange.setMinPositionNotional(9, 200e18);
        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesExchange.ExchangeInvalidMinPositionNotional.selector, BTC_PERP, 1_000_000e18 + 1, 1_000_000e18
            )
        );
        exchange.setMinPositionNotional(BTC_PERP, 1_000_000e18 + 1);
        VM.expectRevert(IFuturesExchange.ExchangeAlreadySet.selector);
        exchange.setMinPositionNotional(BTC_PERP, 0);

        exchange.setMinPositionNotional(BTC_PERP, 1_000_000e18);
        assertEq(exchange.minPositionNotionalWad(BTC_PERP), 1_000_000e18, "set, at the most");
        assertEq(exchange.minPositionNotionalWad(ETH_PERP), 0, "for that market only");
    }

    /// @dev Opening, reducing or flipping to under the minimum is refused; above it, or to none, passes.
    function test_trade__leavesLessThanTheMinimum__reverts() public {
        exchange.setMinPositionNotional(BTC_PERP, 200e18);
        uint256 accountId = _account(ALICE, 1_000e6);
        VM.startPrank(ALICE);
        // 0.003 BTC at 60,000: 180 USD.
        VM.expectRevert(
            abi.encodeWithSelector(IFuturesExchange.ExchangePositionTooSmall.selector, BTC_PERP, 180e18, 200e18)
        );
        exchange.trade(accountId, BTC_PERP, 0.003e18, type(uint256).max);
        exchange.trade(accountId, BTC_PERP, 0.004e18, type(uint256).max);
        VM.expectRevert(
            abi.encodeWithSelector(IFuturesExchange.ExchangePositionTooSmall.selector, BTC_PERP, 180e18, 200e18)
        );
        exchange.trade(accountId, BTC_PERP, -0.001e18, 0);
        VM.expectRevert(
            abi.encodeWithSelector(IFuturesExchange.ExchangePositionTooSmall.selector, BTC_PERP, 180e18, 200e18)
        );
        exchange.trade(accountId, BTC_PERP, -0.007e18, 0);
        VM.stopPrank();
        // Exactly the minimum passes (a wei more does not); so does closing all of it.
        exchange.setMinPositionNotional(BTC_PERP, 180e18 + 1);
        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(IFuturesExchange.ExchangePositionTooSmall.selector, BTC_PERP, 180e18, 180e18 + 1)
        );
        exchange.trade(accountId, BTC_PERP, -0.001e18, 0);
        exchange.setMinPositionNotional(BTC_PERP, 180e18);
        VM.startPrank(ALICE);
        exchange.trade(accountId, BTC_PERP, -0.001e18, 0);
        (int256 sizeWad,) = exchange.position(accountId, BTC_PERP);
        assertEq(sizeWad, 0.003e18, "180 USD: the least allowed");
        exchange.trade(accountId, BTC_PERP, -sizeWad, 0);
        VM.stopPrank();
        assertEq(exchange.positions(accountId).length, 0, "closed");
    }

    /// @dev A relay's trade at its mark (a liquidation's partial close) leaves any size.
    function test_tradeAtMark__underTheMinimum__passes() public {
        uint256 accountId = _account(ALICE, 1_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 0.004e18, type(uint256).max);
        exchange.setMinPositionNotional(BTC_PERP, 200e18);
        exchange.setMarkRelay(ALICE, true);
        VM.prank(ALICE);
        exchange.tradeAtMark(accountId, BTC_PERP, -0.003e18, 0, 60_000e18);
        (int256 sizeWad,) = exchange.position(accountId, BTC_PERP);
        assertEq(sizeWad, 0.001e18, "60 USD left");
    }

    /// @dev An account under water paid no reward, so no one closed it: now the pool pays the minimum.
    function test_liquidate__underWater__poolPaysTheMinimumReward() public {
        exchange.setMinLiquidationReward(10e18);
        uint256 accountId = _account(ALICE, 7_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 50_000e8);
        uint256 cashBefore = pool.cash();

        VM.prank(KEEPER);
        uint256 reward = exchange.liquidate(accountId);
        assertEq(reward, 10e18, "the minimum");
        assertEq(usdc.balanceOf(KEEPER), 10e6, "paid to the liquidator");
        assertEq(exchange.signedMarginOf(accountId), 0, "debt written off");
        assertEq(pool.cash(), cashBefore + 6_969.9982e6 - 10e6, "the pool took the margin and paid the reward");
        assertEq(exchange.totalMarginWad(), usdc.balanceOf(address(exchange)) * 1e12, "solvent");
    }

    function test_liquidate__marginLeftUnderTheMinimum__poolPaysTheRest() public {
        exchange.setMinLiquidationReward(1_000e18);
        uint256 accountId = _account(ALICE, 2_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 0.1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 42_000e8);
        // 1,996.999982 of margin; closing at 41,999.8236 realises -1,800.05364 and a 2.099992 fee.
        assertEq(exchange.closeValue(accountId), 194.84635e18, "margin left after the close");
        uint256 cashBefore = pool.cash();

        VM.prank(KEEPER);
        uint256 reward = exchange.liquidate(accountId);
        // 0.5% of the 4,200 closed is 21: the minimum, 1,000, applies.
        assertEq(reward, 1_000e18, "the minimum");
        assertEq(usdc.balanceOf(KEEPER), 1_000e6, "paid to the liquidator");
        assertEq(exchange.signedMarginOf(accountId), 0, "the margin paid what it had");
        assertEq(pool.cash(), cashBefore + 1_800.05364e6 + 2.099992e6 - 805.15365e6, "the pool paid the rest");
    }

    function test_liquidate__poolCashUnderTheMinimum__paysItsCash() public {
        exchange.setMinLiquidationReward(1_000e18);
        uint256 accountId = _account(ALICE, 100e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 0.01e18, type(uint256).max);
        // The LP takes all the cash (the trader's open loss is not cash).
        pool.withdraw(pool.maxWithdraw(address(this)), address(this), address(this));
        assertEq(pool.cash(), 0, "no cash");
        _setPrice(btcFeed, "BTC", 30_000e8);

        VM.prank(KEEPER);
        uint256 reward = exchange.liquidate(accountId);
        // Under water: the pool received the margin (100 less the 0.30000018 fee ceiled to 0.300001)
        // and paid it on.
        assertEq(reward, 99.699999e18, "what the pool held");
        assertEq(usdc.balanceOf(KEEPER), 99.699999e6, "paid to the liquidator");
        assertEq(pool.cash(), 0, "the pool paid all it held");
    }

    /* VIEWS */

    function test_fundingOwed__accruedAndNone() public {
        uint256 accountId = _account(ALICE, 20_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        exchange.setFundingRate(BTC_PERP, 1e10);
        VM.warp(START + 1 hours);
        _refresh();
        // 60,000 x 1e-8 a second x 3,600 seconds = 2.16 owed by the long.
        assertEq(exchange.fundingOwed(accountId, BTC_PERP), 2.16e18, "funding owed");
        assertEq(exchange.positions(accountId)[0].fundingOwedWad, 2.16e18, "as the positions report it");
        assertEq(exchange.fundingOwed(accountId, ETH_PERP), 0, "no position: nothing");
        assertEq(exchange.markPrice(BTC_PERP), 60_000e18, "a perp's mark is the oracle's");
    }

    /* CLOSE VALUE */

    function test_closeValue__twoMarketsWithFunding__equityLessImpactAndFee() public {
        uint256 accountId = _account(ALICE, 50_000e6);
        VM.startPrank(ALICE);
        exchange.trade(accountId, BTC_PERP, 2e18, type(uint256).max);
        exchange.trade(accountId, ETH_PERP, -10e18, 0);
        VM.stopPrank();
        exchange.setFundingRate(BTC_PERP, 1e10);
        VM.warp(START + 1 hours);
        _refresh();
        _setPrice(btcFeed, "BTC", 63_000e8);
        _setPrice(ethFeed, "ETH", 2_900e8);

        int256 value = exchange.closeValue(accountId);
        assertEq(value, _closeValueMirror(accountId), "as the mirror values it");
        // By hand: BTC 2 x (62,992.062 fill - 60,007.2 entry) - 4.536 funding (an hour at
        // 63,000 x 1e-8 a second) - 62.992062 fee; ETH -10 x (2,900.1682 - 2,999.82) - 14.500841.
        assertEq(value, exchange.signedMarginOf(accountId) + 5_902.195938e18 + 982.017159e18, "by hand");
        assertTrue(value < exchange.equity(accountId), "below equity");

        // Closing for real credits that, up to a unit a market (PnL and funding round apart).
        VM.startPrank(ALICE);
        exchange.trade(accountId, BTC_PERP, -2e18, 0);
        exchange.trade(accountId, ETH_PERP, 10e18, type(uint256).max);
        VM.stopPrank();
        int256 closed = exchange.signedMarginOf(accountId);
        assertTrue(closed >= value && closed - value <= 2e12, "a close credits it");
    }

    function test_closeValue__profitOverPoolCash__countedUpToTheCash() public {
        // The LP takes out all but 1,000; the open fee (30.0018) adds to it.
        pool.withdraw(999_000e6, address(this), address(this));
        uint256 accountId = _account(ALICE, 50_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 70_000e8);
        assertEq(usdc.balanceOf(address(pool)), 1_030.0018e6, "the pool's cash");

        int256 margin = 50_000e18 - 30.0018e18;
        assertEq(exchange.signedMarginOf(accountId), margin, "margin");
        assertTrue(_closeValueMirror(accountId) > margin + 1_030.0018e18, "profit over the cash");
        assertEq(exchange.closeValue(accountId), margin + 1_030.0018e18, "capped at the cash");
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -1e18, 0);
        assertEq(exchange.signedMarginOf(accountId), margin + 1_030.0018e18, "what the close credits");
    }

    function test_closeValue__debtRepaidFirst__onlyTheRestCapped() public {
        uint256 accountId = _indebtedAccount();
        int256 debt = exchange.signedMarginOf(accountId);
        assertTrue(debt < 0, "owes the pool");
        pool.withdraw(pool.maxWithdraw(address(this)) - 100e6, address(this), address(this));
        uint256 cash = usdc.balanceOf(address(pool));
        _setPrice(btcFeed, "BTC", 80_000e8);
        _setPrice(btcFeed, "BTC", 130_000e8);

        int256 uncapped = _closeValueMirror(accountId);
        assertTrue(uncapped > int256(cash * 1e12), "profit past the debt over the cash");
        assertEq(exchange.closeValue(accountId), int256(cash * 1e12), "the debt repaid, then the cash");
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -0.1e18, 0);
        assertEq(exchange.signedMarginOf(accountId), int256(cash * 1e12), "what the close credits");
    }

    function test_closeValue__expiredDated__atTheMarkWithoutImpact() public {
        uint256 accountId = _account(ALICE, 20_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_DATED, 1e18, type(uint256).max);
        (, uint256 entry) = exchange.position(accountId, BTC_DATED);
        VM.warp(DATED_EXPIRY + 1);
        btcFeed.submit(62_000e8);

        int256 pnl = 62_000e18 - int256(entry);
        assertEq(
            exchange.closeValue(accountId), exchange.signedMarginOf(accountId) + pnl - pnl % 1e12, "settled at the mark"
        );
    }

    /// @dev closeValue, from the public views: per position, the fill of closing it at the
    ///      market's impact, PnL at that fill less funding owed floored to a unit, less the fee
    ///      ceiled to a unit (sizes here are whole units, so no product rounds).
    function _closeValueMirror(uint256 accountId) internal view returns (int256 value) {
        IFuturesExchange.PositionView[] memory views = exchange.positions(accountId);
        for (uint256 i; i < views.length; ++i) {
            IFuturesExchange.PositionView memory v = views[i];
            IFuturesExchange.MarketParams memory params = exchange.market(v.marketId).params;
            uint256 absSize = v.sizeWad > 0 ? uint256(v.sizeWad) : uint256(-v.sizeWad);
            uint256 notional = _divUp(absSize * v.markPriceWad, WAD);
            uint256 impact = _divUp(uint256(params.impactWad) * notional, 1e24);
            if (impact > 0.1e18) impact = 0.1e18;
            uint256 fill =
                v.sizeWad > 0 ? v.markPriceWad * (WAD - impact) / WAD : _divUp(v.markPriceWad * (WAD + impact), WAD);
            uint256 fee = _divUp(_divUp(absSize * fill, WAD) * params.takerFeeWad, WAD);
            int256 pnl = v.sizeWad * (int256(fill) - int256(v.entryPriceWad)) / int256(WAD) - v.fundingOwedWad;
            int256 floored = pnl >= 0 ? pnl - pnl % 1e12 : pnl - (pnl % 1e12 == 0 ? int256(0) : 1e12 + pnl % 1e12);
            value += floored - int256(_divUp(fee, 1e12) * 1e12);
        }
        value += exchange.signedMarginOf(accountId);
    }

    /// @dev Alice's account long 1 BTC from 60,003.6 with 7,000 of margin, BTC at 55,500:
    ///      under its maintenance, 4,503.6 down.
    function _losingAccount() internal returns (uint256 accountId) {
        accountId = _account(ALICE, 7_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 55_500e8);
    }

    /// @dev Alice's account long 0.1 BTC from 60,000, owing the pool: BTC fell to 40,000 and
    ///      closing 0.9 of it realised a loss beyond its 13,000 margin.
    function _indebtedAccount() internal returns (uint256 accountId) {
        accountId = _account(ALICE, 13_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 40_000e8);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -0.9e18, 0);
    }

    function _divUp(uint256 a, uint256 b) private pure returns (uint256) {
        return a == 0 ? 0 : (a - 1) / b + 1;
    }

    /* POOL */

    /// @dev Attack 3 of the first review, "just-in-time LP": deposit, liquidate a losing account,
    ///      redeem, in one transaction. The pool valued only its cash, so the loss it realised
    ///      was shared with a depositor of a minute. Now it was in the share price already.
    function test_pool__jitDepositAroundLiquidation__attackerEarnsOnlyItsShareOfTheFees() public {
        uint256 accountId = _losingAccount();
        usdc.mint(BOB, 9_000_000e6);
        VM.startPrank(BOB);
        usdc.approve(address(pool), type(uint256).max);
        uint256 shares = pool.deposit(9_000_000e6, BOB);
        uint256 assetsBefore = pool.totalAssets();
        exchange.liquidate(accountId);
        // The pool took the 4,503.6 loss it had marked, and the close's impact (3.08025) and
        // fee (27.74846): only those moved its value.
        assertEq(pool.totalAssets(), assetsBefore + 3.08025e6 + 27.74846e6, "the loss was in the price");
        uint256 out = pool.redeem(shares, BOB, BOB);
        VM.stopPrank();
        // Bob's share of the impact and fee (9,000,000 / 10,004,533.6018 of 30.82871, rounded
        // down), not of the loss: he took 4,080.97 of it before.
        assertEq(out, 9_000_000e6 + 27.733265e6, "the attacker earns its share of the fees only");
    }

    function test_pool__jitDeposit__cannotExitBeforeTheCooldown() public {
        pool.setCooldown(24 hours);
        uint256 accountId = _losingAccount();
        usdc.mint(BOB, 9_000_000e6);
        VM.startPrank(BOB);
        usdc.approve(address(pool), type(uint256).max);
        uint256 shares = pool.deposit(9_000_000e6, BOB);
        exchange.liquidate(accountId);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolCooldown.selector, BOB, START + 24 hours));
        pool.redeem(shares, BOB, BOB);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolCooldown.selector, BOB, START + 24 hours));
        pool.withdraw(1e6, BOB, BOB);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolCooldown.selector, BOB, START + 24 hours));
        pool.transfer(ALICE, 1);
        assertEq(pool.maxWithdraw(BOB), 0, "nothing withdrawable");
        assertEq(pool.maxRedeem(BOB), 0, "nothing redeemable");
        VM.stopPrank();

        VM.warp(START + 24 hours);
        _refresh();
        VM.prank(BOB);
        assertEq(pool.redeem(shares, BOB, BOB), 9_000_000e6 + 27.733265e6, "the same share of the fees, a day later");
    }

    function test_pool__cooldown__locksOnlyNewShares() public {
        pool.setCooldown(1 hours);
        usdc.mint(BOB, 3_000e6);
        VM.startPrank(BOB);
        usdc.approve(address(pool), type(uint256).max);
        uint256 first = pool.deposit(1_000e6, BOB);
        VM.warp(START + 1 hours);
        // A gift to Bob, from Alice, locks the gift only: Bob's older shares stay free.
        VM.stopPrank();
        usdc.mint(ALICE, 2_000e6);
        VM.startPrank(ALICE);
        usdc.approve(address(pool), type(uint256).max);
        uint256 gift = pool.deposit(2_000e6, BOB);
        VM.stopPrank();
        (uint256 locked, uint256 unlocksAt) = pool.lockOf(BOB);
        assertEq(locked, gift, "the gift is locked");
        assertEq(unlocksAt, START + 2 hours, "for an hour");
        assertEq(pool.maxRedeem(BOB), first, "the rest is free");
        VM.startPrank(BOB);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolCooldown.selector, BOB, START + 2 hours));
        pool.redeem(first + 1, BOB, BOB);
        assertEq(pool.redeem(first, BOB, BOB), 1_000e6, "older shares leave");
        VM.stopPrank();
        VM.warp(START + 2 hours);
        (locked, unlocksAt) = pool.lockOf(BOB);
        assertEq(locked + unlocksAt, 0, "unlocked");
        VM.prank(BOB);
        pool.transfer(ALICE, gift);
        assertEq(pool.balanceOf(ALICE), gift, "transferable once unlocked");
    }

    /// @dev The griefing the final review found: a dust deposit naming a victim as receiver
    ///      restarted the victim's running lock, again and again for as long as the griefer
    ///      cared to (each time for the price of a wei). A deposit for someone else is now refused
    ///      while that someone's lock runs; the victim's shares leave when their own lock ends.
    function test_pool__dustDepositForAVictimWithARunningLock__refused() public {
        pool.setCooldown(24 hours);
        usdc.mint(BOB, 1_000e6);
        usdc.mint(ALICE, 1e6);
        VM.prank(ALICE);
        usdc.approve(address(pool), type(uint256).max);
        VM.startPrank(BOB);
        usdc.approve(address(pool), type(uint256).max);
        uint256 shares = pool.deposit(1_000e6, BOB);
        VM.stopPrank();

        VM.warp(START + 23 hours);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolLockRunning.selector, BOB, START + 24 hours));
        VM.prank(ALICE);
        pool.deposit(1, BOB);
        // The victim's own deposit still adds to its lock (and restarts it: its own choice).
        (uint256 locked, uint256 unlocksAt) = pool.lockOf(BOB);
        assertEq(locked, shares, "only the victim's shares locked");
        assertEq(unlocksAt, START + 24 hours, "its lock ends when it would have");

        VM.warp(START + 24 hours);
        VM.prank(BOB);
        assertEq(pool.redeem(shares, BOB, BOB), 1_000e6, "the victim leaves on time");
        // With no lock running, anyone may deposit for it again: the gift alone is locked.
        VM.prank(ALICE);
        uint256 gift = pool.deposit(1e6, BOB);
        (locked, unlocksAt) = pool.lockOf(BOB);
        assertEq(locked, gift, "the gift is locked");
        assertEq(unlocksAt, START + 48 hours, "for the cooldown");
    }

    function test_pool__setCooldown__onlyTheExchangeOwnerUpToAWeek() public {
        assertEq(pool.cooldown(), 0, "none at deployment");
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolUnauthorized.selector, ALICE));
        pool.setCooldown(1 hours);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidityPool.LiquidityPoolInvalidCooldown.selector, 7 days + 1, 7 days)
        );
        pool.setCooldown(7 days + 1);
        pool.setCooldown(7 days);
        assertEq(pool.cooldown(), 7 days, "set");
    }

    function test_pool__lossAndProfitRealised__sharePriceUnchanged() public {
        // No fee, no impact: a close moves the pool by the PnL it realises, nothing else.
        exchange.setMarketParams(BTC_PERP, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0, 0));
        uint256 longId = _account(ALICE, 10_000e6);
        uint256 shortId = _account(BOB, 10_000e6);
        VM.prank(ALICE);
        exchange.trade(longId, BTC_PERP, 1e18, type(uint256).max);
        VM.prank(BOB);
        exchange.trade(shortId, BTC_PERP, -0.5e18, 0);
        exchange.setFundingRate(BTC_PERP, 1e10);
        VM.warp(START + 1 hours);
        _refresh();
        _setPrice(btcFeed, "BTC", 57_123.456789e8);
        // Long 1 and short 0.5 from 60,000, an hour of funding at the new mark (2.056444444404 a
        // unit): the long is down 2,878.599655, the short up 1,439.299827, net 1,439.299827 down.
        assertEq(
            exchange.tradersOpenPnl(),
            (exchange.equity(longId) - 10_000e18) + (exchange.equity(shortId) - 10_000e18),
            "as equity values them"
        );
        uint256 assets = pool.totalAssets();
        assertEq(assets, 1_000_000e6 + 1_439.299827e6, "the traders' net loss marked in");

        VM.prank(ALICE);
        exchange.trade(longId, BTC_PERP, -1e18, 0);
        // The loss is paid rounded up to a whole unit (2,878.599656): the pool's value moves by
        // that rounding only, in its favour, here the last unit of its floor.
        assertEq(pool.totalAssets(), assets + 1, "a realised loss: no step but the rounding");
        VM.prank(BOB);
        exchange.trade(shortId, BTC_PERP, 0.5e18, type(uint256).max);
        // The profit is paid rounded down (1,439.299827, 0.722e-6 under its mark): one more
        // unit of the floor. Each close moves the value by under a unit, in the pool's favour.
        assertEq(pool.totalAssets(), assets + 2, "a realised profit: no step but the rounding");
        assertEq(exchange.tradersOpenPnl(), 0, "nothing open");
    }

    function test_pool__marketCannotBePriced__depositsAndRedeemsRevert() public {
        uint256 accountId = _account(ALICE, 10_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, ETH_PERP, 1e18, type(uint256).max);
        VM.warp(START + 2 hours);
        btcFeed.submit(60_000e8);
        bytes memory stale =
            abi.encodeWithSelector(IOracleHub.OracleStalePrice.selector, bytes32("ETH"), START, 3600, START + 2 hours);
        VM.expectRevert(stale);
        pool.totalAssets();
        VM.expectRevert(stale);
        pool.deposit(1e6, address(this));
        VM.expectRevert(stale);
        pool.redeem(1e18, address(this), address(this));
        // A market with no net open size needs no price (BTC's is fresh, XAU has no market).
        ethFeed.submit(3_000e8);
        // The 1.500009 fee, and the long's 0.018 loss (filled at 3,000.018).
        assertEq(pool.totalAssets(), 1_000_000e6 + 1.500009e6 + 0.018e6, "priced again");
    }

    function test_pool__payOverAssets__reverts() public {
        // The deployer is the pool's exchange.
        ILiquidityPool own = new LiquidityPool(usdc);
        usdc.mint(address(own), 5e6);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolInsufficientAssets.selector, 6e6, 5e6));
        own.pay(address(this), 6e6);
        own.pay(ALICE, 5e6);
        assertEq(usdc.balanceOf(ALICE), 5e6, "paid");
        assertEq(own.cash(), 0, "empty");
    }
}
