// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IFuturesExchange
/// @notice A futures venue: margin accounts (ERC-721 tokens), perpetual and dated futures priced
///         at the oracle's mark price, funding, fees and size-dependent price impact, with a
///         liquidity pool as every trader's counterparty.
/// @dev Units. Prices: USD per whole unit of the market's asset, WAD. Sizes: units of the asset,
///      WAD, signed (positive long, negative short). Margin, equity, PnL, fees and funding: USD,
///      WAD, inside; the margin token (a 6-decimal stablecoin) is converted at deposit and
///      withdrawal only. Margin fractions (initial, maintenance): WAD fractions of notional.
///      Whoever owns or is approved for an account token controls the account (trade, withdraw).
///      The account token itself is the ERC-721 of this contract (`ownerOf`, `safeTransferFrom`).
interface IFuturesExchange {
    /// @notice One open position, as a view returns it.
    struct PositionView {
        uint256 marketId;
        int256 sizeWad;
        uint256 entryPriceWad;
        uint256 markPriceWad;
        int256 unrealizedPnlWad;
        int256 fundingOwedWad;
    }

    /* ACCOUNTS AND MARGIN */

    /// @notice Mints a new margin account token to the caller.
    function openAccount() external returns (uint256 accountId);

    /// @notice Pulls `amount` of the margin token (its own decimals) from the caller into
    ///         account `accountId`'s margin. Anyone may top up any account.
    function depositMargin(uint256 accountId, uint256 amount) external;

    /// @notice Sends `amount` of the margin token (its own decimals) from the account's margin
    ///         to `to`. Only the account's owner or approved; the account must stay at or above
    ///         its initial margin requirement; needs fresh prices when positions are open.
    function withdrawMargin(uint256 accountId, uint256 amount, address to) external;

    /* TRADING */

    /// @notice Opens, increases, reduces, flips or closes the position of `accountId` in
    ///         `marketId` by `sizeDeltaWad`, at the mark price moved against the taker by the
    ///         market's price impact, paying the taker fee to the pool. Only the account's owner
    ///         or approved. Reverts if the fill is worse than `priceLimitWad` (above it for a buy,
    ///         below it for a sell) or if the account would end under its initial margin while
    ///         the trade adds risk.
    /// @return fillPriceWad The price the trade filled at.
    function trade(uint256 accountId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        returns (uint256 fillPriceWad);

    /// @notice Closes every position of an account under its maintenance margin, at the mark
    ///         price with impact; pays the caller a fee from what is left. Anyone may call.
    function liquidate(uint256 accountId) external returns (uint256 rewardWad);

    /* VIEWS (cheap: the vault and keepers call them for many accounts) */

    /// @notice Margin + unrealised PnL − funding owed, across all markets of the account. USD, WAD.
    ///         Reverts when a price it needs cannot be trusted (stale, frozen, ...).
    function equity(uint256 accountId) external view returns (int256 equityWad);

    /// @notice The initial and maintenance margin the account's open positions require. USD, WAD.
    function requirements(uint256 accountId) external view returns (uint256 initialWad, uint256 maintenanceWad);

    /// @notice The account's open positions.
    function positions(uint256 accountId) external view returns (PositionView[] memory);

    /// @notice Size and entry price of one position (zero when none).
    function position(uint256 accountId, uint256 marketId) external view returns (int256 sizeWad, uint256 entryPriceWad);

    /// @notice The account's margin balance (after settled PnL, fees and funding). USD, WAD.
    function marginOf(uint256 accountId) external view returns (uint256 marginWad);

    /// @notice The market's mark price: the oracle's price of its asset. USD per unit, WAD.
    function markPrice(uint256 marketId) external view returns (uint256 priceWad);

    /// @notice The stablecoin margin is held in.
    function marginToken() external view returns (IERC20);
}
