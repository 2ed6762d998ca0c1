// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title ISyntheticToken
/// @notice A synthetic asset: an 18-decimal ERC-20 (with ERC-2612 permits) whose supply is the
///         debt of the vault's positions in it. It tracks the `OracleHub` price of `asset()`: one
///         whole token is owed as one whole unit of that asset, valued in USD at its oracle price.
/// @dev Only the protocol's contracts create and destroy supply, through roles rather than an
///      owner key: the vault holds `MINTER_ROLE` and `BURNER_ROLE`, the global settlement
///      `BURNER_ROLE` (for redemptions). The deployer holds `DEFAULT_ADMIN_ROLE` only while it
///      wires the protocol: the deployment (`synthvault/deploy.py: deploy_liquidation`) renounces
///      it once the vault and the settlement hold their roles, so that no role outside the protocol
///      can ever mint (or burn). A burner destroys tokens of `from` without an allowance, so the
///      role goes only to contracts that burn from their own caller.
interface ISyntheticToken is IERC20Metadata, IERC20Permit {
    /// @notice The zero address was given for the admin.
    error SyntheticTokenZeroAddress();

    /// @notice The role allowed to `mint`.
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice The role allowed to `burn`.
    function BURNER_ROLE() external view returns (bytes32);

    /// @notice The `OracleHub` asset id this synth tracks, e.g. `bytes32("XAU")`.
    function asset() external view returns (bytes32);

    /// @notice Creates `amount` tokens for `to`. Only `MINTER_ROLE`.
    function mint(address to, uint256 amount) external;

    /// @notice Destroys `amount` tokens of `from`, without an allowance. Only `BURNER_ROLE`.
    function burn(address from, uint256 amount) external;
}
