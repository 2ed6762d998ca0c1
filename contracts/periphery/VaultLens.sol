// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * VaultLens: the vault's read-only health views, outside the vault. It reads the vault's public
 * views and values them as a liquidation would (`CollateralMath`, at the exchange's liquidation
 * price), so that a keeper sees what the engine would liquidate.
 */

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IFuturesCollateral} from "../../interfaces/collateral/IFuturesCollateral.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {WAD} from "../libraries/Units.sol";
import {WadMath} from "../libraries/WadMath.sol";

contract VaultLens is IVaultLens {
    using WadMath for uint256;

    /// @inheritdoc IVaultLens
    IVault public immutable vault;
    IOracleHub private immutable _oracle;
    IFuturesCollateral private immutable _futures;
    IFuturesExchange private immutable _exchange;
    bytes32 private immutable _spotAsset;
    uint8 private immutable _spotDecimals;

    /// @param vault_ The vault whose positions to read.
    constructor(IVault vault_) {
        vault = vault_;
        _oracle = vault_.oracle();
        _futures = vault_.futuresCollateral();
        _exchange = vault_.exchange();
        _spotAsset = vault_.spotAsset();
        _spotDecimals = IERC20Metadata(address(vault_.spotToken())).decimals();
    }

    /// @inheritdoc IVaultLens
    function health(uint256 positionId)
        external
        view
        returns (uint256 collateralUsdWad, uint256 debtUsdWad, uint256 crWad)
    {
        IVault.PositionView memory p = vault.position(positionId);
        if (p.spotAmount != 0) {
            collateralUsdWad = CollateralMath.spotUsd(
                p.spotAmount, _spotDecimals, _oracle.priceWadFor(_spotAsset, IOracleHub.PriceUse.LiquidationCollateral)
            );
        }
        if (p.hasAccount) {
            (bool ok, uint256 valueWad, bytes memory reason) = _futures.tryLiquidationValueUsdWad(p.accountId);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
            collateralUsdWad += valueWad;
        }
        if (p.debt != 0) {
            debtUsdWad = CollateralMath.debtUsd(
                p.debt, _oracle.priceWadFor(p.synth.asset(), IOracleHub.PriceUse.LiquidationDebt)
            );
        }
        crWad = CollateralMath.cr(collateralUsdWad, debtUsdWad);
    }

    /// @inheritdoc IVaultLens
    function mintRoom(uint256 positionId) external view returns (MintRoom memory room) {
        IVault.PositionView memory p = vault.position(positionId);
        if (p.spotAmount != 0) {
            room.collateralUsdWad = CollateralMath.spotUsd(
                p.spotAmount, _spotDecimals, _oracle.priceWadFor(_spotAsset, IOracleHub.PriceUse.Minting)
            );
        }
        // The vault's own count (`Vault._collateralAndLoss`): the port's for an account, the spot's alone without.
        if (p.hasAccount) {
            uint256 valueWad;
            (valueWad, room.shockLossUsdWad) =
                _futures.valueAndShockLossUsdWad(p.accountId, _spotAsset, room.collateralUsdWad, 0);
            room.collateralUsdWad += valueWad;
        } else if (room.collateralUsdWad != 0) {
            room.shockLossUsdWad = CollateralMath.shockLossUsdWad(room.collateralUsdWad, vault.shockWad(_spotAsset));
        }
        uint256 synthPriceWad = _oracle.priceWadFor(p.synth.asset(), IOracleHub.PriceUse.Minting);
        if (p.debt != 0) room.debtUsdWad = CollateralMath.debtUsd(p.debt, synthPriceWad);
        room.crWad = CollateralMath.cr(room.collateralUsdWad, room.debtUsdWad);
        uint256 shockedUsdWad = CollateralMath.shockedUsd(room.collateralUsdWad, room.shockLossUsdWad);
        room.shockedCrWad = CollateralMath.cr(shockedUsdWad, room.debtUsdWad);

        // The most debt in USD both rules allow: CR = floor(C / D) >= MR iff D <= floor(C / MR).
        uint256 limitUsdWad =
            Math.min(room.collateralUsdWad.mulDivDown(WAD, vault.synthParams(p.synth).mintingRatioWad), shockedUsdWad);
        // A mint of `a` leaves a debt of at most debt + a + ceil(index / WAD) (its shares round
        // up, then the debt): the stored index's whole part + 2, one more for the fee accrued
        // since it was stored. So the debt's value, rounded up, stays within the limit.
        (uint256 indexWad,,,) = vault.synthDebt(p.synth);
        uint256 mostDebt = limitUsdWad.mulDivDown(WAD, synthPriceWad);
        uint256 slack = p.debt + indexWad / WAD + 3;
        // Nothing may be minted against a venue that is not active (the vault asks `requireActive`).
        bool venueActive = true;
        if (p.hasAccount) {
            (ICollateralVenue.VenueState state,) = _futures.venueState();
            venueActive = state == ICollateralVenue.VenueState.Active;
        }
        if (venueActive && mostDebt > slack) room.maxMint = mostDebt - slack;
    }

    /// @inheritdoc IVaultLens
    function healthOf(uint256[] calldata positionIds) external view returns (Health[] memory healths) {
        healths = new Health[](positionIds.length);
        // Each price is read once per call, on first need: BTC, then each synth's. A price's
        // state: 0 not read yet, 1 trusted, 2 not trusted.
        uint256 btcPriceWad;
        uint256 btcState;
        ISyntheticToken[] memory synths;
        uint256[] memory synthPriceWad;
        uint256[] memory synthState;

        for (uint256 i; i < positionIds.length; ++i) {
            Health memory h = healths[i];
            IVault.PositionView memory p;
            try vault.position(positionIds[i]) returns (IVault.PositionView memory p_) {
                p = p_;
            } catch {
                h.crWad = type(uint256).max;
                h.status = HealthStatus.UnknownPosition;
                continue;
            }
            bool priced = true;
            if (p.spotAmount != 0) {
                if (btcState == 0) {
                    (btcPriceWad, btcState) = _peek(_spotAsset, IOracleHub.PriceUse.LiquidationCollateral);
                }
                if (btcState == 1) {
                    h.collateralUsdWad = CollateralMath.spotUsd(p.spotAmount, _spotDecimals, btcPriceWad);
                } else {
                    priced = false;
                }
            }
            if (priced && p.hasAccount) {
                (bool ok, uint256 valueWad,) = _futures.tryLiquidationValueUsdWad(p.accountId);
                if (ok) h.collateralUsdWad += valueWad;
                else priced = false;
                if (ok) {
                    // The rule the engine applies over the ratio, at the same liquidation prices.
                    try _exchange.liquidationRisk(p.accountId) returns (int256 equityWad, uint256 maintenanceWad) {
                        // casting to 'uint256' is safe because it runs only when equityWad >= 0 (|| short-circuits)
                        // forge-lint: disable-next-line(unsafe-typecast)
                        h.accountUnderMaintenance = equityWad < 0 || uint256(equityWad) < maintenanceWad;
                    } catch {
                        priced = false;
                    }
                }
            }
            if (priced && p.debt != 0) {
                if (synths.length == 0) {
                    synths = vault.synths();
                    synthPriceWad = new uint256[](synths.length);
                    synthState = new uint256[](synths.length);
                }
                uint256 k;
                while (synths[k] != p.synth) ++k;
                if (synthState[k] == 0) {
                    (synthPriceWad[k], synthState[k]) = _peek(p.synth.asset(), IOracleHub.PriceUse.LiquidationDebt);
                }
                if (synthState[k] == 1) h.debtUsdWad = CollateralMath.debtUsd(p.debt, synthPriceWad[k]);
                else priced = false;
            }
            if (!priced) {
                (h.collateralUsdWad, h.debtUsdWad, h.status) = (0, 0, HealthStatus.Unpriceable);
                h.accountUnderMaintenance = false;
                continue;
            }
            h.crWad = CollateralMath.cr(h.collateralUsdWad, h.debtUsdWad);
        }
    }

    /// @dev The price of `asset` for a liquidation's `use` and its state: 1 when the engine
    ///      would price from it, 2 when `priceWadFor` would revert (the hub's rule, asked).
    function _peek(bytes32 asset, IOracleHub.PriceUse use) private view returns (uint256 priceWad, uint256 state) {
        bool usable;
        (priceWad,,, usable) = _oracle.peekPriceWadFor(asset, use);
        state = usable ? 1 : 2;
    }
}
