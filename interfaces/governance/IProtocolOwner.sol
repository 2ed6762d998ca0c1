// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ICollateralVenue} from "../collateral/ICollateralVenue.sol";
import {ISyntheticToken} from "../core/ISyntheticToken.sol";
import {IVault} from "../core/IVault.sol";
import {IGlobalSettlement} from "../liquidation/IGlobalSettlement.sol";

/// @title IProtocolOwner
/// @notice The owner of every protocol contract on a live network (the oracle hub, the exchange
///         and its pool, the vault, the liquidation engine, the insurance fund, the global
///         settlement), with two callers:
///         - the timelock (`ProtocolTimelock`, OpenZeppelin's `TimelockController`): any owner
///           call (`execute`), once its proposal has waited out the timelock's delay;
///         - the guardian: at once, only the few calls that make the protocol safer and never
///           looser: pause a synth's minting (its debt ceiling to 0), raise a synth's minting
///           ratio, raise an asset's shock in the minting check, freeze the vault's venue, start
///           its wind-down or raise its haircut, shut the protocol down. Undoing any of them
///           (resuming minting, lowering a ratio, a shock or a haircut, unfreezing) is the
///           timelock's.
///         The guardian can stop new risk and end the protocol, but cannot loosen a rule, move a
///         price, touch a position or take a token: a stolen guardian key can freeze minting or
///         force a shutdown (every holder then redeems at the settled prices), nothing more.
///         The timelock may also replace the guardian (0: none).
/// @dev Ownership moves in two steps (`Ownable2Step`): each contract's owner names this one
///      (`transferOwnership`), then anyone calls `acceptOwnerships` here.
interface IProtocolOwner {
    /* EVENTS */

    /// @notice The guardian is now `guardian` (0: none).
    event GuardianSet(address indexed guardian);

    /// @notice The timelock made the owner call `data` on `target`.
    event Executed(address indexed target, bytes data);

    /// @notice `guardian` paused the minting of `synth` (its debt ceiling set to 0).
    event MintingPaused(ISyntheticToken indexed synth, address indexed guardian);

    /// @notice `guardian` raised `synth`'s minting ratio from `fromWad` to `toWad`.
    event MintingRatioRaised(ISyntheticToken indexed synth, address indexed guardian, uint256 fromWad, uint256 toWad);

    /// @notice `guardian` raised `asset`'s shock in the minting check from `fromWad` to `toWad`.
    event ShockRaised(bytes32 indexed asset, address indexed guardian, uint256 fromWad, uint256 toWad);

    /// @notice `guardian` tightened the vault's venue `venue` from `fromState` at `fromHaircutBps`
    ///         to `toState` at `toHaircutBps` (freeze, wind down, raise the haircut).
    event VenueTightened(
        ICollateralVenue indexed venue,
        address indexed guardian,
        ICollateralVenue.VenueState fromState,
        uint256 fromHaircutBps,
        ICollateralVenue.VenueState toState,
        uint256 toHaircutBps
    );

    /// @notice `guardian` shut the protocol down (global settlement).
    event ShutdownTriggered(address indexed guardian);

    /* ERRORS */

    /// @notice The zero address was given where one is required.
    error ProtocolOwnerZeroAddress();

    /// @notice Only the timelock may do this; `caller` is not it.
    error ProtocolOwnerNotTimelock(address caller);

    /// @notice Only the guardian (or the timelock) may do this; `caller` is neither.
    error ProtocolOwnerNotGuardian(address caller);

    /// @notice A guardian's change must make the rule stricter: `proposed` does not raise `current`.
    error ProtocolOwnerNotTighter(uint256 current, uint256 proposed);

    /// @notice A guardian's venue change must make it stricter: from `state` at `haircutBps`, to
    ///         `proposedState` at `proposedHaircutBps` is not (a freeze only of an active venue, a
    ///         wind-down only of one not winding down, a haircut only raised while winding down).
    error ProtocolOwnerVenueNotTighter(
        ICollateralVenue venue,
        ICollateralVenue.VenueState state,
        uint256 haircutBps,
        ICollateralVenue.VenueState proposedState,
        uint256 proposedHaircutBps
    );

    /* THE TIMELOCK */

    /// @notice Makes the owner call `data` on `target` (any of the owned contracts' owner-only
    ///         functions, or `transferOwnership` to hand one on). Only the timelock.
    /// @return result What the call returned. Reverts with the target's own error.
    function execute(address target, bytes calldata data) external returns (bytes memory result);

    /// @notice Sets the guardian (0: none). Only the timelock.
    function setGuardian(address guardian) external;

    /// @notice Accepts the ownership of each of `targets` that named this contract its pending
    ///         owner (`Ownable2Step.transferOwnership`). Anyone may call: accepting what was
    ///         offered changes no rule.
    function acceptOwnerships(address[] calldata targets) external;

    /* THE GUARDIAN (or the timelock), AT ONCE */

    /// @notice Pauses the minting of `synth`: its debt ceiling to 0 (burns, liquidations and
    ///         everything else go on). Reverts with the vault's `VaultAlreadySet` when paused.
    function pauseMinting(ISyntheticToken synth) external;

    /// @notice Raises `synth`'s minting ratio to `mintingRatioWad`, above its current one (at
    ///         most the vault's maximum). Only new mints and withdrawals feel it; no position
    ///         becomes liquidatable.
    function raiseMintingRatio(ISyntheticToken synth, uint256 mintingRatioWad) external;

    /// @notice Raises `asset`'s shock in the minting check to `shockWad`, above its current one
    ///         (at most the vault's 50%). Like the ratio, it binds only new risk.
    function raiseShock(bytes32 asset, uint256 shockWad) external;

    /// @notice Freezes the vault's venue (`IVault.futuresCollateral`): no new locks, no mints
    ///         against it; existing positions go on. Only an active venue.
    function freezeVenue() external;

    /// @notice Starts winding the vault's venue down at a haircut of `haircutBps` (at most
    ///         10,000: the venue's `CollateralVenueHaircutTooHigh`): its collateral counts at
    ///         (1 - haircut) in the minting check and the liquidation trigger, so positions on it
    ///         may become liquidatable. Only a venue active or frozen.
    function windDownVenue(uint256 haircutBps) external;

    /// @notice Raises the haircut of the vault's venue, winding down, to `haircutBps`, above its
    ///         current one. Lowering it, unfreezing, returning to active are the timelock's
    ///         (`execute` of `ICollateralVenue.setVenueState`).
    function raiseHaircut(uint256 haircutBps) external;

    /// @notice Shuts the protocol down (`IGlobalSettlement.shutdown`).
    function shutdown() external;

    /* VIEWS */

    /// @notice The timelock, the only caller of `execute` and `setGuardian`.
    function timelock() external view returns (address);

    /// @notice The guardian (0: none).
    function guardian() external view returns (address);

    /// @notice The vault whose synths and shocks the guardian may tighten.
    function vault() external view returns (IVault);

    /// @notice The global settlement the guardian may trigger.
    function settlement() external view returns (IGlobalSettlement);
}
