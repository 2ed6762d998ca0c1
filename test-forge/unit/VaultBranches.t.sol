// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The vault's guards and views that the invariant campaign does not reach: zero amounts,
 * positions without an account, unknown synths and positions, the minimum debt on a partial
 * burn, the synth limit, the lens's `healthOf` and `uncollectedFees`, and the engine-only functions'
 * rejections (called with the test as the vault's engine, which the owner may name). Each
 * failure is checked by its exact error and that nothing moved.
 */

import {IFuturesCollateral} from "../../interfaces/collateral/IFuturesCollateral.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

/// @dev All `listSynth` reads of a synth: its asset id.
contract AssetStub {
    bytes32 public constant asset = "USD";
}

contract VaultBranchesTest is SystemFixture {
    /* OWNER */

    function test_listSynth__afterShutdown__reverts() public {
        settlement.shutdown();
        SyntheticToken late = new SyntheticToken("late", "sLATE", "USD", address(this));
        VM.expectRevert(IVault.VaultShutDown.selector);
        vault.listSynth(late, _params(0, 1_000e18, 1e18));
    }

    function test_listSynth__255Listed__reverts() public {
        for (uint256 i = vault.synths().length; i < 255; ++i) {
            vault.listSynth(ISyntheticToken(address(new AssetStub())), _params(0, 1_000e18, 1e18));
        }
        ISyntheticToken next = ISyntheticToken(address(new AssetStub()));
        VM.expectRevert(IVault.VaultTooManySynths.selector);
        vault.listSynth(next, _params(0, 1_000e18, 1e18));
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUnknownSynth.selector, next));
        vault.synthParams(next);
    }

    /* POSITIONS: GUARDS */

    function test_open__unknownSynth__reverts() public {
        ISyntheticToken unknown = ISyntheticToken(address(new AssetStub()));
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUnknownSynth.selector, unknown));
        vault.open(unknown);
    }

    function test_addSpot__unknownPositionOrZero__reverts() public {
        wbtc.mint(ALICE, 1e8);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUnknownPosition.selector, 42));
        vault.addSpot(42, 1e8);

        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 0);
        VM.prank(ALICE);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.addSpot(id, 0);
    }

    function test_removeSpot__zero__reverts() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 0);
        VM.prank(ALICE);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.removeSpot(id, 0, ALICE);
    }

    function test_mint__zero__reverts() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        VM.prank(ALICE);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.mint(id, 0);
    }

    function test_mint__underMinOverCeilingOrRatio__reverts() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 0);
        VM.startPrank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultDebtBelowMin.selector, id, 50e18, 100e18));
        vault.mint(id, 50e18);
        // 60,000 of spot at 150%: 40,000 at most.
        VM.expectRevert(
            abi.encodeWithSelector(
                IVault.VaultUndercollateralized.selector, id, uint256(60_000e18) * WAD / 40_001e18, 1.5e18
            )
        );
        vault.mint(id, 40_001e18);
        VM.stopPrank();
        vault.setSynthParams(sUSD, _params(0.02e18, 1_000e18, 100e18));
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultDebtCeilingExceeded.selector, sUSD, 1_001e18, 1_000e18));
        vault.mint(id, 1_001e18);
    }

    function test_accountActions__noAccount__revert() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        VM.startPrank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultNoAccount.selector, id));
        vault.unlock(id);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultNoAccount.selector, id));
        vault.trade(id, BTC_PERP, 1e18, type(uint256).max);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultNoAccount.selector, id));
        vault.withdrawMargin(id, 1e6, ALICE);
        VM.stopPrank();
        assertTrue(!vault.position(id).hasAccount, "still no account");
    }

    function test_withdrawMargin__zero__reverts() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 10_000e6, 0, 1_000e18);
        VM.prank(ALICE);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.withdrawMargin(id, 0, ALICE);
    }

    /* BURN */

    function test_burn__leavesUnderMinDebt__reverts() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        VM.prank(ALICE);
        // 50 left, under sUSD's minimum of 100.
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultDebtBelowMin.selector, id, 50e18, 100e18));
        vault.burn(id, 950e18);
    }

    function test_burn__zero__reverts() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        VM.prank(ALICE);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.burn(id, 0);
        uint256 empty = _spotPosition(BOB, sUSD, 1e8, 0);
        VM.prank(BOB);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.burn(empty, 1e18);
    }

    /* VIEWS */

    function test_uncollectedFees__afterAYear__isTheFeeThenCollected() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 10_000e18);
        assertEq(vault.uncollectedFees(sUSD), 0, "nothing owed yet");
        VM.warp(START + 365 days);
        // 2% a year on 10,000, compounded every second: the index is 1.020201340020285736
        // (e^0.02 to 1e-11; see VaultDebtIndex.t.sol), and 10,000 shares owe 202.0134... more.
        uint256 fee = 202.01340020285736e18;
        assertEq(vault.uncollectedFees(sUSD), fee, "a year's fee");
        assertEq(_debt(id), 10_000e18 + fee, "debt grew");
        (uint256 index, uint256 fees) = vault.accrue(sUSD);
        assertEq(index, 1.020201340020285736e18, "index");
        assertEq(fees, fee, "fees collected");
        assertEq(sUSD.balanceOf(FEES), fee, "recipient paid");
        assertEq(vault.uncollectedFees(sUSD), 0, "nothing left owed");
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUnknownSynth.selector, address(0xBAD)));
        vault.uncollectedFees(ISyntheticToken(address(0xBAD)));
    }

    function test_healthOf__mixedPositions__agreesWithHealth() public {
        uint256[] memory ids = _mixedPositions();
        VM.warp(START + 30 days);
        _refresh();

        IVaultLens.Health[] memory healths = lens.healthOf(ids);
        assertEq(healths.length, 6, "one health a position");
        for (uint256 i; i < ids.length; ++i) {
            if (ids[i] == 999) {
                _assertHealth(healths[i], 0, 0, type(uint256).max, IVaultLens.HealthStatus.UnknownPosition);
                continue;
            }
            (uint256 collateral, uint256 debtUsd, uint256 cr) = lens.health(ids[i]);
            _assertHealth(healths[i], collateral, debtUsd, cr, IVaultLens.HealthStatus.Ok);
        }
        assertTrue(healths[0].debtUsdWad > 10_000e18, "the fee accrued into the debt");
        assertEq(healths[3].crWad, type(uint256).max, "no debt: infinite CR");
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUnknownPosition.selector, 999));
        lens.health(999);
    }

    function test_healthOf__staleSynthFeed__flagsOnlyItsDebtorsUnpriceable() public {
        uint256[] memory ids = _mixedPositions();
        IVaultLens.Health[] memory healths = _healthOfWithStale(ids, xauFeed);
        // The gold debtor (ids[2]) cannot be valued, and its health reverts with the oracle's error.
        _assertHealth(healths[2], 0, 0, 0, IVaultLens.HealthStatus.Unpriceable);
        VM.expectRevert(
            abi.encodeWithSelector(IOracleHub.OracleStalePrice.selector, bytes32("XAU"), START, 3600, START + 2 hours)
        );
        lens.health(ids[2]);
        // The others, the gold position without debt included, are valued as `health` values them.
        for (uint256 i; i < ids.length; ++i) {
            if (i == 2 || ids[i] == 999) continue;
            (uint256 collateral, uint256 debtUsd, uint256 cr) = lens.health(ids[i]);
            _assertHealth(healths[i], collateral, debtUsd, cr, IVaultLens.HealthStatus.Ok);
        }
        assertEq(healths[0].collateralUsdWad, 60_000e18, "1 BTC at 60,000");
        assertEq(healths[3].collateralUsdWad, 6_000e18, "0.1 BTC at 60,000");
    }

    function test_healthOf__staleBtcFeed__spotUnpriceableAccountsAtTheRulePrice() public {
        uint256[] memory ids = _mixedPositions();
        IVaultLens.Health[] memory healths = _healthOfWithStale(ids, btcFeed);
        // Spot needs the BTC price. An account holding a BTC perp is valued at the liquidation
        // rule's price, as the engine would liquidate it (issue 12, second review, point 3): the
        // last trusted 60,000 moved against the holder by the 5% maintenance fraction.
        for (uint256 i; i < ids.length; ++i) {
            if (ids[i] == 999) {
                _assertHealth(healths[i], 0, 0, type(uint256).max, IVaultLens.HealthStatus.UnknownPosition);
            } else if (i != 2 && i != 5) {
                _assertHealth(healths[i], 0, 0, 0, IVaultLens.HealthStatus.Unpriceable);
            }
        }
        // Twins: the same accounts with BTC trusted at the rule's price (the long's 57,000, the
        // short's 63,000) are worth exactly what the stale price's rule values them at.
        uint256 stale = VM.snapshotState();
        btcFeed.submit(57_000e8);
        (uint256 collateral, uint256 debtUsd, uint256 cr) = lens.health(ids[2]);
        _assertHealth(healths[2], collateral, debtUsd, cr, IVaultLens.HealthStatus.Ok);
        VM.revertToState(stale);
        btcFeed.submit(63_000e8);
        (collateral, debtUsd, cr) = lens.health(ids[5]);
        _assertHealth(healths[5], collateral, debtUsd, cr, IVaultLens.HealthStatus.Ok);
        VM.revertToState(stale);
        assertTrue(healths[2].collateralUsdWad < 47_000e18, "the long lost 3,000 to the rule");
    }

    /// @dev Spot with debt, a second of the same synth, an account without spot, spot without
    ///      debt, an unknown id, an account without debt.
    function _mixedPositions() private returns (uint256[] memory ids) {
        ids = new uint256[](6);
        ids[0] = _spotPosition(ALICE, sUSD, 1e8, 10_000e18);
        ids[1] = _spotPosition(BOB, sUSD, 0.5e8, 5_000e18); // same synth: its price read once
        (ids[2],) = _futuresPosition(ALICE, sXAU, 50_000e6, 1e18, 5e18);
        ids[3] = _spotPosition(BOB, sXAU, 0.1e8, 0);
        ids[4] = 999;
        (ids[5],) = _futuresPosition(BOB, sUSD, 20_000e6, -1e18, 0);
    }

    /// @dev `healthOf(ids)` two hours on, every feed fresh again but `stale` (an hour past its heartbeat).
    function _healthOfWithStale(uint256[] memory ids, MockAggregator stale)
        private
        returns (IVaultLens.Health[] memory)
    {
        VM.warp(START + 2 hours);
        MockAggregator[4] memory feeds = [btcFeed, ethFeed, xauFeed, usdFeed];
        for (uint256 i; i < feeds.length; ++i) {
            if (feeds[i] != stale) feeds[i].submit(feeds[i].latestAnswer());
        }
        return lens.healthOf(ids);
    }

    function _assertHealth(
        IVaultLens.Health memory h,
        uint256 collateral,
        uint256 debtUsd,
        uint256 cr,
        IVaultLens.HealthStatus status
    ) private pure {
        assertEq(h.collateralUsdWad, collateral, "collateral");
        assertEq(h.debtUsdWad, debtUsd, "debt value");
        assertEq(h.crWad, cr, "CR");
        assertEq(uint256(h.status), uint256(status), "status");
    }

    /* ENGINE- AND SETTLEMENT-ONLY */

    function test_engineFunctions__otherCaller__revert() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        bytes memory notEngine = abi.encodeWithSelector(IVault.VaultNotLiquidationEngine.selector, address(this));
        IFuturesExchange.PositionView[] memory none;
        VM.expectRevert(notEngine);
        vault.seizeSpot(id, 1, address(this));
        VM.expectRevert(notEngine);
        vault.closeFutures(id, WAD, none, 0, 0, address(this));
        VM.expectRevert(notEngine);
        vault.seizeMargin(id, 1, address(this));
        VM.expectRevert(notEngine);
        vault.repayFor(id, ALICE, 1, address(0), 0);
        VM.expectRevert(notEngine);
        vault.writeOff(id);
        _assertSettlementOnly(id, address(this));
    }

    function test_settlementFunctions__theEngine__revert() public {
        _assertSettlementOnly(_spotPosition(ALICE, sUSD, 1e8, 1_000e18), address(engine));
    }

    /// @dev `caller` may neither shut the vault down nor settle position `id`'s debt.
    function _assertSettlementOnly(uint256 id, address caller) private {
        bytes memory notSettlement = abi.encodeWithSelector(IVault.VaultNotGlobalSettlement.selector, caller);
        VM.startPrank(caller);
        VM.expectRevert(notSettlement);
        vault.shutdown();
        VM.expectRevert(notSettlement);
        vault.settleDebt(id);
        VM.stopPrank();
        assertEq(_debt(id), 1_000e18, "debt unchanged");
        assertTrue(!vault.isShutdown(), "not shut down");
    }

    function test_engineOnlyFunctions__theSettlement__revert() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        bytes memory notEngine = abi.encodeWithSelector(IVault.VaultNotLiquidationEngine.selector, address(settlement));
        VM.startPrank(address(settlement));
        VM.expectRevert(notEngine);
        vault.repayFor(id, ALICE, 1, address(0), 0);
        VM.expectRevert(notEngine);
        vault.writeOff(id);
        // Seizing is shared: the settlement takes spot as the engine would.
        vault.seizeSpot(id, 1, address(settlement));
        VM.stopPrank();
        assertEq(_debt(id), 1_000e18, "debt unchanged");
        assertEq(wbtc.balanceOf(address(settlement)), 1, "spot seized by the settlement");
    }

    function test_closeFutures__noAccountOrBadFraction__reverts() public {
        _becomeEngine();
        uint256 spotOnly = _spotPosition(ALICE, sUSD, 1e8, 0);
        (uint256 id, uint256 accountId) = _futuresPosition(BOB, sUSD, 50_000e6, 1e18, 0);
        IFuturesExchange.PositionView[] memory futures = exchange.positions(accountId);

        VM.expectRevert(abi.encodeWithSelector(IVault.VaultNoAccount.selector, spotOnly));
        vault.closeFutures(spotOnly, WAD, futures, 0, 0, address(this));
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidFraction.selector, 0));
        vault.closeFutures(id, 0, futures, 0, 0, address(this));
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidFraction.selector, WAD + 1));
        vault.closeFutures(id, WAD + 1, futures, 0, 0, address(this));
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 1e18, "position untouched");
    }

    function test_closeFutures__staleSizes__reverts() public {
        _becomeEngine();
        (uint256 id, uint256 accountId) = _futuresPosition(BOB, sUSD, 50_000e6, 1e18, 0);
        IFuturesExchange.PositionView[] memory futures = exchange.positions(accountId);
        VM.prank(BOB);
        vault.trade(id, BTC_PERP, 1e18, type(uint256).max);

        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesCollateral.FuturesCollateralMismatch.selector, accountId, BTC_PERP, 1e18, 2e18
            )
        );
        vault.closeFutures(id, 0.5e18, futures, 0, 0, address(this));
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 2e18, "position untouched");
    }

    function test_closeFutures__negativeEquity__closesAll() public {
        _becomeEngine();
        (uint256 id, uint256 accountId) = _futuresPosition(BOB, sUSD, 13_000e6, 1e18, 0);
        // A 15,000 loss on 13,000 of margin: nothing the rest could keep.
        _setPrice(btcFeed, "BTC", 45_000e8);
        assertTrue(exchange.equity(accountId) < 0, "equity negative");

        (uint256 fraction, bool emptied, int256 marginAfter,) =
            vault.closeFutures(id, 0.5e18, exchange.positions(accountId), 0, 0, address(this));
        assertEq(fraction, WAD, "closed whole");
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 0, "position closed");
        // The loss beyond the margin was written off with the last position.
        assertEq(marginAfter, 0, "margin written off");
        assertEq(exchange.equity(accountId), 0, "no equity left");
        assertTrue(emptied, "nothing left to take");
    }

    function test_closeFutures__expiredDatedMarket__settlesItWhole() public {
        _becomeEngine();
        (uint256 id, uint256 accountId) = _futuresPosition(BOB, sUSD, 50_000e6, 1e18, 0);
        VM.prank(BOB);
        vault.trade(id, BTC_DATED, 1e18, type(uint256).max);
        VM.warp(DATED_EXPIRY + 1);
        _refresh();

        (uint256 fraction,,,) = vault.closeFutures(id, 0.5e18, exchange.positions(accountId), 0, 0, address(this));
        assertEq(fraction, 0.5e18, "half closed");
        (int256 perp,) = exchange.position(accountId, BTC_PERP);
        (int256 dated,) = exchange.position(accountId, BTC_DATED);
        assertEq(perp, 0.5e18, "perp halved");
        assertEq(dated, 0, "dated settled whole");
        assertEq(exchange.market(BTC_DATED).settlementPriceWad, 60_000e18, "settlement price fixed");
        assertEq(exchange.markPrice(BTC_DATED), 60_000e18, "the mark is the settlement price");
    }

    function test_seizeMargin__noAccountOrZero__reverts() public {
        _becomeEngine();
        uint256 spotOnly = _spotPosition(ALICE, sUSD, 1e8, 0);
        (uint256 id,) = _futuresPosition(BOB, sUSD, 10_000e6, 0, 0);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultNoAccount.selector, spotOnly));
        vault.seizeMargin(spotOnly, 1e6, address(this));
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.seizeMargin(id, 0, address(this));
    }

    function test_repayFor__zeroOrMoreThanDebt__reverts() public {
        _becomeEngine();
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.repayFor(id, ALICE, 0, address(0), 0);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultRepayExceedsDebt.selector, id, 1_000e18, 1_001e18));
        vault.repayFor(id, ALICE, 1_001e18, address(0), 0);
    }

    function test_writeOff__noDebt__reverts() public {
        _becomeEngine();
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 0);
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.writeOff(id);
    }

    function test_shutdownAndSettleDebt__outOfOrder__revert() public {
        vault.setGlobalSettlement(address(this));
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 1_000e18);
        uint256 empty = _spotPosition(BOB, sUSD, 1e8, 0);
        VM.expectRevert(IVault.VaultNotShutDown.selector);
        vault.settleDebt(id);

        vault.shutdown();
        VM.expectRevert(IVault.VaultShutDown.selector);
        vault.shutdown();
        VM.expectRevert(IVault.VaultZeroAmount.selector);
        vault.settleDebt(empty);
        assertEq(vault.settleDebt(id), 1_000e18, "settled");
        assertEq(_debt(id), 0, "debt gone");
    }

    function _becomeEngine() internal {
        vault.setLiquidationEngine(address(this));
    }
}
