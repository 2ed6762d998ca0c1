// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {WAD} from "./Units.sol";

/// @title WadMath
/// @notice Fixed-point helpers for 18-decimal (WAD) numbers. Every helper names its rounding:
///         `Down` rounds toward zero, `Up` away from it. Callers pick the direction that favours
///         the protocol (debt and amounts owed up, collateral credited and amounts paid down).
/// @dev Exact for 512-bit intermediates: when the product fits 256 bits (every amount the
///      protocol meets) it divides directly, else it falls back to OpenZeppelin's `Math.mulDiv`.
///      Both give the same result, the fast path only skips the 512-bit bookkeeping (a few
///      hundred gas on the liquidation path, which runs some fifty of these).
library WadMath {
    /// @dev x * y / WAD, rounded down.
    function mulWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return _mulDiv(x, y, WAD, false);
    }

    /// @dev x * y / WAD, rounded up.
    function mulWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return _mulDiv(x, y, WAD, true);
    }

    /// @dev x * WAD / y, rounded down. Reverts when y is zero.
    function divWadDown(uint256 x, uint256 y) internal pure returns (uint256) {
        return _mulDiv(x, WAD, y, false);
    }

    /// @dev x * WAD / y, rounded up. Reverts when y is zero.
    function divWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return _mulDiv(x, WAD, y, true);
    }

    /// @dev x * y / d, rounded down: `Math.mulDiv`, cheaper while the product fits 256 bits.
    function mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return _mulDiv(x, y, d, false);
    }

    /// @dev x * y / d, rounded up: `Math.mulDiv` with `Ceil`, cheaper while the product fits.
    function mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return _mulDiv(x, y, d, true);
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

    /// @dev x * y / d, rounded up when `up`: directly when the product fits 256 bits, else
    ///      through `Math.mulDiv`; the same result either way. A zero `d` panics (in `mulDiv`).
    function _mulDiv(uint256 x, uint256 y, uint256 d, bool up) private pure returns (uint256 z) {
        bool direct;
        // The fast path in assembly: this runs some fifty times a liquidation, and Solidity's
        // checks would repeat the ones made here. The product fits 256 bits iff x is 0 or
        // product / x == y; d != 0 is required, so the divisions are defined; the quotient is at
        // most (2^256 − 1) / d, so adding 1 to it cannot overflow when d > 1, and when d == 1
        // the remainder is 0.
        assembly ("memory-safe") {
            let product := mul(x, y)
            direct := and(iszero(iszero(d)), or(iszero(x), eq(div(product, x), y)))
            if direct { z := add(div(product, d), and(up, iszero(iszero(mod(product, d))))) }
        }
        if (!direct) z = Math.mulDiv(x, y, d, up ? Math.Rounding.Ceil : Math.Rounding.Floor);
    }
}
