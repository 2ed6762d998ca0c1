// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {RAY, SECONDS_PER_YEAR} from "./Units.sol";

/// @title RateMath
/// @notice The stability fee's growth of a rate index, compounded every second so that it does
///         not depend on how often the index is touched: over `elapsed` seconds the index is
///         multiplied by (1 + fee / SECONDS_PER_YEAR)^elapsed, rounded up (debt favours the
///         protocol). A configured fee f is thus a nominal annual rate compounded every second:
///         a year multiplies the debt by (1 + f / 31,536,000)^31,536,000, within 2e-8 of e^f
///         (2% -> 2.0201%, 100% -> 171.83% a year).
/// @dev Fixed point in RAY (1e27) inside, WAD (1e18) for the index outside.
///      Bounds of `rpowUp(x, n)`, x = RAY + r the per-second factor: r <= 1e27 / 31,536,000
///      < 3.2e19 at the maximum fee (100%), so x^k < RAY·e^(k·3.2e-8) for every k. Each step
///      multiplies two powers of x no larger than x^n, and a product of two numbers under 2^128
///      fits 256 bits: nothing can overflow while x^n, in RAY, is under 2^128, i.e. while the
///      factor is under 2^128 / 1e27 ≈ 3.4e11 = e^26.5: more than 26 years untouched at the
///      maximum fee (over 1,300 at 2%). Beyond, checked arithmetic reverts (never wraps).
///      Rounding: each of the at most 2·log2(n) + 1 (< 64) products rounds up by under one
///      RAY unit, so the result exceeds the exact x^n by under 64 units in 1e27 of relative
///      error (times x^n / RAY), invisible after the conversion to WAD; the final conversion of
///      the index rounds up by under one wei. So touching an index T times over a period gives
///      the index one touch gives, plus at most T·(growth over the period) wei, rounding only.
library RateMath {
    /// @dev `indexWad` grown by `feeWad` (a nominal annual rate, WAD) over `elapsed` seconds,
    ///      compounded every second, rounded up.
    function grow(uint256 indexWad, uint256 feeWad, uint256 elapsed) internal pure returns (uint256) {
        if (elapsed == 0 || feeWad == 0) return indexWad;
        // Per-second rate in RAY, rounded up: feeWad·1e9 / year.
        uint256 factorRay = rpowUp(RAY + Math.ceilDiv(feeWad * 1e9, SECONDS_PER_YEAR), elapsed);
        return Math.mulDiv(indexWad, factorRay, RAY, Math.Rounding.Ceil);
    }

    /// @dev x^n in RAY (x >= RAY), by binary exponentiation, every product rounded up.
    function rpowUp(uint256 xRay, uint256 n) internal pure returns (uint256 zRay) {
        zRay = RAY;
        while (true) {
            if (n & 1 != 0) zRay = _mulRayUp(zRay, xRay);
            n >>= 1;
            if (n == 0) return zRay;
            xRay = _mulRayUp(xRay, xRay);
        }
    }

    function _mulRayUp(uint256 a, uint256 b) private pure returns (uint256) {
        // Checked: reverts past 256 bits (see the bounds above). ceil(a·b / RAY).
        return (a * b + (RAY - 1)) / RAY;
    }
}
