// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SpotCollateral (issue 13, the port's second implementation): custody of an ERC-20 per position,
 * its value at the oracle's price rounded down, its shock loss, the vault-only moves, the venue
 * state; and an attacker's tries: a fee-on-transfer token, a token whose hook re-enters, dust
 * amounts against the rounding, a token with too many decimals, a stale price.
 *
 * Two adapters over the fixture's vault: WBTC (8 decimals, priced as BTC, $60,000, shock 10%)
 * and a WETH-like token (18 decimals, priced as ETH, $3,000, shock 15%). The vault does not use
 * them yet: the tests call them as the vault (a prank), which is what the vault will do.
 */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {ISpotCollateral} from "../../interfaces/collateral/ISpotCollateral.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {SpotCollateral} from "../../contracts/collateral/SpotCollateral.sol";
import {HookToken} from "../../contracts/mocks/HookToken.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

/// @dev A token that burns 1% of every transfer: what arrives is less than what was sent.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee token", "FEE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}

/// @dev A token whose balances can fall without a transfer (a rebase down, a seizure by its issuer).
contract ShrinkingToken is ERC20 {
    constructor() ERC20("Shrinking token", "SHR") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function shrink(address from, uint256 amount) external {
        _burn(from, amount);
    }
}

contract SpotCollateralTest is SystemFixture {
    uint256 internal constant ITEM = 7;

    SpotCollateral internal spotBtc;
    SpotCollateral internal spotEth;
    TestToken internal weth;

    function setUp() public override {
        super.setUp();
        weth = new TestToken("Wrapped Ether (test)", "WETH", 18, address(this));
        spotBtc = new SpotCollateral(address(vault), wbtc, "BTC");
        spotEth = new SpotCollateral(address(vault), weth, "ETH");
    }

    /// @dev What the vault will do: moves `amount` of `adapter`'s token (minted to ALICE, who
    ///      approves the vault) into the adapter, then credits it to `ITEM`.
    function _deposit(SpotCollateral adapter, uint256 amount) internal {
        _moveIn(address(adapter.token()), adapter, amount);
        VM.prank(address(vault));
        adapter.deposit(ITEM, amount);
    }

    /// @dev The vault's transfer of `amount` of `token_` (any token with an open `mint`), minted
    ///      to ALICE, into `adapter`.
    function _moveIn(address token_, SpotCollateral adapter, uint256 amount) internal {
        TestToken(token_).mint(ALICE, amount);
        VM.prank(ALICE);
        IERC20Metadata(token_).approve(address(vault), amount);
        VM.prank(address(vault));
        IERC20Metadata(token_).transferFrom(ALICE, address(adapter), amount);
    }

    /// @dev An adapter for `token_`, priced as ETH.
    function _adapterFor(address token_) internal returns (SpotCollateral adapter) {
        return new SpotCollateral(address(vault), IERC20Metadata(token_), "ETH");
    }

    /* CONSTRUCTION */

    function test_constructor__readsTheTokenAndTheVaultsOracle() public view {
        assertEq(address(spotEth.token()), address(weth), "token");
        assertTrue(spotEth.asset() == "ETH", "asset");
        assertEq(spotEth.tokenDecimals(), 18, "decimals");
        assertEq(address(spotEth.oracle()), address(oracle), "oracle");
        assertEq(spotEth.vault(), address(vault), "vault");
    }

    function test_constructor__over18Decimals__reverts() public {
        TestToken odd = new TestToken("Odd", "ODD", 19, address(this));
        VM.expectRevert(
            abi.encodeWithSelector(ISpotCollateral.SpotCollateralUnsupportedDecimals.selector, address(odd), 19, 18)
        );
        new SpotCollateral(address(vault), odd, "ETH");
    }

    /* CUSTODY */

    function test_deposit__movedInByTheVault__creditsTheItem() public {
        _deposit(spotBtc, 1.23456789e8);
        assertEq(spotBtc.amountOf(ITEM), 1.23456789e8, "item");
        assertEq(spotBtc.totalHeld(), 1.23456789e8, "total");
        assertEq(wbtc.balanceOf(address(spotBtc)), 1.23456789e8, "adapter's balance");
        assertEq(wbtc.balanceOf(ALICE), 0, "owner's balance");
        _deposit(spotBtc, 1);
        assertEq(spotBtc.amountOf(ITEM), 1.2345679e8, "added to");
        assertEq(spotBtc.totalHeld(), 1.2345679e8, "total added to");
    }

    function test_deposit__notTheVault__reverts() public {
        _moveIn(address(wbtc), spotBtc, 1e8);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralNotVault.selector, ALICE));
        spotBtc.deposit(ITEM, 1e8);
    }

    function test_deposit__zero__reverts() public {
        VM.prank(address(vault));
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralZeroAmount.selector, ITEM));
        spotBtc.deposit(ITEM, 0);
    }

    function test_deposit__nothingMovedIn__reverts() public {
        VM.prank(address(vault));
        VM.expectRevert(
            abi.encodeWithSelector(ISpotCollateral.SpotCollateralTransferShortfall.selector, address(wbtc), 5, 0)
        );
        spotBtc.deposit(ITEM, 5);
    }

    function test_deposit__creditAgainAfterAWithdrawal__reverts() public {
        _deposit(spotBtc, 3e8);
        VM.prank(address(vault));
        spotBtc.withdraw(ITEM, 3e8, ALICE);
        // The tokens left: nothing is left over to credit a second time.
        VM.prank(address(vault));
        VM.expectRevert(
            abi.encodeWithSelector(ISpotCollateral.SpotCollateralTransferShortfall.selector, address(wbtc), 3e8, 0)
        );
        spotBtc.deposit(ITEM + 1, 3e8);
    }

    function test_withdraw__part__sendsItAndKeepsTheRest() public {
        _deposit(spotEth, 2e18);
        VM.prank(address(vault));
        spotEth.withdraw(ITEM, 0.5e18 + 1, BOB);
        assertEq(spotEth.amountOf(ITEM), 1.5e18 - 1, "item");
        assertEq(spotEth.totalHeld(), 1.5e18 - 1, "total");
        assertEq(weth.balanceOf(BOB), 0.5e18 + 1, "recipient");
        assertEq(weth.balanceOf(address(spotEth)), 1.5e18 - 1, "adapter's balance");
    }

    function test_withdraw__moreThanHeld__reverts() public {
        _deposit(spotEth, 2e18);
        VM.prank(address(vault));
        VM.expectRevert(
            abi.encodeWithSelector(ISpotCollateral.SpotCollateralInsufficient.selector, ITEM, 2e18, 2e18 + 1)
        );
        spotEth.withdraw(ITEM, 2e18 + 1, BOB);
    }

    function test_withdraw__anotherItemsTokens__reverts() public {
        _deposit(spotEth, 2e18);
        VM.prank(address(vault));
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralInsufficient.selector, ITEM + 1, 0, 1));
        spotEth.withdraw(ITEM + 1, 1, BOB);
    }

    function test_withdraw__notTheVault__reverts() public {
        _deposit(spotEth, 2e18);
        VM.prank(BOB);
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralNotVault.selector, BOB));
        spotEth.withdraw(ITEM, 1, BOB);
    }

    function test_release__held__sendsTheWholeItem() public {
        _deposit(spotBtc, 3e8 + 7);
        VM.prank(address(vault));
        spotBtc.release(ITEM, BOB);
        assertEq(spotBtc.amountOf(ITEM), 0, "item");
        assertEq(spotBtc.totalHeld(), 0, "total");
        assertEq(wbtc.balanceOf(BOB), 3e8 + 7, "recipient");
        assertEq(wbtc.balanceOf(address(spotBtc)), 0, "adapter's balance");
    }

    function test_release__empty__movesNothing() public {
        _deposit(spotBtc, 5);
        VM.prank(address(vault));
        spotBtc.release(ITEM + 1, BOB);
        assertEq(wbtc.balanceOf(BOB), 0, "recipient");
        assertEq(spotBtc.amountOf(ITEM), 5, "the other item");
    }

    function test_release__notTheVault__reverts() public {
        VM.prank(BOB);
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralNotVault.selector, BOB));
        spotBtc.release(ITEM, BOB);
    }

    /* VALUE */

    function test_valueUsdWad__wbtc__isAmountTimesPriceRoundedDown() public {
        _deposit(spotBtc, 1.23456789e8);
        // 1.23456789 BTC x $60,000 = $74,074.0734, exact at 8 decimals.
        assertEq(spotBtc.valueUsdWad(ITEM), 74_074.0734e18, "value");
    }

    function test_valueUsdWad__weiOfWethAtAnOddPrice__roundsDown() public {
        _setPrice(ethFeed, "ETH", 3_000.12345678e8);
        _deposit(spotEth, 7);
        // 7 wei x 3,000.12345678 = 21,000.86419746 wei of USD: 21,000 credited.
        assertEq(spotEth.valueUsdWad(ITEM), 21_000, "value");
        (bool ok, uint256 valueWad, bytes memory reason) = spotEth.tryValueUsdWad(ITEM);
        assertTrue(ok, "ok");
        assertEq(valueWad, 21_000, "try value");
        assertEq(reason.length, 0, "no reason");
    }

    function test_valueUsdWad__anyAmountAndDecimals__neverCreditsMoreThanItIsWorth(uint256 amountSeed, uint8 decSeed)
        public
    {
        uint8 decimals_ = uint8(_bound(decSeed, 0, 18));
        uint256 amount = _bound(amountSeed, 1, 1e30);
        TestToken token_ = new TestToken("Any", "ANY", decimals_, address(this));
        SpotCollateral adapter = _adapterFor(address(token_));
        _setPrice(ethFeed, "ETH", 3_000.12345678e8);
        _moveIn(address(token_), adapter, amount);
        VM.prank(address(vault));
        adapter.deposit(ITEM, amount);
        uint256 valueWad = adapter.valueUsdWad(ITEM);
        // value = floor(amount x 300,012,345,678 x 1e10 / 10^decimals): the mirror in whole
        // products, value x 10^d <= amount x price < (value + 1) x 10^d.
        uint256 product = amount * 300_012_345_678e10;
        assertTrue(valueWad * 10 ** decimals_ <= product, "never more than worth");
        assertTrue((valueWad + 1) * 10 ** decimals_ > product, "rounded down by less than a unit");
    }

    function test_valueUsdWad__emptyItem__isZeroWithoutAPrice() public {
        VM.warp(block.timestamp + 2 hours);
        assertEq(spotBtc.valueUsdWad(ITEM), 0, "value");
        (bool ok, uint256 valueWad,) = spotBtc.tryValueUsdWad(ITEM);
        assertTrue(ok && valueWad == 0, "try value");
    }

    function test_valueUsdWad__stalePrice__revertsWithTheOraclesError() public {
        _deposit(spotBtc, 1e8);
        (,,, uint256 updatedAt,) = btcFeed.latestRoundData();
        VM.warp(block.timestamp + 3601);
        VM.expectRevert(
            abi.encodeWithSelector(
                IOracleHub.OracleStalePrice.selector, bytes32("BTC"), updatedAt, 3600, block.timestamp
            )
        );
        spotBtc.valueUsdWad(ITEM);
    }

    function test_tryValueUsdWad__stalePrice__returnsTheOraclesError() public {
        _deposit(spotBtc, 1e8);
        (,,, uint256 updatedAt,) = btcFeed.latestRoundData();
        VM.warp(block.timestamp + 3601);
        (bool ok, uint256 valueWad, bytes memory reason) = spotBtc.tryValueUsdWad(ITEM);
        assertTrue(!ok, "not ok");
        assertEq(valueWad, 0, "value");
        assertTrue(
            keccak256(reason)
                == keccak256(
                    abi.encodeWithSelector(
                        IOracleHub.OracleStalePrice.selector, bytes32("BTC"), updatedAt, 3600, block.timestamp
                    )
                ),
            "reason"
        );
    }

    function test_liquidationValue__held__isAmountPriceAndValue() public {
        _deposit(spotEth, 1.5e18 + 1);
        (uint256 amount, uint256 priceWad, uint256 valueWad) = spotEth.liquidationValue(ITEM);
        assertEq(amount, 1.5e18 + 1, "amount");
        assertEq(priceWad, 3_000e18, "price");
        assertEq(valueWad, 4_500e18 + 3_000, "value");
    }

    function test_liquidationValue__empty__readsNoPrice() public {
        VM.warp(block.timestamp + 2 hours);
        (uint256 amount, uint256 priceWad, uint256 valueWad) = spotEth.liquidationValue(ITEM);
        assertEq(amount + priceWad + valueWad, 0, "nothing");
    }

    function test_liquidationValue__stalePrice__reverts() public {
        _deposit(spotEth, 1e18);
        (,,, uint256 updatedAt,) = ethFeed.latestRoundData();
        VM.warp(block.timestamp + 3601);
        VM.expectRevert(
            abi.encodeWithSelector(
                IOracleHub.OracleStalePrice.selector, bytes32("ETH"), updatedAt, 3600, block.timestamp
            )
        );
        spotEth.liquidationValue(ITEM);
    }

    /* SHOCK */

    /// @dev Asserts `adapter`'s item's value and shock loss with `spotUsdWad` of `spotAsset` beside and `cutUsdWad` cut.
    function _assertShocked(
        SpotCollateral adapter,
        bytes32 spotAsset,
        uint256 spotUsdWad,
        uint256 cutUsdWad,
        uint256 expectedValueWad,
        uint256 expectedLossWad
    ) internal view {
        (uint256 valueWad, uint256 lossWad) = adapter.valueAndShockLossUsdWad(ITEM, spotAsset, spotUsdWad, cutUsdWad);
        assertEq(valueWad, expectedValueWad, "value");
        assertEq(lossWad, expectedLossWad, "loss");
    }

    function test_valueAndShockLossUsdWad__spotOfTheSameAssetBeside__netsItOnce() public {
        _deposit(spotBtc, 1e8);
        // (60,000 + 30,000) x 10%.
        _assertShocked(spotBtc, "BTC", 30_000e18, 0, 60_000e18, 9_000e18);
    }

    function test_valueAndShockLossUsdWad__spotOfAnotherAssetBeside__eachAtItsShock() public {
        _deposit(spotEth, 2e18);
        // 6,000 x 15% + 30,000 x 10%.
        _assertShocked(spotEth, "BTC", 30_000e18, 0, 6_000e18, 3_900e18);
    }

    function test_valueAndShockLossUsdWad__cut__leavesTheRestAndRoundsTheLossUp() public {
        _setPrice(ethFeed, "ETH", 3_000.12345678e8);
        _deposit(spotEth, 7);
        // 21,000 wei of value, 1 cut: 20,999 stays; 20,999 x 15% = 3,149.85, rounded up.
        _assertShocked(spotEth, "BTC", 0, 1, 20_999, 3_150);
    }

    function test_valueAndShockLossUsdWad__cutBeyondTheValue__isLostOutright() public {
        _deposit(spotEth, 2e18);
        _assertShocked(spotEth, "ETH", 0, 7_000e18, 0, 1_000e18);
    }

    /* VENUE STATE */

    function test_deposit__newItemWhileFrozen__reverts() public {
        spotBtc.setVenueState(ICollateralVenue.VenueState.Frozen, 0);
        _moveIn(address(wbtc), spotBtc, 1e8);
        VM.prank(address(vault));
        VM.expectRevert(
            abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueNotActive.selector,
                address(spotBtc),
                ICollateralVenue.VenueState.Frozen,
                0
            )
        );
        spotBtc.deposit(ITEM, 1e8);
    }

    function test_deposit__toAHeldItemWhileWindingDown__isAdded() public {
        _deposit(spotBtc, 1e8);
        spotBtc.setVenueState(ICollateralVenue.VenueState.WindingDown, 2_500);
        _deposit(spotBtc, 1e8);
        assertEq(spotBtc.amountOf(ITEM), 2e8, "item");
    }

    function test_valueUsdWad__windingDown__isCountedAtTheHaircutRoundedDown() public {
        _setPrice(ethFeed, "ETH", 3_000.12345678e8);
        _deposit(spotEth, 7);
        spotEth.setVenueState(ICollateralVenue.VenueState.WindingDown, 3_333);
        // 21,000 x 6,667 / 10,000 = 14,000.7, rounded down.
        assertEq(spotEth.valueUsdWad(ITEM), 14_000, "value");
        (,, uint256 liquidationWad) = spotEth.liquidationValue(ITEM);
        assertEq(liquidationWad, 14_000, "liquidation value");
        // The shock stays on the whole exposure: 21,000 x 15% = 3,150.
        _assertShocked(spotEth, "ETH", 0, 0, 14_000, 3_150);
    }

    function test_setVenueState__notTheVaultsOwner__reverts() public {
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(ICollateralVenue.CollateralVenueNotOwner.selector, ALICE));
        spotEth.setVenueState(ICollateralVenue.VenueState.Frozen, 0);
    }

    /* AN ATTACKER'S TOKENS */

    function test_deposit__feeOnTransferToken__reverts() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        SpotCollateral adapter = _adapterFor(address(fee));
        _moveIn(address(fee), adapter, 100);
        VM.prank(address(vault));
        VM.expectRevert(
            abi.encodeWithSelector(ISpotCollateral.SpotCollateralTransferShortfall.selector, address(fee), 100, 99)
        );
        adapter.deposit(ITEM, 100);
    }

    function test_deposit__balanceFellUnderTheItems__revertsWithTheShortfall() public {
        ShrinkingToken shrinking = new ShrinkingToken();
        SpotCollateral adapter = _adapterFor(address(shrinking));
        _moveIn(address(shrinking), adapter, 100);
        VM.prank(address(vault));
        adapter.deposit(ITEM, 100);
        shrinking.shrink(address(adapter), 30);
        // 20 moved in: the balance (90) is still under the items (100): nothing counts as received.
        _moveIn(address(shrinking), adapter, 20);
        VM.prank(address(vault));
        VM.expectRevert(
            abi.encodeWithSelector(ISpotCollateral.SpotCollateralTransferShortfall.selector, address(shrinking), 20, 0)
        );
        adapter.deposit(ITEM, 20);
    }

    function test_deposit__giftBeforeAShortTransfer__creditsNoMoreThanIsHeld() public {
        FeeOnTransferToken fee = new FeeOnTransferToken();
        SpotCollateral adapter = _adapterFor(address(fee));
        // 1 sent outside the vault (no fee on 1), then 100 moved in (99 arrive).
        fee.mint(BOB, 1);
        VM.prank(BOB);
        fee.transfer(address(adapter), 1);
        _moveIn(address(fee), adapter, 100);
        VM.prank(address(vault));
        adapter.deposit(ITEM, 100);
        assertEq(adapter.totalHeld(), 100, "total");
        assertEq(fee.balanceOf(address(adapter)), 100, "the adapter holds what it credited");
    }

    function test_deposit__hookReentersToWithdraw__reverts() public {
        HookToken hook = new HookToken("Hook", "HOOK", 18);
        SpotCollateral adapter = _adapterFor(address(hook));
        _moveIn(address(hook), adapter, 1e18);
        VM.prank(address(vault));
        adapter.deposit(ITEM, 1e18);
        hook.mint(ALICE, 1e18);
        VM.prank(ALICE);
        hook.approve(address(vault), 1e18);
        // The second transfer in calls the adapter back, to take the first one out.
        hook.arm(address(adapter), abi.encodeCall(ISpotCollateral.withdraw, (ITEM, 1e18, BOB)));
        VM.prank(address(vault));
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralNotVault.selector, address(hook)));
        hook.transferFrom(ALICE, address(adapter), 1e18);
    }

    function test_deposit__hookReentersToCreditTwice__reverts() public {
        HookToken hook = new HookToken("Hook", "HOOK", 18);
        SpotCollateral adapter = _adapterFor(address(hook));
        hook.mint(ALICE, 1e18);
        VM.prank(ALICE);
        hook.approve(address(vault), 1e18);
        // The transfer in calls the adapter to credit it before the vault does.
        hook.arm(address(adapter), abi.encodeCall(ISpotCollateral.deposit, (ITEM, 1e18)));
        VM.prank(address(vault));
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralNotVault.selector, address(hook)));
        hook.transferFrom(ALICE, address(adapter), 1e18);
    }

    function test_withdraw__hookReentersToRelease__reverts() public {
        HookToken hook = new HookToken("Hook", "HOOK", 18);
        SpotCollateral adapter = _adapterFor(address(hook));
        _moveIn(address(hook), adapter, 2e18);
        VM.prank(address(vault));
        adapter.deposit(ITEM, 2e18);
        hook.arm(address(adapter), abi.encodeCall(ICollateralVenue.release, (ITEM, BOB)));
        VM.prank(address(vault));
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralNotVault.selector, address(hook)));
        adapter.withdraw(ITEM, 1e18, BOB);
    }

    function test_deposit__oneWeiLoop__creditsNothingItWasNotWorth() public {
        _setPrice(ethFeed, "ETH", 3_000.12345678e8);
        for (uint256 i; i < 10; ++i) {
            _deposit(spotEth, 1);
        }
        // Ten deposits of 1 wei are 10 wei, valued on what is held, never per deposit:
        // floor(30,001.2345678) = 30,001, never above what the 10 wei are worth.
        assertEq(spotEth.amountOf(ITEM), 10, "amount");
        assertEq(spotEth.valueUsdWad(ITEM), 30_001, "value");
    }

    function test_items__twoTokens__areKeptApart() public {
        _deposit(spotBtc, 1e8);
        _deposit(spotEth, 1e18);
        assertEq(spotBtc.valueUsdWad(ITEM), 60_000e18, "BTC item");
        assertEq(spotEth.valueUsdWad(ITEM), 3_000e18, "ETH item");
        VM.prank(address(vault));
        VM.expectRevert(abi.encodeWithSelector(ISpotCollateral.SpotCollateralInsufficient.selector, ITEM, 1e8, 1e8 + 1));
        spotBtc.withdraw(ITEM, 1e8 + 1, BOB);
    }
}
