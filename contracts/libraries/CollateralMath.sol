// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {PositionMath} from "./PositionMath.sol";
import {WadMath} from "./WadMath.sol";
import {WAD} from "./Units.sol";

/// @title CollateralMath
/// @notice The valuation rule of a vault position, written once for the vault's checks and the
///         lens's views: collateral is the spot at the BTC price (rounded down) plus the locked
///         account's value floored at 0; debt is shares x current index x synth price (rounded
///         up); the CR is their ratio (rounded down). And the shock rule of the minting check:
///         what the collateral would lose in one oracle round in which every asset moves against
///         it by its shock (`shockLossUsdWad`, `accountShockLossUsdWad`), rounded up. Every
///         rounding is in the protocol's favour.
library CollateralMath {
    using SafeCast for uint256;
    using WadMath for uint256;

    /// @dev What the closes of an account round at a shocked price, beyond what they round now:
    ///      `closeValue` floors each market's PnL to a margin-token unit and ceils its fee to one.
    uint256 internal constant ROUNDING_UNITS_PER_POSITION = 2;

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
    ///      could pay it), never its mark; a losing account is worth nothing, never less. The
    ///      account is read in ONE place, `_tryCloseValueWad`. For a liquidation
    ///      (`forLiquidation`: the keepers' health views) the same value at the exchange's
    ///      liquidation price (`IFuturesExchange.liquidationCloseValue`: a market without a
    ///      trusted price marked by the rule, not refused); for every other check (minting,
    ///      withdrawals) only trusted prices count. `ok` is false when the exchange reverts (a
    ///      price it needs cannot be trusted), its revert data then in `reason`.
    function tryAccountValueWad(IFuturesExchange exchange, uint256 accountId, bool forLiquidation)
        internal
        view
        returns (bool ok, uint256 valueWad, bytes memory reason)
    {
        int256 closeValueWad;
        (ok, closeValueWad, reason) = _tryCloseValueWad(exchange, accountId, forLiquidation);
        valueWad = accountValueOf(closeValueWad);
    }

    /// @dev `tryAccountValueWad` at trusted prices only, reverting with the exchange's own error
    ///      when it cannot value.
    function accountValueWad(IFuturesExchange exchange, uint256 accountId) internal view returns (uint256) {
        return accountValueOf(accountCloseValueWad(exchange, accountId));
    }

    /// @dev An account's close value (`IFuturesExchange.closeValue`, or the liquidation views')
    ///      as collateral: floored at 0.
    function accountValueOf(int256 closeValueWad) internal pure returns (uint256) {
        // casting to 'uint256' is safe because it runs only when closeValueWad > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        return closeValueWad > 0 ? uint256(closeValueWad) : 0;
    }

    /// @dev What closing account `accountId` now would fetch at trusted prices, signed (negative:
    ///      what it would still owe the pool), as `tryAccountValueWad` reads it; reverts with the
    ///      exchange's error.
    function accountCloseValueWad(IFuturesExchange exchange, uint256 accountId)
        internal
        view
        returns (int256 closeValueWad)
    {
        bool ok;
        bytes memory reason;
        (ok, closeValueWad, reason) = _tryCloseValueWad(exchange, accountId, false);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }

    /* THE SHOCK RULE */

    /// @dev What a net exposure of `exposureUsdWad` to one asset (its size, long or short: spot
    ///      and futures on the asset at its price) loses when the asset moves against it by
    ///      `shockWad`: exposure x shock, rounded up. Spot alone is such an exposure.
    function shockLossUsdWad(uint256 exposureUsdWad, uint256 shockWad) internal pure returns (uint256) {
        return exposureUsdWad.mulWadUp(shockWad);
    }

    /// @dev The collateral left after a shock loss: `collateralUsdWad - lossUsdWad`, floored at 0.
    function shockedUsd(uint256 collateralUsdWad, uint256 lossUsdWad) internal pure returns (uint256) {
        return collateralUsdWad > lossUsdWad ? collateralUsdWad - lossUsdWad : 0;
    }

    /// @dev A locked account as the shock rule reads it.
    /// @param futures Its open positions (`IFuturesExchange.positions`).
    /// @param assets Each position's market asset, in the same order.
    /// @param shocksWad The shock of each position's market asset, in the same order.
    /// @param equityWad Its equity from the positions' views (settled margin plus PnL less funding).
    /// @param closeValueWad What closing it would fetch, signed (`IFuturesExchange.closeValue`).
    /// @param unitWad WAD per unit of the margin token.
    struct ShockedAccount {
        IFuturesExchange.PositionView[] futures;
        bytes32[] assets;
        uint256[] shocksWad;
        int256 equityWad;
        int256 closeValueWad;
        uint256 unitWad;
    }

    /// @dev The shock loss of a locked account and `spotUsdWad` of spot held beside it, priced
    ///      as `spotAsset` (its shock `spotShockWad`, read only when there is spot): what the
    ///      position's collateral could lose in one oracle round in which every asset moves
    ///      against it by its shock. The sum, each term rounded up, of
    ///      - per asset, |net exposure| x the asset's shock (`shockLossUsdWad`), the exposure
    ///        netting the spot with every position on the asset (size x mark: the perpetual and
    ///        the dated future alike), so that a hedge is not charged;
    ///      - the growth of the account's closing costs (equity - close value: the one-fill
    ///        exits' fees and impact that `closeValue` deducts, with the pool's cap on profit):
    ///        fees grow with the notional and impact with its square, so a rise of s multiplies
    ///        them by at most (1 + s)^2, at the largest shock of the account's markets;
    ///      - what the account owes below zero (a negative close value, valued 0): its gains
    ///        repay that first, so its hedge is worth that much less to the spot;
    ///      - `ROUNDING_UNITS_PER_POSITION` margin-token units a position: the closes' rounding
    ///        at the shocked price.
    ///      Funding owed is not moved by the shock (its pending part accrues at the mark of each
    ///      touch, a second-order term).
    function accountShockLossUsdWad(
        ShockedAccount memory account,
        bytes32 spotAsset,
        uint256 spotUsdWad,
        uint256 spotShockWad
    ) internal pure returns (uint256 lossWad) {
        bool spotNetted;
        uint256 maxShockWad;
        uint256 count = account.futures.length;
        for (uint256 i; i < count; ++i) {
            maxShockWad = Math.max(maxShockWad, account.shocksWad[i]);
            // Each asset once, at its first position: the later ones are netted into it.
            if (_seenBefore(account.assets, i)) continue;
            int256 netWad = _netExposureWad(account, i);
            if (account.assets[i] == spotAsset) {
                netWad += spotUsdWad.toInt256();
                spotNetted = true;
            }
            lossWad += shockLossUsdWad(SignedMath.abs(netWad), account.shocksWad[i]);
        }
        if (!spotNetted) lossWad += shockLossUsdWad(spotUsdWad, spotShockWad);
        (int256 equityWad, int256 closeValueWad) = (account.equityWad, account.closeValueWad);
        // casting to 'uint256' is safe because the branch runs only when equityWad > closeValueWad
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 costsWad = equityWad > closeValueWad ? uint256(equityWad - closeValueWad) : 0;
        lossWad += costsWad.mulWadUp(maxShockWad).mulWadUp(2 * WAD + maxShockWad);
        // casting to 'uint256' is safe because the branch runs only when closeValueWad < 0
        // forge-lint: disable-next-line(unsafe-typecast)
        if (closeValueWad < 0) lossWad += uint256(-closeValueWad);
        lossWad += ROUNDING_UNITS_PER_POSITION * account.unitWad * count;
    }

    /* INTERNAL */

    /// @dev The ONE read of an account's value: the exchange views are named below
    ///      (`liquidationCloseValue` when `forLiquidation`, else `closeValue`). `ok` is false when
    ///      the exchange reverts (a price it needs cannot be trusted), its revert data then in
    ///      `reason`.
    function _tryCloseValueWad(IFuturesExchange exchange, uint256 accountId, bool forLiquidation)
        private
        view
        returns (bool ok, int256 closeValueWad, bytes memory reason)
    {
        (ok, reason) = address(exchange)
            .staticcall(
                forLiquidation
                    ? abi.encodeCall(IFuturesExchange.liquidationCloseValue, (accountId))
                    : abi.encodeCall(IFuturesExchange.closeValue, (accountId))
            );
        if (ok) closeValueWad = abi.decode(reason, (int256));
    }

    /// @dev Whether a position before the `i`-th is on the same asset.
    function _seenBefore(bytes32[] memory assets, uint256 i) private pure returns (bool) {
        for (uint256 k; k < i; ++k) {
            if (assets[k] == assets[i]) return true;
        }
        return false;
    }

    /// @dev The account's net exposure to the `i`-th position's asset: Σ size x mark (USD, WAD,
    ///      each term floored) over that position and every later one on the same asset.
    function _netExposureWad(ShockedAccount memory account, uint256 i) private pure returns (int256 netWad) {
        bytes32 asset = account.assets[i];
        for (uint256 k = i; k < account.futures.length; ++k) {
            if (account.assets[k] != asset) continue;
            IFuturesExchange.PositionView memory view_ = account.futures[k];
            netWad += PositionMath.mulWadFloor(view_.sizeWad, view_.markPriceWad.toInt256());
        }
    }
}
