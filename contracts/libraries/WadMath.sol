// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title WadMath
/// @notice Fixed-point helpers for 18-decimal (WAD) numbers. Every helper names its rounding:
///         `Down` rounds toward zero, `Up` away from it. Callers pick the direction that favours
///         the protocol (debt and amounts owed up, collateral credited and amounts paid down).
/// @dev Built on OpenZeppelin's `Math.mulDiv`, which is exact for 512-bit intermediates.
library WadMath {
    uint256 internal constant WAD = 1e18;

    /// @dev x * y / WAD, rounded down.
    function mulWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD);
    }

    /// @dev x * y / WAD, rounded up.
    function mulWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD, Math.Rounding.Ceil);
    }

    /// @dev x * WAD / y, rounded down. Reverts when y is zero.
    function divWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, WAD, y);
    }

    /// @dev x * WAD / y, rounded up. Reverts when y is zero.
    function divWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, WAD, y, Math.Rounding.Ceil);
    }

    /// @dev Converts `amount` of a token with `decimals` decimals to WAD, exactly (decimals <= 18).
    function toWad(uint256 amount, uint8 decimals) internal pure returns (uint256) {
        return amount * 10 ** (18 - decimals);
    }

    /// @dev Converts a WAD amount to a token with `decimals` decimals, rounded down (decimals <= 18).
    function fromWadDown(uint256 wad, uint8 decimals) internal pure returns (uint256) {
        return wad / 10 ** (18 - decimals);
    }

    /// @dev Converts a WAD amount to a token with `decimals` decimals, rounded up (decimals <= 18).
    function fromWadUp(uint256 wad, uint8 decimals) internal pure returns (uint256) {
        return Math.ceilDiv(wad, 10 ** (18 - decimals));
    }
}
