// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {IFuturesCollateral} from "../collateral/IFuturesCollateral.sol";
import {IFuturesExchange} from "../venue/IFuturesExchange.sol";
import {IOracleHub} from "../oracle/IOracleHub.sol";
import {ISyntheticToken} from "./ISyntheticToken.sol";

/// @title IVault
/// @notice Collateralized debt positions in synthetic assets. A position belongs to one owner
///         and owes debt in one synth; its collateral is spot BTC (a WBTC-like token) held by the
///         vault and, optionally, one futures account of the exchange locked with the vault (held
///         by its adapter behind the collateral port, `futuresCollateral`), with its margin and
///         open positions: long, short, or a short beside the spot BTC, delta-neutral.
///         An owner may hold several positions.
/// @dev Units.
///      - Prices: USD per whole unit, WAD, from `oracle()`; the spot token is priced as
///        `spotAsset()` (BTC) and each synth as its `ISyntheticToken.asset()`.
///      - Collateral (USD, WAD) = spot amount × BTC price + the locked account's value
///        (`IFuturesCollateral.valueUsdWad`: what closing it would fetch), floored at zero.
///        Spot credit rounds down.
///      - Debt: synth units (18 decimals) = debt shares × the synth's rate index (WAD), rounded
///        up; debt in USD (WAD) = debt × synth price, rounded up.
///      - CR (WAD) = collateral USD / debt USD, rounded down; `type(uint256).max` with no debt.
///      - Spot amounts are in the spot token's own decimals; margin amounts in the margin token's
///        (the exchange's 6-decimal stablecoin). Both are converted to WAD once, here.
///
///      Stability fee. Each synth has a rate index, starting at 1 WAD. `stabilityFeeWad` is a
///      nominal yearly rate compounded every second: over `elapsed` seconds the index is
///      multiplied by (1 + stabilityFeeWad / 31,536,000)^elapsed (365-day years), so a year
///      multiplies the debt by e^fee to within 2e-8 (2% a year charges 2.0201%, the maximum
///      100% charges 171.83%), however often the index is touched: one touch a year and one a
///      block give the same index but for rounding dust (at most a few wei of index per touch,
///      see `RateMath`). The index rounds up, and stands still
///      while the synth has no debt (no one to charge). The fee is owed to `feeRecipient()`
///      and minted to it in the synth by `accrue` (anyone may call it; fee and recipient
///      changes call it too), not on every mint and burn, which keeps those cheap. So at all
///      times: total supply + `uncollectedFees` = total debt rounded down, and the total debt
///      exceeds the sum of the positions' debts by no more than rounding dust, every rounding
///      going the protocol's way (this holds while the vault alone mints and burns the synth).
///
///      Risk. Every user action that can lower the CR (mint, remove spot, withdraw margin, unlock
///      the account, and every trade, reducing or not) needs fresh prices and must leave the
///      position's CR at or above the synth's minting ratio and its collateral, after the shock,
///      at or above its debt (a position already under either may trade only if its collateral
///      does not fall and its shock loss does not grow), its debt at 0 or at least the minimum
///      debt, and the synth's total debt under its ceiling; otherwise it reverts with an error
///      naming the numbers, and nothing changes. A position without debt has nothing at risk:
///      removing its collateral reads no price. Burning debt and adding collateral never read a
///      price.
///
///      Shock. Leverage carries a haircut in the minting check: each oracle asset has a shock
///      (`shockWad`, owner-set, at most 50%; BTC 10% as deployed), a one-round move the
///      position must survive at 100% CR. The shock loss is what the collateral would lose if
///      every asset moved against it by its shock at once: per asset, |net exposure| x shock,
///      the exposure netting the spot (spot BTC is a long exposure to BTC) with every futures
///      position on the asset (size x mark), plus the growth of the account's closing costs,
///      what a locked account owes below zero and the closes' rounding
///      (`CollateralMath.accountShockLossUsdWad`, asked of the collateral port). The check:
///      collateral - loss >= debt USD (`VaultShockUndercollateralized`). Spot alone at 150% and
///      a delta-neutral position meet it for any shock up to 1/3; a 10x long can mint only what
///      survives a 10% fall. Liquidation ignores it: the liquidation ratio alone decides.
///
///      Liquidation. The owner names `liquidationEngine()`, the one address allowed to call the
///      hooks of the LIQUIDATION section: take a position's spot and margin, close its futures,
///      repay its debt with a keeper's synth and write off what cannot be repaid; and
///      `globalSettlement()`, the one address allowed to shut the vault down and settle a
///      position's debt, which may close futures and take spot and margin too. The vault keeps
///      the books exact through all of them: a
///      written-off debt is shared by the synth's other positions through the rate index, or,
///      with none left, recorded as the synth's `badDebt` (with the fee it had accrued, which
///      stays collectable). So at all times, up to rounding dust: total supply +
///      `uncollectedFees` = Σ position debts + `badDebt`. After shutdown no fee is owed
///      (`uncollectedFees` is 0) and the debt settled by `settleDebt` is backed by the global
///      settlement's reserves instead.
interface IVault {
    /// @notice A synth's risk parameters, as the owner sets them.
    /// @param mintingRatioWad The CR every risk-adding action must leave (150% = 1.5e18).
    /// @param liquidationRatioWad The CR under which a position can be liquidated (120% = 1.2e18).
    /// @param liquidationPenaltyWad The liquidator's bonus on repaid value (10% = 0.1e18).
    /// @param stabilityFeeWad Nominal yearly fee on debt, compounded every second (2% = 0.02e18
    ///        charges e^0.02 - 1 = 2.0201% a year; see the stability fee above).
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

    /* EVENTS */

    /// @notice `synth`, tracking `asset`, can now be minted against positions.
    event SynthListed(ISyntheticToken indexed synth, bytes32 indexed asset);

    /// @notice The owner set the minting check's shock for oracle asset `asset` to `shockWad`.
    event ShockSet(bytes32 indexed asset, uint256 shockWad);

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

    /// @notice `engine` may now liquidate positions.
    event LiquidationEngineSet(address indexed engine);

    /// @notice `settlement` may now shut the vault down and settle positions' debt.
    event GlobalSettlementSet(address indexed settlement);

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

    /// @notice The action would leave position `positionId` with `shockedCollateralUsdWad` of
    ///         collateral after the shock (its collateral less its shock loss, floored at 0),
    ///         under its debt's value `debtUsdWad`: it would not survive the one-round move.
    error VaultShockUndercollateralized(uint256 positionId, uint256 shockedCollateralUsdWad, uint256 debtUsdWad);

    /// @notice A shock must be at most `maxWad` (50%).
    error VaultInvalidShock(bytes32 asset, uint256 shockWad, uint256 maxWad);

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

    /// @notice Sets the minting check's shock for oracle asset `asset`: the one-round move
    ///         against it that a position must survive at 100% CR to mint (see Shock above), a
    ///         WAD fraction (10% = 0.1e18). Only the owner; at most 50% (`VaultInvalidShock`);
    ///         0 switches the haircut off for the asset. Applies to open positions from their
    ///         next check; liquidation ignores it.
    function setShock(bytes32 asset, uint256 shockWad) external;

    /// @notice Sends future stability fees to `recipient`, after minting the fees accrued so far
    ///         to the old one. Only the owner.
    function setFeeRecipient(address recipient) external;

    /// @notice Names the liquidation engine. Only the owner; the zero address disables it.
    function setLiquidationEngine(address engine) external;

    /// @notice Names the global settlement. Only the owner; the zero address disables it.
    function setGlobalSettlement(address settlement) external;

    /* POSITIONS */

    /// @notice Opens an empty position of the caller that will owe `synth`.
    function open(ISyntheticToken synth) external returns (uint256 positionId);

    /// @notice Locks futures account `accountId` into position `positionId`, pulling the account
    ///         token from the caller in the exchange's account registry (`IFuturesAccounts`: the
    ///         caller must own it and have approved the vault there). Only the
    ///         position's owner; one account per position. Adds collateral: reads no price. The
    ///         adapter takes no account while the venue is not active
    ///         (`ICollateralVenue.CollateralVenueNotActive`, bubbled up through the registry).
    function lock(uint256 positionId, uint256 accountId) external;

    /// @notice Returns the locked account token to the owner. Only the owner. With debt, needs
    ///         fresh prices and spot BTC alone must keep the CR at the minting ratio and survive
    ///         the shock.
    function unlock(uint256 positionId) external;

    /// @notice Pulls `amount` spot BTC (spot token decimals) from the caller into position
    ///         `positionId`. Anyone may add collateral to any position; reads no price. A position
    ///         holds at most 2^128 - 1 units (OpenZeppelin's `SafeCastOverflowedUintDowncast`).
    function addSpot(uint256 positionId, uint256 amount) external;

    /// @notice Sends `amount` spot BTC (spot token decimals) of position `positionId` to `to`.
    ///         Only the owner. With debt, needs fresh prices and must keep the minting ratio and
    ///         survive the shock.
    function removeSpot(uint256 positionId, uint256 amount, address to) external;

    /// @notice Mints `amount` synth (18 decimals) to the caller against position `positionId`.
    ///         Only the owner. Accrues the fee, then needs fresh prices, the minting ratio, the
    ///         shock (collateral less its shock loss at least the debt), the minimum debt and the
    ///         debt ceiling after the mint (an `amount` over the whole ceiling
    ///         is refused first, `VaultDebtCeilingExceeded` reporting it as the total debt).
    ///         A position with a locked account mints only while its venue is active
    ///         (`ICollateralVenue.CollateralVenueNotActive`); the account counts at the venue's
    ///         haircut while it winds down.
    function mint(uint256 positionId, uint256 amount) external;

    /// @notice Burns up to `amount` synth of the caller against position `positionId`; an
    ///         `amount` at or over the debt repays it exactly (pass `type(uint256).max` for all).
    ///         Anyone may repay any position; reads no price. A partial repayment must leave at
    ///         least the minimum debt.
    /// @return burned The synth units burned.
    function burn(uint256 positionId, uint256 amount) external returns (uint256 burned);

    /// @notice Trades the locked account of position `positionId` on the exchange
    ///         (`IFuturesExchange.trade`). Only the owner. Every trade, reducing or not (a
    ///         reducing fill pays fee and price impact too): with debt it must leave the position
    ///         at the minting ratio and surviving the shock at fresh prices (checked after the
    ///         fill, which only the exchange can price), except that a position already under
    ///         either may trade if its collateral does not fall (its CR does not fall: the debt
    ///         is unchanged) and its shock loss does not grow (so it may cut its leverage, not
    ///         shed a hedge). The shock loss before the trade is read too.
    /// @return fillPriceWad The exchange's fill price.
    function trade(uint256 positionId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        returns (uint256 fillPriceWad);

    /// @notice Withdraws `amount` margin (margin token decimals) from the locked account of
    ///         position `positionId` to `to`. Only the owner. With debt, needs fresh prices and
    ///         must keep the minting ratio and survive the shock with the account's value reduced
    ///         by `amount` (what it cannot cover counted as a loss); the exchange also
    ///         applies its own initial margin. Amounts over 128 bits are refused with
    ///         OpenZeppelin's `SafeCastOverflowedUintDowncast`.
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

    /// @notice The collateral port's futures adapter, deployed by this vault: it holds the locked
    ///         accounts, values them and makes every trade, withdrawal and liquidation close on
    ///         them. The vault reads and moves an account only through it.
    function futuresCollateral() external view returns (IFuturesCollateral);

    /// @notice The spot BTC token (WBTC-like).
    function spotToken() external view returns (IERC20Metadata);

    /// @notice The oracle asset id pricing the spot token, e.g. `bytes32("BTC")`.
    function spotAsset() external view returns (bytes32);

    /// @notice The minting check's shock for oracle asset `asset`, a WAD fraction (0 when unset).
    function shockWad(bytes32 asset) external view returns (uint256);

    /// @notice Where stability fees are minted.
    function feeRecipient() external view returns (address);

    /// @notice The address allowed to liquidate; zero while none.
    function liquidationEngine() external view returns (address);

    /// @notice The address allowed to shut the vault down and settle debt (and to close and
    ///         seize, as the engine may); zero while none.
    function globalSettlement() external view returns (address);

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
    ///         what `accrue` would mint now (the positions' debt plus the bad debt, less the
    ///         supply; 0 after shutdown).
    function uncollectedFees(ISyntheticToken synth) external view returns (uint256);

    /// @notice Position `positionId`; reverts for an unknown one.
    function position(uint256 positionId) external view returns (PositionView memory);

    /// @notice The open positions of `owner`, in no particular order.
    function positionsOf(address owner) external view returns (uint256[] memory);

    /* LIQUIDATION */

    /// @notice What the liquidation engine needs to know of a position, read at once. USD
    ///         amounts, prices and ratios are WAD. The debt is in synth units: the engine values
    ///         it at the synth's price (read once per synth in a batch), so that
    ///         debt USD = `debt` × price rounded up and CR = `collateralUsdWad` / debt USD rounded
    ///         down, as `health` reports them.
    /// @param owner The position's owner; the zero address for an unknown (or closed) position,
    ///        every other field then zero.
    /// @param shutDown Whether the vault is shut down for global settlement (nothing is
    ///        liquidated then).
    /// @param spotPriceWad The BTC price, read only when the position holds spot (else 0).
    /// @param debt The debt in synth units, the fee accrued to this block, rounded up.
    /// @param equityWad The locked account's equity, signed, not floored (0 without an account):
    ///        its settled margin plus each open position's PnL less its funding owed, summed from
    ///        the positions' views. The views round PnL (down) and funding (up) apart, so this is
    ///        `IFuturesExchange.equity` exactly while no funding is owed, and at most one wei a
    ///        position under it otherwise. It sizes the closes; it is not the account's value.
    /// @param collateralUsdWad Spot at the BTC price (rounded down) plus what closing the account
    ///        would fetch (`IFuturesExchange.closeValue`) floored at 0: the value every check of
    ///        the vault and `VaultLens.health` count, so health and liquidation agree.
    /// @param futures The locked account's open positions, as `IFuturesExchange.positions`
    ///        reports them (empty without an account); `closeFutures` takes them back.
    struct LiquidationSnapshot {
        address owner;
        ISyntheticToken synth;
        bool shutDown;
        bool hasAccount;
        uint256 accountId;
        uint256 spotAmount;
        uint256 debt;
        uint256 spotPriceWad;
        int256 equityWad;
        uint256 collateralUsdWad;
        uint256 mintingRatioWad;
        uint256 liquidationRatioWad;
        uint256 liquidationPenaltyWad;
        uint256 minDebt;
        IFuturesExchange.PositionView[] futures;
    }

    /// @notice The engine sent `amount` spot BTC (spot token decimals) of position `positionId` to `to`.
    event SpotSeized(uint256 indexed positionId, address indexed to, uint256 amount);

    /// @notice The engine reduced every open futures position of account `accountId`, locked in
    ///         position `positionId`, by `fractionWad` of its size (positions of expired dated
    ///         markets are settled whole).
    event FuturesClosed(uint256 indexed positionId, uint256 indexed accountId, uint256 fractionWad);

    /// @notice The engine sent `amount` margin (margin token decimals) of position `positionId` to `to`.
    event MarginSeized(uint256 indexed positionId, address indexed to, uint256 amount);

    /// @notice Position `positionId`'s remaining `debt` of `synth` was shared by the synth's
    ///         other positions: the rate index rose to `rateIndexWad`.
    event DebtRedistributed(
        ISyntheticToken indexed synth, uint256 indexed positionId, uint256 debt, uint256 rateIndexWad
    );

    /// @notice Position `positionId`'s remaining `debt` of `synth` had no other position to share
    ///         it: it is now bad debt of the synth, `badDebt` in all.
    event BadDebtRecorded(ISyntheticToken indexed synth, uint256 indexed positionId, uint256 debt, uint256 badDebt);

    /// @notice The vault is shut down for global settlement: no minting, trading, new positions
    ///         or withdrawals against debt; stability fees stopped.
    event ShutDown();

    /// @notice Position `positionId`'s `debt` of `synth` was settled by the global settlement
    ///         after shutdown (its value set aside for the synth's holders).
    event DebtSettled(uint256 indexed positionId, ISyntheticToken indexed synth, uint256 debt);

    /// @notice Only the liquidation engine (or, for `closeFutures`, `seizeMargin` and
    ///         `seizeSpot`, the global settlement) may do this; `caller` is neither.
    error VaultNotLiquidationEngine(address caller);

    /// @notice Only the global settlement may do this; `caller` is not it.
    error VaultNotGlobalSettlement(address caller);

    /// @notice The vault is shut down.
    error VaultShutDown();

    /// @notice The vault is not shut down.
    error VaultNotShutDown();

    /// @notice A fraction must be in (0, 1 WAD].
    error VaultInvalidFraction(uint256 fractionWad);

    /// @notice Position `positionId` owes `debt`, less than the `amount` to repay.
    error VaultRepayExceedsDebt(uint256 positionId, uint256 debt, uint256 amount);

    /// @notice Position `positionId`'s state for a liquidation, its collateral at fresh prices.
    ///         Reverts when a price it needs cannot be trusted; an unknown position reads as all
    ///         zero.
    function liquidationSnapshot(uint256 positionId) external view returns (LiquidationSnapshot memory);

    /// @notice Sends `amount` spot BTC (spot token decimals) of position `positionId` to `to`.
    ///         Only the engine or the global settlement; reads no price.
    function seizeSpot(uint256 positionId, uint256 amount, address to) external;

    /// @notice Reduces every open futures position of the locked account of `positionId` by
    ///         `fractionWad` of its size (rounded up in size, so at least that fraction; all of
    ///         it at 1 WAD), through `IFuturesExchange.trade` at any price: a reduction never
    ///         fails the exchange's margin checks. Closes all of them instead when what would stay
    ///         open, with the equity cut in the same proportion, would be under the exchange's
    ///         initial margin (the exchange would not let the freed margin leave). Positions of
    ///         expired dated markets are settled whole. Then, when `seizeWad` is not 0, sends
    ///         `to` the margin the closes freed toward it, as `seizeMargin` would (one call
    ///         fewer): `seizeWad` less the closing costs (the equity the closes lost against
    ///         `equityBeforeWad`), at most the settled margin, in whole margin-token units rounded
    ///         down. Only the engine or the global settlement.
    /// @param futures The account's open positions as read in this transaction (from
    ///        `liquidationSnapshot` or `IFuturesExchange.positions`), passed back rather than
    ///        read again (the read prices every market); each size is checked against the
    ///        exchange (`IFuturesCollateral.FuturesCollateralMismatch`), so no position can be
    ///        flipped or grown. Each is traded at its view's mark (`IFuturesExchange.tradeAtMark`:
    ///        the vault's adapter, `futuresCollateral`, which makes the closes, is one of the
    ///        exchange's mark relays), a price the exchange judged trusted and fresh in this
    ///        transaction; the engine passes nothing else.
    /// @param seizeWad The value (USD, WAD) to take out of the account, closing costs included;
    ///        0 to take nothing.
    /// @param equityBeforeWad The account's equity before the closes, as the engine valued it.
    /// @param to Receives the margin seized (`MarginSeized`).
    /// @return fractionClosedWad The fraction closed: `fractionWad`, or 1 WAD.
    /// @return emptied Whether the account is left with nothing to take: every position closed
    ///         and its margin no more than `seizeWad` less the closing costs (so all seized).
    /// @return marginAfterWad The account's settled margin after the closes (signed), before
    ///         the seizure.
    /// @return marginSeized The margin sent to `to` (margin token decimals).
    function closeFutures(
        uint256 positionId,
        uint256 fractionWad,
        IFuturesExchange.PositionView[] calldata futures,
        uint256 seizeWad,
        int256 equityBeforeWad,
        address to
    ) external returns (uint256 fractionClosedWad, bool emptied, int256 marginAfterWad, uint256 marginSeized);

    /// @notice Withdraws `amount` margin (margin token decimals) from the locked account of
    ///         `positionId` to `to`. Only the engine or the global settlement; the exchange applies its own checks
    ///         (settled margin, initial margin of what stays open), valuing what stays open at
    ///         the marks `closeFutures` passed it in this transaction
    ///         (`IFuturesExchange.withdrawMarginAtMarks`), any other market at a fresh price.
    function seizeMargin(uint256 positionId, uint256 amount, address to) external;

    /// @notice Burns `poolAmount` synth of `pool` (a stability pool; 0 for none) and `amount` of
    ///         `from`, and removes that much of position `positionId`'s debt as ONE repayment,
    ///         accruing the fee first: all its shares when the sum is the whole debt, else the
    ///         sum's shares rounded down (the debt left rounds up), so that a whole debt repaid in
    ///         two parts leaves no dust. One `Burned` per payer, the pool's first, its shares
    ///         rounded down and the other payer's the rest. Only the engine, which burns only from
    ///         its own caller and the synth's pool and keeps the minimum-debt rule itself (the rest
    ///         of a debt it cannot recover is written off in the same transaction).
    /// @return shares The debt shares removed.
    function repayFor(uint256 positionId, address from, uint256 amount, address pool, uint256 poolAmount)
        external
        returns (uint256 shares);

    /// @notice Removes position `positionId`'s whole remaining debt and shares it among the
    ///         synth's other positions in proportion to their debt, by raising the rate index
    ///         (rounded up: they owe at least the debt removed, at most one wei more each and the
    ///         index's rounding, total shares / 1e18 wei). With no other debt, or other debt so
    ///         small that the index would pass its bound (1e9, `MAX_RATE_INDEX_WAD` in WAD), the
    ///         debt becomes the synth's `badDebt`.
    ///         Only the engine.
    /// @return debt The synth units written off.
    function writeOff(uint256 positionId) external returns (uint256 debt);

    /// @notice Stops minting, trading, opening, locking, listing, parameter changes and every
    ///         withdrawal against debt; collects every synth's accrued fee and stops the fee.
    ///         Only the global settlement, once.
    function shutdown() external;

    /// @notice Removes position `positionId`'s whole debt after shutdown; the global settlement
    ///         has set its value aside for the synth's holders. Only the global settlement.
    /// @return debt The synth units settled.
    function settleDebt(uint256 positionId) external returns (uint256 debt);

    /// @notice Debt of `synth` written off with no position left to share it, in synth units:
    ///         synth in circulation that no position owes.
    function badDebt(ISyntheticToken synth) external view returns (uint256);

    /// @notice Whether the global settlement has shut the vault down.
    function isShutdown() external view returns (bool);
}
