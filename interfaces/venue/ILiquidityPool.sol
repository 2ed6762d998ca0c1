// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";

/// @title ILiquidityPool
/// @notice The counterparty of every futures position on `FuturesExchange`: an ERC-4626 vault
///         over the margin stablecoin. LPs deposit the stablecoin for shares; the pool receives
///         traders' losses, fees and funding, and pays their profits and funding, so the share
///         price moves with the traders' results.
/// @dev `totalAssets` is the stablecoin the pool holds (`cash`) and what accounts owe it (their
///      negative margins, `IFuturesExchange.totalOwedWad`), less what it owes traders on their
///      open positions (`IFuturesExchange.tradersOpenPnl`: their net unrealised PnL less
///      funding, at mark), floored at 0. A loss or profit that a trader realises moves cash and
///      that liability by the same amount, so it moves the share price by rounding only (the
///      fees and exit impact a close pays are income, and do move it); an LP cannot jump in
///      before a loss is realised nor run before a profit is paid. What the pool can pay is
///      its cash. While a market with a net open size cannot be priced, `totalAssets` reverts
///      with the oracle's error, and so do deposits and withdrawals. `totalAssets` rounds the
///      value down to a whole unit; the conversions round it against the caller: deposits and
///      mints (and their previews, `convertToShares`) price the pool at its value rounded up,
///      withdrawals and redemptions (`convertToAssets`) rounded down. A pool under water (shares
///      outstanding and a value under one unit: `totalAssets` 0) takes no deposit or mint
///      (`maxDeposit` and `maxMint` 0, so ERC-4626's `ERC4626ExceededMaxDeposit` /
///      `ERC4626ExceededMaxMint` refuse them): its shares would sell for dust, and the buyer
///      would take the LPs' claim on a recovery. A pool without shares takes a first deposit.
///      Shares minted (deposit, mint) are locked for `cooldown` seconds: they cannot be
///      withdrawn, redeemed or transferred until then (`LiquidityPoolCooldown`); while they are,
///      nobody but their holder may deposit for it (`LiquidityPoolLockRunning`). Shares have 18
///      decimals (the stablecoin's decimals plus an offset up to 18, which also blunts
///      share-inflation attacks).
interface ILiquidityPool is IERC4626 {
    /// @notice The pool paid `assets` to `to` on the exchange's instruction.
    event Paid(address indexed to, uint256 assets);

    /// @notice Shares minted from now on are locked for `seconds_`.
    event CooldownSet(uint256 seconds_);

    /// @notice Only the exchange that created the pool may draw on it; `caller` is not it.
    error LiquidityPoolOnlyExchange(address caller);

    /// @notice The exchange asked for `requested` but the pool holds only `available`.
    error LiquidityPoolInsufficientAssets(uint256 requested, uint256 available);

    /// @notice Only the exchange's owner may set the cooldown; `caller` is not it.
    error LiquidityPoolUnauthorized(address caller);

    /// @notice A cooldown of `seconds_` is above `maxSeconds`.
    error LiquidityPoolInvalidCooldown(uint256 seconds_, uint256 maxSeconds);

    /// @notice Shares of `account` minted within the cooldown cannot leave before `unlocksAt`.
    error LiquidityPoolCooldown(address account, uint256 unlocksAt);

    /// @notice Only `receiver` itself may deposit for `receiver` while its lock runs (until
    ///         `unlocksAt`): a deposit would restart it.
    error LiquidityPoolLockRunning(address receiver, uint256 unlocksAt);

    /// @notice The longest cooldown the owner may set: 7 days.
    function MAX_COOLDOWN() external view returns (uint256);

    /// @notice The exchange the pool serves: its creator.
    function exchange() external view returns (address);

    /// @notice How long (seconds) newly minted shares stay locked; 0 at deployment.
    function cooldown() external view returns (uint256);

    /// @notice Sets `cooldown` for shares minted from now on (locks running keep their end).
    ///         Only the exchange's owner; at most `MAX_COOLDOWN`.
    function setCooldown(uint256 seconds_) external;

    /// @notice The stablecoin the pool holds: what it can pay now.
    function cash() external view returns (uint256);

    /// @notice Shares of `account` still locked, and when they unlock; (0, 0) when none.
    /// @dev Every mint to `account` adds to the lock and restarts its clock; shares minted
    ///      earlier and already unlocked stay free. While a lock runs, only `account` itself may
    ///      deposit (or mint) for it (`LiquidityPoolLockRunning`): anyone else could otherwise
    ///      keep its shares locked with dust.
    function lockOf(address account) external view returns (uint256 shares, uint256 unlocksAt);

    /// @notice Sends `assets` of the stablecoin to `to`. Only the exchange; at most `cash`.
    function pay(address to, uint256 assets) external;
}
