// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * Leverage carries a haircut in the minting check (first review, lower severity): a position may
 * mint only what it could still cover at 100% CR after each collateral asset moved against it,
 * in one oracle round, by the vault's shock for that asset (BTC 10% in the fixture). Before, a
 * 10x long minted at 150% was bad debt after a 3.4% move, well inside the circuit breaker.
 */

import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract VaultShockHaircutTest is SystemFixture {
    /// @dev `IVault.VaultShockUndercollateralized(uint256,uint256,uint256)`.
    bytes4 internal constant SHOCK_ERROR = bytes4(keccak256("VaultShockUndercollateralized(uint256,uint256,uint256)"));

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
}
