// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IInsuranceFund} from "./IInsuranceFund.sol";
import {IOracleHub} from "../oracle/IOracleHub.sol";
import {ISyntheticToken} from "../core/ISyntheticToken.sol";
import {IVault} from "../core/IVault.sol";

/// @title ILiquidationEngine
/// @notice Permissionless liquidation of the vault's positions under their liquidation ratio,
///         the insurance fund and redistribution behind it, and the protocol's emergency
///         shutdown (global settlement).
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
///      A liquidation never pays the keeper and the fund together more than R × (1 + penalty),
///      nor the keeper more than the value of the synth it burned plus its bonus.
///
///      Shutdown (global settlement), the owner's once: every synth's and BTC's price freezes at
///      its last good value, as the hub itself answers it (`IOracleHub.lastTrustedPriceWad`: the
///      latest round if trusted now or merely stale since, else the most recent earlier round the
///      hub would have trusted as the latest, up to 32 rounds back). The vault stops minting, trading,
///      opening, locking and every withdrawal against debt; liquidations stop. Anyone may then
///      `settle` a position: its futures are closed (at the exchange's live price: the venue is
///      not ours to freeze), its debt's value at the frozen price is set aside for the synth's
///      holders, stablecoin first and then spot BTC at the frozen BTC price, and the rest stays
///      in the position for its owner to take with `IVault.close`. Once a synth owes no debt
///      (every position settled or closed), or `SETTLEMENT_PERIOD` after shutdown, its holders
///      `redeem` it: each claim gets the same share of each asset set aside for that synth
///      (stablecoin and spot BTC alike: amount over the supply the reserve backs, i.e. not still
///      owed by an unsettled position), never worth more than its frozen value, so that claims
///      are paid alike in any order and whatever a later settlement adds goes to later claims.
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

    /// @notice The owner shut the protocol down at `timestamp`.
    event ShutDown(uint256 timestamp);

    /// @notice `asset`'s price froze at `priceWad` for settlement and redemption.
    event PriceFrozen(bytes32 indexed asset, uint256 priceWad);

    /// @notice Position `positionId`'s `debt` of `synth` was settled: `stableSetAside` stablecoin
    ///         and `spotSetAside` spot BTC were set aside for the synth's holders, `shortUsdWad`
    ///         of its value could not be.
    event Settled(
        uint256 indexed positionId,
        ISyntheticToken indexed synth,
        uint256 debt,
        uint256 stableSetAside,
        uint256 spotSetAside,
        uint256 shortUsdWad
    );

    /// @notice `holder` redeemed `amount` of `synth` for `stableOut` stablecoin and `spotOut` spot BTC.
    event Redeemed(
        ISyntheticToken indexed synth, address indexed holder, uint256 amount, uint256 stableOut, uint256 spotOut
    );

    /* ERRORS */

    /// @notice The zero address was given where one is required.
    error LiquidationEngineZeroAddress();

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

    /// @notice Position `positionId` is at CR `crWad`, not under `liquidationRatioWad`.
    error LiquidationEngineHealthyPosition(uint256 positionId, uint256 crWad, uint256 liquidationRatioWad);

    /// @notice Position `positionId` must be liquidated whole: `repayAmount` is under its debt `debt`.
    error LiquidationEngineRepayTooSmall(uint256 positionId, uint256 repayAmount, uint256 debt);

    /// @notice The keeper would receive `outUsdWad`, under its `minOutUsdWad`.
    error LiquidationEngineInsufficientOutput(uint256 outUsdWad, uint256 minOutUsdWad);

    /// @notice `caller` called `liquidateInBatch`, which only the engine itself may call.
    error LiquidationEngineNotSelf(address caller);

    /// @notice The protocol is shut down.
    error LiquidationEngineShutDown();

    /// @notice The protocol is not shut down.
    error LiquidationEngineNotShutDown();

    /// @notice `asset` has no last good price to freeze (no feed, or no trusted round among the
    ///         last 32): its latest round is `status`.
    error LiquidationEngineNoTrustedPrice(bytes32 asset, IOracleHub.PriceStatus status);

    /// @notice Position `positionId` owes nothing to settle.
    error LiquidationEngineNothingToSettle(uint256 positionId);

    /// @notice `synth` still has unsettled debt: its redemption opens at `opensAt`.
    error LiquidationEngineRedemptionNotOpen(ISyntheticToken synth, uint256 opensAt);

    /// @notice Only `backed` units of `synth` share its reserve now (the rest of its supply is
    ///         still owed by unsettled positions), under the `amount` asked: settle them first.
    error LiquidationEngineRedemptionExceedsBacked(ISyntheticToken synth, uint256 amount, uint256 backed);

    /* LIQUIDATION */

    /// @notice Liquidates position `positionId`, which must be under its liquidation ratio at
    ///         fresh prices: burns up to `repayAmount` synth of the caller (see the sizing above;
    ///         `type(uint256).max` for the most) and pays the caller the repaid value plus its
    ///         share of the penalty, spot BTC first, then stablecoin from the futures account.
    ///         Anyone may call. Reverts when the caller's value received (spot at the oracle
    ///         price, stablecoin at $1) is under `minOutUsdWad`.
    /// @return repaid The synth burned from the caller.
    /// @return keeperUsdWad The value the caller received.
    function liquidate(uint256 positionId, uint256 repayAmount, uint256 minOutUsdWad)
        external
        returns (uint256 repaid, uint256 keeperUsdWad);

    /// @notice Liquidates each of `positionIds` under its liquidation ratio, each as far as
    ///         `liquidate` allows with no cap on the repayment, and passes over the others (and
    ///         unknown ones) with `LiquidationSkipped`. Each liquidation stands alone: one that
    ///         reverts (the caller short of its synth, a price that cannot be trusted, an
    ///         expired dated market not yet settleable...) is undone and passed over with
    ///         `LiquidationFailed`, and the rest go through. The caller is paid, and the fund
    ///         told, for those that succeeded only. Reverts when the value received in all is
    ///         under `minOutUsdWad`.
    /// @return liquidated How many positions were liquidated.
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
    ///         liquidated. For keepers; reverts when a price cannot be trusted.
    function repayQuote(uint256 positionId) external view returns (uint256 repay, bool whole);

    /* OWNER */

    /// @notice Sets the keeper's share of the penalty, at most 100%. Only the owner.
    function setKeeperShare(uint256 keeperShareWad) external;

    /// @notice Sets the largest fraction of a debt one liquidation repays, in (0, 100%]. Only the owner.
    function setCloseFactor(uint256 closeFactorWad) external;

    /* GLOBAL SETTLEMENT */

    /// @notice Shuts the protocol down: freezes the prices, shuts the vault, stops liquidations.
    ///         Only the owner, once.
    function shutdown() external;

    /// @notice Settles position `positionId` after shutdown. Anyone may call.
    /// @return debt The synth units settled.
    function settle(uint256 positionId) external returns (uint256 debt);

    /// @notice Burns `amount` of the caller's `synth` and pays its share of the synth's reserve:
    ///         amount / the backed supply of each of the stablecoin and spot BTC set aside (rounded
    ///         down), both scaled alike to the amount's frozen value if they are worth more. The
    ///         backed supply is the synth's supply less the debt still owed by unsettled
    ///         positions; `amount` may not exceed it (`LiquidationEngineRedemptionExceedsBacked`).
    /// @return stableOut The stablecoin paid (its decimals).
    /// @return spotOut The spot BTC paid (its decimals).
    function redeem(ISyntheticToken synth, uint256 amount) external returns (uint256 stableOut, uint256 spotOut);

    /* VIEWS */

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

    /// @notice When the protocol was shut down; 0 while it runs.
    function shutdownAt() external view returns (uint256);

    /// @notice How long after shutdown a synth's holders may redeem even if some of its
    ///         positions are still unsettled.
    function SETTLEMENT_PERIOD() external view returns (uint256);

    /// @notice `asset`'s frozen price (USD per unit, WAD); 0 before shutdown.
    function frozenPriceWad(bytes32 asset) external view returns (uint256);

    /// @notice What is set aside for `synth`'s holders: stablecoin and spot BTC (their
    ///         decimals), and the synth units of debt settled into it.
    function reserves(ISyntheticToken synth)
        external
        view
        returns (uint256 stableAmount, uint256 spotAmount, uint256 settledDebt);
}
