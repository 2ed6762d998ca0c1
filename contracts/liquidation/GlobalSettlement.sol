// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * GlobalSettlement: the protocol's emergency shutdown. The owner freezes every price and shuts
 * the vault down; anyone then settles each position's debt into a reserve per synth, at the
 * frozen prices; the synth's holders redeem it from that reserve.
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IGlobalSettlement} from "../../interfaces/liquidation/IGlobalSettlement.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {WAD} from "../libraries/Units.sol";
import {WadMath} from "../libraries/WadMath.sol";

contract GlobalSettlement is IGlobalSettlement, Ownable2Step, ReentrancyGuardTransient {
    using WadMath for uint256;
    using SafeERC20 for IERC20;

    /// @dev What is set aside for one synth's holders.
    struct Reserve {
        uint128 stableAmount;
        uint128 spotAmount;
        uint256 settledDebt;
    }

    /* STORAGE */

    /// @inheritdoc IGlobalSettlement
    uint256 public constant SETTLEMENT_PERIOD = 7 days;

    /// @inheritdoc IGlobalSettlement
    IVault public immutable vault;
    /// @inheritdoc IGlobalSettlement
    IERC20 public immutable marginToken;
    IOracleHub private immutable _oracle;
    IFuturesExchange private immutable _exchange;
    IERC20 private immutable _spotToken;
    bytes32 private immutable _spotAsset;
    /// @dev The spot token's decimals, and WAD per unit of the margin token (1e12 for 6 decimals).
    uint8 private immutable _spotDecimals;
    uint256 private immutable _marginUnit;

    /// @inheritdoc IGlobalSettlement
    uint256 public shutdownAt;
    /// @inheritdoc IGlobalSettlement
    mapping(bytes32 => uint256) public frozenPriceWad;
    mapping(ISyntheticToken => Reserve) private _reserves;

    /// @param owner_ May shut the protocol down.
    /// @param vault_ The vault; it must name this contract (`IVault.setGlobalSettlement`).
    constructor(address owner_, IVault vault_) Ownable(owner_) {
        if (address(vault_) == address(0)) revert GlobalSettlementZeroAddress();
        IFuturesExchange exchange_ = vault_.exchange();
        IERC20 margin = exchange_.marginToken();
        IERC20Metadata spot = vault_.spotToken();
        vault = vault_;
        marginToken = margin;
        _oracle = vault_.oracle();
        _exchange = exchange_;
        _spotToken = spot;
        _spotAsset = vault_.spotAsset();
        _spotDecimals = spot.decimals();
        _marginUnit = 10 ** (18 - IERC20Metadata(address(margin)).decimals());
    }

    /* SETTLEMENT */

    /// @inheritdoc IGlobalSettlement
    function shutdown() external onlyOwner nonReentrant {
        if (shutdownAt != 0) revert GlobalSettlementShutDown(shutdownAt);
        shutdownAt = block.timestamp;
        emit ShutDown(block.timestamp);

        _freeze(_spotAsset);
        ISyntheticToken[] memory synths = vault.synths();
        for (uint256 i; i < synths.length; ++i) {
            _freeze(synths[i].asset());
        }
        vault.shutdown();
    }

    /// @inheritdoc IGlobalSettlement
    function settle(uint256 positionId) external nonReentrant returns (uint256 debt) {
        if (shutdownAt == 0) revert GlobalSettlementNotShutDown();
        IVault.PositionView memory pos = vault.position(positionId);
        if (pos.debtShares == 0) revert GlobalSettlementNothingToSettle(positionId);
        uint256 unit = _marginUnit;
        uint256 spotPriceWad = frozenPriceWad[_spotAsset];
        uint256 debtUsdWad = pos.debt.mulWadUp(frozenPriceWad[pos.synth.asset()]);

        // Stablecoin first: every futures position closed, the margin taken as far as the debt
        // needs it (rounded up to whole units: owed to the holders).
        uint256 stableTaken;
        if (pos.hasAccount) {
            (,, int256 marginAfterWad,) =
                vault.closeFutures(positionId, WAD, _exchange.positions(pos.accountId), 0, 0, address(0));
            if (marginAfterWad > 0) {
                // casting to 'uint256' is safe because the branch runs only when marginAfterWad > 0
                // forge-lint: disable-next-line(unsafe-typecast)
                stableTaken = Math.min(uint256(marginAfterWad) / unit, Math.ceilDiv(debtUsdWad, unit));
            }
        }
        uint256 restUsdWad = debtUsdWad - Math.min(debtUsdWad, stableTaken * unit);
        // Then spot BTC at the frozen price, rounded up.
        uint256 spotTaken =
            Math.min(pos.spotAmount, CollateralMath.spotForUsdUp(restUsdWad, _spotDecimals, spotPriceWad));
        uint256 spotUsdWad = _spotUsd(spotTaken, spotPriceWad);
        uint256 shortUsdWad = restUsdWad - Math.min(restUsdWad, spotUsdWad);

        debt = vault.settleDebt(positionId);
        Reserve storage r = _reserves[pos.synth];
        r.stableAmount += SafeCast.toUint128(stableTaken);
        r.spotAmount += SafeCast.toUint128(spotTaken);
        r.settledDebt += debt;
        emit Settled(positionId, pos.synth, debt, stableTaken, spotTaken, shortUsdWad);

        if (stableTaken != 0) vault.seizeMargin(positionId, stableTaken, address(this));
        if (spotTaken != 0) vault.seizeSpot(positionId, spotTaken, address(this));
    }

    /// @inheritdoc IGlobalSettlement
    function redeem(ISyntheticToken synth, uint256 amount)
        external
        nonReentrant
        returns (uint256 stableOut, uint256 spotOut)
    {
        uint256 shutdownAt_ = shutdownAt;
        if (shutdownAt_ == 0) revert GlobalSettlementNotShutDown();
        if (amount == 0) revert GlobalSettlementZeroAmount();
        // Reverts for a synth the vault does not list. No fee accrues after shutdown: the stored
        // index is the index now.
        (uint256 rateIndexWad,, uint256 totalDebtShares,) = vault.synthDebt(synth);
        uint256 opensAt = shutdownAt_ + SETTLEMENT_PERIOD;
        if (totalDebtShares != 0 && block.timestamp < opensAt) {
            revert GlobalSettlementRedemptionNotOpen(synth, opensAt);
        }
        // The supply the reserve backs: what is not still owed by an unsettled position (whose
        // settlement will add its own backing), rounded up (the unsettled debt rounded down), so
        // that each unit's share is never priced on a reserve that is still coming in.
        uint256 supply = synth.totalSupply();
        uint256 backed = supply - Math.min(supply, totalDebtShares.mulWadDown(rateIndexWad));
        if (amount > backed) revert GlobalSettlementRedemptionExceedsBacked(synth, amount, backed);

        Reserve storage r = _reserves[synth];
        (stableOut, spotOut) = _redemption(synth, amount, backed, r.stableAmount, r.spotAmount);
        // casting to 'uint128' is safe because stableOut <= r.stableAmount (amount <= backed; a rescale only lowers it)
        // forge-lint: disable-next-line(unsafe-typecast)
        r.stableAmount -= uint128(stableOut);
        // casting to 'uint128' is safe because spotOut <= r.spotAmount (amount <= backed; a rescale only lowers it)
        // forge-lint: disable-next-line(unsafe-typecast)
        r.spotAmount -= uint128(spotOut);
        emit Redeemed(synth, msg.sender, amount, stableOut, spotOut);

        synth.burn(msg.sender, amount);
        if (stableOut != 0) marginToken.safeTransfer(msg.sender, stableOut);
        if (spotOut != 0) _spotToken.safeTransfer(msg.sender, spotOut);
    }

    /* VIEWS */

    /// @inheritdoc IGlobalSettlement
    function reserves(ISyntheticToken synth)
        external
        view
        returns (uint256 stableAmount, uint256 spotAmount, uint256 settledDebt)
    {
        Reserve storage r = _reserves[synth];
        return (r.stableAmount, r.spotAmount, r.settledDebt);
    }

    /* INTERNAL */

    /// @dev Records `asset`'s last good price, once (synths may share an asset): the last price
    ///      the hub trusted (`IOracleHub.lastTrustedPriceWad`, the hub's one rule).
    function _freeze(bytes32 asset) private {
        if (frozenPriceWad[asset] != 0) return;
        (uint256 priceWad,,) = _oracle.lastTrustedPriceWad(asset);
        if (priceWad == 0) {
            (,, IOracleHub.PriceStatus status) = _oracle.peekPriceWad(asset);
            revert GlobalSettlementNoTrustedPrice(asset, status);
        }
        frozenPriceWad[asset] = priceWad;
        emit PriceFrozen(asset, priceWad);
    }

    /// @dev What `amount` of `synth` redeems for, out of `backed` units that share the reserve
    ///      (`stableHeld` stablecoin and `spotHeld` spot BTC): the same share of each asset,
    ///      amount / backed (rounded down), both scaled alike (rounded down) when together they
    ///      are worth more than the amount's frozen value (spot at the frozen BTC price). Each
    ///      claim takes its share of what the claims before it left, so equal claims are paid
    ///      alike in any order and the last one takes what is left.
    function _redemption(ISyntheticToken synth, uint256 amount, uint256 backed, uint256 stableHeld, uint256 spotHeld)
        private
        view
        returns (uint256 stableOut, uint256 spotOut)
    {
        stableOut = Math.mulDiv(stableHeld, amount, backed);
        spotOut = Math.mulDiv(spotHeld, amount, backed);
        uint256 valueUsdWad = stableOut * _marginUnit + _spotUsd(spotOut, frozenPriceWad[_spotAsset]);
        uint256 maxUsdWad = amount.mulWadDown(frozenPriceWad[synth.asset()]);
        if (valueUsdWad > maxUsdWad) {
            stableOut = Math.mulDiv(stableOut, maxUsdWad, valueUsdWad);
            spotOut = Math.mulDiv(spotOut, maxUsdWad, valueUsdWad);
        }
    }

    /// @dev Spot credited at `priceWad`, rounded down.
    function _spotUsd(uint256 spotAmount, uint256 priceWad) private view returns (uint256) {
        return CollateralMath.spotUsd(spotAmount, _spotDecimals, priceWad);
    }
}
