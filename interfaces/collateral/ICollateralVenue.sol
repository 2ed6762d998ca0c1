// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title ICollateralVenue
/// @notice The collateral port: what a vault needs to know of collateral held for it, whatever it
///         is. A venue adapter keeps custody of collateral items (here, one per item id) for one
///         vault, tells what each is worth, and gives it back or reduces it only when that vault
///         asks. The vault never reads the venue behind the adapter.
/// @dev Value. `valueUsdWad` is what liquidating the item now would fetch, in USD (WAD), rounded
///      down and floored at zero: never a mark that a forced sale could not realise. A vault's
///      minting checks, its health views and its liquidations all count an item at this value.
///
///      Shock. The vault's minting check also asks what an item, with the spot held beside it,
///      could lose in one oracle round in which every asset moves against it by the vault's
///      shock for that asset (`IVault.shockWad`, which the venue reads from `vault()`):
///      `valueAndShockLossUsdWad`, by `CollateralMath`'s rule (net exposure per asset x shock,
///      hedges netted, plus what the item's closing costs can grow by), rounded up.
interface ICollateralVenue {
    /// @notice The one vault this venue holds collateral for: only it may move collateral.
    function vault() external view returns (address);

    /// @notice What liquidating item `itemId` now would fetch, in USD (WAD), rounded down and
    ///         floored at zero. Reverts with the venue's own error when a price it needs cannot
    ///         be trusted.
    function valueUsdWad(uint256 itemId) external view returns (uint256);

    /// @notice `valueUsdWad` that never reverts: `ok` is false when the venue cannot value the
    ///         item now, its revert data then in `reason` (for health views that must answer).
    function tryValueUsdWad(uint256 itemId) external view returns (bool ok, uint256 valueWad, bytes memory reason);

    /// @notice Item `itemId`'s value (`valueUsdWad`) and its shock loss: the most it and
    ///         `spotUsdWad` (USD, WAD) of spot priced as `spotAsset`, held beside it, could lose
    ///         together in one oracle round in which every asset moves against them by the
    ///         vault's shock for it (`CollateralMath.accountShockLossUsdWad`), rounded up. Reverts
    ///         as `valueUsdWad` does when a price it needs cannot be trusted.
    function valueAndShockLossUsdWad(uint256 itemId, bytes32 spotAsset, uint256 spotUsdWad)
        external
        view
        returns (uint256 valueWad, uint256 lossWad);

    /// @notice Hands item `itemId` back to `to`, whole. Only the vault.
    function release(uint256 itemId, address to) external;
}
