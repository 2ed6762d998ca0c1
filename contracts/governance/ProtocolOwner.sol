// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * ProtocolOwner: on a live network, the owner of every protocol contract. The timelock's calls
 * go through after its delay; the guardian's, at once, only where they tighten a rule.
 */

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IGlobalSettlement} from "../../interfaces/liquidation/IGlobalSettlement.sol";
import {IProtocolOwner} from "../../interfaces/governance/IProtocolOwner.sol";

contract ProtocolOwner is IProtocolOwner {
    /// @inheritdoc IProtocolOwner
    address public immutable timelock;
    /// @inheritdoc IProtocolOwner
    IVault public immutable vault;
    /// @inheritdoc IProtocolOwner
    IGlobalSettlement public immutable settlement;
    /// @inheritdoc IProtocolOwner
    address public guardian;

    /// @param timelock_ The timelock (`ProtocolTimelock`) whose calls pass after its delay.
    /// @param guardian_ The guardian (0: none).
    /// @param vault_ The vault; `settlement_` its global settlement.
    constructor(address timelock_, address guardian_, IVault vault_, IGlobalSettlement settlement_) {
        if (timelock_ == address(0) || address(vault_) == address(0) || address(settlement_) == address(0)) {
            revert ProtocolOwnerZeroAddress();
        }
        timelock = timelock_;
        vault = vault_;
        settlement = settlement_;
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    modifier onlyTimelock() {
        if (msg.sender != timelock) revert ProtocolOwnerNotTimelock(msg.sender);
        _;
    }

    modifier onlyGuardian() {
        if (msg.sender != guardian && msg.sender != timelock) revert ProtocolOwnerNotGuardian(msg.sender);
        _;
    }

    /* THE TIMELOCK */

    /// @inheritdoc IProtocolOwner
    function execute(address target, bytes calldata data) external onlyTimelock returns (bytes memory result) {
        emit Executed(target, data);
        result = Address.functionCall(target, data);
    }

    /// @inheritdoc IProtocolOwner
    function setGuardian(address guardian_) external onlyTimelock {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @inheritdoc IProtocolOwner
    function acceptOwnerships(address[] calldata targets) external {
        for (uint256 i; i < targets.length; ++i) {
            Ownable2Step target = Ownable2Step(targets[i]);
            if (target.pendingOwner() == address(this)) target.acceptOwnership();
        }
    }

    /* THE GUARDIAN */

    /// @inheritdoc IProtocolOwner
    function pauseMinting(ISyntheticToken synth) external onlyGuardian {
        IVault.SynthParams memory params = vault.synthParams(synth);
        params.debtCeiling = 0;
        emit MintingPaused(synth, msg.sender);
        vault.setSynthParams(synth, params);
    }

    /// @inheritdoc IProtocolOwner
    function raiseMintingRatio(ISyntheticToken synth, uint256 mintingRatioWad) external onlyGuardian {
        IVault.SynthParams memory params = vault.synthParams(synth);
        uint256 current = params.mintingRatioWad;
        if (mintingRatioWad <= current) revert ProtocolOwnerNotTighter(current, mintingRatioWad);
        params.mintingRatioWad = mintingRatioWad;
        emit MintingRatioRaised(synth, msg.sender, current, mintingRatioWad);
        vault.setSynthParams(synth, params);
    }

    /// @inheritdoc IProtocolOwner
    function raiseShock(bytes32 asset, uint256 shockWad) external onlyGuardian {
        uint256 current = vault.shockWad(asset);
        if (shockWad <= current) revert ProtocolOwnerNotTighter(current, shockWad);
        emit ShockRaised(asset, msg.sender, current, shockWad);
        vault.setShock(asset, shockWad);
    }

    /// @inheritdoc IProtocolOwner
    function freezeVenue() external onlyGuardian {
        _tightenVenue(ICollateralVenue.VenueState.Frozen, 0, true);
    }

    /// @inheritdoc IProtocolOwner
    function windDownVenue(uint256 haircutBps) external onlyGuardian {
        _tightenVenue(ICollateralVenue.VenueState.WindingDown, haircutBps, true);
    }

    /// @inheritdoc IProtocolOwner
    function raiseHaircut(uint256 haircutBps) external onlyGuardian {
        _tightenVenue(ICollateralVenue.VenueState.WindingDown, haircutBps, false);
    }

    /// @dev Moves the vault's venue to `state` at `haircutBps` if that is stricter: with
    ///      `stateRises`, a later state (Active < Frozen < WindingDown, the haircut then any);
    ///      without, the same state at a higher haircut.
    function _tightenVenue(ICollateralVenue.VenueState state, uint256 haircutBps, bool stateRises) private {
        ICollateralVenue venue = vault.futuresCollateral();
        (ICollateralVenue.VenueState current, uint256 currentHaircutBps) = venue.venueState();
        bool tighter = stateRises ? state > current : state == current && haircutBps > currentHaircutBps;
        if (!tighter) revert ProtocolOwnerVenueNotTighter(venue, current, currentHaircutBps, state, haircutBps);
        emit VenueTightened(venue, msg.sender, current, currentHaircutBps, state, haircutBps);
        venue.setVenueState(state, haircutBps);
    }

    /// @inheritdoc IProtocolOwner
    function shutdown() external onlyGuardian {
        emit ShutdownTriggered(msg.sender);
        settlement.shutdown();
    }
}
