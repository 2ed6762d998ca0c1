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
///
///      Venue state. The vault's owner (on a live network `ProtocolOwner`: the timelock, or the
///      guardian where it tightens) sets the venue's state, for when the venue itself may be
///      worth less than its books say:
///      - `Active`: the default.
///      - `Frozen`: no new item is taken into custody (the vault's `lock` reverts
///        `CollateralVenueNotActive`) and the vault mints nothing against a position holding one
///        of its items (`requireActive`); everything else goes on: repaying, adding margin,
///        trading and withdrawing under the minting check, unlocking, liquidation.
///      - `WindingDown`: as frozen, and every item is counted at (1 - haircut) of its value
///        (`haircutBps`, at most 100%, rounded down) wherever the vault counts it: the minting
///        check, its health views, the liquidation trigger and sizing. What a liquidation seizes
///        is the item itself (closed at the venue's prices), so a haircut makes positions
///        liquidatable sooner but never makes a keeper's pay come out of anyone else's money.
///      The rule is written once, here: every value this port returns is the counted value.
interface ICollateralVenue {
    /// @notice A venue's state (see above): the order is the order of strictness.
    enum VenueState {
        Active,
        Frozen,
        WindingDown
    }

    /// @notice The venue's state was set from `previous` to `state`.
    event VenueStateSet(VenueState previous, VenueState state);

    /// @notice The haircut on the venue's items was raised from `fromBps` to `toBps`.
    event HaircutRaised(uint256 fromBps, uint256 toBps);

    /// @notice The haircut on the venue's items was lowered from `fromBps` to `toBps`.
    event HaircutLowered(uint256 fromBps, uint256 toBps);

    /// @notice A new item (a `lock`) or a mint against one on `venue`, whose state is `state`
    ///         (haircut `haircutBps`): only an active venue takes new risk.
    error CollateralVenueNotActive(address venue, VenueState state, uint256 haircutBps);

    /// @notice Only the vault's owner sets the venue's state; `caller` is not it.
    error CollateralVenueNotOwner(address caller);

    /// @notice A haircut of `haircutBps` is more than the whole value (`maxHaircutBps`, 10,000).
    error CollateralVenueHaircutTooHigh(uint256 haircutBps, uint256 maxHaircutBps);

    /// @notice A haircut of `haircutBps` was given with state `state`: only a venue winding down
    ///         has one (and it may be 0).
    error CollateralVenueHaircutNotWindingDown(VenueState state, uint256 haircutBps);

    /// @notice The venue is already in that state with that haircut.
    error CollateralVenueAlreadySet();

    /// @notice The one vault this venue holds collateral for: only it may move collateral.
    function vault() external view returns (address);

    /// @notice What liquidating item `itemId` now would fetch, in USD (WAD), rounded down and
    ///         floored at zero. Reverts with the venue's own error when a price it needs cannot
    ///         be trusted.
    function valueUsdWad(uint256 itemId) external view returns (uint256);

    /// @notice `valueUsdWad` that never reverts: `ok` is false when the venue cannot value the
    ///         item now, its revert data then in `reason` (for health views that must answer).
    function tryValueUsdWad(uint256 itemId) external view returns (bool ok, uint256 valueWad, bytes memory reason);

    /// @notice Item `itemId`'s value (`valueUsdWad`) once `cutUsdWad` leaves it (a withdrawal
    ///         of that much, valued at $1; 0 for none) and its shock loss: the most it and
    ///         `spotUsdWad` (USD, WAD) of spot priced as `spotAsset`, held beside it, could lose
    ///         together in one oracle round in which every asset moves against them by the
    ///         vault's shock for it (`CollateralMath.accountShockLossUsdWad`), rounded up, plus the
    ///         part of the cut the item's value cannot cover (a debt its gains repay first). The
    ///         haircut applies to what stays. Reverts as `valueUsdWad` does when a price it needs
    ///         cannot be trusted.
    function valueAndShockLossUsdWad(uint256 itemId, bytes32 spotAsset, uint256 spotUsdWad, uint256 cutUsdWad)
        external
        view
        returns (uint256 valueWad, uint256 lossWad);

    /// @notice Hands item `itemId` back to `to`, whole. Only the vault.
    function release(uint256 itemId, address to) external;

    /// @notice Sets the venue's state and haircut (`haircutBps`, only while `WindingDown`, at
    ///         most 10,000), emitting `VenueStateSet` when the state changes and
    ///         `HaircutRaised`/`HaircutLowered` when the haircut does. Only the vault's owner.
    ///         Reverts `CollateralVenueAlreadySet` when nothing would change.
    function setVenueState(VenueState state, uint256 haircutBps) external;

    /// @notice The venue's state and its haircut in basis points (0 unless `WindingDown`).
    function venueState() external view returns (VenueState state, uint256 haircutBps);

    /// @notice Reverts `CollateralVenueNotActive` unless the venue is `Active`: the vault asks
    ///         before minting against a position holding one of its items.
    function requireActive() external view;
}
