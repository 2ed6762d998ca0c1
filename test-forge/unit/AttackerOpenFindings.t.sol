// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The OPEN issue the invariant campaign's attacker (`SynthvaultAttacker`) led to, not fixed here
 * (see docs/security.md): this test pins today's behaviour, an attack that works, so that the
 * fix turns it around.
 *
 * The exchange pays its liquidation reward to whoever liquidates an account, the owner of the
 * vault position that has it locked included: the margin it comes out of is that position's
 * collateral, which, the position under water, is its creditors'.
 */

import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract AttackerOpenFindingsTest is SystemFixture {
    /// @dev Alice's position owes 3,000 sUSD on a locked account of 10,000 long 1 BTC (filled at
    ///      60,003.6, fee 30.0018: margin 9,969.9982; close value 9,932.8, CR 331%; within the
    ///      10% shock, which leaves 3,925.744376 over the debt). BTC falls to
    ///      51,000: equity 966.3982 under the exchange's maintenance (2,550), the position under
    ///      water. Alice liquidates her own account on the exchange: the close fills at
    ///      50,997.399 (-9,006.201, fee 25.4987: margin 938.2985), and the reward, 0.5% of the
    ///      51,000 closed, 255, goes to her: the position's creditors recover 683.2985, not
    ///      938.2985, and the 3,000 sUSD she minted are still hers.
    function test_exchangeLiquidate__ownLockedAccountUnderWater__ownerTakesTheRewardFromTheCollateral() public {
        (uint256 id, uint256 accountId) = _futuresPosition(ALICE, sUSD, 10_000e6, 1e18, 3_000e18);
        assertEq(exchange.signedMarginOf(accountId), 9_969.9982e18, "margin after the open's fee");
        assertEq(exchange.closeValue(accountId), 9_932.8e18, "close value at the mint");
        _setPrice(btcFeed, "BTC", 51_000e8);
        assertEq(exchange.closeValue(accountId), 938.2985e18, "the collateral, under water");

        VM.prank(ALICE);
        uint256 rewardWad = exchange.liquidate(accountId);

        assertEq(rewardWad, 255e18, "0.5% of the 51,000 closed");
        assertEq(usdc.balanceOf(ALICE), 255e6, "to the position's owner");
        assertEq(exchange.closeValue(accountId), 683.2985e18, "out of the position's collateral");
        assertEq(vault.position(id).debt, 3_000e18, "the debt unchanged");
        assertEq(sUSD.balanceOf(ALICE), 3_000e18, "and the synth hers");
    }
}
