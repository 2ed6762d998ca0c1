// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * A liquidation that a stability pool covers only in part: the pool's deposits are burned first
 * and the keeper repays the rest; the seized collateral goes first to the keeper's gas
 * compensation, then to the keeper and the pool in proportion to what each burned (the keeper's
 * share rounded down). Hand-worked values to the wei, and the attacks: a keeper or a depositor
 * taking more than its pro-rata share, a depositor sandwiching the liquidation.
 * (1 BTC owing 40,000 sUSD, USD $1, penalty 10%, keeper share 50%, gas compensation $200.)
 */

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {IStabilityPool} from "../../interfaces/liquidation/IStabilityPool.sol";
import {StabilityPool} from "../../contracts/liquidation/StabilityPool.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract StabilityPoolLiquidationTest is SystemFixture {
    address internal constant CAROL = address(0xCA401);
    uint256 internal constant P_PRECISION = 1e36;

    StabilityPool internal sp;

    function setUp() public override {
        super.setUp();
        sp = new StabilityPool(ILiquidationEngine(address(engine)), ISyntheticToken(address(sUSD)));
        engine.setStabilityPool(sUSD, IStabilityPool(address(sp)));
        engine.setGasCompensation(200e18);
    }

    /* HELPERS */

    /// @dev `who` mints `amount` sUSD from a spot position of its own and deposits it.
    function _deposit(address who, uint256 amount) internal {
        VM.prank(who);
        wbtc.approve(address(vault), type(uint256).max);
        // At least the minimum debt is minted; the rest stays with `who`.
        _spotPosition(who, sUSD, 100e8, amount < 100e18 ? 100e18 : amount);
        VM.startPrank(who);
        sUSD.approve(address(sp), amount);
        sp.deposit(amount);
        VM.stopPrank();
    }

    function _withdrawAll(address who) internal returns (uint256 synthOut, uint256 spotOut) {
        (uint256 synth0, uint256 spot0) = (sUSD.balanceOf(who), wbtc.balanceOf(who));
        VM.prank(who);
        sp.withdraw(type(uint256).max);
        (synthOut, spotOut) = (sUSD.balanceOf(who) - synth0, wbtc.balanceOf(who) - spot0);
    }

    /// @dev 1 BTC owing 40,000 sUSD, BTC down to 43,000: CR 1.075 < 1.1 (debt and penalty), so the
    ///      whole debt is due, and 42,000 (40,000 and the keeper's 2,000 bonus) of spot is seized:
    ///      floor(42,000 / 43,000 × 1e8) = 97,674,418 sats, worth 41,999.99974.
    function _crashed() internal returns (uint256 id) {
        id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        _setPrice(btcFeed, "BTC", 43_000e8);
    }

    /* PARTIAL COVER */

    /// @dev Pool 30,000, keeper 10,000. The keeper's compensation: $200 = 465,116 sats (rounded
    ///      down); of the other 97,209,302 sats it gets 10,000 / 40,000, 24,302,325 (rounded down
    ///      from .5), 24,767,441 in all; the pool gets 72,906,977.
    function test_liquidate__poolCoversPart__burnsThePoolFirstAndSplitsProRata() public {
        _deposit(BOB, 30_000e18);
        _arm(sUSD, 10_000e18);
        uint256 id = _crashed();

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 40_000e18, "the whole debt");
        assertEq(keeperUsdWad, 24_767_441 * 430e12, "the keeper's spot at 43,000");
        assertEq(wbtc.balanceOf(KEEPER), 24_767_441, "compensation and pro-rata share");
        assertEq(wbtc.balanceOf(address(sp)), 72_906_977, "the pool's share");
        assertEq(wbtc.balanceOf(address(engine)), 0, "nothing left in the engine");
        assertEq(sUSD.balanceOf(KEEPER), 0, "the keeper's 10,000 burned");
        assertEq(sp.totalDeposits(), 0, "the pool's 30,000 burned");
        assertEq(sUSD.balanceOf(address(sp)), 0, "the pool holds no synth");
        assertEq(_debt(id), 0, "no debt left");
        (uint256 p,, uint128 epoch) = sp.product();
        assertEq(p, P_PRECISION, "a new epoch starts at P = 1");
        assertEq(epoch, 1, "the deposits were used up");
        // S = 72,906,977e36 / 30,000e18 rounded down, times 30,000e18 over 1e36: one sat of dust.
        (uint256 spotGain, uint256 stableGain) = sp.gainsOf(BOB);
        assertEq(spotGain, 72_906_976, "BOB's gain, rounded down");
        assertEq(stableGain, 0, "no stablecoin seized");
        (uint256 synthOut, uint256 spotOut) = _withdrawAll(BOB);
        assertEq(synthOut, 0, "BOB's deposit was burned");
        assertEq(spotOut, 72_906_976, "BOB withdraws its gain");
    }

    /// @dev The attack on the split: the keeper's share of what remains after its compensation
    ///      is never above what it repaid over R (rounded down), so the pool gets at least the
    ///      rest; with a compensation of 0 the two are exactly pro rata. Fuzzed over the pool's cover.
    function testFuzz_liquidate__poolCoversPart__neitherGainsBeyondProRata(uint256 poolSeed, bool withCompensation)
        public
    {
        if (!withCompensation) engine.setGasCompensation(0);
        uint256 poolPart = _bound(poolSeed, 1, 40_000e18 - 1);
        _deposit(BOB, poolPart);
        _arm(sUSD, 40_000e18);
        uint256 id = _crashed();

        VM.prank(KEEPER);
        engine.liquidate(id, type(uint256).max, 0);

        uint256 seized = 97_674_418;
        uint256 compensation = withCompensation ? 465_116 : 0;
        uint256 keeperShare = (seized - compensation) * (40_000e18 - poolPart) / 40_000e18;
        assertEq(wbtc.balanceOf(KEEPER), compensation + keeperShare, "keeper: compensation and its share, rounded down");
        assertEq(wbtc.balanceOf(address(sp)), seized - compensation - keeperShare, "pool: the rest");
        // The pool's share is at least its pro rata of what remains, rounded up.
        assertTrue(
            wbtc.balanceOf(address(sp)) * 40_000e18 >= (seized - compensation) * poolPart, "pool at least pro rata"
        );
        assertEq(sUSD.balanceOf(KEEPER), poolPart, "the keeper burned exactly the rest");
        assertEq(sp.totalDeposits(), 0, "the pool burned all it had");
    }

    /// @dev The sandwich: CAROL deposits 10,000 once the price has moved (BOB's 20,000 were there
    ///      before), the keeper repays the other 10,000, CAROL withdraws at once. She gets her
    ///      third of the pool's 72,906,977 sats, rounded down (24,302,325), and nothing of BOB's
    ///      or the keeper's: BOB keeps his two thirds (48,604,651), the keeper its compensation
    ///      and quarter (24,767,441).
    function test_liquidate__depositorSandwichesAPartialLiquidation__getsOnlyItsProRataShare() public {
        _deposit(BOB, 20_000e18);
        _arm(sUSD, 10_000e18);
        uint256 id = _crashed();
        _deposit(CAROL, 10_000e18);
        uint256 carolSpot0 = wbtc.balanceOf(CAROL);

        VM.prank(KEEPER);
        engine.liquidate(id, type(uint256).max, 0);
        (uint256 synthOut, uint256 spotOut) = _withdrawAll(CAROL);

        assertEq(carolSpot0, 0, "CAROL held no spot outside her position");
        assertEq(synthOut, 0, "CAROL's deposit was burned");
        assertEq(spotOut, 24_302_325, "a third of the pool's share, rounded down");
        assertTrue(spotOut * 3 <= 72_906_977, "no more than her third");
        (uint256 bobSpot,) = sp.gainsOf(BOB);
        assertEq(bobSpot, 48_604_651, "BOB's two thirds, rounded down");
        assertEq(wbtc.balanceOf(KEEPER), 24_767_441, "the keeper's compensation and quarter");
        assertEq(wbtc.balanceOf(address(sp)), 72_906_977 - 24_302_325, "BOB's gain and a sat of dust");
    }

    /// @dev The keeper who is also a depositor: it deposits 30,000 before liquidating and repays
    ///      the other 10,000 itself. It gets what the keeper and the depositor each get apart,
    ///      rounded down each: compensation, quarter and the pool's share less its dust.
    function test_liquidate__keeperDepositsFirst__getsNoMoreThanBothRoles() public {
        _deposit(KEEPER, 30_000e18);
        _arm(sUSD, 10_000e18);
        uint256 id = _crashed();

        VM.prank(KEEPER);
        engine.liquidate(id, type(uint256).max, 0);
        (, uint256 spotOut) = _withdrawAll(KEEPER);

        assertEq(wbtc.balanceOf(KEEPER), 24_767_441 + 72_906_976, "keeper's part and its gain");
        assertEq(spotOut, 72_906_976, "the pool's share less a sat of dust");
        assertTrue(wbtc.balanceOf(KEEPER) <= 97_674_418, "never more than was seized");
    }

    /// @dev Pool 30,000, a keeper holding nothing: the rest, 10,000, cannot be burned from it.
    function test_liquidate__poolCoversPartKeeperHoldsNothing__reverts() public {
        _deposit(BOB, 30_000e18);
        uint256 id = _crashed();

        VM.prank(KEEPER);
        VM.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, KEEPER, 0, 10_000e18));
        engine.liquidate(id, type(uint256).max, 0);
    }

    /// @dev Gapped to 38,000 with an empty fund: the repayment is cut to the spot's value, 38,000,
    ///      and the cut falls on the keeper's part (8,000, not 10,000). No surplus: no compensation;
    ///      the 1e8 sats shared 8,000 / 38,000 (21,052,631, rounded down) and the pool the rest.
    function test_liquidate__poolCoversPartDryFund__cutFallsOnTheKeeper() public {
        _deposit(BOB, 30_000e18);
        _arm(sUSD, 10_000e18);
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        _setPrice(btcFeed, "BTC", 38_000e8);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, 38_000e18, "what the spot covers");
        assertEq(keeperUsdWad, 21_052_631 * 380e12, "the keeper's share at 38,000");
        assertEq(wbtc.balanceOf(KEEPER), 21_052_631, "8,000 / 38,000 of the spot, rounded down");
        assertEq(wbtc.balanceOf(address(sp)), 78_947_369, "the pool's share");
        assertEq(sUSD.balanceOf(KEEPER), 2_000e18, "the keeper burned 8,000");
        assertEq(sp.totalDeposits(), 0, "the pool burned its 30,000");
    }

    /// @dev A whole liquidation in two parts after the stability fee has accrued (rate index above
    ///      1): the pool's part and the keeper's are one repayment of the whole debt, so no dust
    ///      of debt is left. (Two repayments, each converting its own amount to shares rounded
    ///      down, left 1-2 wei owed: a position under the minimum debt, found by the campaign.)
    function test_liquidate__poolCoversPartAfterFeesAccrued__leavesNoDust() public {
        _deposit(BOB, 30_000e18);
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        VM.warp(block.timestamp + 7 days + 13 hours + 17 seconds);
        _refresh();
        _setPrice(btcFeed, "BTC", 43_000e8);
        uint256 debt = _debt(id);
        assertTrue(debt > 40_000e18, "fees accrued");
        _arm(sUSD, debt - 30_000e18);

        VM.prank(KEEPER);
        (uint256 repaid,) = engine.liquidate(id, type(uint256).max, 0);

        assertEq(repaid, debt, "the whole debt");
        assertEq(_debt(id), 0, "no dust of debt left");
        assertEq(vault.position(id).debtShares, 0, "no debt shares left");
        assertEq(sp.totalDeposits(), 0, "the pool's 30,000 burned");
        assertEq(sUSD.balanceOf(KEEPER), 0, "the keeper burned exactly the rest");
    }

    /// @dev The split attack on the compensation: BTC at 47,000, CR 1.175, a partial liquidation
    ///      of target R = (1.5 × 40,000 − 47,000) / 0.4 = 32,500, the pool covering all. A keeper
    ///      holding nothing repays a tenth of R, 3,250: its surplus, the 5% bonus (162.5), is under
    ///      the $200 compensation, which before took all of it (and ten such calls every bonus of
    ///      R, the depositors none). The compensation is now a tenth, $20: floor(20 / 47,000 × 1e8)
    ///      = 42,553 sats; the pool gets the other 7,218,085 of the 7,260,638 seized
    ///      (floor(3,412.5 / 47,000 × 1e8)).
    function test_liquidate__keeperSplitsRThroughThePool__compensationInProportion() public {
        _deposit(BOB, 50_000e18);
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 40_000e18);
        _setPrice(btcFeed, "BTC", 47_000e8);

        VM.prank(KEEPER);
        (uint256 repaid, uint256 keeperUsdWad) = engine.liquidate(id, 3_250e18, 0);

        assertEq(repaid, 3_250e18, "a tenth of R");
        assertEq(wbtc.balanceOf(KEEPER), 42_553, "a tenth of the compensation");
        assertEq(keeperUsdWad, 42_553 * 470e12, "its value at 47,000");
        assertEq(wbtc.balanceOf(address(sp)), 7_260_638 - 42_553, "the pool: the rest of the seized spot");
        assertEq(sp.totalDeposits(), 50_000e18 - 3_250e18, "the pool burned the chunk");
    }
}
