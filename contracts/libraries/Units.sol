// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The protocol's units, defined once (the Python package's `synthvault/units.py` mirrors them):
 * every amount inside the contracts is a WAD (18 decimals) unless its name says otherwise;
 * token amounts are converted at the edges.
 */

/// @dev 1.0 in 18-decimal fixed point: prices (USD per whole unit), ratios, fractions, USD values.
uint256 constant WAD = 1e18;
/// @dev 1.0 in 27-decimal fixed point: the per-second compounding of the stability fee.
uint256 constant RAY = 1e27;
/// @dev 100% in basis points: the oracle's deviation bounds.
uint256 constant BPS = 10_000;
/// @dev 1% as a WAD.
uint256 constant ONE_PERCENT_WAD = WAD / 100;
/// @dev A year of the stability fee: 365 days.
uint256 constant SECONDS_PER_YEAR = 365 days;
