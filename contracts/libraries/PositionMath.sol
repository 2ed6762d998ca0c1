// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {WadMath} from "./WadMath.sol";
import {WAD} from "./Units.sol";

/// @title PositionMath
/// @notice The arithmetic of a futures position: fill price with impact, average entry, PnL,
///         funding, and rounding to whole token units. Units as in `IFuturesExchange`: prices
///         USD per unit WAD, sizes WAD signed, USD amounts WAD.
/// @dev Signed helpers name their rounding by direction on the number line: `Floor` toward
///      negative infinity, `Ceil` toward positive infinity. What a trader is credited is
///      floored and what a trader owes is ceiled, so rounding always favours the pool.
library PositionMath {
    using SafeCast for uint256;
    using WadMath for uint256;

    /// @dev The notional per which `impactWad` is quoted: one million USD, WAD.
    uint256 internal constant IMPACT_NOTIONAL_WAD = 1e6 * WAD;

    /// @dev The price a trade of `sizeDeltaWad` fills at: `markWad` moved against the taker by
    ///      impactWad × |size| × mark / 1e6 USD, at most `maxImpactWad`. Buys round up, sells down.
    function fillPrice(uint256 markWad, int256 sizeDeltaWad, uint256 impactWad, uint256 maxImpactWad)
        internal
        pure
        returns (uint256)
    {
        uint256 notionalWad = SignedMath.abs(sizeDeltaWad).mulWadUp(markWad);
        uint256 impactFractionWad = Math.min(impactWad.mulDivUp(notionalWad, IMPACT_NOTIONAL_WAD), maxImpactWad);
        // maxImpactWad < WAD (a constant of the exchange), so the sell side cannot underflow.
        return
            sizeDeltaWad > 0 ? markWad.mulWadUp(WAD + impactFractionWad) : markWad.mulWadDown(WAD - impactFractionWad);
    }

    /// @dev The entry price after adding `sizeDeltaWad` at `priceWad` to a position of
    ///      `sizeWad` at `entryWad` on the same side: the size-weighted mean, rounded up for a
    ///      long and down for a short (the worse entry for the trader).
    function averageEntry(int256 sizeWad, uint256 entryWad, int256 sizeDeltaWad, uint256 priceWad)
        internal
        pure
        returns (uint256)
    {
        uint256 oldAbs = SignedMath.abs(sizeWad);
        uint256 deltaAbs = SignedMath.abs(sizeDeltaWad);
        uint256 cost = oldAbs * entryWad + deltaAbs * priceWad;
        uint256 newAbs = oldAbs + deltaAbs;
        return sizeDeltaWad > 0 ? Math.ceilDiv(cost, newAbs) : cost / newAbs;
    }

    /// @dev size × (price − entry), USD WAD, floored (a loss rounds up in size).
    function pnl(int256 sizeWad, uint256 entryWad, uint256 priceWad) internal pure returns (int256) {
        return mulWadFloor(sizeWad, priceWad.toInt256() - entryWad.toInt256());
    }

    /// @dev size × (index now − index then): the funding a position owes, USD WAD, ceiled.
    function fundingOwed(int256 sizeWad, int256 indexNowWad, int256 indexThenWad) internal pure returns (int256) {
        return -mulWadFloor(-sizeWad, indexNowWad - indexThenWad);
    }

    /// @dev The funding index after `elapsed` seconds at `ratePerSecondWad` on a price of
    ///      `priceWad`: index + price × rate × elapsed. The increment rounds toward zero; it is a
    ///      per-unit figure, and each position's share of it is ceiled where it is owed.
    function accruedIndex(int256 indexWad, uint256 priceWad, int256 ratePerSecondWad, uint256 elapsed)
        internal
        pure
        returns (int256)
    {
        int256 increment = (Math.mulDiv(priceWad, SignedMath.abs(ratePerSecondWad) * elapsed, WAD)).toInt256();
        return ratePerSecondWad < 0 ? indexWad - increment : indexWad + increment;
    }

    /// @dev x × y / WAD toward negative infinity, for signed x and y.
    function mulWadFloor(int256 x, int256 y) internal pure returns (int256) {
        bool negative = (x < 0) != (y < 0);
        // A negative result's magnitude rounds up, so the result rounds down.
        uint256 magnitude =
            negative ? SignedMath.abs(x).mulWadUp(SignedMath.abs(y)) : SignedMath.abs(x).mulWadDown(SignedMath.abs(y));
        return negative ? -magnitude.toInt256() : magnitude.toInt256();
    }

    /// @dev The largest multiple of `unit` at or below `x` (toward negative infinity).
    function floorToUnit(int256 x, uint256 unit) internal pure returns (int256) {
        // casting to 'int256' is safe because every caller passes the exchange's _unit = 10^(18 - decimals) <= 1e18
        // forge-lint: disable-next-line(unsafe-typecast)
        int256 u = int256(unit);
        int256 remainder = x % u;
        return remainder < 0 ? x - remainder - u : x - remainder;
    }

    /// @dev The smallest multiple of `unit` at or above `x`.
    function ceilToUnit(uint256 x, uint256 unit) internal pure returns (uint256) {
        return Math.ceilDiv(x, unit) * unit;
    }
}
