// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IVault} from "../core/IVault.sol";

/// @title IVaultLens
/// @notice Read-only views of the vault's positions for keepers, consoles and front ends, kept
///         out of the vault so that its code carries only what moves money. The valuation is the
///         liquidation snapshot's (`CollateralMath`): collateral is the spot at the BTC price
///         rounded down plus the locked account's value floored at 0, debt the position's debt
///         now (fee accrued to this block) at the synth price rounded up, the CR their ratio
///         rounded down (max with no debt). USD amounts and the CR are WAD. The account is
///         valued at the exchange's liquidation price (`IFuturesCollateral.tryLiquidationValueUsdWad`):
///         the minting valuation while every price it needs is trusted; a market whose price the
///         hub does not trust counts at the liquidation rule's price (its last trusted price moved
///         against the holder by its maintenance fraction), as the engine would liquidate it.
///         `mintRoom` is the minting check's instead (trusted prices only, with its shock): the
///         loss the vault charges a position's leverage, and what it may mint.
interface IVaultLens {
    /// @notice Whether `healthOf` could value a position.
    enum HealthStatus {
        Ok,
        UnknownPosition,
        Unpriceable
    }

    /// @notice A position's health. `Ok`: the values. `UnknownPosition` (never opened, or
    ///         closed): no collateral, no debt, CR max. `Unpriceable` (the BTC or synth price is
    ///         stale, frozen, non-positive or unknown, or the exchange cannot value the account even
    ///         by the liquidation rule: a market with no trusted round at all): all 0.
    ///         `accountUnderMaintenance`: the position's locked account is under the exchange's
    ///         maintenance margin (`IFuturesExchange.liquidationRisk`), so the engine liquidates
    ///         the position whatever its CR, even with no debt (the exchange leaves locked
    ///         accounts to it).
    struct Health {
        uint256 collateralUsdWad;
        uint256 debtUsdWad;
        uint256 crWad;
        HealthStatus status;
        bool accountUnderMaintenance;
    }

    /// @notice A position against the vault's minting check, at the prices now (USD and ratios
    ///         WAD). `collateralUsdWad`, `debtUsdWad`, `crWad` as `health` gives them;
    ///         `shockLossUsdWad`: what the collateral could lose in one oracle round of every
    ///         asset moving against it by its shock, as the vault counts it (`IVault.shockWad`,
    ///         `CollateralMath.accountShockLossUsdWad`); `shockedCrWad`: (collateral - loss,
    ///         floored at 0) / debt, rounded down, max with no debt; `maxMint`: the most synth the
    ///         position may mint now (synth units) keeping both the minting ratio and a shocked CR
    ///         of 100%, less a few wei for the rounding of the new debt shares, so that the vault
    ///         accepts exactly it; 0 when it may mint nothing (also when its locked account's
    ///         venue is not active: `ICollateralVenue.requireActive`). The minimum debt, the debt ceiling
    ///         and a shutdown are not taken into account.
    struct MintRoom {
        uint256 collateralUsdWad;
        uint256 shockLossUsdWad;
        uint256 debtUsdWad;
        uint256 crWad;
        uint256 shockedCrWad;
        uint256 maxMint;
    }

    /// @notice The vault whose positions this lens reads.
    function vault() external view returns (IVault);

    /// @notice Position `positionId`'s collateral and debt in USD and its CR, at the prices now.
    ///         Reverts for an unknown position (`VaultUnknownPosition`) and with the underlying
    ///         error when a price it needs cannot be trusted.
    function health(uint256 positionId)
        external
        view
        returns (uint256 collateralUsdWad, uint256 debtUsdWad, uint256 crWad);

    /// @notice Position `positionId` against the vault's minting check (see `MintRoom`): the
    ///         shocked CR, which must stay at or above 100%, and the most it may still mint.
    ///         Reverts as `health` does.
    function mintRoom(uint256 positionId) external view returns (MintRoom memory room);

    /// @notice `health` of many positions in one call, for keepers: never reverts because one
    ///         position cannot be valued, but reports its status instead (see `Health`). Each
    ///         price is read once per call (through `IOracleHub.peekPriceWad`), on first need.
    function healthOf(uint256[] calldata positionIds) external view returns (Health[] memory healths);
}
