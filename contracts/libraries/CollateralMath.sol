// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {WadMath} from "./WadMath.sol";

/// @title CollateralMath
/// @notice The valuation rule of a vault position, written once for the vault's checks and the
///         lens's views: collateral is the spot at the BTC price (rounded down) plus the locked
///         account's value floored at 0; debt is shares x current index x synth price (rounded
///         up); the CR is their ratio (rounded down). Every rounding is in the protocol's favour.
library CollateralMath {
    using WadMath for uint256;

    /// @dev Spot (`spotDecimals` decimals) at the BTC price in USD, rounded down: what spot is
    ///      credited as collateral, paid to a keeper or redeemed for is worth. The one spot rule.
    function spotUsd(uint256 spotAmount, uint8 spotDecimals, uint256 btcPriceWad) internal pure returns (uint256) {
        return spotAmount.mulDivDown(btcPriceWad, 10 ** spotDecimals);
    }

    /// @dev The spot that `usdWad` buys at the BTC price, rounded down: what a keeper's due buys.
    function spotForUsdDown(uint256 usdWad, uint8 spotDecimals, uint256 btcPriceWad) internal pure returns (uint256) {
        return usdWad.mulDivDown(10 ** spotDecimals, btcPriceWad);
    }

    /// @dev The spot that covers `usdWad` at the BTC price, rounded up: what a settled debt takes.
    function spotForUsdUp(uint256 usdWad, uint8 spotDecimals, uint256 btcPriceWad) internal pure returns (uint256) {
        return usdWad.mulDivUp(10 ** spotDecimals, btcPriceWad);
    }

    /// @dev A debt of `debt` synth units (shares at the current index, rounded up) in USD, rounded up.
    function debtUsd(uint256 debt, uint256 synthPriceWad) internal pure returns (uint256) {
        return debt.mulWadUp(synthPriceWad);
    }

    /// @dev collateral / debt, rounded down; max with no debt.
    function cr(uint256 collateralUsdWad, uint256 debtUsdWad) internal pure returns (uint256) {
        if (debtUsdWad == 0) return type(uint256).max;
        return collateralUsdWad.divWadDown(debtUsdWad);
    }

    /// @dev What the locked account `accountId` is worth to its position, floored at 0: what
    ///      closing all of it now would fetch (`IFuturesExchange.closeValue`: equity less each
    ///      market's one-fill exit impact and fee, a profit counted only as far as the pool's cash
    ///      could pay it), never its mark; a losing account is worth nothing, never less. The ONE
    ///      place the account is valued: the exchange views it reads are named below. For a
    ///      liquidation (`forLiquidation`: the snapshot's collateral, the keepers' health views),
    ///      the same value at the exchange's liquidation price (`liquidationCloseValue`, the value
    ///      `liquidationPositions` reports: a market without a trusted price marked by the rule,
    ///      not refused); for every other check
    ///      (minting, withdrawals) only trusted prices count. `ok` is false when the exchange
    ///      reverts (a price it needs cannot be trusted), its revert data then in `reason`.
    function tryAccountValueWad(IFuturesExchange exchange, uint256 accountId, bool forLiquidation)
        internal
        view
        returns (bool ok, uint256 valueWad, bytes memory reason)
    {
        (ok, reason) = address(exchange)
            .staticcall(
                forLiquidation
                    ? abi.encodeCall(IFuturesExchange.liquidationCloseValue, (accountId))
                    : abi.encodeCall(IFuturesExchange.closeValue, (accountId))
            );
        if (!ok) return (false, 0, reason);
        valueWad = accountValueOf(abi.decode(reason, (int256)));
    }

    /// @dev An account's close value (`IFuturesExchange.closeValue` or `liquidationPositions`) as
    ///      collateral: floored at 0.
    function accountValueOf(int256 closeValueWad) internal pure returns (uint256) {
        // casting to 'uint256' is safe because it runs only when closeValueWad > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        return closeValueWad > 0 ? uint256(closeValueWad) : 0;
    }

    /// @dev `tryAccountValueWad`, reverting with the exchange's own error when it cannot value.
    function accountValueWad(IFuturesExchange exchange, uint256 accountId, bool forLiquidation)
        internal
        view
        returns (uint256 valueWad)
    {
        bool ok;
        bytes memory reason;
        (ok, valueWad, reason) = tryAccountValueWad(exchange, accountId, forLiquidation);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }
}
