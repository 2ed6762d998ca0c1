// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The futures exchange's (and its pool's) paths that need an exact state: construction and
 * listing guards, margin guards, a deposit into an account that owes the pool, dated settlement
 * (before its price is ready, then fixed), a liquidation that settles an expired dated position,
 * the eight-market limit of an account, a profit the pool cannot pay in full, and the funding and
 * mark views.
 */

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {IFuturesExchange} from "../../interfaces/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/ILiquidityPool.sol";
import {IOracleHub} from "../../interfaces/IOracleHub.sol";
import {FuturesExchange} from "../../contracts/FuturesExchange.sol";
import {LiquidityPool} from "../../contracts/LiquidityPool.sol";
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
        assertEq(exchange.marketCount(), 3, "no market added");
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
        uint256 accountId = _account(ALICE, 13_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        _setPrice(btcFeed, "BTC", 40_000e8);
        // Closing most of it realises a loss beyond the margin; the rest stays open.
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -0.9e18, 0);
        int256 owed = exchange.signedMarginOf(accountId);
        assertTrue(owed < 0, "margin negative");
        assertEq(exchange.marginOf(accountId), 0, "no positive margin");
        uint256 debtUnits = uint256(-owed) / 1e12;

        uint256 poolBefore = pool.totalAssets();
        uint256 heldBefore = usdc.balanceOf(address(exchange));
        usdc.mint(BOB, 10_000e6);
        VM.prank(BOB);
        exchange.depositMargin(accountId, 10_000e6);
        assertEq(exchange.signedMarginOf(accountId), owed + 10_000e18, "margin");
        assertEq(pool.totalAssets(), poolBefore + debtUnits, "the pool took what was owed");
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
        uint256 poolBefore = pool.totalAssets();
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, -1e18, 0);
        assertEq(pool.totalAssets(), 0, "the pool paid all it held");
        assertEq(exchange.signedMarginOf(accountId), marginBefore + int256(poolBefore * 1e12), "credited what was paid");
        assertEq(exchange.totalMarginWad(), usdc.balanceOf(address(exchange)) * 1e12, "solvent");
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

    /* POOL */

    function test_pool__payOverAssets__reverts() public {
        // The deployer is the pool's exchange.
        ILiquidityPool own = new LiquidityPool(usdc);
        usdc.mint(address(own), 5e6);
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolInsufficientAssets.selector, 6e6, 5e6));
        own.pay(address(this), 6e6);
        own.pay(ALICE, 5e6);
        assertEq(usdc.balanceOf(ALICE), 5e6, "paid");
        assertEq(own.totalAssets(), 0, "empty");
    }
}
