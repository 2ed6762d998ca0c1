// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFuturesAccounts} from "../venue/IFuturesAccounts.sol";
import {IFuturesExchange} from "../venue/IFuturesExchange.sol";
import {ICollateralVenue} from "./ICollateralVenue.sol";

/// @title IFuturesCollateral
/// @notice The futures venue behind the collateral port: custody of the exchange accounts that
///         a vault's positions lock (an item id is the account id), their value, and the trades,
///         withdrawals and liquidation closes the vault makes on them. Every rule about an
///         account lives here once: its value (`valueUsdWad`: `IFuturesExchange.closeValue`, what
///         closing it would fetch), its equity from the positions' views, the closing costs a
///         liquidation deducts, and whether a partial close leaves the rest at initial margin.
/// @dev The exchange trusts this adapter as a mark relay (`IFuturesExchange.setMarkRelay`): a
///      liquidation's closes trade at the marks of the views the vault's engine read earlier in
///      the same transaction. Accounts arrive only from the vault's `lock` (an ERC-721 safe
///      transfer in the exchange's account registry, `IFuturesExchange.accounts`, that the vault
///      makes as the owner's approved operator) and leave only by `release`.
interface IFuturesCollateral is ICollateralVenue {
    /// @notice Only the vault may move collateral or trade.
    error FuturesCollateralNotVault(address caller);

    /// @notice Only an account token of the exchange's registry, sent by the vault, is accepted.
    error FuturesCollateralUnexpectedTransfer(address token, address operator, uint256 tokenId);

    /// @notice A position the caller passed in differs from the exchange's (it would flip or grow).
    error FuturesCollateralMismatch(uint256 accountId, uint256 marketId, int256 sizeWad, int256 actualSizeWad);

    /// @notice The futures exchange whose accounts this adapter holds.
    function exchange() external view returns (IFuturesExchange);

    /// @notice The exchange's account registry (`IFuturesExchange.accounts`), whose tokens this
    ///         adapter holds for the vault.
    function accounts() external view returns (IFuturesAccounts);

    /// @notice WAD per unit of the exchange's margin token (1e12 for 6 decimals).
    function marginUnit() external view returns (uint256);

    /// @notice `tryValueUsdWad` for a liquidation: the account's value at the exchange's
    ///         liquidation price (`IFuturesExchange.liquidationCloseValue`), so a market without a
    ///         trusted price is counted by the rule rather than failing. For health views that
    ///         tell keepers what the engine would liquidate (`VaultLens`); never for minting.
    function tryLiquidationValueUsdWad(uint256 accountId)
        external
        view
        returns (bool ok, uint256 valueWad, bytes memory reason);

    /// @notice Trades account `accountId` on the exchange (`IFuturesExchange.trade`). Only the vault.
    function trade(uint256 accountId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        returns (uint256 fillPriceWad);

    /// @notice Withdraws `amount` margin (margin-token units) of account `accountId` to `to`,
    ///         under the exchange's own margin check. Only the vault.
    function withdrawMargin(uint256 accountId, uint256 amount, address to) external;

    /// @notice What a liquidation of account `accountId` needs, read once
    ///         (`IFuturesExchange.liquidationPositions`): its positions, each at a fresh trusted
    ///         mark or, where the hub trusts no live price, at the exchange's liquidation price
    ///         (the last trusted price moved against the holder by the maintenance fraction), its
    ///         equity at those marks (settled margin plus each position's PnL rounded down less
    ///         its funding rounded up, so under `IFuturesExchange.equity` by at most a wei a
    ///         position while funding is owed), and its value at them
    ///         (`tryLiquidationValueUsdWad`; `valueUsdWad` while every price is trusted).
    function liquidationView(uint256 accountId)
        external
        view
        returns (IFuturesExchange.PositionView[] memory futures, int256 equityWad, uint256 valueWad);

    /// @notice Closes `fractionWad` of every position of account `accountId`, all of them when
    ///         what would stay open could not keep the exchange's initial margin, and sends `to`
    ///         up to `seizeWad` of margin less the closing costs (equity lost against
    ///         `equityBeforeWad`), at most the settled margin, in whole margin-token units rounded
    ///         down. An expired dated market settles whole instead. Only the vault.
    /// @param futures The account's positions as `liquidationView` or `IFuturesExchange.positions`
    ///        reported them in this transaction: each size is checked against the exchange
    ///        (`FuturesCollateralMismatch`), each close trades at its view's mark.
    /// @return fractionClosedWad The fraction closed: `fractionWad`, or 1 WAD.
    /// @return emptied Whether the account is left with nothing to take: every position closed
    ///         and its margin no more than what was due less the closing costs.
    /// @return marginAfterWad The settled margin after the closes, before the seizure.
    /// @return marginSeized The margin sent to `to` (margin-token units).
    function closeFutures(
        uint256 accountId,
        uint256 fractionWad,
        IFuturesExchange.PositionView[] calldata futures,
        uint256 seizeWad,
        int256 equityBeforeWad,
        address to
    ) external returns (uint256 fractionClosedWad, bool emptied, int256 marginAfterWad, uint256 marginSeized);

    /// @notice Sends `amount` margin of account `accountId` to `to`, what stays open valued at the
    ///         marks `closeFutures` passed in this transaction (any other market at a fresh
    ///         price). Only the vault.
    function seizeMargin(uint256 accountId, uint256 amount, address to) external;
}
