// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * LiquidationEngine: gets the synth back before the collateral is gone. A keeper repays a
 * position under its liquidation ratio, or one whose locked futures account is under the
 * exchange's maintenance margin (the exchange leaves locked accounts to this engine), and is paid
 * from its spot BTC and its futures, closed on the market; what the collateral cannot cover the
 * insurance fund pays, and what the fund cannot pay the synth's other positions share. Once the
 * vault is shut down (global settlement, `GlobalSettlement`), it liquidates no more.
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {IInsuranceFund} from "../../interfaces/liquidation/IInsuranceFund.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IStabilityPool} from "../../interfaces/liquidation/IStabilityPool.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {WadMath} from "../libraries/WadMath.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {WAD} from "../libraries/Units.sol";

contract LiquidationEngine is ILiquidationEngine, Ownable2Step, ReentrancyGuardTransient {
    using WadMath for uint256;
    using SafeERC20 for IERC20;

    /// @dev What a liquidation (or a batch of them) pays out once its seizures are done: the
    ///      keeper's stablecoin and value, and the fund's cuts, position by position.
    struct Payout {
        uint256 keeperStable;
        uint256 keeperUsdWad;
        ISyntheticToken lastSynth;
        uint256 lastSynthPriceWad;
        uint256 fundTotal;
        uint256 penalties;
        uint256[] penaltyPositionIds;
        uint256[] penaltyAmounts;
    }

    /// @dev The value flows of one liquidation, USD WAD unless named in token units.
    struct Seizure {
        address keeper;
        IStabilityPool pool;
        uint256 poolRepaid;
        uint256 synthPriceWad;
        uint256 debtUsdWad;
        uint256 crWad;
        uint256 repaid;
        uint256 targetRepaid;
        uint256 repaidUsdWad;
        uint256 keeperDueUsdWad;
        uint256 fundDueUsdWad;
        uint256 spotTaken;
        uint256 spotUsdWad;
        uint256 futuresDueUsdWad;
        uint256 marginTaken;
        bool exhausted;
        uint256 keeperUsdWad;
        uint256 shortfallUsdWad;
        uint256 shortfallPaid;
        bool maintenance;
    }

    /// @dev The owner's settings, in one slot that every liquidation reads once. WAD fractions
    ///      are at most 1 WAD < 2^64, the least bonus at most `MAX_MIN_KEEPER_BONUS_USD_WAD` < 2^128.
    struct Settings {
        uint64 keeperShareWad;
        uint64 closeFactorWad;
        uint128 minKeeperBonusUsdWad;
    }

    /// @notice The highest least keeper bonus: 1,000 USD.
    uint256 public constant MAX_MIN_KEEPER_BONUS_USD_WAD = 1_000e18;
    /// @notice The highest gas compensation: 1,000 USD.
    uint256 public constant MAX_GAS_COMPENSATION_USD_WAD = 1_000e18;

    /* STORAGE */

    /// @inheritdoc ILiquidationEngine
    IVault public immutable vault;
    /// @inheritdoc ILiquidationEngine
    IInsuranceFund public immutable fund;
    /// @inheritdoc ILiquidationEngine
    IERC20 public immutable marginToken;
    IOracleHub private immutable _oracle;
    IFuturesExchange private immutable _exchange;
    IERC20 private immutable _spotToken;
    /// @dev The spot token's decimals, and WAD per unit of the margin token (1e12 for 6 decimals).
    uint8 private immutable _spotDecimals;
    uint256 private immutable _marginUnit;

    Settings private _settings;

    /// @inheritdoc ILiquidationEngine
    mapping(ISyntheticToken synth => IStabilityPool) public stabilityPools;
    /// @inheritdoc ILiquidationEngine
    uint256 public gasCompensationUsdWad;

    /// @param owner_ Sets the keeper share and the close factor.
    /// @param vault_ The vault; it must name this engine (`IVault.setLiquidationEngine`).
    /// @param fund_ The insurance fund, holding the exchange's margin token; it must name this
    ///        engine (`IInsuranceFund.setEngine`).
    /// @param keeperShareWad_ The keeper's share of the penalty (WAD, at most 1).
    /// @param closeFactorWad_ The largest fraction of a debt a partial liquidation repays (WAD, (0, 1]).
    constructor(address owner_, IVault vault_, IInsuranceFund fund_, uint256 keeperShareWad_, uint256 closeFactorWad_)
        Ownable(owner_)
    {
        if (address(vault_) == address(0) || address(fund_) == address(0)) revert LiquidationEngineZeroAddress();
        IFuturesExchange exchange_ = vault_.exchange();
        IERC20 margin = exchange_.marginToken();
        if (address(fund_.asset()) != address(margin)) {
            revert LiquidationEngineFundAssetMismatch(address(fund_.asset()), address(margin));
        }
        _checkKeeperShare(keeperShareWad_);
        _checkCloseFactor(closeFactorWad_);
        vault = vault_;
        fund = fund_;
        marginToken = margin;
        _oracle = vault_.oracle();
        _exchange = exchange_;
        _spotToken = IERC20(address(vault_.spotToken()));
        _spotDecimals = vault_.spotToken().decimals();
        _marginUnit = 10 ** (18 - IERC20Metadata(address(margin)).decimals());
        // casting to 'uint64' is safe because _checkKeeperShare and _checkCloseFactor cap both at 1 WAD < 2^64
        // forge-lint: disable-next-line(unsafe-typecast)
        _settings = Settings(uint64(keeperShareWad_), uint64(closeFactorWad_), 0);
        emit KeeperShareSet(keeperShareWad_);
        emit CloseFactorSet(closeFactorWad_);
    }

    /* OWNER */

    /// @inheritdoc ILiquidationEngine
    function setKeeperShare(uint256 keeperShareWad_) external onlyOwner {
        _checkKeeperShare(keeperShareWad_);
        if (keeperShareWad_ == _settings.keeperShareWad) revert LiquidationEngineAlreadySet();
        // casting to 'uint64' is safe because _checkKeeperShare capped it at 1 WAD < 2^64
        // forge-lint: disable-next-line(unsafe-typecast)
        _settings.keeperShareWad = uint64(keeperShareWad_);
        emit KeeperShareSet(keeperShareWad_);
    }

    /// @inheritdoc ILiquidationEngine
    function setCloseFactor(uint256 closeFactorWad_) external onlyOwner {
        _checkCloseFactor(closeFactorWad_);
        if (closeFactorWad_ == _settings.closeFactorWad) revert LiquidationEngineAlreadySet();
        // casting to 'uint64' is safe because _checkCloseFactor capped it at 1 WAD < 2^64
        // forge-lint: disable-next-line(unsafe-typecast)
        _settings.closeFactorWad = uint64(closeFactorWad_);
        emit CloseFactorSet(closeFactorWad_);
    }

    /// @inheritdoc ILiquidationEngine
    function setMinKeeperBonus(uint256 bonusUsdWad) external onlyOwner {
        if (bonusUsdWad > MAX_MIN_KEEPER_BONUS_USD_WAD) {
            revert LiquidationEngineInvalidMinKeeperBonus(bonusUsdWad, MAX_MIN_KEEPER_BONUS_USD_WAD);
        }
        if (bonusUsdWad == _settings.minKeeperBonusUsdWad) revert LiquidationEngineAlreadySet();
        // casting to 'uint128' is safe because it was just capped at MAX_MIN_KEEPER_BONUS_USD_WAD < 2^128
        // forge-lint: disable-next-line(unsafe-typecast)
        _settings.minKeeperBonusUsdWad = uint128(bonusUsdWad);
        emit MinKeeperBonusSet(bonusUsdWad);
    }

    /// @inheritdoc ILiquidationEngine
    function setStabilityPool(ISyntheticToken synth, IStabilityPool pool) external onlyOwner {
        if (address(pool) != address(0) && (pool.synth() != synth || address(pool.engine()) != address(this))) {
            revert LiquidationEngineInvalidStabilityPool(address(synth), address(pool));
        }
        if (pool == stabilityPools[synth]) revert LiquidationEngineAlreadySet();
        stabilityPools[synth] = pool;
        emit StabilityPoolSet(address(synth), address(pool));
    }

    /// @inheritdoc ILiquidationEngine
    function setGasCompensation(uint256 usdWad) external onlyOwner {
        if (usdWad > MAX_GAS_COMPENSATION_USD_WAD) {
            revert LiquidationEngineInvalidGasCompensation(usdWad, MAX_GAS_COMPENSATION_USD_WAD);
        }
        if (usdWad == gasCompensationUsdWad) revert LiquidationEngineAlreadySet();
        gasCompensationUsdWad = usdWad;
        emit GasCompensationSet(usdWad);
    }

    /* LIQUIDATION */

    /// @inheritdoc ILiquidationEngine
    function liquidate(uint256 positionId, uint256 repayAmount, uint256 minOutUsdWad)
        external
        nonReentrant
        returns (uint256 repaid, uint256 keeperUsdWad)
    {
        if (repayAmount == 0) revert LiquidationEngineZeroAmount();
        Payout memory out = _payout(1);
        repaid = _liquidate(positionId, repayAmount, false, msg.sender, out);
        keeperUsdWad = _pay(out, minOutUsdWad);
    }

    /// @inheritdoc ILiquidationEngine
    function liquidateMany(uint256[] calldata positionIds, uint256 minOutUsdWad)
        external
        nonReentrant
        returns (uint256 liquidated, uint256 keeperUsdWad)
    {
        _checkRunning();
        Payout memory out = _payout(positionIds.length);
        for (uint256 i; i < positionIds.length; ++i) {
            uint256 freeMemory = _freeMemoryPointer();
            uint256 positionId = positionIds[i];
            // A call of its own, so that a failure undoes this position alone.
            try this.liquidateInBatch(positionId, msg.sender, out.lastSynth, out.lastSynthPriceWad) returns (
                uint256 repaid,
                uint256 keeperStable,
                uint256 positionKeeperUsdWad,
                uint256 toFund,
                ISyntheticToken synth,
                uint256 synthPriceWad
            ) {
                (out.lastSynth, out.lastSynthPriceWad) = (synth, synthPriceWad);
                if (repaid != 0) ++liquidated;
                _addPayout(out, positionId, keeperStable, positionKeeperUsdWad, toFund);
            } catch (bytes memory reason) {
                emit LiquidationFailed(positionId, reason);
            }
            // Each liquidation's scratch memory (its return data, its revert data) is dead once
            // `out` holds what it owes: reusing it keeps a long batch from paying ever more for memory.
            _setFreeMemoryPointer(freeMemory);
        }
        keeperUsdWad = _pay(out, minOutUsdWad);
    }

    /// @inheritdoc ILiquidationEngine
    function liquidateInBatch(uint256 positionId, address keeper, ISyntheticToken lastSynth, uint256 lastSynthPriceWad)
        external
        returns (
            uint256 repaid,
            uint256 keeperStable,
            uint256 keeperUsdWad,
            uint256 toFund,
            ISyntheticToken synth,
            uint256 synthPriceWad
        )
    {
        // Only `liquidateMany`, behind its reentrancy guard, names the keeper.
        if (msg.sender != address(this)) revert LiquidationEngineNotSelf(msg.sender);
        Payout memory out = _payout(1);
        (out.lastSynth, out.lastSynthPriceWad) = (lastSynth, lastSynthPriceWad);
        repaid = _liquidate(positionId, type(uint256).max, true, keeper, out);
        return (repaid, out.keeperStable, out.keeperUsdWad, out.fundTotal, out.lastSynth, out.lastSynthPriceWad);
    }

    /// @inheritdoc ILiquidationEngine
    function repayQuote(uint256 positionId) external view returns (uint256 repay, bool whole) {
        IVault.LiquidationSnapshot memory snap = vault.liquidationSnapshot(positionId);
        if (snap.owner == address(0)) return (0, false);
        Seizure memory z;
        _value(snap, z, _payout(0));
        if (!_liquidatable(snap, z)) return (0, false);
        return _repayTarget(snap, z);
    }

    /* VIEWS */

    /// @inheritdoc ILiquidationEngine
    function keeperShareWad() external view returns (uint256) {
        return _settings.keeperShareWad;
    }

    /// @inheritdoc ILiquidationEngine
    function closeFactorWad() external view returns (uint256) {
        return _settings.closeFactorWad;
    }

    /// @inheritdoc ILiquidationEngine
    function minKeeperBonusUsdWad() external view returns (uint256) {
        return _settings.minKeeperBonusUsdWad;
    }

    /// @inheritdoc ILiquidationEngine
    function liquidating() external view returns (bool) {
        return _reentrancyGuardEntered();
    }

    /* INTERNAL: LIQUIDATION */

    /// @dev Liquidates one position for the caller, adding what the keeper is owed to `out`.
    ///      Returns the synth repaid: 0 for a position passed over (`skip`), which otherwise
    ///      reverts.
    function _liquidate(uint256 positionId, uint256 repayAmount, bool skip, address keeper, Payout memory out)
        private
        returns (uint256)
    {
        IVault.LiquidationSnapshot memory snap = vault.liquidationSnapshot(positionId);
        if (snap.owner == address(0)) {
            if (!skip) revert LiquidationEngineUnknownPosition(positionId);
            emit LiquidationSkipped(positionId, 0, 0);
            return 0;
        }
        // After shutdown a debt is the settlement's (a batch checks it once, before its first
        // position); an account under maintenance with no debt is still closed here, as nobody
        // else may close an account the vault's adapter holds.
        if (snap.shutDown && snap.debt != 0) revert LiquidationEngineShutDown();
        Seizure memory z;
        z.keeper = keeper;
        _value(snap, z, out);
        if (!_liquidatable(snap, z)) {
            if (!skip) revert LiquidationEngineHealthyPosition(positionId, z.crWad, snap.liquidationRatioWad);
            emit LiquidationSkipped(positionId, z.crWad, snap.liquidationRatioWad);
            return 0;
        }

        _size(positionId, snap, z, repayAmount);
        _choosePool(snap, z);
        _seizeSpot(positionId, snap, z);
        // A liquidation of the whole debt (the only kind that writes debt off) closes every
        // futures position, whatever the equity: an account under water left open would be a
        // free option for its owner, who could unlock it debt-free and wait for a rebound. So
        // does one of an account under maintenance, as the exchange would have closed it.
        // Otherwise an account with no equity has nothing to give, and one with equity is taken
        // from only while something is still due.
        if (snap.hasAccount) {
            bool closeAll = (z.repaid == snap.debt || z.maintenance) && snap.futures.length != 0;
            if (closeAll || (snap.equityWad > 0 && z.keeperDueUsdWad + z.fundDueUsdWad > z.spotUsdWad)) {
                _seizeFutures(positionId, snap, z, closeAll);
            } else if (snap.equityWad > 0) {
                z.exhausted = false;
            }
        }
        return _settleLiquidation(positionId, snap, z, out);
    }

    /// @dev The debt's value and the CR at the synth's fresh price, as `VaultLens.health` counts them
    ///      (debt rounded up, CR down). A batch reads each synth's price once while its positions
    ///      come in a row (`out` remembers the last one).
    function _value(IVault.LiquidationSnapshot memory snap, Seizure memory z, Payout memory out) private view {
        uint256 debt = snap.debt;
        if (debt == 0) {
            z.crWad = type(uint256).max;
            return;
        }
        if (snap.synth != out.lastSynth) {
            out.lastSynth = snap.synth;
            // The debt side's rule: a closed market's last close, the higher of two disagreeing sources.
            out.lastSynthPriceWad = _oracle.priceWadFor(snap.synth.asset(), IOracleHub.PriceUse.LiquidationDebt);
        }
        z.synthPriceWad = out.lastSynthPriceWad;
        z.debtUsdWad = debt.mulWadUp(z.synthPriceWad);
        z.crWad = snap.collateralUsdWad.divWadDown(z.debtUsdWad);
    }

    /// @dev Whether the position can be liquidated: under its liquidation ratio, or, over it,
    ///      with a locked account under the exchange's maintenance margin (`z.maintenance`).
    function _liquidatable(IVault.LiquidationSnapshot memory snap, Seizure memory z) private view returns (bool) {
        if (z.crWad < snap.liquidationRatioWad) return true;
        // Read only over the ratio: the exchange's rule at its liquidation price, as its own
        // `liquidate` applies it to the accounts it may liquidate.
        if (!snap.hasAccount || snap.futures.length == 0) return false;
        (int256 equityWad, uint256 maintenanceWad) = _exchange.liquidationRisk(snap.accountId);
        z.maintenance = equityWad < SafeCast.toInt256(maintenanceWad);
        return z.maintenance;
    }

    /// @dev The repayment (see `_repayTarget`, capped by the keeper's `repayAmount`) and what it
    ///      makes due to the keeper and to the fund.
    function _size(uint256 positionId, IVault.LiquidationSnapshot memory snap, Seizure memory z, uint256 repayAmount)
        private
        view
    {
        (uint256 repaid, bool whole) = _repayTarget(snap, z);
        z.targetRepaid = repaid;
        if (repayAmount < repaid) {
            if (whole) revert LiquidationEngineRepayTooSmall(positionId, repayAmount, repaid);
            repaid = repayAmount;
        }
        z.repaid = repaid;
        // Owed value rounds up; the penalty paid out of it rounds down.
        z.repaidUsdWad = repaid.mulWadUp(z.synthPriceWad);
        uint256 penaltyUsdWad = z.repaidUsdWad.mulWadDown(snap.liquidationPenaltyWad);
        uint256 keeperBonusUsdWad = penaltyUsdWad.mulWadDown(_settings.keeperShareWad);
        z.keeperDueUsdWad = z.repaidUsdWad + keeperBonusUsdWad;
        // With no debt there are no creditors: the keeper closing an account under maintenance
        // is paid what the exchange would have paid it, out of the owner's collateral.
        if (snap.debt == 0) z.keeperDueUsdWad = _exchangeReward(snap.futures);
        // The fund is paid in the stablecoin only, which only a futures account yields.
        if (snap.hasAccount) z.fundDueUsdWad = penaltyUsdWad - keeperBonusUsdWad;
        // Until a seizure leaves something behind.
        z.exhausted = true;
    }

    /// @dev The exchange's reward for closing `futures` (at their marks): `liquidationRewardWad`
    ///      of the notional (rounded up per market, as the exchange sums it), at least its
    ///      `minLiquidationRewardWad`; rounded down.
    function _exchangeReward(IFuturesExchange.PositionView[] memory futures) private view returns (uint256) {
        uint256 notionalWad;
        for (uint256 i; i < futures.length; ++i) {
            notionalWad += SignedMath.abs(futures[i].sizeWad).mulWadUp(futures[i].markPriceWad);
        }
        return Math.max(notionalWad.mulWadDown(_exchange.liquidationRewardWad()), _exchange.minLiquidationRewardWad());
    }

    /// @dev R in synth units, and whether it is the whole debt (see `ILiquidationEngine`).
    function _repayTarget(IVault.LiquidationSnapshot memory snap, Seizure memory z)
        private
        view
        returns (uint256 repay, bool whole)
    {
        uint256 debt = snap.debt;
        // Over the ratio with an account under maintenance: the close factor's share, as a
        // keeper may repay at most (the account is closed whole whatever it repays).
        if (z.maintenance) {
            repay = debt.mulWadDown(_settings.closeFactorWad);
            if (repay == 0 || debt - repay < snap.minDebt) return (debt, true);
            return (repay, false);
        }
        uint256 debtUsdWad = z.debtUsdWad;
        uint256 collateralUsdWad = snap.collateralUsdWad;
        uint256 penaltyWad = snap.liquidationPenaltyWad;
        // A position whose collateral cannot pay its debt and penalty cannot be restored.
        if (collateralUsdWad < debtUsdWad.mulWadUp(WAD + penaltyWad)) return (debt, true);

        uint256 mintingRatioWad = snap.mintingRatioWad;
        // (MR·D − C) / (MR − 1 − penalty): positive, since C < LR·D < MR·D and MR > LR >= 1 + penalty.
        uint256 repayUsdWad =
            (debtUsdWad.mulWadUp(mintingRatioWad) - collateralUsdWad).divWadUp(mintingRatioWad - WAD - penaltyWad);
        repay = Math.min(repayUsdWad.divWadUp(z.synthPriceWad), debt.mulWadDown(_settings.closeFactorWad));
        if (repay == 0 || repay >= debt || debt - repay < snap.minDebt) return (debt, true);
    }

    /// @dev Spot BTC first, to the keeper: as much as its due buys at the oracle price (rounded down).
    function _seizeSpot(uint256 positionId, IVault.LiquidationSnapshot memory snap, Seizure memory z) private {
        uint256 spotAmount = snap.spotAmount;
        if (spotAmount == 0) return;
        uint256 spotTaken =
            Math.min(spotAmount, CollateralMath.spotForUsdDown(z.keeperDueUsdWad, _spotDecimals, snap.spotPriceWad));
        z.spotTaken = spotTaken;
        z.spotUsdWad = _spotUsd(spotTaken, snap.spotPriceWad);
        if (spotTaken != spotAmount) z.exhausted = false;
        if (spotTaken != 0) vault.seizeSpot(positionId, spotTaken, _payee(z));
    }

    /// @dev Then the futures: closes the fraction of every position that frees what is still due
    ///      (all of them when `closeAll`) and withdraws it, less the closing costs, to this
    ///      contract (the vault does both in one call).
    function _seizeFutures(uint256 positionId, IVault.LiquidationSnapshot memory snap, Seizure memory z, bool closeAll)
        private
    {
        int256 equityWad = snap.equityWad;
        uint256 dueWad = z.keeperDueUsdWad + z.fundDueUsdWad;
        uint256 needWad = dueWad - Math.min(dueWad, z.spotUsdWad);
        z.futuresDueUsdWad = needWad;
        // Rounded up: at least what is needed (the vault closes all if the rest could not keep
        // the exchange's initial margin).
        // casting to 'uint256' is safe because both casts run only when equityWad > 0 (|| short-circuits first)
        // forge-lint: disable-start(unsafe-typecast)
        uint256 fractionWad =
            closeAll || equityWad <= 0 || needWad >= uint256(equityWad) ? WAD : needWad.divWadUp(uint256(equityWad));
        // forge-lint: disable-end(unsafe-typecast)
        if (z.maintenance) {
            _closeThenSeize(positionId, snap, z, needWad);
            return;
        }
        bool emptied;
        (, emptied,, z.marginTaken) =
            vault.closeFutures(positionId, fractionWad, snap.futures, needWad, snap.equityWad, address(this));
        // Something is left behind unless the closes emptied the account (the adapter's rule).
        if (!emptied) z.exhausted = false;
    }

    /// @dev An account under maintenance over the ratio: closed whole first, at its owner's cost
    ///      (the impact and fees come out of its margin, as the exchange's liquidation would take
    ///      them), then what is due is taken from the margin left, rounded down to whole units.
    function _closeThenSeize(
        uint256 positionId,
        IVault.LiquidationSnapshot memory snap,
        Seizure memory z,
        uint256 needWad
    ) private {
        (,, int256 marginAfterWad,) =
            vault.closeFutures(positionId, WAD, snap.futures, 0, snap.equityWad, address(this));
        // casting to 'uint256' is safe because the branch runs only when marginAfterWad > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 availableWad = marginAfterWad > 0 ? uint256(marginAfterWad) : 0;
        // Something is left behind unless the margin is all due (it is whole units, so then all taken).
        if (needWad < availableWad) z.exhausted = false;
        z.marginTaken = Math.min(needWad, availableWad) / _marginUnit;
        if (z.marginTaken != 0) vault.seizeMargin(positionId, z.marginTaken, address(this));
    }

    /// @dev Splits what was recovered (the waterfall), covers a shortfall, burns the keeper's
    ///      synth and writes off what cannot be repaid.
    function _settleLiquidation(
        uint256 positionId,
        IVault.LiquidationSnapshot memory snap,
        Seizure memory z,
        Payout memory out
    ) private returns (uint256) {
        uint256 unit = _marginUnit;
        uint256 stableUsdWad = z.marginTaken * unit;
        // The closing costs are shared in proportion to what the keeper and the fund were due
        // from the futures: the fund gets its due's share of what they yielded (rounded down).
        uint256 toFundUsdWad =
            z.futuresDueUsdWad == 0 ? 0 : z.fundDueUsdWad.mulDivDown(stableUsdWad, z.futuresDueUsdWad);
        bool takesAll = z.exhausted && z.repaid == snap.debt;
        if (takesAll) {
            // With every bit of collateral taken, the keeper's repaid value comes first (a cut
            // taken from it the fund would only pay back as shortfall).
            uint256 recoveredUsdWad = z.spotUsdWad + stableUsdWad;
            uint256 aboveRepaidWad = recoveredUsdWad > z.repaidUsdWad ? recoveredUsdWad - z.repaidUsdWad : 0;
            toFundUsdWad = Math.min(toFundUsdWad, aboveRepaidWad);
        }
        uint256 toFund = toFundUsdWad / unit;
        uint256 keeperStable = z.marginTaken - toFund;
        z.keeperUsdWad = z.spotUsdWad + keeperStable * unit;

        // A shortfall exists only once every bit of collateral is taken, repaying the whole debt.
        bool shortfall = takesAll && z.keeperUsdWad < z.repaidUsdWad;
        if (shortfall) _coverShortfall(positionId, z);
        emit Liquidated(positionId, z.keeper, z.repaid, z.repaidUsdWad, z.spotTaken, keeperStable, toFund);

        _repay(positionId, z);
        if (shortfall) {
            // The rest of the debt, if any, is shared by the synth's other positions (or bad debt).
            uint256 writtenOff = z.repaid == snap.debt ? 0 : vault.writeOff(positionId);
            emit ShortfallCovered(positionId, z.shortfallUsdWad, z.shortfallPaid, writtenOff);
        }
        if (takesAll) _topUpBonus(positionId, z);
        if (address(z.pool) != address(0)) keeperStable = _payPool(snap.spotPriceWad, z);
        _addPayout(out, positionId, keeperStable, z.keeperUsdWad, toFund);
        return z.repaid;
    }

    /// @dev Adds one liquidation's payments to `out`.
    function _addPayout(
        Payout memory out,
        uint256 positionId,
        uint256 keeperStable,
        uint256 keeperUsdWad,
        uint256 toFund
    ) private pure {
        if (toFund != 0) {
            out.penaltyPositionIds[out.penalties] = positionId;
            out.penaltyAmounts[out.penalties] = toFund;
            ++out.penalties;
            out.fundTotal += toFund;
        }
        out.keeperStable += keeperStable;
        out.keeperUsdWad += keeperUsdWad;
    }

    /// @dev The fund pays the keeper what the collateral left short of the repaid value (rounded
    ///      up to a whole unit), as far as its reserves go; if still short, the keeper burns only
    ///      the synth its value received covers (rounded up).
    function _coverShortfall(uint256 positionId, Seizure memory z) private {
        uint256 unit = _marginUnit;
        z.shortfallUsdWad = z.repaidUsdWad - z.keeperUsdWad;
        z.shortfallPaid = fund.coverShortfall(positionId, _payee(z), Math.ceilDiv(z.shortfallUsdWad, unit));
        z.keeperUsdWad += z.shortfallPaid * unit;
        if (z.keeperUsdWad < z.repaidUsdWad) z.repaid = Math.min(z.repaid, z.keeperUsdWad.divWadUp(z.synthPriceWad));
    }

    /// @dev The fund tops the keeper's profit over the repaid value up to its least bonus,
    ///      min(`minKeeperBonusUsdWad`, the bonus it was due), rounded down to a whole unit, as
    ///      far as its reserves go; not while the repaid value itself is short (the fund is dry).
    function _topUpBonus(uint256 positionId, Seizure memory z) private {
        uint256 floorUsdWad = Math.min(_settings.minKeeperBonusUsdWad, z.keeperDueUsdWad - z.repaidUsdWad);
        if (z.keeperUsdWad < z.repaidUsdWad) return;
        uint256 earnedUsdWad = z.keeperUsdWad - z.repaidUsdWad;
        if (earnedUsdWad >= floorUsdWad) return;
        uint256 unit = _marginUnit;
        uint256 requested = (floorUsdWad - earnedUsdWad) / unit;
        if (requested == 0) return;
        uint256 paid = fund.coverShortfall(positionId, _payee(z), requested);
        z.keeperUsdWad += paid * unit;
        emit KeeperBonusTopped(positionId, earnedUsdWad, requested, paid);
    }

    /// @dev The synth's stability pool repays first, as much of the repayment as its deposits cover.
    function _choosePool(IVault.LiquidationSnapshot memory snap, Seizure memory z) private view {
        IStabilityPool pool = stabilityPools[snap.synth];
        if (address(pool) == address(0) || z.repaid == 0) return;
        uint256 deposits = pool.totalDeposits();
        if (deposits == 0) return;
        z.pool = pool;
        z.poolRepaid = Math.min(deposits, z.repaid);
    }

    /// @dev Burns the repayment: the pool's part from the pool first, the rest from the keeper.
    ///      A repayment cut by a dry fund (`_coverShortfall`) cuts the keeper's part first.
    function _repay(uint256 positionId, Seizure memory z) private {
        uint256 fromPool = Math.min(z.poolRepaid, z.repaid);
        z.poolRepaid = fromPool;
        // One repayment of both parts (the pool's burned first): two would each round their
        // shares down and leave dust of a whole debt owed.
        if (z.repaid != 0) vault.repayFor(positionId, z.keeper, z.repaid - fromPool, address(z.pool), fromPool);
    }

    /// @dev Who receives what a liquidation seizes: the keeper, or on the pool's path this engine,
    ///      which then shares it between the pool and the keeper (`_payPool`).
    function _payee(Seizure memory z) private view returns (address) {
        return address(z.pool) == address(0) ? z.keeper : address(this);
    }

    /// @dev The pool's path, once the synth is burned: of what was seized for the repayers
    ///      (spot and stablecoin, shortfall cover and bonus top-up included; all in this engine),
    ///      the keeper gets first its gas compensation, min(`gasCompensationUsdWad` × repaid /
    ///      target, what exceeds the repaid value), stablecoin first (rounded down to a whole unit) then spot (rounded
    ///      down); of the rest, spot and stablecoin each, the keeper gets the share it repaid
    ///      itself, (R − pool's part) / R (rounded down), and the pool all that remains, which it
    ///      records. So the pool never receives less than the value it burned. Sets
    ///      `z.keeperUsdWad` to the keeper's value and returns its stablecoin.
    function _payPool(uint256 spotPriceWad, Seizure memory z) private returns (uint256 keeperStable) {
        uint256 unit = _marginUnit;
        // Spot credited at the oracle price plus whole stablecoin units: an exact multiple of `unit` remains.
        uint256 stable = (z.keeperUsdWad - z.spotUsdWad) / unit;
        uint256 surplusUsdWad = z.keeperUsdWad > z.repaidUsdWad ? z.keeperUsdWad - z.repaidUsdWad : 0;
        // The compensation in proportion to the target repaid (rounded down): a keeper splitting R
        // into small liquidations, each one's surplus under the compensation, would otherwise
        // take every bonus and leave the depositors none.
        uint256 compUsdWad = Math.min(gasCompensationUsdWad.mulDivDown(z.repaid, z.targetRepaid), surplusUsdWad);
        keeperStable = Math.min(stable, compUsdWad / unit);
        // Spot only when some was seized (a position without spot has no spot price to divide by).
        uint256 keeperSpot = z.spotTaken == 0
            ? 0
            : Math.min(
                z.spotTaken,
                CollateralMath.spotForUsdDown(compUsdWad - keeperStable * unit, _spotDecimals, spotPriceWad)
            );
        uint256 repaid = z.repaid;
        uint256 keeperRepaid = repaid - z.poolRepaid;
        if (keeperRepaid != 0) {
            keeperSpot += Math.mulDiv(z.spotTaken - keeperSpot, keeperRepaid, repaid);
            keeperStable += Math.mulDiv(stable - keeperStable, keeperRepaid, repaid);
        }
        z.keeperUsdWad = keeperStable * unit + _spotUsd(keeperSpot, spotPriceWad);
        uint256 poolSpot = z.spotTaken - keeperSpot;
        uint256 poolStable = stable - keeperStable;
        IStabilityPool pool = z.pool;
        if (keeperSpot != 0) _spotToken.safeTransfer(z.keeper, keeperSpot);
        if (poolSpot != 0) _spotToken.safeTransfer(address(pool), poolSpot);
        if (poolStable != 0) marginToken.safeTransfer(address(pool), poolStable);
        // Nothing was burned from the pool only when nothing was recovered (the fund dry): then
        // nothing is shared.
        if (z.poolRepaid != 0) pool.offset(z.poolRepaid, poolSpot, poolStable);
    }

    /// @dev An empty payout for up to `positions` liquidations.
    function _payout(uint256 positions) private pure returns (Payout memory out) {
        out.penaltyPositionIds = new uint256[](positions);
        out.penaltyAmounts = new uint256[](positions);
    }

    /// @dev Checks the keeper's minimum, pays the fund its cuts in one transfer (then tells it
    ///      whose they were) and the keeper the stablecoin gathered.
    function _pay(Payout memory out, uint256 minOutUsdWad) private returns (uint256) {
        if (out.keeperUsdWad < minOutUsdWad) {
            revert LiquidationEngineInsufficientOutput(out.keeperUsdWad, minOutUsdWad);
        }
        uint256 penalties = out.penalties;
        if (penalties != 0) {
            marginToken.safeTransfer(address(fund), out.fundTotal);
            if (penalties == 1) {
                fund.notifyPenalty(out.penaltyPositionIds[0], out.penaltyAmounts[0]);
            } else {
                uint256[] memory ids = out.penaltyPositionIds;
                uint256[] memory amounts = out.penaltyAmounts;
                // Trims both arrays to the entries used: penalties <= their length, so lowering the
                // length word in place only hides the unused tail.
                assembly ("memory-safe") {
                    mstore(ids, penalties)
                    mstore(amounts, penalties)
                }
                fund.notifyPenalties(ids, amounts);
            }
        }
        if (out.keeperStable != 0) marginToken.safeTransfer(msg.sender, out.keeperStable);
        return out.keeperUsdWad;
    }

    /* INTERNAL: HELPERS */

    function _freeMemoryPointer() private pure returns (uint256 pointer) {
        assembly ("memory-safe") {
            pointer := mload(0x40)
        }
    }

    /// @dev Only ever moves the pointer back to where it stood before memory that is no longer
    ///      referenced was allocated.
    function _setFreeMemoryPointer(uint256 pointer) private pure {
        assembly ("memory-safe") {
            mstore(0x40, pointer)
        }
    }

    /// @dev Spot credited at `priceWad`, rounded down.
    function _spotUsd(uint256 spotAmount, uint256 priceWad) private view returns (uint256) {
        return CollateralMath.spotUsd(spotAmount, _spotDecimals, priceWad);
    }

    /// @dev Liquidations stop once the vault is shut down for global settlement (the vault's
    ///      flag, set by `GlobalSettlement.shutdown`, is the one record of it; a single
    ///      liquidation reads it from the snapshot, where it comes with the synth's slot).
    function _checkRunning() private view {
        if (vault.isShutdown()) revert LiquidationEngineShutDown();
    }

    function _checkKeeperShare(uint256 keeperShareWad_) private pure {
        if (keeperShareWad_ > WAD) revert LiquidationEngineInvalidKeeperShare(keeperShareWad_, WAD);
    }

    function _checkCloseFactor(uint256 closeFactorWad_) private pure {
        if (closeFactorWad_ == 0 || closeFactorWad_ > WAD) {
            revert LiquidationEngineInvalidCloseFactor(closeFactorWad_, WAD);
        }
    }
}
