// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * Leverage carries a haircut in the minting check (first review, lower severity): a position may
 * mint only what it could still cover at 100% CR after each collateral asset moved against it,
 * in one oracle round, by the vault's shock for that asset (BTC 10%, ETH 15% in the fixture).
 * Before, a 10x long minted at 150% was bad debt after a 3.4% move, well inside the circuit
 * breaker. The expected losses come from `_lossOf`, this file's own reading of the rule from the
 * exchange's views (not the library's).
 */

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract VaultShockHaircutTest is SystemFixture {
    /// @dev `IVault.VaultShockUndercollateralized(uint256,uint256,uint256)`.
    bytes4 internal constant SHOCK_ERROR = bytes4(keccak256("VaultShockUndercollateralized(uint256,uint256,uint256)"));
    uint256 internal constant MR = 1.5e18;
    uint256 internal constant USDC_UNIT = 1e12;

    /// @notice The finding: a 1 BTC long on 6,100 USDC (9.9x its equity) mints sUSD at 150% of
    ///         its close value, 6,032.8 (margin 6,069.9982 after the opening fee, less the one-fill
    ///         exit's 7.2 of impact and 29.9982 of fee). BTC falls 3.4% in one round (60,000 to
    ///         57,960): the account would then fetch 3,994.06, under the 4,021.87 owed: CR 99.3%.
    ///         The vault now refuses the mint: after a 10% fall the collateral would keep 25.744376
    ///         (6,032.8 less 6,000 of BTC exposure x 10%, less the exit costs' growth with a 10%
    ///         rise, 33.5982 x 0.21 = 7.055622, less 2 units of rounding a position).
    function test_mint__tenXLongAtTheMintingRatio__refusedBeforeASmallMoveMakesItBadDebt() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 6_100e6, 1e18, 0);
        assertEq(exchange.closeValue(accountId), 6_032.8e18, "the close value");
        uint256 debt = uint256(exchange.closeValue(accountId)) * 2 / 3;

        VM.prank(ALICE);
        (bool minted, bytes memory reason) = address(vault).call(abi.encodeCall(vault.mint, (id, debt)));
        if (minted) {
            _setPrice(btcFeed, "BTC", 57_960e8);
            assertTrue(_cr(id) >= WAD, "minted at 150%, the position is under 100% CR after a 3.4% move");
        }
        assertTrue(
            keccak256(reason) == keccak256(abi.encodeWithSelector(SHOCK_ERROR, id, 25.744376e18, debt)),
            "refused with the collateral left after the shock, and the debt"
        );
    }

    /// @notice The property: a position minted at the most the vault allows (the lens's
    ///         `maxMint`: accepted, five wei more refused) survives a one-round move of each
    ///         asset against it by its shock at 100% CR or more. Fuzzed over the margin, the
    ///         leverage (1x to 9.5x of the margin), the side and the market (BTC or ETH), a
    ///         second position on the other market (up to 2x, either side), and spot BTC beside.
    function testFuzz_mint__atTheMostAllowed__survivesTheShockAtFullCr(
        uint256 marginSeed,
        uint256 leverageSeed,
        bool long,
        bool onEth,
        uint256 otherSeed,
        bool otherLong,
        uint256 spotSeed
    ) public {
        uint256 margin = _bound(marginSeed, 2_000e6, 2_000_000e6);
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, margin, 0, 0);
        uint256 marginUsd = margin * USDC_UNIT;
        _open(id, onEth ? ETH_PERP : BTC_PERP, marginUsd * _bound(leverageSeed, 100, 950) / 100, long);
        // Within what the margin still allows, or not at all (the exchange's initial margin).
        _open(id, onEth ? BTC_PERP : ETH_PERP, marginUsd * _bound(otherSeed, 0, 200) / 100, otherLong);
        uint256 spot = _bound(spotSeed, 0, 5e8);
        _addSpotAndMint(ALICE, id, spot, 0);

        IVaultLens.MintRoom memory room = lens.mintRoom(id);
        assertEq(room.shockLossUsdWad, _lossOf(accountId, _spotUsd(spot)), "the lens's loss is the rule's");
        if (room.maxMint < 100e18) return; // under the minimum debt: nothing to mint
        VM.prank(ALICE);
        (bool over,) = address(vault).call(abi.encodeCall(vault.mint, (id, room.maxMint + 5)));
        assertTrue(!over, "more than the most allowed was minted");
        VM.prank(ALICE);
        vault.mint(id, room.maxMint);

        // Each asset against the position by its shock, in one round.
        (int256 btcExposure, int256 ethExposure) = _exposures(accountId, _spotUsd(spot));
        _setPrice(btcFeed, "BTC", btcExposure >= 0 ? int256(54_000e8) : int256(66_000e8));
        _setPrice(ethFeed, "ETH", ethExposure >= 0 ? int256(2_550e8) : int256(3_450e8));
        assertTrue(_cr(id) >= WAD, "minted at the most allowed, under 100% CR after the shock");
    }

    /// @notice Spot alone is a 1x long: minting at exactly 150% still passes (a 10% fall leaves
    ///         135%), one wei more meets the minting ratio first.
    function test_mint__spotOnlyAtExactly150Percent__passes() public {
        uint256 id = _spotPosition(ALICE, sUSD, 1e8, 0);
        VM.prank(ALICE);
        vault.mint(id, 40_000e18);
        assertEq(_cr(id), MR, "150%");
        IVaultLens.MintRoom memory room = lens.mintRoom(id);
        assertEq(room.shockLossUsdWad, 6_000e18, "1 BTC x 10%");
        assertEq(room.shockedCrWad, 1.35e18, "135% after the shock");

        uint256 crOver = uint256(60_000e18) * WAD / (40_000e18 + 1);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultUndercollateralized.selector, id, crOver, MR));
        vault.mint(id, 1);
    }

    /// @notice A short of 1 BTC beside 1 BTC of spot is delta-neutral: its shock loss is the exit
    ///         costs' growth and rounding alone, and it mints to the minting ratio as before.
    function test_mint__deltaNeutralAtTheMintingRatio__passes() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 10_000e6, -1e18, 0);
        _addSpotAndMint(ALICE, id, 1e8, 0);
        uint256 loss = _lossOf(accountId, 60_000e18);
        assertTrue(loss < 10e18, "a hedge is not charged");
        (uint256 collateral,,) = lens.health(id);
        uint256 debt = collateral * 2 / 3;

        VM.prank(ALICE);
        vault.mint(id, debt);
        assertTrue(_cr(id) >= MR, "at the minting ratio");
        assertEq(lens.mintRoom(id).shockLossUsdWad, loss, "the rule's loss");
    }

    /// @notice Netting is per asset: a BTC short does not hedge an ETH long; each pays its shock.
    function test_mint__longEthShortBtc__bothShocksCharged() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 40_000e6, -1e18, 0);
        VM.prank(ALICE);
        vault.trade(id, ETH_PERP, 20e18, type(uint256).max);
        // 6,000 (1 BTC x 10%) + 9,000 (20 ETH x 15%) + the costs' growth at 15% + rounding.
        uint256 loss = _lossOf(accountId, 0);
        assertTrue(loss > 15_000e18 && loss < 15_100e18, "both assets charged");
        (uint256 collateral,,) = lens.health(id);
        uint256 debt = collateral - loss + 1;

        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(SHOCK_ERROR, id, collateral - loss, debt));
        vault.mint(id, debt);
        VM.prank(ALICE);
        vault.mint(id, debt - 1);
    }

    /// @notice Every action the minting check guards meets the shock, not mint alone: a margin
    ///         withdrawal and a trade that add leverage are refused with the shocked collateral
    ///         (the trade's read off a twin making the same fills).
    function test_withdrawMarginAndTrade__pastTheShock__revert() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 20_000e6, 1e18, 10_000e18);
        uint256 collateral = uint256(exchange.closeValue(accountId));
        uint256 loss = _lossOf(accountId, 0);
        assertTrue(collateral - loss > 10_000e18 && collateral * WAD / 10_000e18 > MR, "fine now");

        // The margin that would take the shocked collateral a unit under the debt: the CR left
        // (about 160%) still meets the minting ratio, the shock does not.
        uint256 amount = (collateral - loss - 10_000e18) / USDC_UNIT + 1;
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(SHOCK_ERROR, id, collateral - amount * USDC_UNIT - loss, 10_000e18));
        vault.withdrawMargin(id, amount, ALICE);

        uint256 twin = _account(BOB, 20_000e6);
        VM.startPrank(BOB);
        exchange.trade(twin, BTC_PERP, 1e18, type(uint256).max);
        exchange.trade(twin, BTC_PERP, 1e18, type(uint256).max);
        VM.stopPrank();
        uint256 collateralUp = uint256(exchange.closeValue(twin));
        uint256 lossUp = _lossOf(twin, 0);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(SHOCK_ERROR, id, collateralUp - lossUp, 10_000e18));
        vault.trade(id, BTC_PERP, 1e18, type(uint256).max);
    }

    /// @notice A position already under the shock (the owner raised it) may cut its leverage but
    ///         not shed a hedge: closing the short that hedged half its long keeps the collateral
    ///         yet grows the loss, and is refused; cutting the long passes.
    function test_trade__underTheShock__cutLeveragePassesShedHedgeReverts() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 20_000e6, 1e18, 0);
        VM.startPrank(ALICE);
        vault.trade(id, BTC_DATED, -0.5e18, 0);
        vault.mint(id, 10_000e18);
        VM.stopPrank();
        vault.setShock("BTC", 0.5e18);
        (uint256 collateral,,) = lens.health(id);
        assertTrue(collateral - _lossOf(accountId, 0) < 10_000e18, "under the shock now");

        // The twin sheds its hedge: its collateral does not fall, its loss grows.
        uint256 twin = _account(BOB, 20_000e6);
        VM.startPrank(BOB);
        exchange.trade(twin, BTC_PERP, 1e18, type(uint256).max);
        exchange.trade(twin, BTC_DATED, -0.5e18, 0);
        uint256 lossBefore = _lossOf(twin, 0);
        exchange.trade(twin, BTC_DATED, 0.5e18, type(uint256).max);
        VM.stopPrank();
        uint256 collateralAfter = uint256(exchange.closeValue(twin));
        uint256 lossAfter = _lossOf(twin, 0);
        assertTrue(collateralAfter >= collateral && lossAfter > lossBefore, "collateral kept, loss grown");
        VM.prank(ALICE);
        VM.expectRevert(
            abi.encodeWithSelector(SHOCK_ERROR, id, _shocked(collateralAfter, lossAfter), uint256(10_000e18))
        );
        vault.trade(id, BTC_DATED, 0.5e18, type(uint256).max);

        VM.prank(ALICE);
        vault.trade(id, BTC_PERP, -0.5e18, 0);
        (int256 size,) = exchange.position(accountId, BTC_PERP);
        assertEq(size, 0.5e18, "the leverage cut");
        assertTrue(lens.mintRoom(id).shockLossUsdWad < _lossOf(twin, 0), "the loss fell");
    }

    /// @notice Removing spot and unlocking meet the shock too: without the account, spot alone
    ///         must cover the debt after a 10% fall; with it, the account's long nets the spot.
    function test_removeSpotAndUnlock__pastTheShock__revert() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 10_000e6, 0.5e18, 0);
        _addSpotAndMint(ALICE, id, 1e8, 40_000e18);
        vault.setShock("BTC", 0.4e18);

        // Spot alone: 60,000 at 150% covers 40,000, but a 40% fall leaves 36,000.
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(SHOCK_ERROR, id, 36_000e18, 40_000e18));
        vault.unlock(id);

        // A tenth of the spot out: 54,000 of spot netted with the 0.5 BTC long, x 40%, and the rest.
        uint256 collateral = 54_000e18 + uint256(exchange.closeValue(accountId));
        uint256 loss = _lossOf(accountId, 54_000e18);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(SHOCK_ERROR, id, _shocked(collateral, loss), 40_000e18));
        vault.removeSpot(id, 0.1e8, ALICE);
    }

    /// @notice Liquidation ignores the shock: a position under it but over the liquidation ratio
    ///         is healthy.
    function test_liquidate__underTheShockOverTheRatio__healthy() public {
        (uint256 id,) = _futuresPosition(ALICE, sUSD, 20_000e6, 1e18, 10_000e18);
        vault.setShock("BTC", 0.5e18);
        assertTrue(lens.mintRoom(id).shockedCrWad < WAD, "under the shock");
        uint256 cr = _cr(id);
        VM.prank(KEEPER);
        VM.expectRevert(
            abi.encodeWithSignature("LiquidationEngineHealthyPosition(uint256,uint256,uint256)", id, cr, 1.2e18)
        );
        engine.liquidate(id, type(uint256).max, 0);
    }

    /// @notice The owner's setter: at most 50%, a no-op refused, only the owner.
    function test_setShock__outOfRangeSameOrStranger__reverts() public {
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidShock.selector, bytes32("BTC"), 0.5e18 + 1, 0.5e18));
        vault.setShock("BTC", 0.5e18 + 1);
        VM.expectRevert(IVault.VaultAlreadySet.selector);
        vault.setShock("BTC", 0.1e18);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, ALICE));
        vault.setShock("BTC", 0.2e18);
        vault.setShock("BTC", 0.5e18);
        assertEq(vault.shockWad("BTC"), 0.5e18, "set");
    }

    /* THE RULE, READ APART */

    /// @dev The shock loss of account `accountId` with `spotUsd` of spot BTC beside it, from the
    ///      exchange's views: per asset |Σ size x mark (+ the spot for BTC)| x shock, rounded up;
    ///      the closing costs (equity at mark less the close value) x s(2 + s) at the largest
    ///      shock held, rounded up twice; a negative close value; 2 margin units a position.
    function _lossOf(uint256 accountId, uint256 spotUsd) internal view returns (uint256 loss) {
        (int256 btc, int256 eth) = _exposures(accountId, spotUsd);
        loss = _up(_abs(btc) * vault.shockWad("BTC"));
        loss += _up(_abs(eth) * vault.shockWad("ETH"));
        IFuturesExchange.PositionView[] memory views = exchange.positions(accountId);
        uint256 maxShock;
        int256 equity = exchange.signedMarginOf(accountId);
        for (uint256 i; i < views.length; ++i) {
            uint256 shock = vault.shockWad(exchange.market(views[i].marketId).asset);
            if (shock > maxShock) maxShock = shock;
            equity += views[i].unrealizedPnlWad - views[i].fundingOwedWad;
        }
        int256 value = exchange.closeValue(accountId);
        if (equity > value) loss += _up(_up(uint256(equity - value) * maxShock) * (2 * WAD + maxShock));
        if (value < 0) loss += uint256(-value);
        loss += 2 * USDC_UNIT * views.length;
    }

    /// @dev The account's net BTC (with `spotUsd` of spot) and ETH exposures, USD: size x mark floored.
    function _exposures(uint256 accountId, uint256 spotUsd) internal view returns (int256 btc, int256 eth) {
        btc = int256(spotUsd);
        IFuturesExchange.PositionView[] memory views = exchange.positions(accountId);
        for (uint256 i; i < views.length; ++i) {
            int256 product = views[i].sizeWad * int256(views[i].markPriceWad);
            // Floored toward negative infinity, as the exchange's signed products are.
            int256 exposure = product / 1e18 - (product % 1e18 < 0 ? int256(1) : int256(0));
            if (exchange.market(views[i].marketId).asset == "BTC") btc += exposure;
            else eth += exposure;
        }
    }

    function _spotUsd(uint256 spot) internal view returns (uint256) {
        return spot * 1e10 * oracle.priceWad("BTC") / WAD;
    }

    function _shocked(uint256 collateral, uint256 loss) internal pure returns (uint256) {
        return collateral > loss ? collateral - loss : 0;
    }

    /// @dev Opens a `notionalUsd` position of `long` side on `marketId` through the vault, if the
    ///      exchange lets it (its initial margin).
    function _open(uint256 id, uint256 marketId, uint256 notionalUsd, bool long) internal {
        uint256 price = marketId == ETH_PERP ? 3_000e18 : 60_000e18;
        int256 size = int256(notionalUsd * WAD / price);
        if (size == 0) return;
        if (!long) size = -size;
        VM.prank(ALICE);
        try vault.trade(id, marketId, size, long ? type(uint256).max : 0) {} catch {}
    }

    /// @dev x / WAD rounded up.
    function _up(uint256 x) internal pure returns (uint256) {
        return (x + WAD - 1) / WAD;
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return uint256(x >= 0 ? x : -x);
    }
}
