// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * VenueStatus: the collateral port's venue state, written once for every adapter behind it (the
 * futures account, spot ERC-20s): the vault's owner sets it, the vault asks `requireActive` before
 * new risk, and every value an adapter returns passes through `_counted` (the haircut).
 */

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {BPS} from "../libraries/Units.sol";
import {WadMath} from "../libraries/WadMath.sol";

abstract contract VenueStatus is ICollateralVenue {
    using WadMath for uint256;

    /// @dev The one vault this adapter holds collateral for.
    address internal immutable _vault;

    /// @dev The venue's state and haircut (bps), one slot: the only storage a valuation reads.
    struct Status {
        VenueState state;
        uint16 haircutBps;
    }

    Status private _status;

    constructor(address vault_) {
        _vault = vault_;
    }

    /// @inheritdoc ICollateralVenue
    function vault() external view returns (address) {
        return _vault;
    }

    /// @inheritdoc ICollateralVenue
    function setVenueState(VenueState state, uint256 haircutBps) external {
        if (msg.sender != Ownable(_vault).owner()) revert CollateralVenueNotOwner(msg.sender);
        if (haircutBps > BPS) revert CollateralVenueHaircutTooHigh(haircutBps, BPS);
        if (haircutBps != 0 && state != VenueState.WindingDown) {
            revert CollateralVenueHaircutNotWindingDown(state, haircutBps);
        }
        Status memory previous = _status;
        if (state == previous.state && haircutBps == previous.haircutBps) revert CollateralVenueAlreadySet();
        // casting to 'uint16' is safe because haircutBps <= BPS = 10,000 was just checked
        // forge-lint: disable-next-line(unsafe-typecast)
        _status = Status({state: state, haircutBps: uint16(haircutBps)});
        if (state != previous.state) emit VenueStateSet(previous.state, state);
        if (haircutBps > previous.haircutBps) emit HaircutRaised(previous.haircutBps, haircutBps);
        else if (haircutBps < previous.haircutBps) emit HaircutLowered(previous.haircutBps, haircutBps);
    }

    /// @inheritdoc ICollateralVenue
    function venueState() external view returns (VenueState state, uint256 haircutBps) {
        Status memory status = _status;
        return (status.state, status.haircutBps);
    }

    /// @inheritdoc ICollateralVenue
    function requireActive() public view {
        Status memory status = _status;
        if (status.state != VenueState.Active) {
            revert CollateralVenueNotActive(address(this), status.state, status.haircutBps);
        }
    }

    /// @dev What the vault counts of an item worth `valueWad`: (1 - haircut) of it, rounded
    ///      down; the whole of it while no haircut applies. Every value the port returns passes here.
    function _counted(uint256 valueWad) internal view returns (uint256) {
        uint256 haircutBps = _status.haircutBps;
        return haircutBps == 0 ? valueWad : valueWad.mulDivDown(BPS - haircutBps, BPS);
    }
}
