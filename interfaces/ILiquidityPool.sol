// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

/// @title ILiquidityPool
/// @notice The counterparty of every futures position on `FuturesExchange`: an ERC-4626 vault
///         over the margin stablecoin. LPs deposit the stablecoin for shares; the pool receives
///         traders' losses, fees and funding, and pays their profits and funding, so the share
///         price moves with the traders' results.
/// @dev `totalAssets` is the stablecoin the pool holds: settled results only. Traders' unrealised
///      PnL is not marked into it, so an LP who leaves before traders realise a profit leaves at
///      a better price than one who stays (see the project's notes). Shares have 18 decimals
///      (the stablecoin's decimals plus an offset up to 18, which also blunts share-inflation attacks).
interface ILiquidityPool is IERC4626 {
    /// @notice The pool paid `assets` to `to` on the exchange's instruction.
    event Paid(address indexed to, uint256 assets);

    /// @notice Only the exchange that created the pool may draw on it; `caller` is not it.
    error LiquidityPoolOnlyExchange(address caller);

    /// @notice The exchange asked for `requested` but the pool holds only `available`.
    error LiquidityPoolInsufficientAssets(uint256 requested, uint256 available);

    /// @notice The exchange the pool serves: its creator.
    function exchange() external view returns (address);

    /// @notice Sends `assets` of the stablecoin to `to`. Only the exchange.
    function pay(address to, uint256 assets) external;
}
