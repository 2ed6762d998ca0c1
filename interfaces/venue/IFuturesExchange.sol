// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IFuturesAccounts} from "./IFuturesAccounts.sol";
import {ILiquidityPool} from "./ILiquidityPool.sol";
import {IOracleHub} from "../oracle/IOracleHub.sol";

/// @title IFuturesExchange
/// @notice A futures venue: margin accounts (ERC-721 tokens of its `accounts` registry), perpetual and dated futures priced
///         at the oracle's mark price, funding, fees and size-dependent price impact, with a
///         liquidity pool as every trader's counterparty.
/// @dev Units. Prices: USD per whole unit of the market's asset, WAD. Sizes: units of the asset,
///      WAD, signed (positive long, negative short). Margin, equity, PnL, fees and funding: USD,
///      WAD, inside; the margin token (a 6-decimal stablecoin) is converted at deposit and
///      withdrawal only. Margin fractions (initial, maintenance): WAD fractions of notional.
///      Whoever owns or is approved for an account token controls the account (trade, withdraw).
///      The account token is the ERC-721 of the registry this exchange deploys and alone mints
///      into (`accounts`, `IFuturesAccounts`: `ownerOf`, `approve`, `safeTransferFrom` there).
///
///      Notional: |size| × mark price. Requirements: initial = Σ notional × initialMarginWad,
///      maintenance = Σ notional × maintenanceMarginWad, over the account's markets, at mark.
///
///      Liquidation price. Every price the exchange uses must be trusted by the oracle hub (a
///      stale, frozen or otherwise untrusted price reverts a trade, a withdrawal, a view), except
///      in a liquidation (`liquidate`, and the vault's through its adapter: `liquidationPositions`,
///      `tradeAtMark` at those marks, `settle` by a mark relay), where a market whose live price
///      the hub does not trust is marked at the hub's last trusted price
///      (`IOracleHub.lastTrustedPriceWad`) moved against the holder by the market's maintenance
///      margin fraction: a long's mark × (1 − maintenanceMarginWad) rounded down, a short's
///      × (1 + maintenanceMarginWad) rounded up. The position is valued and closed there like any
///      market (one-fill impact and taker fee on that mark), so an account is liquidatable
///      whatever its smallest market's feed does. Only when the hub trusted none of its latest 32
///      rounds does a liquidation revert (with the hub's reason). The price is the rule's, not
///      the liquidator's; `docs/security.md` weighs what a holder can gain from it.
///
///      Price impact: a trade of notional N USD (at mark) fills at
///      mark × (1 + impactWad × N / 1e6 USD) for a buy and mark × (1 − impactWad × N / 1e6 USD)
///      for a sell: `impactWad` is the fraction the price moves per million USD traded, and the
///      move is capped at `MAX_IMPACT_WAD` (10%). The taker fee is |size| × fill × takerFeeWad.
///
///      Funding: each market accrues `fundingIndexWad` (USD per unit of size, WAD) on every touch
///      of the market (a trade, a settlement, a rate change) by mark × fundingRatePerSecondWad ×
///      the seconds since the last touch, the mark being the one read at the touch; a position owes
///      size × (index now − index at its last settlement), so longs pay shorts when the rate is
///      positive. The pool, counterparty of every position, receives or pays the other side.
///
///      Settlement with the pool. What moves between an account's margin and the pool (realised
///      PnL, fees, funding) is whole margin-token units: what the trader owes rounds up to the
///      next unit, what the trader is paid rounds down. Margin is therefore always a whole
///      number of token units, and the margin token held by this contract equals the sum of
///      every account's positive margin (`totalMarginWad`) at all times; the pool holds its own.
///      A loss larger than the margin leaves the margin negative (a debt to the pool, recovered
///      from the account's later profits or deposits); when an account has no positions left, a
///      remaining debt is written off (`BadDebtWrittenOff`), the pool having never received it.
///      Until then the pool counts it as its own (`totalOwedWad`).
///      A profit the pool cannot pay is cut to what the pool holds (`PoolShortfall`): nothing is
///      created, and a reduction is never blocked by an empty pool.
interface IFuturesExchange {
    /// @notice One open position, as a view returns it.
    struct PositionView {
        uint256 marketId;
        int256 sizeWad;
        uint256 entryPriceWad;
        uint256 markPriceWad;
        int256 unrealizedPnlWad;
        int256 fundingOwedWad;
    }

    /// @notice A market's risk parameters, all WAD fractions (packed in one slot).
    /// @param initialMarginWad Margin required to add risk, per unit of notional: 1 / maximum
    ///        leverage (0.1e18 is 10×).
    /// @param maintenanceMarginWad Margin under which the account can be liquidated, per unit of
    ///        notional; positive and below the initial margin.
    /// @param takerFeeWad Fee per unit of filled notional, paid to the pool.
    /// @param impactWad Fractional price impact per 1,000,000 USD of notional traded.
    struct MarketParams {
        uint64 initialMarginWad;
        uint64 maintenanceMarginWad;
        uint64 takerFeeWad;
        uint64 impactWad;
    }

    /// @notice A market, as stored.
    /// @param asset The `OracleHub` asset id whose price is the market's mark price.
    /// @param params Risk parameters.
    /// @param fundingIndexWad Cumulative funding per unit of size (USD, WAD) up to `lastFundingUpdate`.
    /// @param lastFundingUpdate When the index was last accrued or the rate last set (a touch at
    ///        a zero rate moves neither).
    /// @param fundingRatePerSecondWad Signed funding rate, WAD fraction of notional per second.
    /// @param expiry 0 for a perpetual; else the time from which the dated future only settles.
    /// @param settlementPriceWad A dated future's settlement price, 0 until it is fixed.
    struct Market {
        bytes32 asset;
        MarketParams params;
        int104 fundingIndexWad;
        uint40 lastFundingUpdate;
        int64 fundingRatePerSecondWad;
        uint40 expiry;
        uint128 settlementPriceWad;
    }

    /* EVENTS */

    /// @notice Account `accountId` was opened and its token minted to `owner`.
    event AccountOpened(uint256 indexed accountId, address indexed owner);

    /// @notice `from` added `amountWad` of margin to account `accountId`.
    event MarginDeposited(uint256 indexed accountId, address indexed from, uint256 amountWad);

    /// @notice `amountWad` of margin left account `accountId` for `to`.
    event MarginWithdrawn(uint256 indexed accountId, address indexed to, uint256 amountWad);

    /// @notice The owner now trusts (or no longer trusts) `relay` to pass back mark prices this
    ///         exchange reported in the same transaction (`tradeAtMark`, `withdrawMarginAtMarks`).
    event MarkRelaySet(address indexed relay, bool trusted);

    /// @notice Market `marketId` now trades `asset` (a perpetual when `expiry` is 0).
    event MarketAdded(uint256 indexed marketId, bytes32 indexed asset, uint40 expiry, MarketParams params);

    /// @notice Market `marketId` now has the risk parameters `params`.
    event MarketParamsSet(uint256 indexed marketId, MarketParams params);

    /// @notice `keeper` may (or may no longer) set funding rates.
    event FundingKeeperSet(address indexed keeper, bool allowed);

    /// @notice Market `marketId` now accrues funding at `ratePerSecondWad`, from an index of
    ///         `fundingIndexWad` accrued at the previous rate up to now.
    event FundingRateSet(uint256 indexed marketId, int256 ratePerSecondWad, int256 fundingIndexWad);

    /// @notice Account `accountId` traded `sizeDeltaWad` in market `marketId` at `fillPriceWad`
    ///         (mark `markPriceWad`), leaving a position of `newSizeWad`. Settled with the pool in
    ///         the same step: the fee, the realised PnL of the part reduced (positive a profit)
    ///         and the funding the position owed (positive paid by the trader), as moved.
    event Traded(
        uint256 indexed accountId,
        uint256 indexed marketId,
        int256 sizeDeltaWad,
        int256 newSizeWad,
        uint256 fillPriceWad,
        uint256 markPriceWad,
        uint256 feeWad,
        int256 realizedPnlWad,
        int256 fundingPaidWad
    );

    /// @notice Dated market `marketId` settles at `priceWad`: the oracle hub's first trusted round
    ///         at or after expiry (`IOracleHub.firstTrustedPriceWadSince`).
    event SettlementPriceFixed(uint256 indexed marketId, uint256 priceWad);

    /// @notice The position of `sizeWad` of account `accountId` in dated market `marketId` was
    ///         closed at `settlementPriceWad` (the market's settlement price, or the live mark
    ///         before it can be fixed), realising `realizedPnlWad` and paying `fundingPaidWad`.
    event PositionSettled(
        uint256 indexed accountId,
        uint256 indexed marketId,
        int256 sizeWad,
        uint256 settlementPriceWad,
        int256 realizedPnlWad,
        int256 fundingPaidWad
    );

    /// @notice `liquidator` closed every position of account `accountId`, whose equity
    ///         `equityWad` was under its maintenance requirement `maintenanceWad`, for `rewardWad`.
    event Liquidated(
        uint256 indexed accountId,
        address indexed liquidator,
        int256 equityWad,
        uint256 maintenanceWad,
        uint256 rewardWad
    );

    /// @notice The pool paid `amountWad` of the liquidator's reward for account `accountId`: the
    ///         part of the minimum reward its margin left could not pay.
    event LiquidationRewardFromPool(uint256 indexed accountId, uint256 amountWad);

    /// @notice A liquidation now pays at least `rewardWad` (USD, WAD), from the pool when the
    ///         account's margin left cannot.
    event MinLiquidationRewardSet(uint256 rewardWad);

    /// @notice A trade in market `marketId` must now leave a position of at least `notionalWad`
    ///         (USD, WAD, at mark) or none.
    event MinPositionNotionalSet(uint256 indexed marketId, uint256 notionalWad);

    /// @notice Account `accountId` was owed `owedWad` by the pool, which could pay only `paidWad`.
    event PoolShortfall(uint256 indexed accountId, uint256 owedWad, uint256 paidWad);

    /// @notice Account `accountId` closed its last position owing the pool `amountWad` more than
    ///         its margin; the debt was written off (the pool bears it).
    event BadDebtWrittenOff(uint256 indexed accountId, uint256 amountWad);

    /* ERRORS */

    /// @notice No account token `accountId` exists.
    error ExchangeUnknownAccount(uint256 accountId);

    /// @notice `caller` neither owns nor is approved for account `accountId`.
    error ExchangeUnauthorized(uint256 accountId, address caller);

    /// @notice `caller` is neither the owner nor a funding keeper.
    error ExchangeUnauthorizedKeeper(address caller);

    /// @notice No market `marketId` exists.
    error ExchangeUnknownMarket(uint256 marketId);

    /// @notice The oracle prices no asset `asset`.
    error ExchangeUnknownAsset(bytes32 asset);

    /// @notice An amount or a size of zero.
    error ExchangeZeroAmount();

    /// @notice The zero address was given.
    error ExchangeZeroAddress();

    /// @notice The call would change nothing.
    error ExchangeAlreadySet();

    /// @notice The parameters break 0 < maintenance < initial ≤ 100%, fee ≤ `MAX_FEE_WAD`, or
    ///         impact ≤ `MAX_IMPACT_WAD` per million USD.
    error ExchangeInvalidMarketParams(MarketParams params);

    /// @notice The liquidation reward `rewardWad` is above `MAX_LIQUIDATION_REWARD_WAD`.
    error ExchangeInvalidLiquidationReward(uint256 rewardWad);

    /// @notice The minimum liquidation reward `rewardWad` is above `maxRewardWad`.
    error ExchangeInvalidMinLiquidationReward(uint256 rewardWad, uint256 maxRewardWad);

    /// @notice The minimum position of market `marketId` would be `notionalWad`, over `maxNotionalWad`.
    error ExchangeInvalidMinPositionNotional(uint256 marketId, uint256 notionalWad, uint256 maxNotionalWad);

    /// @notice The trade would leave a position in market `marketId` of `notionalWad` (USD, WAD,
    ///         at mark, rounded up), under the market's minimum `minNotionalWad`: trade more, or
    ///         close all of it.
    error ExchangePositionTooSmall(uint256 marketId, uint256 notionalWad, uint256 minNotionalWad);

    /// @notice A dated market must expire in the future.
    error ExchangeInvalidExpiry(uint256 expiry, uint256 nowTimestamp);

    /// @notice |`ratePerSecondWad`| is above `maxRatePerSecondWad`.
    error ExchangeFundingRateTooHigh(int256 ratePerSecondWad, int256 maxRatePerSecondWad);

    /// @notice Dated market `marketId` expired at `expiry`: it takes no trades, only settlements.
    error ExchangeMarketExpired(uint256 marketId, uint256 expiry);

    /// @notice Market `marketId` is a perpetual (`expiry` 0) or has not expired yet.
    error ExchangeMarketNotExpired(uint256 marketId, uint256 expiry);

    /// @notice The trade would fill at `fillPriceWad`, worse than the taker's `priceLimitWad`.
    error ExchangePriceLimitExceeded(uint256 fillPriceWad, uint256 priceLimitWad);

    /// @notice Account `accountId` would end with equity `equityWad` under its initial
    ///         requirement `initialWad` after an action that adds risk or withdraws margin.
    error ExchangeInsufficientMargin(uint256 accountId, int256 equityWad, uint256 initialWad);

    /// @notice Account `accountId` holds `marginWad` of settled margin, less than `amountWad`.
    error ExchangeWithdrawalExceedsMargin(uint256 accountId, uint256 amountWad, int256 marginWad);

    /// @notice Account `accountId` has equity `equityWad`, at or above its maintenance
    ///         requirement `maintenanceWad`: it cannot be liquidated.
    error ExchangeAccountHealthy(uint256 accountId, int256 equityWad, uint256 maintenanceWad);

    /// @notice Account `accountId` is held by `controller`, a mark relay (a vault's futures
    ///         adapter: the account is locked as a vault position's collateral). Its liquidation is
    ///         the vault's (`ILiquidationEngine`), which pays the keeper out of the debt's penalty:
    ///         the exchange's reward would come out of collateral the position's creditors are owed.
    error ExchangeAccountLocked(uint256 accountId, address controller);

    /// @notice Account `accountId` has no position in market `marketId`.
    error ExchangeNoPosition(uint256 accountId, uint256 marketId);

    /// @notice Account `accountId` already has positions in `maxPositions` markets.
    error ExchangeTooManyPositions(uint256 accountId, uint256 maxPositions);

    /// @notice The exchange lists as many markets as market ids can number.
    error ExchangeTooManyMarkets();

    /// @notice Only a mark relay the owner trusts (`isMarkRelay`) may pass mark prices in.
    error ExchangeNotMarkRelay(address caller);

    /* ACCOUNTS AND MARGIN */

    /// @notice Opens a new margin account: numbers it (from 1 up) and mints its token to the
    ///         caller in the `accounts` registry (a contract caller must accept ERC-721 tokens).
    function openAccount() external returns (uint256 accountId);

    /// @notice Pulls `amount` of the margin token (its own decimals) from the caller into
    ///         account `accountId`'s margin. Anyone may top up any account. Needs no price.
    ///         If the account owes the pool (negative margin), the deposit repays that first.
    function depositMargin(uint256 accountId, uint256 amount) external;

    /// @notice Sends `amount` of the margin token (its own decimals) from the account's margin
    ///         to `to`. Only the account's owner or approved; the account must stay at or above
    ///         its initial margin requirement; needs fresh prices when positions are open.
    ///         Only settled margin can leave: unrealised profit must be realised first. Amounts
    ///         over 128 bits are refused with OpenZeppelin's `SafeCastOverflowedUintDowncast`.
    function withdrawMargin(uint256 accountId, uint256 amount, address to) external;

    /// @notice `withdrawMargin`, the open positions valued at the marks this relay passed to
    ///         `tradeAtMark` in the same transaction rather than read again from the oracle; a
    ///         market it passed none for is read as usual. Only a mark relay (`isMarkRelay`),
    ///         which must also control the account.
    /// @dev For the vault's liquidations, which close part of every position (`tradeAtMark`)
    ///      and then withdraw the margin that freed. Only this function reads those marks.
    function withdrawMarginAtMarks(uint256 accountId, uint256 amount, address to) external;

    /* TRADING */

    /// @notice Opens, increases, reduces, flips or closes the position of `accountId` in
    ///         `marketId` by `sizeDeltaWad`, at the mark price moved against the taker by the
    ///         market's price impact, paying the taker fee to the pool. Only the account's owner
    ///         or approved. Reverts if the fill is worse than `priceLimitWad` (above it for a buy,
    ///         below it for a sell), if the account would end under its initial margin while
    ///         the trade adds risk, or if it would leave a position (not none) under the market's
    ///         minimum notional (`ExchangePositionTooSmall`, `setMinPositionNotional`).
    /// @dev A trade adds risk when it increases |size| or flips the side. A reduce-only trade
    ///      (same side, |size| not above the old one) is never checked against any margin
    ///      requirement, so it goes through for an account under water; like every trade it
    ///      needs a trusted oracle price (a stale or frozen price stops all trading, since a
    ///      fill at an untrusted price is itself a risk to the pool). The funding the position
    ///      owes is settled first. Dated markets take no trades from their expiry on (`settle`).
    ///      Sizes are stored in 128 bits: a larger `sizeDeltaWad` is refused with OpenZeppelin's
    ///      `SafeCastOverflowedIntDowncast`.
    /// @return fillPriceWad The price the trade filled at.
    function trade(uint256 accountId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        returns (uint256 fillPriceWad);

    /// @notice `trade` at `markWad` for the market's mark rather than a fresh oracle read (a
    ///         trade that adds risk still reads the account's other markets). Only a mark relay
    ///         (`isMarkRelay`), which must also control the account; the marks it passes are
    ///         kept for it alone. No minimum position size applies: a liquidation's partial
    ///         close may leave any size.
    /// @dev For the vault's liquidations: `markWad` is the `markPriceWad` of this exchange's
    ///      own `positions` view of the account, read earlier in the same transaction (so a
    ///      trusted, fresh price). The relay is trusted to pass it unchanged. The mark is kept
    ///      for the rest of the transaction (transient storage) for `withdrawMarginAtMarks`.
    /// @return fillPriceWad The price the trade filled at.
    /// @return marginAfterWad The account's settled margin after the trade (`signedMarginOf`).
    function tradeAtMark(
        uint256 accountId,
        uint256 marketId,
        int256 sizeDeltaWad,
        uint256 priceLimitWad,
        uint256 markWad
    ) external returns (uint256 fillPriceWad, int256 marginAfterWad);

    /// @notice Closes every position of an account under its maintenance margin, at the mark
    ///         price with impact; pays the caller a reward. Anyone may call. Equity, requirement
    ///         and closes use the liquidation price (see above): a market without a trusted price
    ///         does not stop it. An account whose token a mark relay holds (locked in a vault
    ///         position) is refused (`ExchangeAccountLocked`): the vault's engine liquidates it
    ///         under the same maintenance rule (`liquidationRisk`). Only the holder counts: an
    ///         approval for a relay does not shield an account.
    /// @dev Positions are closed as trades (impact and taker fee to the pool); positions of
    ///      expired dated markets are settled instead. The reward is `liquidationRewardWad` of
    ///      the notional closed (at mark), and at least `minLiquidationRewardWad`, both rounded
    ///      down to whole token units, out of the margin left. What the margin left cannot pay of
    ///      the minimum, the pool pays (`LiquidationRewardFromPool`), as far as its cash goes:
    ///      so an account under water still finds a closer. What margin remains stays with the
    ///      account's owner.
    /// @return rewardWad What the caller received, from the margin and the pool.
    function liquidate(uint256 accountId) external returns (uint256 rewardWad);

    /// @notice Closes the position of account `accountId` in the expired dated market
    ///         `marketId` at the market's settlement price, without impact or fee. Anyone may
    ///         call. The settlement price is fixed by rule, whoever calls and whenever: the
    ///         oracle hub's first round at or after expiry that it would have trusted as the
    ///         latest, a round the circuit breaker refused passed over for the next trusted one
    ///         (`IOracleHub.firstTrustedPriceWadSince`); the first call that can fix it does.
    ///         Until that round exists, the position closes at the live mark (the hub's trusted
    ///         latest price) and nothing is fixed, and only the account's owner or approved
    ///         (`ExchangeUnauthorized` for others) may settle: an expired position need not wait
    ///         for a round, nor can its liquidation (`liquidate`, the vault's) be held up by it.
    ///         For a mark relay (the vault's adapter, which settles only within a liquidation) an
    ///         untrusted live mark gives way to the liquidation price.
    /// @return realizedPnlWad The PnL realised (positive a profit), as moved.
    function settle(uint256 accountId, uint256 marketId) external returns (int256 realizedPnlWad);

    /* OWNER AND KEEPERS */

    /// @notice Lists a market on `asset`: a perpetual when `expiry` is 0, else a dated future
    ///         that settles at `expiry`. Only the owner. The oracle must price `asset`.
    function addMarket(bytes32 asset, uint40 expiry, MarketParams calldata params) external returns (uint256 marketId);

    /// @notice Replaces the risk parameters of market `marketId`. Only the owner. They apply
    ///         to open positions too (the next margin check uses them).
    function setMarketParams(uint256 marketId, MarketParams calldata params) external;

    /// @notice Trusts (or stops trusting) `relay` to pass mark prices this exchange reported in
    ///         the same transaction back into `tradeAtMark` and `withdrawMarginAtMarks`, saving an
    ///         oracle read per market. Only the owner. Meant for the vaults' futures adapters
    ///         (`IFuturesCollateral`), whose engines take the marks from `positions`: one
    ///         exchange serves as many vaults as the owner trusts.
    function setMarkRelay(address relay, bool trusted) external;

    /// @notice Sets the least reward a liquidation pays (USD, WAD; rounded down to whole token
    ///         units when paid), from the pool when the account's margin cannot. Only the owner;
    ///         at most `MAX_MIN_LIQUIDATION_REWARD_WAD`. Keep it under what opening and losing a
    ///         smallest position costs, or liquidating one's own dust accounts drains the pool.
    function setMinLiquidationReward(uint256 rewardWad) external;

    /// @notice Sets the least notional (USD, WAD, at mark) a position in market `marketId` may
    ///         be left with by a trade (`trade`; a liquidation's closes are never refused):
    ///         closing it all is always allowed. Only the owner; at most
    ///         `MAX_MIN_POSITION_NOTIONAL_WAD`. Set it so that the position's maintenance margin
    ///         (notional × `maintenanceMarginWad`) covers `minLiquidationRewardWad`: otherwise
    ///         an owner who liquidates its own dust account is paid the minimum reward by the
    ///         pool for less margin than that, as often as it opens one.
    function setMinPositionNotional(uint256 marketId, uint256 notionalWad) external;

    /// @notice Allows or disallows `keeper` to set funding rates. Only the owner.
    function setFundingKeeper(address keeper, bool allowed) external;

    /// @notice Sets the funding rate of market `marketId`, after accruing the index at the old
    ///         rate up to now (so it needs a trusted price). The owner or a funding keeper.
    /// @param ratePerSecondWad WAD fraction of notional per second, positive when longs pay
    ///        shorts; at most `MAX_FUNDING_RATE_WAD` either way.
    function setFundingRate(uint256 marketId, int256 ratePerSecondWad) external;

    /* VIEWS (cheap: the vault and keepers call them for many accounts) */

    /// @notice Margin + unrealised PnL − funding owed, across all markets of the account. USD, WAD.
    ///         Reverts when a price it needs cannot be trusted (stale, frozen, ...).
    /// @dev Unrealised PnL is valued at mark without exit impact; each market's PnL less its
    ///      funding owed is rounded down. One oracle read and two storage reads per market held.
    function equity(uint256 accountId) external view returns (int256 equityWad);

    /// @notice What the account is worth if every position is closed now: its settled margin
    ///         plus, per market, the PnL less funding owed of closing the whole position in ONE
    ///         fill at the current mark (the fill price and taker fee `trade` would charge: impact
    ///         up to `MAX_IMPACT_WAD`), with the profit the pool would have to pay counted only
    ///         up to the stablecoin the pool holds. USD, WAD. A value the protocol can lend
    ///         against: unlike `equity`, it is what the account would really receive.
    ///         Reverts when a price it needs cannot be trusted (stale, frozen, ...).
    /// @dev Rounded against the account: each market's PnL less funding at the fill is floored
    ///      to a whole margin-token unit and its fee ceiled to one, as a close settles them (a
    ///      close splits PnL and funding, so it may credit up to one unit a market more, never
    ///      less). A position of an expired dated market is valued at its mark without impact or
    ///      fee, as `liquidate` settles it. The pool's cap applies to the net result of all
    ///      markets, past any debt the margin owes the pool (which profit repays first, out of
    ///      no one's cash), as `liquidate` settles it. Can be negative (a debt).
    function closeValue(uint256 accountId) external view returns (int256 valueWad);

    /// @notice `positions` and `closeValue` in one pass (one oracle read per market), at the
    ///         liquidation price (see above): a market whose live price the hub does not trust is
    ///         marked, valued and reported (`markPriceWad`) at the rule's price instead of
    ///         reverting. Identical to the two views while every price is trusted. For
    ///         liquidations only (the vault's adapter, keepers' health views): a minting check
    ///         must use `closeValue`. Reverts only when the hub trusted no recent round of a market.
    function liquidationPositions(uint256 accountId)
        external
        view
        returns (PositionView[] memory views, int256 closeValueWad);

    /// @notice The equity and maintenance requirement `liquidate` compares (USD, WAD), at the
    ///         liquidation price (see above): the account can be liquidated while
    ///         `equityWad < maintenanceWad`. For the vault's engine (a locked account under
    ///         maintenance is its to liquidate) and keepers' health views. Reverts only when the
    ///         hub trusted no recent round of a market.
    function liquidationRisk(uint256 accountId) external view returns (int256 equityWad, uint256 maintenanceWad);

    /// @notice `liquidationPositions`' close value alone (no views to build or decode): what the
    ///         account is worth to a liquidation. For health views; never for a minting check.
    function liquidationCloseValue(uint256 accountId) external view returns (int256 closeValueWad);

    /// @notice The traders' net unrealised PnL less the funding they owe, over every open
    ///         position of every market: what the pool, their counterparty, owes them (negative:
    ///         is owed) if all closed at mark. USD, WAD. The pool marks it into `totalAssets`.
    ///         Reverts when a market with a net open size cannot be priced (stale, frozen, ...).
    /// @dev Per market, netSize × (mark − funding index now) − Σ size × basis (`openInterest`),
    ///      valued as `equity` values each position (at mark, no exit impact; an expired dated
    ///      market at its settlement price once fixed). Rounded up (against the pool): the
    ///      net term is ceiled and each position's size × basis was floored; it exceeds the sum
    ///      of the positions' own terms by at most one wei a position and a market. One storage
    ///      read per listed market, and one oracle read per market with a net open size.
    function tradersOpenPnl() external view returns (int256 pnlWad);

    /// @notice Market `marketId`'s open interest as the pool marks it: the net size of its open
    ///         positions (WAD, positive net long) and Σ size × basis (USD, WAD; basis = entry price
    ///         − the funding index at the position's last settlement; each term floored).
    function openInterest(uint256 marketId) external view returns (int256 netSizeWad, int256 sizeBasisWad);

    /// @notice The initial and maintenance margin the account's open positions require. USD, WAD.
    function requirements(uint256 accountId) external view returns (uint256 initialWad, uint256 maintenanceWad);

    /// @notice The account's open positions.
    function positions(uint256 accountId) external view returns (PositionView[] memory);

    /// @notice Size and entry price of one position (zero when none).
    function position(uint256 accountId, uint256 marketId) external view returns (int256 sizeWad, uint256 entryPriceWad);

    /// @notice The account's margin balance (after settled PnL, fees and funding). USD, WAD.
    /// @dev 0 while the account owes the pool; `signedMarginOf` shows the debt.
    function marginOf(uint256 accountId) external view returns (uint256 marginWad);

    /// @notice The account's settled margin, negative while it owes the pool a loss larger than
    ///         its margin. USD, WAD.
    function signedMarginOf(uint256 accountId) external view returns (int256 marginWad);

    /// @notice The funding the position of `accountId` in `marketId` owes right now (positive:
    ///         the trader pays; negative: the trader is owed), accrued to this second, rounded up.
    ///         USD, WAD. Reverts when the price cannot be trusted.
    function fundingOwed(uint256 accountId, uint256 marketId) external view returns (int256 fundingOwedWad);

    /// @notice The market's mark price: the oracle's price of its asset. USD per unit, WAD.
    /// @dev For an expired dated market, its settlement price once the rule can fix it (stored
    ///      or not yet), else the oracle's price.
    function markPrice(uint256 marketId) external view returns (uint256 priceWad);

    /// @notice The price a trade of `sizeDeltaWad` in `marketId` would fill at now, and the mark.
    function quote(uint256 marketId, int256 sizeDeltaWad)
        external
        view
        returns (uint256 fillPriceWad, uint256 markPriceWad);

    /// @notice Market `marketId` as stored.
    function market(uint256 marketId) external view returns (Market memory);

    /// @notice What a reduction of the position of `accountId` in `marketId` needs, in one call
    ///         (cheaper than `position` and `market`): its size, and the market's initial margin
    ///         fraction (WAD) and expiry (0 for a perpetual); all zero for an unknown market (a
    ///         listed market's initial margin is never 0).
    function reductionTerms(uint256 accountId, uint256 marketId)
        external
        view
        returns (int256 sizeWad, uint256 initialMarginWad, uint256 expiry);

    /// @notice How many markets are listed; their ids run from 1 to this number.
    function marketCount() external view returns (uint256);

    /// @notice The sum of every account's positive margin. USD, WAD. Equals the margin token
    ///         this contract holds (converted to WAD), unless someone sent it tokens directly.
    ///         Stored in 96 bits: a deposit or profit that would take it past 2^96 − 1 WAD
    ///         (79 billion USD) reverts.
    function totalMarginWad() external view returns (uint256);

    /// @notice What accounts owe the pool: the sum of every negative margin (a loss realised
    ///         past the margin by an account that still holds positions), collected from their
    ///         later profits or deposits. USD, WAD. The pool counts it into `totalAssets`.
    /// @dev Moved wherever a margin moves below zero (a settlement with the pool, a deposit
    ///      paying the debt); a debt written off (`BadDebtWrittenOff`) leaves it.
    function totalOwedWad() external view returns (uint256);

    /// @notice The liquidator's reward, as a WAD fraction of the notional a liquidation closes.
    function liquidationRewardWad() external view returns (uint256);

    /// @notice The least reward a liquidation pays (USD, WAD), the pool topping up the margin left.
    function minLiquidationRewardWad() external view returns (uint256);

    /// @notice The least notional (USD, WAD, at mark) a trade may leave a position of market
    ///         `marketId` with, but for none (`setMinPositionNotional`).
    function minPositionNotionalWad(uint256 marketId) external view returns (uint256);

    /// @notice Whether `relay` may pass mark prices in (`setMarkRelay`).
    function isMarkRelay(address relay) external view returns (bool);

    /// @notice Whether `keeper` may set funding rates.
    function isFundingKeeper(address keeper) external view returns (bool);

    /// @notice The stablecoin margin is held in.
    function marginToken() external view returns (IERC20);

    /// @notice The liquidity pool, every trader's counterparty (ERC-4626 over the margin token).
    function pool() external view returns (ILiquidityPool);

    /// @notice The ERC-721 registry of this exchange's accounts, deployed by its constructor:
    ///         owning or being approved for a token there is controlling the account here.
    function accounts() external view returns (IFuturesAccounts);

    /// @notice The price source.
    function oracle() external view returns (IOracleHub);
}
