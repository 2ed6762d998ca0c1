// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * LiquidityPool: the counterparty of every futures position on the exchange that creates it.
 * LPs hold ERC-4626 shares of the stablecoin it keeps, valued net of traders' open PnL; traders'
 * losses, fees and funding flow in, their profits flow out, and only the exchange can draw on
 * it, never beyond what it holds. New shares wait out a cooldown before they can leave.
 */

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/venue/ILiquidityPool.sol";

contract LiquidityPool is ILiquidityPool, ERC4626 {
    using Math for uint256;
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @inheritdoc ILiquidityPool
    uint256 public constant MAX_COOLDOWN = 7 days;

    /// @dev Shares minted within the cooldown, and when they may leave, in one slot.
    struct Lock {
        uint192 shares;
        uint64 unlocksAt;
    }

    /// @inheritdoc ILiquidityPool
    address public immutable exchange;

    /// @dev Decimals shares carry beyond the stablecoin's, so that shares have 18.
    uint8 private immutable _offset;
    /// @dev WAD per unit of the stablecoin: 10^(18 − decimals).
    uint256 private immutable _unit;

    /// @inheritdoc ILiquidityPool
    uint256 public cooldown;

    mapping(address => Lock) private _locks;

    /// @param asset_ The margin stablecoin (at most 18 decimals). The deployer (the exchange)
    ///        becomes `exchange`.
    constructor(IERC20Metadata asset_) ERC20("Synthvault Liquidity Pool", "svLP") ERC4626(asset_) {
        exchange = msg.sender;
        _offset = 18 - asset_.decimals();
        _unit = 10 ** _offset;
    }

    /// @inheritdoc ILiquidityPool
    function setCooldown(uint256 seconds_) external {
        if (msg.sender != Ownable(exchange).owner()) revert LiquidityPoolUnauthorized(msg.sender);
        if (seconds_ > MAX_COOLDOWN) revert LiquidityPoolInvalidCooldown(seconds_, MAX_COOLDOWN);

        cooldown = seconds_;
        emit CooldownSet(seconds_);
    }

    /// @inheritdoc ILiquidityPool
    function pay(address to, uint256 assets) external {
        if (msg.sender != exchange) revert LiquidityPoolOnlyExchange(msg.sender);
        uint256 available = cash();
        if (assets > available) revert LiquidityPoolInsufficientAssets(assets, available);

        emit Paid(to, assets);
        IERC20(asset()).safeTransfer(to, assets);
    }

    /// @inheritdoc ILiquidityPool
    function cash() public view returns (uint256) {
        return IERC20(asset()).balanceOf(address(this));
    }

    /// @inheritdoc ILiquidityPool
    function lockOf(address account) external view returns (uint256 shares, uint256 unlocksAt) {
        Lock memory lock = _locks[account];
        if (block.timestamp >= lock.unlocksAt) return (0, 0);
        return (lock.shares, lock.unlocksAt);
    }

    /// @inheritdoc ERC4626
    /// @dev Cash and what accounts owe the pool (`IFuturesExchange.totalOwedWad`), less the
    ///      traders' open PnL (`IFuturesExchange.tradersOpenPnl`), floored at 0 and rounded down
    ///      to a whole unit. Reverts, with the oracle's error, while a market
    ///      with a net open size cannot be priced: so then do deposits, mints, withdrawals and
    ///      redemptions (and their previews and `max` views), since no one can say what a
    ///      share is worth.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        return _value(Math.Rounding.Floor);
    }

    /// @dev Locked shares refused with the cooldown's own error, before ERC-4626's max check.
    function withdraw(uint256 assets, address receiver, address owner)
        public
        override(ERC4626, IERC4626)
        returns (uint256)
    {
        _checkUnlocked(owner, previewWithdraw(assets));
        return super.withdraw(assets, receiver, owner);
    }

    /// @dev Locked shares refused with the cooldown's own error, before ERC-4626's max check.
    function redeem(uint256 shares, address receiver, address owner)
        public
        override(ERC4626, IERC4626)
        returns (uint256)
    {
        _checkUnlocked(owner, shares);
        return super.redeem(shares, receiver, owner);
    }

    /// @dev Nothing while the pool sells itself for dust (`_underWater`), else no limit.
    function maxDeposit(address) public view override(ERC4626, IERC4626) returns (uint256) {
        return _underWater() ? 0 : type(uint256).max;
    }

    /// @dev Nothing while the pool sells itself for dust (`_underWater`), else no limit.
    function maxMint(address) public view override(ERC4626, IERC4626) returns (uint256) {
        return _underWater() ? 0 : type(uint256).max;
    }

    /// @dev The owner's unlocked shares, worth at most the pool's cash.
    function maxWithdraw(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(_convertToAssets(_unlockedShares(owner), Math.Rounding.Floor), cash());
    }

    /// @dev The owner's unlocked shares, as many as the pool's cash pays (at the value a
    ///      redemption counts, rounded down).
    function maxRedeem(address owner) public view override(ERC4626, IERC4626) returns (uint256) {
        return Math.min(_unlockedShares(owner), _sharesFor(cash(), Math.Rounding.Floor, Math.Rounding.Floor));
    }

    /// @dev Minted shares are locked for `cooldown`, added to those of the receiver's lock still
    ///      running (whose clock restarts, so only the receiver itself may mint into a running
    ///      lock); while a lock runs, its shares cannot be burnt (withdraw, redeem) or
    ///      transferred, the rest of the balance can.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0)) {
            uint256 cooldown_ = cooldown;
            if (cooldown_ != 0) {
                Lock storage lock = _locks[to];
                uint256 unlocksAt = lock.unlocksAt;
                uint256 lockedShares = block.timestamp < unlocksAt ? lock.shares : 0;
                if (lockedShares != 0 && to != msg.sender) revert LiquidityPoolLockRunning(to, unlocksAt);
                lock.shares = (lockedShares + value).toUint192();
                // casting to 'uint64' is safe because setCooldown caps cooldown_ at 7 days; timestamp + 7 days << 2^64
                // forge-lint: disable-next-line(unsafe-typecast)
                lock.unlocksAt = uint64(block.timestamp + cooldown_);
            }
        } else {
            _checkUnlocked(from, value);
        }
        super._update(from, to, value);
    }

    /// @dev Reverts if `shares` of `owner` would take locked ones (more than it holds is left
    ///      to ERC-20's own error).
    function _checkUnlocked(address owner, uint256 shares) private view {
        if (_unlockedShares(owner) < shares && balanceOf(owner) >= shares) {
            revert LiquidityPoolCooldown(owner, _locks[owner].unlocksAt);
        }
    }

    function _unlockedShares(address owner) private view returns (uint256) {
        Lock memory lock = _locks[owner];
        uint256 balance = balanceOf(owner);
        if (block.timestamp >= lock.unlocksAt) return balance;
        return balance > lock.shares ? balance - lock.shares : 0;
    }

    /// @dev Whether the pool has shares outstanding and is worth less than a whole unit (0 as
    ///      `totalAssets` rounds it: the traders' open profit past its cash, or within a unit of
    ///      it). Its shares would then sell at a price of ERC-4626's virtual unit or less (a
    ///      deposit prices the value rounded up, 1 unit at most): 1 unit would buy the supply
    ///      many times over, and with it the LPs' claim on a recovery.
    function _underWater() private view returns (bool) {
        return totalSupply() != 0 && _value(Math.Rounding.Floor) == 0;
    }

    /// @dev Shares for `assets`, the pool's value rounded against the caller: a deposit (shares
    ///      rounded down) prices it rounded up, a withdrawal (shares rounded up) rounded down.
    function _convertToShares(uint256 assets, Math.Rounding rounding) internal view override returns (uint256) {
        return _sharesFor(assets, Math.unsignedRoundsUp(rounding) ? Math.Rounding.Floor : Math.Rounding.Ceil, rounding);
    }

    /// @dev Assets for `shares`, the pool's value rounded against the caller: a mint (assets
    ///      rounded up) prices it rounded up, a redemption (assets rounded down) rounded down.
    function _convertToAssets(uint256 shares, Math.Rounding rounding) internal view override returns (uint256) {
        return shares.mulDiv(_value(rounding) + 1, totalSupply() + 10 ** _offset, rounding);
    }

    /// @dev ERC-4626's conversion of `assets` to shares (`rounding`), with the pool's value
    ///      rounded to a whole unit by `valueRounding` (a virtual unit and virtual shares).
    function _sharesFor(uint256 assets, Math.Rounding valueRounding, Math.Rounding rounding)
        private
        view
        returns (uint256)
    {
        return assets.mulDiv(totalSupply() + 10 ** _offset, _value(valueRounding) + 1, rounding);
    }

    /// @dev Cash and what accounts owe the pool, less the traders' open PnL, floored at 0, in
    ///      whole units rounded by `rounding`.
    function _value(Math.Rounding rounding) private view returns (uint256) {
        IFuturesExchange exchange_ = IFuturesExchange(exchange);
        int256 valueWad = (cash() * _unit + exchange_.totalOwedWad()).toInt256() - exchange_.tradersOpenPnl();
        if (valueWad <= 0) return 0;
        // casting to 'uint256' is safe because valueWad > 0 here
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 value = uint256(valueWad);
        return Math.unsignedRoundsUp(rounding) ? Math.ceilDiv(value, _unit) : value / _unit;
    }

    function _decimalsOffset() internal view override returns (uint8) {
        return _offset;
    }
}
