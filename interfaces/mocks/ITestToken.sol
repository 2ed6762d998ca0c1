// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title ITestToken
/// @notice An ERC-20 for local chains and testnets: the USDC-like margin stablecoin (6 decimals)
///         and the WBTC-like spot token (8 decimals) are two deployments of it.
/// @dev Anyone may mint on a local chain (chain id 31337, Anvil's and Hardhat's); elsewhere only
///      the owner may, so a testnet deployment cannot be farmed.
interface ITestToken is IERC20Metadata {
    /// @notice `caller` may not mint on chain `chainId`: minting there is the owner's alone.
    error TestTokenMintNotAllowed(address caller, uint256 chainId);

    /// @notice Mints `amount` (the token's own decimals) to `to`. Open to anyone on chain id
    ///         31337, else only the owner.
    function mint(address to, uint256 amount) external;
}
