// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * LiquidityPool: the counterparty of every futures position on the exchange that creates it.
 * LPs hold ERC-4626 shares of the stablecoin it keeps; traders' losses, fees and funding flow in,
 * their profits flow out, and only the exchange can draw on it, never beyond what it holds.
 */

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ILiquidityPool} from "../interfaces/ILiquidityPool.sol";

contract LiquidityPool is ILiquidityPool, ERC4626 {
    using SafeERC20 for IERC20;

    /// @inheritdoc ILiquidityPool
    address public immutable exchange;

    /// @dev Decimals shares carry beyond the stablecoin's, so that shares have 18.
    uint8 private immutable _offset;

    /// @param asset_ The margin stablecoin (at most 18 decimals). The deployer (the exchange)
    ///        becomes `exchange`.
    constructor(IERC20Metadata asset_) ERC20("Synthvault Liquidity Pool", "svLP") ERC4626(asset_) {
        exchange = msg.sender;
        _offset = 18 - asset_.decimals();
    }

    /// @inheritdoc ILiquidityPool
    function pay(address to, uint256 assets) external {
        if (msg.sender != exchange) revert LiquidityPoolOnlyExchange(msg.sender);
        uint256 available = totalAssets();
        if (assets > available) revert LiquidityPoolInsufficientAssets(assets, available);

        emit Paid(to, assets);
        IERC20(asset()).safeTransfer(to, assets);
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return _offset;
    }
}
