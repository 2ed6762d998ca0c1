// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IInsuranceFund} from "./IInsuranceFund.sol";
import {IStabilityPool} from "./IStabilityPool.sol";
import {ISyntheticToken} from "../core/ISyntheticToken.sol";
import {IVault} from "../core/IVault.sol";

/// @title ILiquidationEngine
/// @notice Permissionless liquidation of the vault's positions under their liquidation ratio,
///         or whose locked futures account is under the exchange's maintenance margin, and the
///         insurance fund and redistribution behind it. Once the vault is shut down for global
///         settlement (`IGlobalSettlement`), liquidations stop: a debt is the settlement's to
///         settle. One thing goes on, as nobody else could do it: `liquidate` still closes a
///         locked account under the exchange's maintenance in a position with no debt.
/// @dev Units. USD amounts, prices and ratios are WAD; synth amounts 18 decimals; spot BTC and
///      the stablecoin in their own decimals at the edges (`spotToken`, `marginToken`).
///
///      Liquidation of a position under its synth's liquidation ratio, at fresh prices:
///      1. Size. R, the debt repaid, is the least of: what brings the CR back to the minting
///         ratio MR when R × (1 + penalty) is seized, R = (MR·D − C) / (MR − 1 − penalty) in
///         USD (rounded up); `closeFactorWad` of the debt; and the keeper's `repayAmount`. It is
///         the whole debt (and the keeper must repay all of it) when the position cannot be
///         restored (C < D × (1 + penalty)) or when what would remain is under the minimum debt.
///      2. Due. The keeper is due R × (1 + penalty × keeperShare) and the insurance fund the rest
///         of the penalty, R × penalty × (1 − keeperShare), rounded down. The fund is paid in the
///         stablecoin only: a position without a futures account owes it nothing (its owner
///         keeps that part of the penalty).
///      3. Seizure, spot first. Spot BTC worth the keeper's due at the oracle price (rounded
///         down) goes straight to the keeper. What is still due (keeper and fund) comes from the
///         futures account: every open position is reduced by the same fraction f = still due /
///         equity (rounded up; 1 when that is all the equity, or when what would stay open could
///         not keep the exchange's initial margin) at the market's real fill price, and the
///         freed margin, less the closing costs (price impact, taker fee, rounding to whole
///         stablecoin units), is withdrawn: the position gives up exactly what was due at mark.
///      4. Split. The closing costs are borne by whoever the futures were closed to pay, in
///         proportion to what each was due from them: the fund receives its due's share of the
///         stablecoin withdrawn, the keeper the rest. So on a big position, where the impact is
///         large, the keeper receives less than its due; its `minOutUsdWad` (the value it
///         receives, spot at the oracle price + stablecoin at $1, shortfall cover included)
///         reverts the whole liquidation when not met. When a whole-debt liquidation takes
///         every bit of collateral, the keeper's repaid value comes before the fund's cut.
///      5. Shortfall. When a whole-debt liquidation takes every bit of collateral and still
///         recovers less than R, the insurance fund pays the keeper the difference (rounded up
///         to a whole stablecoin unit) as far as its reserves go; if still short, the keeper
///         burns only the synth the value it received covers, and the rest of the position's
///         debt is written off: shared by the synth's other positions through its rate index, or
///         recorded as the synth's bad debt when there are none (`IVault.writeOff`).
///      6. Least bonus. When a whole-debt liquidation takes every bit of collateral and the
///         keeper's value received (shortfall cover included) is the repaid value or more but
///         its profit over it is under the least bonus, min(`minKeeperBonusUsdWad`, its bonus
///         due R × penalty × keeperShare), the insurance fund pays it the difference (rounded
///         down to a whole stablecoin unit) as far as its reserves go (`KeeperBonusTopped`).
///         So a position that gapped under 100% + penalty, or under 100%, still pays a keeper
///         for its gas: without it, no keeper who counts would liquidate it, however large.
///      7. Stability pool. When the synth's stability pool (`stabilityPools`) holds deposits,
///         it repays first: min(R, its deposits) is burned from the pool, and only the rest
///         from the keeper. What steps 3 to 6 would have paid the keeper (spot, stablecoin,
///         shortfall cover, least bonus) is shared: the keeper first gets its gas compensation,
///         min(`gasCompensationUsdWad` × R / the target repayment of step 2 (rounded down, so
///         that splitting R into small liquidations earns no more of it), what that exceeds R's
///         value), stablecoin first (rounded
///         down to a whole unit), then spot (rounded down); of the rest, spot and stablecoin
///         each, the keeper gets the share of R it repaid itself (rounded down) and the pool
///         all that remains (`IStabilityPool.offset`). A repayment cut by a dry fund (step 5)
///         cuts the keeper's part first. With a pool that covers R the keeper needs no synth,
///         and its value received (`minOutUsdWad`) is its compensation. With no pool, or an
///         empty one, the keeper repays as above.
///      A liquidation never pays the keeper and the fund together more than R × (1 + penalty),
///      nor the keeper more than the value of the synth it burned plus its bonus.
///
///      A locked account under the exchange's maintenance margin. The exchange does not
///      liquidate an account a mark relay holds (`IFuturesExchange.ExchangeAccountLocked`): its
///      margin is the position's collateral, and the exchange's reward would come out of what the
///      position's creditors are owed. This engine liquidates such a position even at or over its
///      liquidation ratio, when the account's equity is under its maintenance requirement by the
///      exchange's own rule and prices (`IFuturesExchange.liquidationRisk`, read only over the
///      ratio). Then R is `closeFactorWad` of the debt (rounded down; the whole debt when that
///      leaves less than the minimum debt), and the account is closed whole first, at its owner's
///      cost (impact and fees out of its margin, as the exchange's liquidation would take them);
///      the keeper's and the fund's dues (steps 2 and 4) are taken from the margin left. With
///      no debt (no creditors) the keeper is due what the exchange would have paid it,
///      `liquidationRewardWad` of the notional closed at its marks, at least
///      `minLiquidationRewardWad`, out of the owner's collateral (and the least bonus, step 6,
///      when the account is under water).
interface ILiquidationEngine {
    /* EVENTS */

    /// @notice `keeper` burned `repaid` synth (worth `repaidUsdWad`) against position
    ///         `positionId` and received `spotToKeeper` spot BTC and `marginToKeeper` stablecoin;
    ///         `penaltyToFund` stablecoin went to the insurance fund.
    event Liquidated(
        uint256 indexed positionId,
        address indexed keeper,
        uint256 repaid,
        uint256 repaidUsdWad,
        uint256 spotToKeeper,
        uint256 marginToKeeper,
        uint256 penaltyToFund
    );

    /// @notice Position `positionId`'s collateral fell `shortfallUsdWad` short of the repaid
    ///         value; the fund paid `paid` stablecoin of it and `writtenOff` synth of debt was
    ///         written off (redistributed or recorded as bad debt).
    event ShortfallCovered(uint256 indexed positionId, uint256 shortfallUsdWad, uint256 paid, uint256 writtenOff);

    /// @notice The keeper of position `positionId`'s liquidation was paid `paid` stablecoin by the
    ///         insurance fund (of `requested`) to bring its profit up to its least bonus: the
    ///         collateral left it `earnedUsdWad` over the repaid value.
    event KeeperBonusTopped(uint256 indexed positionId, uint256 earnedUsdWad, uint256 requested, uint256 paid);

    /// @notice A keeper's profit on a liquidation that takes every bit of collateral is now
    ///         topped up by the fund to at least `bonusUsdWad` (its bonus due, if less).
    event MinKeeperBonusSet(uint256 bonusUsdWad);

    /// @notice Liquidations of `synth` now burn from stability pool `pool` first (zero: none).
    event StabilityPoolSet(address indexed synth, address indexed pool);

    /// @notice A keeper whose liquidation a stability pool repays is now paid up to `usdWad`.
    event GasCompensationSet(uint256 usdWad);

    /// @notice `liquidateMany` passed over position `positionId`: at CR `crWad`, not under
    ///         `liquidationRatioWad` (both 0 for an unknown or closed position).
    event LiquidationSkipped(uint256 indexed positionId, uint256 crWad, uint256 liquidationRatioWad);

    /// @notice `liquidateMany` could not liquidate position `positionId` now and went on without
    ///         it: `reason` is the revert data of its liquidation (e.g. the keeper short of the
    ///         synth, a stale or frozen price, an expired dated market before its settlement
    ///         round), which moved nothing.
    event LiquidationFailed(uint256 indexed positionId, bytes reason);

    /// @notice The keeper's share of the penalty is now `keeperShareWad`.
    event KeeperShareSet(uint256 keeperShareWad);

    /// @notice A liquidation now repays at most `closeFactorWad` of a position's debt (unless it
    ///         must repay all of it).
    event CloseFactorSet(uint256 closeFactorWad);

    /* ERRORS */

    /// @notice The zero address was given where one is required.
    error LiquidationEngineZeroAddress();

    /// @notice The least keeper bonus would be `bonusUsdWad`, over `maxUsdWad`.
    error LiquidationEngineInvalidMinKeeperBonus(uint256 bonusUsdWad, uint256 maxUsdWad);

    /// @notice `pool` is not a stability pool of `synth` for this engine.
    error LiquidationEngineInvalidStabilityPool(address synth, address pool);

    /// @notice The gas compensation would be `usdWad`, over `maxUsdWad`.
    error LiquidationEngineInvalidGasCompensation(uint256 usdWad, uint256 maxUsdWad);

    /// @notice The call would change nothing.
    error LiquidationEngineAlreadySet();

    /// @notice The insurance fund holds `fundAsset`, not the exchange's margin token `marginToken`.
    error LiquidationEngineFundAssetMismatch(address fundAsset, address marginToken);

    /// @notice The keeper's share of the penalty must be at most `maxWad` (100%).
    error LiquidationEngineInvalidKeeperShare(uint256 keeperShareWad, uint256 maxWad);

    /// @notice The close factor must be in (0, `maxWad`] (100%).
    error LiquidationEngineInvalidCloseFactor(uint256 closeFactorWad, uint256 maxWad);

    /// @notice An amount of zero was given.
    error LiquidationEngineZeroAmount();

    /// @notice Position `positionId` does not exist (never opened, or closed).
    error LiquidationEngineUnknownPosition(uint256 positionId);

    /// @notice Position `positionId` is at CR `crWad`, not under `liquidationRatioWad`, and has no
    ///         locked account under the exchange's maintenance margin.
    error LiquidationEngineHealthyPosition(uint256 positionId, uint256 crWad, uint256 liquidationRatioWad);

    /// @notice Position `positionId` must be liquidated whole: `repayAmount` is under its debt `debt`.
    error LiquidationEngineRepayTooSmall(uint256 positionId, uint256 repayAmount, uint256 debt);

    /// @notice The keeper would receive `outUsdWad`, under its `minOutUsdWad`.
    error LiquidationEngineInsufficientOutput(uint256 outUsdWad, uint256 minOutUsdWad);

    /// @notice `caller` called `liquidateInBatch`, which only the engine itself may call.
    error LiquidationEngineNotSelf(address caller);

    /// @notice The vault is shut down for global settlement (`IVault.isShutdown`): liquidations
    ///         have stopped (`liquidateMany` at all; `liquidate` of a position with debt).
    error LiquidationEngineShutDown();

    /* LIQUIDATION */

    /// @notice Liquidates position `positionId`, which must be under its liquidation ratio at
    ///         fresh prices, or hold a locked account under the exchange's maintenance margin
    ///         (see above; a position with no debt: any `repayAmount` but 0): burns up to `repayAmount` synth of the caller (see the sizing above;
    ///         `type(uint256).max` for the most) and pays the caller the repaid value plus its
    ///         share of the penalty, spot BTC first, then stablecoin from the futures account.
    ///         Anyone may call. Reverts when the caller's value received (spot at the oracle
    ///         price, stablecoin at $1) is under `minOutUsdWad`.
    /// @return repaid The synth burned from the caller.
    /// @return keeperUsdWad The value the caller received.
    function liquidate(uint256 positionId, uint256 repayAmount, uint256 minOutUsdWad)
        external
        returns (uint256 repaid, uint256 keeperUsdWad);

    /// @notice Liquidates each of `positionIds` that `liquidate` would (under its liquidation
    ///         ratio, or its locked account under maintenance), each as far as
    ///         `liquidate` allows with no cap on the repayment, and passes over the others (and
    ///         unknown ones) with `LiquidationSkipped`. Each liquidation stands alone: one that
    ///         reverts (the caller short of its synth, a price that cannot be trusted, an
    ///         expired dated market not yet settleable...) is undone and passed over with
    ///         `LiquidationFailed`, and the rest go through. The caller is paid, and the fund
    ///         told, for those that succeeded only. Reverts when the value received in all is
    ///         under `minOutUsdWad`.
    /// @return liquidated How many positions had debt repaid (a position with no debt whose
    ///         account was closed under maintenance is not counted; its `Liquidated` event is).
    /// @return keeperUsdWad The value the caller received in all.
    function liquidateMany(uint256[] calldata positionIds, uint256 minOutUsdWad)
        external
        returns (uint256 liquidated, uint256 keeperUsdWad);

    /// @notice One position of a `liquidateMany` batch, for `keeper`, in a call of its own so
    ///         that its failure reverts it alone. Only the engine itself may call it (from
    ///         `liquidateMany`; `LiquidationEngineNotSelf` otherwise). Its spot goes to `keeper`,
    ///         its stablecoin stays in the engine until the batch pays out.
    /// @param lastSynth The synth whose price the batch read last (none: the zero address),
    ///        and `lastSynthPriceWad` that price, reused when this position owes the same synth.
    /// @return repaid The synth burned from `keeper` (0: passed over).
    /// @return keeperStable The stablecoin due to `keeper` (its decimals).
    /// @return keeperUsdWad The value `keeper` received (spot and shortfall cover included).
    /// @return toFund The stablecoin due to the insurance fund.
    /// @return synth The synth whose price was read last, and `synthPriceWad` that price.
    function liquidateInBatch(uint256 positionId, address keeper, ISyntheticToken lastSynth, uint256 lastSynthPriceWad)
        external
        returns (
            uint256 repaid,
            uint256 keeperStable,
            uint256 keeperUsdWad,
            uint256 toFund,
            ISyntheticToken synth,
            uint256 synthPriceWad
        );

    /// @notice What `liquidate` would repay now for position `positionId` with no cap, and
    ///         whether it must be the whole debt; (0, false) for a position that cannot be
    ///         liquidated, (0, true) for one with no debt whose account is under maintenance.
    ///         For keepers; reverts when a price cannot be trusted.
    function repayQuote(uint256 positionId) external view returns (uint256 repay, bool whole);

    /* OWNER */

    /// @notice Sets the keeper's share of the penalty, at most 100%. Only the owner.
    function setKeeperShare(uint256 keeperShareWad) external;

    /// @notice Sets the largest fraction of a debt one liquidation repays, in (0, 100%]. Only the owner.
    function setCloseFactor(uint256 closeFactorWad) external;

    /// @notice Sets the least bonus (USD, WAD) the fund tops a keeper's profit up to on a
    ///         liquidation that takes every bit of collateral (step 6 above; never more than the
    ///         bonus it was due), at most `MAX_MIN_KEEPER_BONUS_USD_WAD`; 0 for none. Only the
    ///         owner. Set it to what the costliest liquidation's gas costs (`make bench`).
    function setMinKeeperBonus(uint256 bonusUsdWad) external;

    /// @notice Makes `pool` the stability pool that `synth`'s liquidations burn from first (step
    ///         7 above; zero: none). The pool must take `synth` and name this engine. Only the owner.
    function setStabilityPool(ISyntheticToken synth, IStabilityPool pool) external;

    /// @notice Sets the most (USD, WAD) a keeper is paid from the seized collateral when a stability
    ///         pool repays (step 7 above), at most `MAX_GAS_COMPENSATION_USD_WAD`. Only the owner.
    function setGasCompensation(uint256 usdWad) external;

    /* VIEWS */

    /// @notice The stability pool `synth`'s liquidations burn from first (zero: none).
    function stabilityPools(ISyntheticToken synth) external view returns (IStabilityPool);

    /// @notice The most (USD, WAD) a keeper is paid when a stability pool repays.
    function gasCompensationUsdWad() external view returns (uint256);

    /// @notice Whether a liquidation is under way (in this transaction): stability pools refuse
    ///         deposits and withdrawals then.
    function liquidating() external view returns (bool);

    /// @notice The vault whose positions the engine liquidates.
    function vault() external view returns (IVault);

    /// @notice The insurance fund: receives the penalty's fund share, pays shortfalls.
    function fund() external view returns (IInsuranceFund);

    /// @notice The stablecoin: the exchange's margin token, the fund's asset.
    function marginToken() external view returns (IERC20);

    /// @notice The keeper's share of the penalty (WAD fraction); the fund gets the rest.
    function keeperShareWad() external view returns (uint256);

    /// @notice The largest fraction of a debt one partial liquidation repays (WAD).
    function closeFactorWad() external view returns (uint256);

    /// @notice The least bonus (USD, WAD) the fund tops a keeper's profit up to (`setMinKeeperBonus`).
    function minKeeperBonusUsdWad() external view returns (uint256);
}
