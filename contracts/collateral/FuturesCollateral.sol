// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * FuturesCollateral: the futures venue's adapter behind the vault's collateral port. It holds the
 * exchange accounts the vault's positions lock, values them at what closing them would fetch, and
 * makes the vault's trades, withdrawals and liquidation closes on them.
 */

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IFuturesCollateral} from "../../interfaces/collateral/IFuturesCollateral.sol";
import {IFuturesAccounts} from "../../interfaces/venue/IFuturesAccounts.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {WAD} from "../libraries/Units.sol";
import {WadMath} from "../libraries/WadMath.sol";
import {VenueStatus} from "./VenueStatus.sol";

contract FuturesCollateral is IFuturesCollateral, VenueStatus, IERC721Receiver {
    using WadMath for uint256;

    /// @inheritdoc IFuturesCollateral
    IFuturesExchange public immutable exchange;
    /// @inheritdoc IFuturesCollateral
    IFuturesAccounts public immutable accounts;
    /// @inheritdoc IFuturesCollateral
    uint256 public immutable marginUnit;

    /// @param exchange_ The futures exchange whose accounts the vault's positions may lock.
    /// @dev The vault deploys its adapter in its constructor: the deployer is the vault.
    constructor(IFuturesExchange exchange_) VenueStatus(msg.sender) {
        exchange = exchange_;
        accounts = exchange_.accounts();
        marginUnit = 10 ** (18 - IERC20Metadata(address(exchange_.marginToken())).decimals());
    }

    modifier onlyVault() {
        if (msg.sender != _vault) revert FuturesCollateralNotVault(msg.sender);
        _;
    }

    /* THE PORT */

    /// @inheritdoc ICollateralVenue
    function valueUsdWad(uint256 accountId) external view returns (uint256) {
        return _counted(CollateralMath.accountValueWad(exchange, accountId));
    }

    /// @inheritdoc ICollateralVenue
    function tryValueUsdWad(uint256 accountId) external view returns (bool ok, uint256 valueWad, bytes memory reason) {
        (ok, valueWad, reason) = CollateralMath.tryAccountValueWad(exchange, accountId, false);
        valueWad = _counted(valueWad);
    }

    /// @inheritdoc IFuturesCollateral
    function tryLiquidationValueUsdWad(uint256 accountId)
        external
        view
        returns (bool ok, uint256 valueWad, bytes memory reason)
    {
        (ok, valueWad, reason) = CollateralMath.tryAccountValueWad(exchange, accountId, true);
        valueWad = _counted(valueWad);
    }

    /// @inheritdoc ICollateralVenue
    function valueAndShockLossUsdWad(uint256 accountId, bytes32 spotAsset, uint256 spotUsdWad, uint256 cutUsdWad)
        external
        view
        returns (uint256 valueWad, uint256 lossWad)
    {
        IFuturesExchange.PositionView[] memory futures = exchange.positions(accountId);
        int256 closeValueWad = CollateralMath.accountCloseValueWad(exchange, accountId);
        (bytes32[] memory assets, uint256[] memory shocksWad) = _assetsAndShocks(futures);
        lossWad = CollateralMath.accountShockLossUsdWad(
            CollateralMath.ShockedAccount({
                futures: futures,
                assets: assets,
                shocksWad: shocksWad,
                equityWad: _equityOf(accountId, futures),
                closeValueWad: closeValueWad,
                unitWad: marginUnit
            }),
            spotAsset,
            spotUsdWad,
            spotUsdWad == 0 ? 0 : IVault(_vault).shockWad(spotAsset)
        );
        // What leaves is taken from the account's own value, then what stays is counted.
        uint256 ownValueWad = CollateralMath.accountValueOf(closeValueWad);
        if (ownValueWad >= cutUsdWad) valueWad = _counted(ownValueWad - cutUsdWad);
        else lossWad += cutUsdWad - ownValueWad;
    }

    /// @dev Each position's market asset and the vault's shock for it (a market's asset never changes).
    function _assetsAndShocks(IFuturesExchange.PositionView[] memory futures)
        private
        view
        returns (bytes32[] memory assets, uint256[] memory shocksWad)
    {
        assets = new bytes32[](futures.length);
        shocksWad = new uint256[](futures.length);
        for (uint256 i; i < futures.length; ++i) {
            assets[i] = exchange.market(futures[i].marketId).asset;
            shocksWad[i] = IVault(_vault).shockWad(assets[i]);
        }
    }

    /// @inheritdoc ICollateralVenue
    function release(uint256 accountId, address to) external onlyVault {
        accounts.safeTransferFrom(address(this), to, accountId);
    }

    /// @notice Accepts an account token only from the exchange's account registry, moved by the
    ///         vault (`lock`), and only while the venue is active (`CollateralVenueNotActive`,
    ///         which the registry bubbles up through the vault's `lock`).
    function onERC721Received(address operator, address, uint256 tokenId, bytes calldata)
        external
        view
        returns (bytes4)
    {
        if (msg.sender != address(accounts) || operator != _vault) {
            revert FuturesCollateralUnexpectedTransfer(msg.sender, operator, tokenId);
        }
        requireActive();
        return IERC721Receiver.onERC721Received.selector;
    }

    /* THE VAULT'S ACTIONS */

    /// @inheritdoc IFuturesCollateral
    function trade(uint256 accountId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        onlyVault
        returns (uint256 fillPriceWad)
    {
        return exchange.trade(accountId, marketId, sizeDeltaWad, priceLimitWad);
    }

    /// @inheritdoc IFuturesCollateral
    function withdrawMargin(uint256 accountId, uint256 amount, address to) external onlyVault {
        exchange.withdrawMargin(accountId, amount, to);
    }

    /* LIQUIDATION */

    /// @inheritdoc IFuturesCollateral
    function liquidationView(uint256 accountId)
        external
        view
        returns (IFuturesExchange.PositionView[] memory futures, int256 equityWad, uint256 valueWad)
    {
        int256 closeValueWad;
        (futures, closeValueWad) = exchange.liquidationPositions(accountId);
        equityWad = _equityOf(accountId, futures);
        // Counted at the haircut (the trigger and the sizing); the equity, which sizes the closes
        // and so what is seized, is the account's own.
        valueWad = _counted(CollateralMath.accountValueOf(closeValueWad));
    }

    /// @inheritdoc IFuturesCollateral
    function closeFutures(
        uint256 accountId,
        uint256 fractionWad,
        IFuturesExchange.PositionView[] calldata futures,
        uint256 seizeWad,
        int256 equityBeforeWad,
        address to
    )
        external
        onlyVault
        returns (uint256 fractionClosedWad, bool emptied, int256 marginAfterWad, uint256 marginSeized)
    {
        int256 equityAfterWad;
        (fractionClosedWad, equityAfterWad, marginAfterWad) = _closeFutures(accountId, fractionWad, futures);
        // The closing costs (impact, fee, rounding: the equity the closes lost) come out of what
        // is seized.
        uint256 wantWad = _lessCosts(seizeWad, equityBeforeWad - equityAfterWad);
        // casting to 'uint256' is safe because the branch runs only when marginAfterWad > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 availableWad = marginAfterWad > 0 ? uint256(marginAfterWad) : 0;
        emptied = fractionClosedWad == WAD && wantWad >= availableWad;
        // Margin is whole token units, so taking all of it loses nothing to rounding.
        marginSeized = Math.min(wantWad, availableWad) / marginUnit;
        if (marginSeized != 0) exchange.withdrawMarginAtMarks(accountId, marginSeized, to);
    }

    /// @dev `seizeWad` less the closing costs `costsWad` (none when the closes gained), floored at 0.
    function _lessCosts(uint256 seizeWad, int256 costsWad) private pure returns (uint256) {
        // casting to 'uint256' is safe because the branch runs only when costsWad > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        return costsWad > 0 ? seizeWad - Math.min(seizeWad, uint256(costsWad)) : seizeWad;
    }

    /// @inheritdoc IFuturesCollateral
    function seizeMargin(uint256 accountId, uint256 amount, address to) external onlyVault {
        exchange.withdrawMarginAtMarks(accountId, amount, to);
    }

    /// @dev `closeFutures`' closes: the fraction closed, the equity and margin after.
    function _closeFutures(uint256 accountId, uint256 fractionWad, IFuturesExchange.PositionView[] calldata futures)
        private
        returns (uint256, int256 equityAfterWad, int256 marginAfterWad)
    {
        // Each market's initial margin fraction and expiry, all the closes need of its terms,
        // read with the size the view must match.
        uint256[] memory initialMarginsWad = new uint256[](futures.length);
        uint256[] memory expiries = new uint256[](futures.length);
        for (uint256 i; i < futures.length; ++i) {
            uint256 marketId = futures[i].marketId;
            int256 actualSizeWad;
            (actualSizeWad, initialMarginsWad[i], expiries[i]) = exchange.reductionTerms(accountId, marketId);
            if (actualSizeWad != futures[i].sizeWad) {
                revert FuturesCollateralMismatch(accountId, marketId, futures[i].sizeWad, actualSizeWad);
            }
            // A listed market's initial margin is never 0: this one is unknown, and `market`
            // reverts as the exchange does for it (`ExchangeUnknownMarket`).
            if (initialMarginsWad[i] == 0) exchange.market(marketId);
        }
        if (fractionWad < WAD && !_restKeepsInitialMargin(accountId, futures, initialMarginsWad, fractionWad)) {
            fractionWad = WAD;
        }

        // The margin after the last close: a trade reports it, a settlement does not.
        bool marginKnown;
        for (uint256 i; i < futures.length; ++i) {
            IFuturesExchange.PositionView calldata view_ = futures[i];
            // An expired dated market takes no trades: its position settles whole, without impact.
            uint256 expiry = expiries[i];
            if (expiry != 0 && block.timestamp >= expiry) {
                exchange.settle(accountId, view_.marketId);
                marginKnown = false;
                continue;
            }
            int256 restPnlWad;
            (restPnlWad, marginAfterWad) = _reduce(accountId, view_, fractionWad);
            equityAfterWad += restPnlWad;
            marginKnown = true;
        }
        if (!marginKnown) marginAfterWad = exchange.signedMarginOf(accountId);
        return (fractionWad, equityAfterWad + marginAfterWad, marginAfterWad);
    }

    /// @dev Cuts the position of `view_` by `fractionWad` of its size (rounded up, never more than
    ///      it: fractionWad <= WAD) at any price (a sell's limit is 0, a buy's the largest price
    ///      there is), at the view's mark: read by the exchange earlier in this transaction.
    /// @return restPnlWad What stays open keeps its entry and, its funding just settled, owes
    ///         none: its value is its PnL at the mark the trade used, as `equity` counts it.
    /// @return marginAfterWad The account's settled margin after the trade.
    function _reduce(uint256 accountId, IFuturesExchange.PositionView calldata view_, uint256 fractionWad)
        private
        returns (int256 restPnlWad, int256 marginAfterWad)
    {
        int256 sizeWad = view_.sizeWad;
        // Safe cast: the exchange stores sizes in 128 bits.
        int256 reduceWad = int256(SignedMath.abs(sizeWad).mulWadUp(fractionWad));
        if (sizeWad > 0) {
            (, marginAfterWad) = exchange.tradeAtMark(accountId, view_.marketId, -reduceWad, 0, view_.markPriceWad);
            sizeWad -= reduceWad;
        } else {
            (, marginAfterWad) =
                exchange.tradeAtMark(accountId, view_.marketId, reduceWad, type(uint256).max, view_.markPriceWad);
            sizeWad += reduceWad;
        }
        restPnlWad = PositionMath.pnl(sizeWad, view_.entryPriceWad, view_.markPriceWad);
    }

    /// @dev Whether the account's positions, cut to `1 - fractionWad` of their size, would keep
    ///      the exchange's initial margin with the equity cut alike: only then does the exchange
    ///      let the margin the cut frees leave. Equity and requirements are read as the exchange
    ///      counts them, from the positions' views (no second oracle read); the requirement of
    ///      what stays open can exceed its share by two wei a market (the exchange rounds up twice).
    function _restKeepsInitialMargin(
        uint256 accountId,
        IFuturesExchange.PositionView[] calldata futures,
        uint256[] memory initialMarginsWad,
        uint256 fractionWad
    ) private view returns (bool) {
        // The equity as `_equityOf` sums it, in the loop that sums the requirement.
        int256 equityWad = exchange.signedMarginOf(accountId);
        uint256 initialWad;
        for (uint256 i; i < futures.length; ++i) {
            IFuturesExchange.PositionView calldata view_ = futures[i];
            equityWad += view_.unrealizedPnlWad - view_.fundingOwedWad;
            initialWad += SignedMath.abs(view_.sizeWad).mulWadUp(view_.markPriceWad).mulWadUp(initialMarginsWad[i]);
        }
        if (equityWad <= 0) return false;
        uint256 restWad = WAD - fractionWad;
        // casting to 'uint256' is safe because equityWad <= 0 returned false just above
        // forge-lint: disable-next-line(unsafe-typecast)
        return uint256(equityWad).mulWadDown(restWad) >= initialWad.mulWadUp(restWad) + 2 * futures.length;
    }

    /// @dev The account's equity from its positions' views: settled margin plus, per position,
    ///      PnL (rounded down) less funding owed (rounded up); `IFuturesExchange.equity` rounds the
    ///      difference once, so this may be under it by a wei a position while funding is owed.
    function _equityOf(uint256 accountId, IFuturesExchange.PositionView[] memory futures)
        private
        view
        returns (int256 equityWad)
    {
        equityWad = exchange.signedMarginOf(accountId);
        for (uint256 i; i < futures.length; ++i) {
            equityWad += futures[i].unrealizedPnlWad - futures[i].fundingOwedWad;
        }
    }
}
