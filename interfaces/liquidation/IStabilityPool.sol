// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ILiquidationEngine} from "./ILiquidationEngine.sol";
import {ISyntheticToken} from "../core/ISyntheticToken.sol";

/// @title IStabilityPool
/// @notice One synth's stability pool. Holders deposit the synth; a liquidation of a position
///         owing it burns the debt from the pool's deposits (through `Vault.repayFor`, the
///         vault's burner role) instead of a keeper's inventory, and the pool receives the
///         collateral the keeper would have received (spot BTC and the stablecoin, at the
///         liquidation's discount), less the triggering keeper's gas compensation. Each
///         depositor bears the burn and earns the collateral pro rata to its deposit at the time
///         of the liquidation, and may withdraw at any time but inside a liquidation.
/// @dev Units. Synth amounts 18 decimals; spot BTC and the stablecoin in their own decimals.
///
///      Accounting (product-sum). P is the product of (1 − burned / deposits) over the
///      liquidations of the current epoch, kept as an integer with `P_PRECISION` (1e36) of
///      precision and multiplied by `SCALE_FACTOR` (1e9), raising the scale by one, each time it
///      would fall under `P_PRECISION / SCALE_FACTOR` (P stays in [1e27, 1e36]). S (one per
///      collateral, per epoch and scale) sums gain × P / deposits. A liquidation that burns
///      every deposit starts a new epoch (P back to 1e36, scale 0). A deposit d0 made at
///      (P0, S0, epoch, scale) is worth d0 × P / P0 / 1e9^(scale − scale0) now, and has earned
///      d0 × (S − S0) / P0 at its own scale plus d0 × S' / P0 / 1e9^k at each of the next
///      scales (S' that scale's sum, k its distance); a deposit of an older epoch is worth 0,
///      and one `MAX_SCALE_SPAN` (4) scales or more behind is worth 0 and earns nothing more
///      (it is at most 1e-27 of what it was). Every division rounds down, in the pool's favour: the
///      deposits owed never exceed `totalDeposits` (the pool's synth) and the gains owed never
///      exceed the collateral held; nothing depends on the order of deposits or claims.
///      A liquidation is exact to the wei on the synth side: `totalDeposits` falls by exactly
///      what was burned.
interface IStabilityPool {
    /* EVENTS */

    /// @notice `depositor` added `amount` synth; its deposit is now `depositAfter`.
    event Deposited(address indexed depositor, uint256 amount, uint256 depositAfter);

    /// @notice `depositor` withdrew `amount` synth; its deposit is now `depositAfter`.
    event Withdrawn(address indexed depositor, uint256 amount, uint256 depositAfter);

    /// @notice `depositor` was paid its gains: `spotGain` spot BTC and `stableGain` stablecoin.
    event GainsPaid(address indexed depositor, uint256 spotGain, uint256 stableGain);

    /// @notice A liquidation burned `burned` synth from the deposits and brought `spotGain` spot
    ///         BTC and `stableGain` stablecoin; P is now `pAfter` at `scale` in `epoch`.
    event Offset(uint256 burned, uint256 spotGain, uint256 stableGain, uint256 pAfter, uint128 scale, uint128 epoch);

    /* ERRORS */

    /// @notice The zero address was given where one is required.
    error StabilityPoolZeroAddress();

    /// @notice An amount of zero was given.
    error StabilityPoolZeroAmount();

    /// @notice Only the liquidation engine may call this; `caller` is not it.
    error StabilityPoolNotEngine(address caller);

    /// @notice A liquidation is under way in this transaction: deposits and withdrawals wait.
    error StabilityPoolLiquidationInProgress();

    /// @notice `depositor`'s deposit is `deposit`, under the `amount` asked for.
    error StabilityPoolInsufficientDeposit(address depositor, uint256 deposit, uint256 amount);

    /// @notice A liquidation would burn `burned` synth from deposits of `deposits`.
    error StabilityPoolOffsetExceedsDeposits(uint256 burned, uint256 deposits);

    /* DEPOSITORS */

    /// @notice Pays the caller its gains, then adds `amount` synth (pulled from the caller, who
    ///         must have approved it) to its deposit. Reverts during a liquidation.
    function deposit(uint256 amount) external;

    /// @notice Pays the caller its gains, then withdraws `amount` synth of its deposit
    ///         (`type(uint256).max`: all of it; 0: the gains only). Reverts during a liquidation.
    /// @return withdrawn The synth sent to the caller.
    function withdraw(uint256 amount) external returns (uint256 withdrawn);

    /* ENGINE */

    /// @notice Records a liquidation: `burned` synth of the deposits were burned (the engine
    ///         has had the vault burn them from the pool) and `spotGain` spot BTC and
    ///         `stableGain` stablecoin were sent to the pool. Only the engine;
    ///         `burned` must be positive and at most `totalDeposits`.
    function offset(uint256 burned, uint256 spotGain, uint256 stableGain) external;

    /* VIEWS */

    /// @notice The liquidation engine, the only caller of `offset`.
    function engine() external view returns (ILiquidationEngine);

    /// @notice The synth deposited and burned.
    function synth() external view returns (ISyntheticToken);

    /// @notice The spot BTC token, one of the gains.
    function spotToken() external view returns (IERC20);

    /// @notice The stablecoin (the exchange's margin token), the other gain.
    function marginToken() external view returns (IERC20);

    /// @notice The synth the pool holds for its depositors: deposits less withdrawals less burns,
    ///         to the wei.
    function totalDeposits() external view returns (uint256);

    /// @notice The current product P (`P_PRECISION` = 1), scale and epoch.
    function product() external view returns (uint256 p, uint128 scale, uint128 epoch);

    /// @notice `depositor`'s deposit now, after the burns since it was last changed (rounded down).
    function depositOf(address depositor) external view returns (uint256);

    /// @notice The gains `depositor` would be paid now (rounded down).
    function gainsOf(address depositor) external view returns (uint256 spotGain, uint256 stableGain);
}
