// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {IOracleHub} from "../oracle/IOracleHub.sol";
import {ICollateralVenue} from "./ICollateralVenue.sol";

/// @title ISpotCollateral
/// @notice Plain ERC-20 spot collateral behind the collateral port: one adapter per token (WBTC,
///         WETH, ...), deployed for one vault from a config entry. An item id is the vault's
///         position id; the item is the amount of the token the adapter holds for it (`amountOf`,
///         in the token's own decimals).
/// @dev Value. `valueUsdWad` is the amount at the oracle's `Minting` price of `asset()` (USD per
///      whole token, WAD), rounded down (`CollateralMath.spotUsd`), then counted at the venue's
///      haircut (`ICollateralVenue`). A liquidation counts it at the `LiquidationCollateral`
///      price (`liquidationValue`): the lower of two disagreeing sources, and a closed market
///      refused. A price the oracle does not trust reverts with the oracle's own error.
///
///      Shock. Spot is a long exposure to `asset()`: `valueAndShockLossUsdWad` charges what stays
///      (its value before the haircut, less the cut) at the vault's shock for the asset, rounded
///      up, netted with spot of the same asset held beside it (the sum, rounded once) and beside
///      spot of another asset (each term rounded up).
///
///      Custody. The vault moves a user's tokens into the adapter (the user approves the vault,
///      as before) and credits them with `deposit` in the same call; they leave only through
///      `withdraw` or `release` (the vault's calls: a user's removal, a liquidation's or the
///      settlement's seizure, closing the position). A credit must be covered: the adapter's
///      balance beyond `totalHeld` (what arrived since the items were last counted) must be at
///      least the amount, so a token that takes a fee on transfer, or otherwise delivers less,
///      reverts `SpotCollateralTransferShortfall`, and the adapter's balance is never less than
///      the sum of its items. Tokens sent to the adapter outside the vault are a gift that may
///      cover a later short transfer, never a credit of their own. The vault emits the events
///      of each move (`IVault.SpotAdded`, ...); the adapter emits none of its own.
///
///      Tokens. At most 18 decimals (`SpotCollateralUnsupportedDecimals`); the oracle is the
///      vault's, read once at construction. What is NOT defended here: a token whose balance
///      falls without a transfer (rebasing down, blacklisting the adapter): registering a token
///      is governance's decision, and such a token is not registered.
interface ISpotCollateral is ICollateralVenue {
    /// @notice Only the vault may move collateral; `caller` is not it.
    error SpotCollateralNotVault(address caller);

    /// @notice `token` has `decimals` decimals, more than `maxDecimals` (18).
    error SpotCollateralUnsupportedDecimals(address token, uint8 decimals, uint8 maxDecimals);

    /// @notice A credit of `amount` of `token` found only `received` arrived (the balance beyond `totalHeld`).
    error SpotCollateralTransferShortfall(address token, uint256 amount, uint256 received);

    /// @notice Item `itemId` holds `held`, less than the `amount` asked.
    error SpotCollateralInsufficient(uint256 itemId, uint256 held, uint256 amount);

    /// @notice A deposit or withdrawal of nothing.
    error SpotCollateralZeroAmount(uint256 itemId);

    /// @notice The token this adapter holds.
    function token() external view returns (IERC20Metadata);

    /// @notice The oracle asset id pricing one whole token, e.g. `bytes32("ETH")` for WETH.
    function asset() external view returns (bytes32);

    /// @notice The token's decimals (at most 18), read once at construction.
    function tokenDecimals() external view returns (uint8);

    /// @notice The vault's oracle, read once at construction.
    function oracle() external view returns (IOracleHub);

    /// @notice The amount of the token (its decimals) item `itemId` holds.
    function amountOf(uint256 itemId) external view returns (uint256);

    /// @notice The sum of every item's amount: the adapter's balance is never less.
    function totalHeld() external view returns (uint256);

    /// @notice Item `itemId`'s amount, the price a liquidation counts it at (`LiquidationCollateral`,
    ///         USD per whole token, WAD; 0 and not read when the item is empty) and its value at
    ///         that price, rounded down and counted at the haircut.
    function liquidationValue(uint256 itemId) external view returns (uint256 amount, uint256 priceWad, uint256 valueWad);

    /// @notice Credits item `itemId` with `amount` of the token, which the vault has just moved
    ///         into this adapter (from the position's owner, who approved the vault). Only the
    ///         vault; a new item (`itemId` empty) only while the venue is active
    ///         (`CollateralVenueNotActive`), while adding to a held one goes on in every state, as
    ///         adding margin does. Reverts `SpotCollateralTransferShortfall` unless the adapter's
    ///         balance beyond `totalHeld` covers `amount`.
    function deposit(uint256 itemId, uint256 amount) external;

    /// @notice Sends `amount` of item `itemId` to `to` (a removal, or a liquidation's or the
    ///         settlement's seizure). Only the vault; reverts `SpotCollateralInsufficient` past
    ///         what the item holds.
    function withdraw(uint256 itemId, uint256 amount, address to) external;
}
