// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title MarketIdList
/// @notice The markets an account holds positions in, packed in one `uint128`: up to eight
///         16-bit market ids, contiguous from the lowest bits, 0 marking the end (market ids
///         start at 1). One storage read gives the whole list, so views loop over the account's
///         own markets and never over every market.
library MarketIdList {
    uint256 internal constant CAPACITY = 8;
    uint256 private constant BITS = 16;
    uint256 private constant MASK = 0xffff;

    /// @dev The id at position `i` (0 past the end).
    function at(uint128 list, uint256 i) internal pure returns (uint256) {
        return (uint256(list) >> (i * BITS)) & MASK;
    }

    /// @dev How many ids the list holds.
    function length(uint128 list) internal pure returns (uint256 n) {
        while (n < CAPACITY && at(list, n) != 0) ++n;
    }

    /// @dev The list with `id` appended. The caller checks `length(list) < CAPACITY` and
    ///      `0 < id <= type(uint16).max` (market ids are bounded where markets are added).
    function add(uint128 list, uint256 id) internal pure returns (uint128) {
        // At most 8 × 16 = 128 bits are used, so the shifted id stays inside the uint128.
        return uint128(uint256(list) | (id << (length(list) * BITS)));
    }

    /// @dev The list without `id` (the last id moves into its place); unchanged if absent.
    function remove(uint128 list, uint256 id) internal pure returns (uint128) {
        uint256 n = length(list);
        for (uint256 i; i < n; ++i) {
            if (at(list, i) != id) continue;
            uint256 last = at(list, n - 1);
            uint256 packed = uint256(list);
            packed &= ~(MASK << ((n - 1) * BITS));
            packed = (packed & ~(MASK << (i * BITS))) | (i == n - 1 ? 0 : last << (i * BITS));
            // casting to 'uint128' is safe because masks only clear bits; a 16-bit entry is ORed at bit 16*i, i < 8
            // forge-lint: disable-next-line(unsafe-typecast)
            return uint128(packed);
        }
        return list;
    }
}
