// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * WadMath's conversions from WAD to a token's decimals, which no contract calls today: their
 * rounding, through a harness.
 */

import {WadMath} from "../../contracts/libraries/WadMath.sol";
import {Assertions} from "../utils/Assertions.sol";

contract WadMathHarness {
    function fromWadDown(uint256 wad, uint8 decimals) external pure returns (uint256) {
        return WadMath.fromWadDown(wad, decimals);
    }

    function fromWadUp(uint256 wad, uint8 decimals) external pure returns (uint256) {
        return WadMath.fromWadUp(wad, decimals);
    }
}

contract WadMathTest is Assertions {
    WadMathHarness internal math = new WadMathHarness();

    function test_fromWad__roundsAsNamed() public view {
        assertEq(math.fromWadDown(1.5e18 + 1, 6), 1.5e6, "down drops the remainder");
        assertEq(math.fromWadUp(1.5e18 + 1, 6), 1.5e6 + 1, "up rounds a remainder up");
        assertEq(math.fromWadUp(1.5e18, 6), 1.5e6, "exact stays exact");
        assertEq(math.fromWadDown(7, 18), 7, "18 decimals: unchanged");
        assertEq(math.fromWadUp(7, 18), 7, "18 decimals: unchanged");
    }
}
