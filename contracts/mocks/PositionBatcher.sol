// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";

/// @title PositionBatcher
/// @notice Benchmark helper, never deployed outside a local chain: opens many spot-backed vault
///         positions in one transaction, owned by this contract, so that the gas bench can
///         measure `IVaultLens.healthOf` over a thousand real positions (each with its own storage)
///         without three thousand transactions. It goes through the vault's public functions
///         like any owner, every check included.
contract PositionBatcher {
    using SafeERC20 for IERC20;

    /// @notice Opens `count` positions of `synth`, each with `spotEach` spot BTC (which the
    ///         caller sent here first) and `mintEach` synth minted; returns the first id (the
    ///         vault numbers positions in a row).
    function openMany(IVault vault, ISyntheticToken synth, uint256 count, uint256 spotEach, uint256 mintEach)
        external
        returns (uint256 firstId)
    {
        IERC20(address(vault.spotToken())).forceApprove(address(vault), count * spotEach);
        for (uint256 i; i < count; ++i) {
            uint256 positionId = vault.open(synth);
            if (i == 0) firstId = positionId;
            vault.addSpot(positionId, spotEach);
            vault.mint(positionId, mintEach);
        }
    }
}
