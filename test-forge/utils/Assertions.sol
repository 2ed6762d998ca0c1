// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @notice The few assertions the Forge unit tests use (forge-std's are not available): each
///         reverts with what it compared, which fails the test.
abstract contract Assertions {
    using Strings for uint256;
    using Strings for address;
    using Strings for int256;

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": ", actual.toString(), " != ", expected.toString()));
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) {
            revert(string.concat(what, ": ", actual.toHexString(), " != ", expected.toHexString()));
        }
    }

    function assertEq(int256 actual, int256 expected, string memory what) internal pure {
        if (actual != expected) {
            revert(string.concat(what, ": ", actual.toStringSigned(), " != ", expected.toStringSigned()));
        }
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(what);
    }
}
