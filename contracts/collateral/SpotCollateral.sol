// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SpotCollateral: one ERC-20 held as spot collateral behind the vault's collateral port (WBTC,
 * WETH, ...: one adapter per token, each a config entry). It keeps each position's amount, values
 * it at the oracle's price, and gives it back or hands it to a keeper only at the vault's call.
 */

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {ISpotCollateral} from "../../interfaces/collateral/ISpotCollateral.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {VenueStatus} from "./VenueStatus.sol";

contract SpotCollateral is ISpotCollateral, VenueStatus {
    using SafeERC20 for IERC20Metadata;

    /// @dev The most decimals a token may have: amounts scale to WAD by 10 ** (18 - decimals).
    uint8 private constant MAX_DECIMALS = 18;

    /// @inheritdoc ISpotCollateral
    IERC20Metadata public immutable token;
    /// @inheritdoc ISpotCollateral
    bytes32 public immutable asset;
    /// @inheritdoc ISpotCollateral
    uint8 public immutable tokenDecimals;
    /// @inheritdoc ISpotCollateral
    IOracleHub public immutable oracle;

    /// @inheritdoc ISpotCollateral
    mapping(uint256 itemId => uint256 amount) public amountOf;
    /// @inheritdoc ISpotCollateral
    uint256 public totalHeld;

    /// @param vault_ The vault this adapter holds the token for (its owner sets the venue state).
    /// @param token_ The ERC-20 (at most 18 decimals; no fee on transfer, no rebasing).
    /// @param asset_ The oracle asset id pricing one whole token, e.g. `bytes32("BTC")` for WBTC.
    constructor(address vault_, IERC20Metadata token_, bytes32 asset_) VenueStatus(vault_) {
        uint8 decimals_ = token_.decimals();
        if (decimals_ > MAX_DECIMALS) {
            revert SpotCollateralUnsupportedDecimals(address(token_), decimals_, MAX_DECIMALS);
        }
        token = token_;
        asset = asset_;
        tokenDecimals = decimals_;
        oracle = IVault(vault_).oracle();
    }

    modifier onlyVault() {
        if (msg.sender != _vault) revert SpotCollateralNotVault(msg.sender);
        _;
    }

    /* THE PORT */

    /// @inheritdoc ICollateralVenue
    function valueUsdWad(uint256 itemId) external view returns (uint256) {
        return _counted(_valueAt(amountOf[itemId], IOracleHub.PriceUse.Minting));
    }

    /// @inheritdoc ICollateralVenue
    function tryValueUsdWad(uint256 itemId) external view returns (bool ok, uint256 valueWad, bytes memory reason) {
        uint256 amount = amountOf[itemId];
        if (amount == 0) return (true, 0, reason);
        (ok, reason) =
            address(oracle).staticcall(abi.encodeCall(IOracleHub.priceWadFor, (asset, IOracleHub.PriceUse.Minting)));
        if (!ok) return (false, 0, reason);
        valueWad = _counted(CollateralMath.spotUsd(amount, tokenDecimals, abi.decode(reason, (uint256))));
        reason = "";
    }

    /// @inheritdoc ICollateralVenue
    function valueAndShockLossUsdWad(uint256 itemId, bytes32 spotAsset, uint256 spotUsdWad, uint256 cutUsdWad)
        external
        view
        returns (uint256 valueWad, uint256 lossWad)
    {
        uint256 ownWad = _valueAt(amountOf[itemId], IOracleHub.PriceUse.Minting);
        // What leaves is taken from the item's own value; what it cannot cover is lost outright.
        uint256 exposureWad = ownWad > cutUsdWad ? ownWad - cutUsdWad : 0;
        if (cutUsdWad > ownWad) lossWad = cutUsdWad - ownWad;
        // The shock is on the exposure itself (not scaled by the haircut: stricter), netted with
        // spot of the same asset beside it (both long: one sum, rounded up once).
        IVault vault_ = IVault(_vault);
        if (spotAsset == asset) {
            lossWad += CollateralMath.shockLossUsdWad(exposureWad + spotUsdWad, vault_.shockWad(asset));
        } else {
            if (exposureWad != 0) lossWad += CollateralMath.shockLossUsdWad(exposureWad, vault_.shockWad(asset));
            if (spotUsdWad != 0) lossWad += CollateralMath.shockLossUsdWad(spotUsdWad, vault_.shockWad(spotAsset));
        }
        valueWad = _counted(exposureWad);
    }

    /// @inheritdoc ISpotCollateral
    function liquidationValue(uint256 itemId)
        external
        view
        returns (uint256 amount, uint256 priceWad, uint256 valueWad)
    {
        amount = amountOf[itemId];
        if (amount == 0) return (0, 0, 0);
        priceWad = oracle.priceWadFor(asset, IOracleHub.PriceUse.LiquidationCollateral);
        valueWad = _counted(CollateralMath.spotUsd(amount, tokenDecimals, priceWad));
    }

    /* THE VAULT'S ACTIONS */

    /// @inheritdoc ISpotCollateral
    function deposit(uint256 itemId, uint256 amount) external onlyVault {
        if (amount == 0) revert SpotCollateralZeroAmount(itemId);
        uint256 held = amountOf[itemId];
        // A new item only while the venue is active; adding to one held goes on (it lowers risk).
        if (held == 0) requireActive();
        // What arrived since the items were last counted must cover the credit: a token that
        // takes a fee on transfer cannot credit more than the adapter holds. A balance under the
        // items (a token that fell without a transfer) has received nothing.
        uint256 totalBefore = totalHeld;
        uint256 balance = token.balanceOf(address(this));
        uint256 received = balance > totalBefore ? balance - totalBefore : 0;
        if (received < amount) revert SpotCollateralTransferShortfall(address(token), amount, received);
        amountOf[itemId] = held + amount;
        totalHeld = totalBefore + amount;
    }

    /// @inheritdoc ISpotCollateral
    function withdraw(uint256 itemId, uint256 amount, address to) external onlyVault {
        if (amount == 0) revert SpotCollateralZeroAmount(itemId);
        uint256 held = amountOf[itemId];
        if (amount > held) revert SpotCollateralInsufficient(itemId, held, amount);
        amountOf[itemId] = held - amount;
        totalHeld -= amount;
        token.safeTransfer(to, amount);
    }

    /// @inheritdoc ICollateralVenue
    function release(uint256 itemId, address to) external onlyVault {
        uint256 amount = amountOf[itemId];
        if (amount == 0) return;
        delete amountOf[itemId];
        totalHeld -= amount;
        token.safeTransfer(to, amount);
    }

    /* INTERNAL */

    /// @dev `amount` at the oracle's price for `use`, rounded down (`CollateralMath.spotUsd`, the
    ///      one spot rule); 0 without reading the oracle when there is none.
    function _valueAt(uint256 amount, IOracleHub.PriceUse use) private view returns (uint256) {
        if (amount == 0) return 0;
        return CollateralMath.spotUsd(amount, tokenDecimals, oracle.priceWadFor(asset, use));
    }
}
