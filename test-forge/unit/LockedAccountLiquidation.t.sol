// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * Who liquidates a locked account (the invariant campaign's attacker found it; docs/security.md,
 * "The exchange's reward out of a locked account's collateral"). The margin of an account a
 * vault position has locked is that position's collateral: the exchange leaves it to the vault's
 * liquidation engine, which closes it when the position is under its liquidation ratio or the
 * account under the exchange's maintenance margin, and pays the keeper out of the penalty on the
 * debt it repays, the collateral going to the debt first.
 *
 * The position of every test: Alice locks 10,000 USDC long 1 BTC (filled at 60,003.6, fee
 * 30.0018: margin 9,969.9982), then BTC falls to 51,000: equity 966.3982, under the exchange's
 * maintenance (5% of 51,000 = 2,550). Closing it fills at 50,997.399 (-9,006.201, fee 25.4987):
 * margin 938.2985, the account's liquidation value (the closing costs 28.0997).
 */

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract LockedAccountLiquidationTest is SystemFixture {
    /// @dev Alice's position owing `debt` sUSD, BTC fallen to 51,000.
    function _underMaintenance(uint256 debt) internal returns (uint256 id, uint256 accountId) {
        (id, accountId) = _futuresPosition(ALICE, sUSD, 10_000e6, 1e18, debt);
        assertEq(exchange.signedMarginOf(accountId), 9_969.9982e18, "margin after the open's fee");
        _setPrice(btcFeed, "BTC", 51_000e8);
        assertEq(exchange.equity(accountId), 966.3982e18, "equity at 51,000");
        assertEq(exchange.closeValue(accountId), 938.2985e18, "what closing it fetches");
    }

    /// @dev The keeper closes Alice's no-debt account under maintenance (`_underMaintenance(0)`):
    ///      paid what the exchange would have paid, 0.5% of the 51,000 closed (255), out of the
    ///      margin; the rest (938.2985 - 255) stays with the owner.
    function _closeNoDebtAccountForTheReward(uint256 id, uint256 accountId) internal {
        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, 1, 0);

        assertEq(repaid, 0, "no debt");
        assertEq(keeperUsdWad, 255e18, "0.5% of 51,000");
        assertEq(usdc.balanceOf(KEEPER), 255e6, "from the margin");
        assertEq(exchange.signedMarginOf(accountId), 683.2985e18, "the rest the owner's");
        assertEq(exchange.positions(accountId).length, 0, "the account closed");
    }

    /// @dev The attack, as the campaign found it: the position owes 3,000 sUSD (CR 31%), and its
    ///      owner liquidated its own account on the exchange for the reward, 0.5% of the 51,000
    ///      closed, 255 out of the creditors' 938.2985 (it kept the 3,000 sUSD). Now the exchange
    ///      refuses an account a mark relay (the vault's adapter) holds.
    function test_exchangeLiquidate__ownLockedAccountUnderWater__refusedForTheVaultsAdapter() public {
        (, uint256 accountId) = _underMaintenance(3_000e18);

        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesExchange.ExchangeAccountLocked.selector, accountId, address(vault.futuresCollateral())
            )
        );
        exchange.liquidate(accountId);
    }

    /// @dev The same position through the engine, its owner as the keeper repaying its own debt:
    ///      the whole 3,000 (938.2985 < 3,000 x 110%); the account closed whole, its 938.2985 all
    ///      to the repayment (the fund's 150 cut gives way to the repaid value when everything is
    ///      taken); the fund pays the 2,061.7015 short; no bonus (the least bonus is 0 here).
    ///      Alice gets 3,000 for the 3,000 sUSD she burns: nothing out of the collateral.
    function test_engineLiquidate__ownLockedAccountUnderWater__collateralGoesToTheDebt() public {
        usdc.mint(address(this), 10_000e6);
        usdc.approve(address(fund), 10_000e6);
        fund.deposit(10_000e6);
        (uint256 id, uint256 accountId) = _underMaintenance(3_000e18);

        VM.prank(ALICE);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 3_000e18, "the whole debt");
        assertEq(keeperUsdWad, 3_000e18, "the collateral and the fund's cover: the repaid value");
        assertEq(usdc.balanceOf(ALICE), 3_000e6, "938.2985 of collateral + 2,061.7015 from the fund");
        assertEq(sUSD.balanceOf(ALICE), 0, "her 3,000 sUSD burnt");
        assertEq(fund.reserves(), 7_938.2985e6, "the fund paid the shortfall");
        assertEq(exchange.signedMarginOf(accountId), 0, "all of the margin taken");
        assertEq(exchange.positions(accountId).length, 0, "the account closed");
        assertEq(_debt(id), 0, "the debt repaid");
    }

    /// @dev Over the engine's ratio but under the exchange's maintenance: owing 500 sUSD, the
    ///      position's CR is 938.2985 / 500 = 187.6% (the minting ratio is 150%), its account
    ///      under maintenance (966.3982 < 2,550). The engine liquidates it: the close factor (100%
    ///      here) repays the whole 500; the account is closed whole at its owner's cost (margin
    ///      938.2985), then the keeper takes 500 + half the 10% penalty (525), the fund the other
    ///      half (25). The owner keeps 388.2985 and no debt (the exchange would have left it
    ///      683.2985 and the debt, having paid its reward, 255).
    function test_engineLiquidate__overTheRatioUnderMaintenance__closesTheAccountAndRepays() public {
        (uint256 id, uint256 accountId) = _underMaintenance(500e18);
        assertEq(_cr(id), 1.876597e18, "over the minting ratio");
        _arm(sUSD, 500e18);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 500e18, "the close factor's share: all of it");
        assertEq(keeperUsdWad, 525e18, "the repaid value and half the penalty");
        assertEq(usdc.balanceOf(KEEPER), 525e6, "from the margin");
        assertEq(fund.reserves(), 25e6, "the other half of the penalty");
        assertEq(exchange.signedMarginOf(accountId), 388.2985e18, "the owner's: 938.2985 - 550");
        assertEq(exchange.positions(accountId).length, 0, "the account closed");
        assertEq(_debt(id), 0, "the debt repaid");
    }

    /// @dev A locked account with no debt under maintenance: no creditors, so the keeper is paid
    ///      what the exchange would have paid it, 0.5% of the 51,000 closed (255), out of the margin;
    ///      the rest (938.2985 - 255) stays with the owner.
    function test_engineLiquidate__noDebtUnderMaintenance__paysTheExchangesReward() public {
        (uint256 id, uint256 accountId) = _underMaintenance(0);

        _closeNoDebtAccountForTheReward(id, accountId);
    }

    /// @dev After global settlement's shutdown the same account is still closed for the same
    ///      reward: the vault refuses its owner a trade, the exchange refuses an account the vault's
    ///      adapter holds, and `settle` has no debt to settle, so if the engine refused too nobody
    ///      could close an account that keeps losing the exchange's LPs money. With debt the engine
    ///      still refuses: that is the settlement's.
    function test_engineLiquidate__noDebtUnderMaintenanceAfterShutdown__paysTheExchangesReward() public {
        (uint256 id, uint256 accountId) = _underMaintenance(0);
        (uint256 owing,) = _futuresPosition(BOB, sUSD, 10_000e6, 1e18, 500e18);
        settlement.shutdown();

        _closeNoDebtAccountForTheReward(id, accountId);
        VM.prank(KEEPER);
        VM.expectRevert(ILiquidationEngine.LiquidationEngineShutDown.selector);
        engine.liquidate(owing, type(uint256).max, 0);
    }

    /// @dev Over the ratio and over maintenance: nothing to liquidate (BTC at 55,000: equity
    ///      4,966.3982 over 2,750).
    function test_engineLiquidate__overTheRatioOverMaintenance__reverts() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 10_000e6, 1e18, 500e18);
        _setPrice(btcFeed, "BTC", 55_000e8);
        uint256 crWad = _cr(id);

        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSelector(ILiquidationEngine.LiquidationEngineHealthyPosition.selector, id, crWad, 1.2e18)
        );
        engine.liquidate(id, 1, 0);
    }

    /// @dev Only an account a relay holds is refused: one whose owner merely approved the vault's
    ///      adapter for it (as anyone may) is still the exchange's to liquidate, so an approval
    ///      cannot shield an account.
    function test_exchangeLiquidate__approvedNotHeldByTheAdapter__stillLiquidated() public {
        uint256 accountId = _account(ALICE, 10_000e6);
        VM.startPrank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        exchange.accounts().setApprovalForAll(address(vault.futuresCollateral()), true);
        VM.stopPrank();
        _setPrice(btcFeed, "BTC", 51_000e8);

        VM.prank(KEEPER);
        assertEq(exchange.liquidate(accountId), 255e18, "0.5% of the 51,000 closed");
    }

    /// @dev What the engine and the lens read: the exchange's own rule at its liquidation prices,
    ///      equity 966.3982 against 5% of the 51,000 notional.
    function test_liquidationRisk__underMaintenance__theExchangesEquityAndRequirement() public {
        (, uint256 accountId) = _underMaintenance(500e18);
        (int256 equityWad, uint256 maintenanceWad) = exchange.liquidationRisk(accountId);
        assertEq(equityWad, 966.3982e18, "equity at the liquidation price");
        assertEq(maintenanceWad, 2_550e18, "5% of 51,000");
    }

    /// @dev A keeper sees the position: `healthOf` flags the account under maintenance (CR over
    ///      the ratio, and with no debt too), and not a healthy one.
    function test_healthOf__accountUnderMaintenance__flaggedWhateverTheCr() public {
        (uint256 noDebt,) = _futuresPosition(BOB, sUSD, 10_000e6, 1e18, 0);
        (uint256 healthy,) = _futuresPosition(BOB, sUSD, 100_000e6, 1e18, 0);
        (uint256 over,) = _underMaintenance(500e18);
        uint256[] memory ids = new uint256[](3);
        (ids[0], ids[1], ids[2]) = (over, noDebt, healthy);

        IVaultLens.Health[] memory healths = lens.healthOf(ids);

        assertEq(healths[0].crWad, 1.876597e18, "over the ratio");
        assertTrue(healths[0].accountUnderMaintenance, "but its account under maintenance");
        assertTrue(healths[1].accountUnderMaintenance, "no debt, the account under maintenance");
        assertTrue(!healths[2].accountUnderMaintenance, "a well-margined account");
    }

    /// @dev `liquidateMany` liquidates the position over the ratio under maintenance (as `liquidate`
    ///      does) and passes over a healthy one.
    function test_liquidateMany__overTheRatioUnderMaintenance__liquidated() public {
        (uint256 healthy,) = _futuresPosition(BOB, sUSD, 100_000e6, 1e18, 500e18);
        (uint256 id, uint256 accountId) = _underMaintenance(500e18);
        _arm(sUSD, 500e18);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (healthy, id);

        VM.prank(KEEPER);
        (uint256 liquidated, uint256 keeperUsdWad) = engine.liquidateMany(ids, 0);

        assertEq(liquidated, 1, "one liquidated");
        assertEq(keeperUsdWad, 525e18, "as liquidate pays it");
        assertEq(usdc.balanceOf(KEEPER), 525e6, "from the margin");
        assertEq(exchange.signedMarginOf(accountId), 388.2985e18, "the owner's rest");
        assertEq(_debt(healthy), 500e18, "the healthy one untouched");
    }

    /// @dev `repayQuote` agrees: the close factor's share over the ratio, and (0, whole) with no
    ///      debt.
    function test_repayQuote__underMaintenance__theCloseFactorsShareOrNothingWithNoDebt() public {
        (uint256 noDebt,) = _futuresPosition(BOB, sUSD, 10_000e6, 1e18, 0);
        (uint256 id,) = _underMaintenance(500e18);
        (uint256 repay, bool whole) = engine.repayQuote(id);
        assertEq(repay, 500e18, "100% of the debt");
        assertTrue(whole, "the whole debt");
        (repay, whole) = engine.repayQuote(noDebt);
        assertEq(repay, 0, "nothing to repay");
        assertTrue(whole, "but liquidatable");
    }
}
