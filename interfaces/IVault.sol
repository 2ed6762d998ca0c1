// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {IFuturesExchange} from "./IFuturesExchange.sol";
import {IOracleHub} from "./IOracleHub.sol";
import {ISyntheticToken} from "./ISyntheticToken.sol";

/// @title IVault
/// @notice Collateralized debt positions in synthetic assets. A position belongs to one owner
///         and owes debt in one synth; its collateral is spot BTC (a WBTC-like token) held by the
///         vault and, optionally, one futures account of the exchange locked in the vault (its
///         margin and open positions: long, short, or a short beside the spot BTC, delta-neutral).
///         An owner may hold several positions.
/// @dev Units.
///      - Prices: USD per whole unit, WAD, from `oracle()`; the spot token is priced as
///        `spotAsset()` (BTC) and each synth as its `ISyntheticToken.asset()`.
///      - Collateral (USD, WAD) = spot amount × BTC price + the locked account's
///        `IFuturesExchange.equity`, floored at zero. Spot credit rounds down.
///      - Debt: synth units (18 decimals) = debt shares × the synth's rate index (WAD), rounded
///        up; debt in USD (WAD) = debt × synth price, rounded up.
///      - CR (WAD) = collateral USD / debt USD, rounded down; `type(uint256).max` with no debt.
///      - Spot amounts are in the spot token's own decimals; margin amounts in the margin token's
///        (the exchange's 6-decimal stablecoin). Both are converted to WAD once, here.
///
///      Stability fee. Each synth has a rate index, starting at 1 WAD, that grows by
///      `stabilityFeeWad × elapsed / 365 days` (simple interest) every time it is accrued; since
///      every mint, burn and fee change accrues first, interest compounds at each touch (once a
///      year untouched it is exactly the yearly fee). The index rounds up, and stands still
///      while the synth has no debt (no one to charge). The fee is owed to `feeRecipient()`
///      and minted to it in the synth by `accrue` (anyone may call it; fee and recipient
///      changes call it too), not on every mint and burn, which keeps those cheap. So at all
///      times: total supply + `uncollectedFees` = total debt rounded down, and the total debt
///      exceeds the sum of the positions' debts by no more than rounding dust, every rounding
///      going the protocol's way (this holds while the vault alone mints and burns the synth).
///
///      Risk. Every action that adds risk (mint, remove spot, withdraw margin, unlock the
///      account, a trade that raises or flips exposure) needs fresh prices and must leave the
///      position's CR at or above the synth's minting ratio, its debt at 0 or at least the
///      minimum debt, and the synth's total debt under its ceiling; otherwise it reverts with an
///      error naming the numbers, and nothing changes. A position without debt has nothing at
///      risk: removing its collateral reads no price. Burning debt and adding collateral never
///      read a price.
///
///      Liquidation (issue 5) is not built here: the owner sets `liquidationEngine()`, the one
///      address that will be allowed to reduce a position's debt and take its collateral.
interface IVault {
    /// @notice A synth's risk parameters, as the owner sets them.
    /// @param mintingRatioWad The CR every risk-adding action must leave (150% = 1.5e18).
    /// @param liquidationRatioWad The CR under which a position can be liquidated (120% = 1.2e18).
    /// @param liquidationPenaltyWad The liquidator's bonus on repaid value (10% = 0.1e18).
    /// @param stabilityFeeWad Yearly fee on debt, simple between accruals (2% = 0.02e18).
    /// @param debtCeiling Largest total debt of the synth, in synth units (18 decimals).
    /// @param minDebt Smallest non-zero debt of a position, in synth units (18 decimals).
    struct SynthParams {
        uint256 mintingRatioWad;
        uint256 liquidationRatioWad;
        uint256 liquidationPenaltyWad;
        uint256 stabilityFeeWad;
        uint256 debtCeiling;
        uint256 minDebt;
    }

    /// @notice A position, as the views return it.
    /// @param owner The only address that may mint, withdraw, trade, unlock or close.
    /// @param synth The synth the position owes.
    /// @param hasAccount Whether a futures account is locked (account ids may be 0).
    /// @param accountId The locked account (meaningful only when `hasAccount`).
    /// @param spotAmount Spot BTC held, in the spot token's decimals.
    /// @param debtShares Normalised debt: debt = shares × rate index.
    /// @param debt The debt now, in synth units, with the fee accrued to this block.
    struct PositionView {
        address owner;
        ISyntheticToken synth;
        bool hasAccount;
        uint256 accountId;
        uint256 spotAmount;
        uint256 debtShares;
        uint256 debt;
    }

    /// @notice A position's health. USD amounts and the CR are WAD.
    struct Health {
        uint256 collateralUsdWad;
        uint256 debtUsdWad;
        uint256 crWad;
    }

    /* EVENTS */

    /// @notice `synth`, tracking `asset`, can now be minted against positions.
    event SynthListed(ISyntheticToken indexed synth, bytes32 indexed asset);

    /// @notice The owner set `synth`'s risk parameters.
    event SynthParamsSet(
        ISyntheticToken indexed synth,
        uint256 mintingRatioWad,
        uint256 liquidationRatioWad,
        uint256 liquidationPenaltyWad,
        uint256 stabilityFeeWad,
        uint256 debtCeiling,
        uint256 minDebt
    );

    /// @notice Stability fees of `synth` now go to `recipient`.
    event FeeRecipientSet(address indexed recipient);

    /// @notice `engine` may now liquidate positions (issue 5).
    event LiquidationEngineSet(address indexed engine);

    /// @notice `accrue` grew `synth`'s rate index to `rateIndexWad` (the fee accrued to this
    ///         block). Mints and burns accrue too, silently: their events' amount / shares is
    ///         the index they met.
    event FeeAccrued(ISyntheticToken indexed synth, uint256 rateIndexWad);

    /// @notice `amount` synth of accrued fees was minted to `recipient`.
    event FeesCollected(ISyntheticToken indexed synth, address indexed recipient, uint256 amount);

    /// @notice `owner` opened position `positionId`, owing `synth`.
    event PositionOpened(uint256 indexed positionId, address indexed owner, ISyntheticToken indexed synth);

    /// @notice Futures account `accountId` was locked into position `positionId`.
    event AccountLocked(uint256 indexed positionId, uint256 indexed accountId);

    /// @notice Futures account `accountId` left position `positionId` for `to`.
    event AccountUnlocked(uint256 indexed positionId, uint256 indexed accountId, address indexed to);

    /// @notice `from` added `amount` spot BTC (spot token decimals) to position `positionId`.
    event SpotAdded(uint256 indexed positionId, address indexed from, uint256 amount);

    /// @notice `amount` spot BTC (spot token decimals) left position `positionId` for `to`.
    event SpotRemoved(uint256 indexed positionId, address indexed to, uint256 amount);

    /// @notice `amount` synth was minted to `to` against position `positionId`, adding `shares`
    ///         debt shares.
    event Minted(uint256 indexed positionId, address indexed to, uint256 amount, uint256 shares);

    /// @notice `from` burned `amount` synth against position `positionId`, removing `shares`
    ///         debt shares.
    event Burned(uint256 indexed positionId, address indexed from, uint256 amount, uint256 shares);

    /// @notice The owner traded the locked account of `positionId` through the vault.
    event Traded(uint256 indexed positionId, uint256 indexed marketId, int256 sizeDeltaWad, uint256 fillPriceWad);

    /// @notice `amount` margin (margin token decimals) left the locked account of `positionId` for `to`.
    event MarginWithdrawn(uint256 indexed positionId, address indexed to, uint256 amount);

    /// @notice Position `positionId` was closed: no debt, no collateral, gone.
    event PositionClosed(uint256 indexed positionId);

    /* ERRORS */

    /// @notice The zero address was given where one is required.
    error VaultZeroAddress();

    /// @notice An amount of zero was given, or the call would move nothing.
    error VaultZeroAmount();

    /// @notice The call would change nothing.
    error VaultAlreadySet();

    /// @notice `synth` is not listed in the vault.
    error VaultUnknownSynth(ISyntheticToken synth);

    /// @notice `synth` is already listed.
    error VaultSynthAlreadyListed(ISyntheticToken synth);

    /// @notice No more synths can be listed (at most 255).
    error VaultTooManySynths();

    /// @notice The minting ratio must be above the liquidation ratio and at most `maxWad`.
    error VaultInvalidMintingRatio(uint256 mintingRatioWad, uint256 liquidationRatioWad, uint256 maxWad);

    /// @notice The liquidation ratio must be at least 100% plus the penalty (`minWad`), so a
    ///         liquidation at that ratio can pay the repaid value and the penalty.
    error VaultInvalidLiquidationRatio(uint256 liquidationRatioWad, uint256 minWad);

    /// @notice The liquidation penalty must be at most `maxWad`.
    error VaultInvalidLiquidationPenalty(uint256 liquidationPenaltyWad, uint256 maxWad);

    /// @notice The yearly stability fee must be at most `maxWad`.
    error VaultInvalidStabilityFee(uint256 stabilityFeeWad, uint256 maxWad);

    /// @notice The minimum debt must not exceed a non-zero ceiling, and both must be at most `maxDebt`.
    error VaultInvalidDebtLimits(uint256 minDebt, uint256 debtCeiling, uint256 maxDebt);

    /// @notice Position `positionId` does not exist (never opened, or closed).
    error VaultUnknownPosition(uint256 positionId);

    /// @notice Only the position's `owner` may do this; `caller` is not it.
    error VaultNotPositionOwner(uint256 positionId, address caller, address owner);

    /// @notice The action would leave position `positionId` at CR `crWad`, under `minCrWad`.
    error VaultUndercollateralized(uint256 positionId, uint256 crWad, uint256 minCrWad);

    /// @notice The action would leave position `positionId` owing `debt`, which is neither zero
    ///         nor at least `minDebt`.
    error VaultDebtBelowMin(uint256 positionId, uint256 debt, uint256 minDebt);

    /// @notice The mint would take `synth`'s total debt to `totalDebt`, over its `debtCeiling`.
    error VaultDebtCeilingExceeded(ISyntheticToken synth, uint256 totalDebt, uint256 debtCeiling);

    /// @notice Position `positionId` already holds account `accountId`.
    error VaultAccountAlreadyLocked(uint256 positionId, uint256 accountId);

    /// @notice Position `positionId` holds no futures account.
    error VaultNoAccount(uint256 positionId);

    /// @notice Position `positionId` holds `spotAmount` spot BTC, less than the `amount` asked.
    error VaultInsufficientSpot(uint256 positionId, uint256 spotAmount, uint256 amount);

    /// @notice The vault accepts only the exchange's account tokens, and only through `lock`.
    error VaultUnexpectedTransfer(address token, address operator, uint256 tokenId);

    /* OWNER */

    /// @notice Lists `synth` with its first risk parameters. Only the owner. The vault must be
    ///         granted the synth's minter and burner roles before anyone can mint it.
    function listSynth(ISyntheticToken synth, SynthParams calldata params) external;

    /// @notice Replaces `synth`'s risk parameters, accruing the fee at the old rate first. Only
    ///         the owner. Rejects a minting ratio at or under the liquidation ratio or over
    ///         1000%, a liquidation ratio under 100% + the penalty, a penalty over 50%, a fee over
    ///         100% a year, and a minimum debt over a non-zero ceiling. A debt ceiling of 0 stops
    ///         new minting of the synth (repaying still works).
    function setSynthParams(ISyntheticToken synth, SynthParams calldata params) external;

    /// @notice Sends future stability fees to `recipient`, after minting the fees accrued so far
    ///         to the old one. Only the owner.
    function setFeeRecipient(address recipient) external;

    /// @notice Names the liquidation engine (issue 5). Only the owner; the zero address disables it.
    function setLiquidationEngine(address engine) external;

    /* POSITIONS */

    /// @notice Opens an empty position of the caller that will owe `synth`.
    function open(ISyntheticToken synth) external returns (uint256 positionId);

    /// @notice Locks futures account `accountId` into position `positionId`, pulling the account
    ///         token from the caller (who must own it and have approved the vault). Only the
    ///         position's owner; one account per position. Adds collateral: reads no price.
    function lock(uint256 positionId, uint256 accountId) external;

    /// @notice Returns the locked account token to the owner. Only the owner. With debt, needs
    ///         fresh prices and spot BTC alone must keep the CR at the minting ratio.
    function unlock(uint256 positionId) external;

    /// @notice Pulls `amount` spot BTC (spot token decimals) from the caller into position
    ///         `positionId`. Anyone may add collateral to any position; reads no price.
    function addSpot(uint256 positionId, uint256 amount) external;

    /// @notice Sends `amount` spot BTC (spot token decimals) of position `positionId` to `to`.
    ///         Only the owner. With debt, needs fresh prices and must keep the minting ratio.
    function removeSpot(uint256 positionId, uint256 amount, address to) external;

    /// @notice Mints `amount` synth (18 decimals) to the caller against position `positionId`.
    ///         Only the owner. Accrues the fee, then needs fresh prices, the minting ratio, the
    ///         minimum debt and the debt ceiling after the mint.
    function mint(uint256 positionId, uint256 amount) external;

    /// @notice Burns up to `amount` synth of the caller against position `positionId`; an
    ///         `amount` at or over the debt repays it exactly (pass `type(uint256).max` for all).
    ///         Anyone may repay any position; reads no price. A partial repayment must leave at
    ///         least the minimum debt.
    /// @return burned The synth units burned.
    function burn(uint256 positionId, uint256 amount) external returns (uint256 burned);

    /// @notice Trades the locked account of position `positionId` on the exchange
    ///         (`IFuturesExchange.trade`). Only the owner. A trade that raises |size| in
    ///         `marketId` or flips its side adds risk: with debt it must leave the position at the
    ///         minting ratio at fresh prices (checked after the fill, which only the exchange can
    ///         price). A trade that only reduces a position always passes the vault.
    /// @return fillPriceWad The exchange's fill price.
    function trade(uint256 positionId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        returns (uint256 fillPriceWad);

    /// @notice Withdraws `amount` margin (margin token decimals) from the locked account of
    ///         position `positionId` to `to`. Only the owner. With debt, needs fresh prices and
    ///         must keep the minting ratio with the equity reduced by `amount`; the exchange also
    ///         applies its own initial margin.
    function withdrawMargin(uint256 positionId, uint256 amount, address to) external;

    /// @notice Repays all debt from the caller's synth, returns the spot BTC and the account
    ///         token to the owner and deletes the position. Only the owner; reads no price.
    function close(uint256 positionId) external;

    /// @notice Accrues `synth`'s stability fee to this block and mints the fees not yet minted
    ///         to the fee recipient. Anyone may call; reads no price.
    /// @return rateIndexWad The synth's rate index now.
    /// @return fees The synth units minted to the fee recipient.
    function accrue(ISyntheticToken synth) external returns (uint256 rateIndexWad, uint256 fees);

    /* VIEWS */

    /// @notice The oracle every price comes from.
    function oracle() external view returns (IOracleHub);

    /// @notice The futures exchange whose accounts can be locked.
    function exchange() external view returns (IFuturesExchange);

    /// @notice The spot BTC token (WBTC-like).
    function spotToken() external view returns (IERC20Metadata);

    /// @notice The oracle asset id pricing the spot token, e.g. `bytes32("BTC")`.
    function spotAsset() external view returns (bytes32);

    /// @notice Where stability fees are minted.
    function feeRecipient() external view returns (address);

    /// @notice The address allowed to liquidate (issue 5); zero while none.
    function liquidationEngine() external view returns (address);

    /// @notice The id the next position will get; ids start at 1.
    function nextPositionId() external view returns (uint256);

    /// @notice The listed synths, in listing order.
    function synths() external view returns (ISyntheticToken[] memory);

    /// @notice `synth`'s risk parameters.
    function synthParams(ISyntheticToken synth) external view returns (SynthParams memory);

    /// @notice `synth`'s debt bookkeeping: the rate index and the time it was last accrued, the
    ///         sum of the positions' debt shares, and the total debt now (fee accrued to this
    ///         block, rounded up), in synth units.
    function synthDebt(ISyntheticToken synth)
        external
        view
        returns (uint256 rateIndexWad, uint256 lastAccrual, uint256 totalDebtShares, uint256 totalDebt);

    /// @notice The fees of `synth` accrued to this block and not yet minted, in synth units:
    ///         what `accrue` would mint now.
    function uncollectedFees(ISyntheticToken synth) external view returns (uint256);

    /// @notice Position `positionId`; reverts for an unknown one.
    function position(uint256 positionId) external view returns (PositionView memory);

    /// @notice The open positions of `owner`, in no particular order.
    function positionsOf(address owner) external view returns (uint256[] memory);

    /// @notice Position `positionId`'s collateral and debt in USD and its CR, at the prices now.
    ///         Reverts for an unknown position and when a price it needs cannot be trusted.
    function health(uint256 positionId)
        external
        view
        returns (uint256 collateralUsdWad, uint256 debtUsdWad, uint256 crWad);

    /// @notice `health` of many positions in one call, reading each price once: for keepers.
    ///         An unknown or closed position reads as no collateral, no debt, CR max. Reverts when
    ///         a price it needs cannot be trusted.
    function healthOf(uint256[] calldata positionIds) external view returns (Health[] memory);
}
