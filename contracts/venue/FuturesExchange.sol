// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * FuturesExchange: the futures venue whose positions the protocol takes as collateral. Margin
 * accounts are ERC-721 tokens of the registry it creates (`FuturesAccounts`); perpetual and dated futures trade at the oracle's mark price with
 * a fee and a size-dependent impact; funding accrues per second; a liquidity pool it creates is
 * every trader's counterparty; and it liquidates its own accounts, except those a mark relay holds
 * (locked in a vault position: the vault's engine liquidates those).
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";

import {IFuturesAccounts} from "../../interfaces/venue/IFuturesAccounts.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/venue/ILiquidityPool.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {FuturesAccounts} from "./FuturesAccounts.sol";
import {LiquidityPool} from "./LiquidityPool.sol";
import {MarketIdList} from "../libraries/MarketIdList.sol";
import {PositionMath} from "../libraries/PositionMath.sol";
import {WadMath} from "../libraries/WadMath.sol";
import {WAD} from "../libraries/Units.sol";

contract FuturesExchange is IFuturesExchange, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;
    using WadMath for uint256;
    using MarketIdList for uint128;

    /// @notice The most markets one account can hold positions in at once.
    uint256 public constant MAX_POSITIONS = MarketIdList.CAPACITY;
    /// @notice The highest taker fee a market may charge: 1% of notional.
    uint256 public constant MAX_FEE_WAD = 0.01e18;
    /// @notice The largest price impact a fill can take: 10% of the mark price.
    uint256 public constant MAX_IMPACT_WAD = 0.1e18;
    /// @notice The highest funding rate either way: 1e-5 per second, 3.6% of notional an hour.
    int256 public constant MAX_FUNDING_RATE_WAD = 1e13;
    /// @notice The highest liquidation reward: 5% of the notional closed.
    uint256 public constant MAX_LIQUIDATION_REWARD_WAD = 0.05e18;
    /// @notice The highest minimum liquidation reward: 1,000 USD.
    uint256 public constant MAX_MIN_LIQUIDATION_REWARD_WAD = 1_000e18;
    /// @notice The highest minimum position a market may ask: 1,000,000 USD of notional.
    uint256 public constant MAX_MIN_POSITION_NOTIONAL_WAD = 1_000_000e18;

    /// @dev Market ids are packed as 16-bit numbers in `MarketIdList`.
    uint256 private constant MAX_MARKET_ID = type(uint16).max;
    /// @dev The seed of the relays' marks in transient storage (`tradeAtMark`): each relay's
    ///      start at the hash of this and its address, one slot per market id after it.
    bytes32 private constant RELAY_MARKS_SLOT = keccak256("synthvault.FuturesExchange.relayMarks");

    /// @dev An account's settled margin and the markets it holds positions in, in one slot.
    struct Account {
        int128 marginWad;
        uint128 marketIds;
    }

    /// @dev One position, in two slots. `basisWad` is the entry price less `fundingIndexWad`, the
    ///      market's funding index at the position's last settlement: size × (mark − index now −
    ///      basis) is its unrealised PnL less the funding it owes, so `equity` reads the first slot
    ///      only. The entry price is basis + index; the second slot stays empty (no fresh storage
    ///      write) in a market that has never accrued funding.
    struct Position {
        int128 sizeWad;
        int128 basisWad;
        int104 fundingIndexWad;
    }

    /// @dev The traders' side of one market, for the pool's mark (`tradersOpenPnl`): the net
    ///      open size, and Σ size × basis over the open positions, each term floored as
    ///      `_execute` adds and removes it (so the sum is exact, with no drift). Their net PnL
    ///      less funding owed is netSize × (mark − index now) − Σ size × basis. `listed`, set by
    ///      `addMarket`, keeps the slot from ever being empty, so a trade never pays for a fresh
    ///      slot. 120 bits of USD (WAD) are 6.6e17 USD.
    struct OpenInterest {
        int128 netSizeWad;
        int120 sizeBasisWad;
        bool listed;
    }

    /// @dev What one fill did to one position, settled amounts in whole token units.
    struct Fill {
        int256 oldSizeWad;
        int256 newSizeWad;
        uint256 feeWad;
        int256 realizedPnlWad;
        int256 fundingPaidWad;
        // What the fill adds to its market's Σ size × basis (`OpenInterest`).
        int256 sizeBasisDeltaWad;
    }

    /* STORAGE */

    /// @inheritdoc IFuturesExchange
    IOracleHub public immutable oracle;
    /// @inheritdoc IFuturesExchange
    IERC20 public immutable marginToken;
    /// @inheritdoc IFuturesExchange
    ILiquidityPool public immutable pool;
    /// @inheritdoc IFuturesExchange
    IFuturesAccounts public immutable accounts;
    /// @inheritdoc IFuturesExchange
    uint256 public immutable liquidationRewardWad;
    /// @dev WAD per unit of the margin token: 10^(18 − decimals), 1e12 for a 6-decimal stablecoin.
    uint256 private immutable _unit;

    /// @dev The sum of positive margins and the last account id share a slot: every deposit and
    ///      withdrawal writes the sum, and the first account opened makes the slot non-zero, so
    ///      no deposit pays for a fresh slot. 96 bits hold 79 billion USD of margin (WAD), as the
    ///      vault's debt ceilings; the writes check the cast. 160 bits number more accounts than
    ///      can ever be opened (one per transaction). (The id first: after Ownable2Step's pending
    ///      owner, it opens the slot both fill.)
    uint160 private _lastAccountId;
    uint96 private _totalMarginWad;
    /// @inheritdoc IFuturesExchange
    uint256 public totalOwedWad;
    /// @inheritdoc IFuturesExchange
    uint256 public marketCount;
    /// @inheritdoc IFuturesExchange
    mapping(address => bool) public isFundingKeeper;
    /// @inheritdoc IFuturesExchange
    mapping(address => bool) public isMarkRelay;

    mapping(uint256 => Market) private _markets;
    mapping(uint256 => Account) private _accounts;
    mapping(uint256 => mapping(uint256 => Position)) private _positions;
    mapping(uint256 => OpenInterest) private _openInterest;
    /// @inheritdoc IFuturesExchange
    uint256 public minLiquidationRewardWad;
    /// @inheritdoc IFuturesExchange
    mapping(uint256 marketId => uint256) public minPositionNotionalWad;

    /// @param owner_ Lists markets, sets parameters and funding keepers.
    /// @param oracle_ The price source of every market.
    /// @param marginToken_ The stablecoin margin is held in (at most 18 decimals).
    /// @param liquidationRewardWad_ The liquidator's share of the notional a liquidation closes.
    constructor(address owner_, IOracleHub oracle_, IERC20Metadata marginToken_, uint256 liquidationRewardWad_)
        Ownable(owner_)
    {
        if (address(oracle_) == address(0) || address(marginToken_) == address(0)) revert ExchangeZeroAddress();
        if (liquidationRewardWad_ > MAX_LIQUIDATION_REWARD_WAD) {
            revert ExchangeInvalidLiquidationReward(liquidationRewardWad_);
        }
        oracle = oracle_;
        marginToken = marginToken_;
        liquidationRewardWad = liquidationRewardWad_;
        _unit = 10 ** (18 - marginToken_.decimals());
        pool = new LiquidityPool(marginToken_);
        accounts = new FuturesAccounts();
    }

    /* OWNER AND KEEPERS */

    /// @inheritdoc IFuturesExchange
    function addMarket(bytes32 asset, uint40 expiry, MarketParams calldata params)
        external
        onlyOwner
        returns (uint256 marketId)
    {
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad(asset);
        if (status == IOracleHub.PriceStatus.UnknownAsset) revert ExchangeUnknownAsset(asset);
        if (expiry != 0 && expiry <= block.timestamp) revert ExchangeInvalidExpiry(expiry, block.timestamp);
        _checkParams(params);
        marketId = ++marketCount;
        if (marketId > MAX_MARKET_ID) revert ExchangeTooManyMarkets();

        Market storage m = _markets[marketId];
        m.asset = asset;
        m.params = params;
        m.expiry = expiry;
        // Timestamps fit in 40 bits for the next 30,000 years.
        m.lastFundingUpdate = uint40(block.timestamp);
        _openInterest[marketId].listed = true;
        emit MarketAdded(marketId, asset, expiry, params);
    }

    /// @inheritdoc IFuturesExchange
    function setMarketParams(uint256 marketId, MarketParams calldata params) external onlyOwner {
        Market storage m = _market(marketId);
        _checkParams(params);
        if (keccak256(abi.encode(m.params)) == keccak256(abi.encode(params))) revert ExchangeAlreadySet();

        m.params = params;
        emit MarketParamsSet(marketId, params);
    }

    /// @inheritdoc IFuturesExchange
    function setMinLiquidationReward(uint256 rewardWad) external onlyOwner {
        if (rewardWad > MAX_MIN_LIQUIDATION_REWARD_WAD) {
            revert ExchangeInvalidMinLiquidationReward(rewardWad, MAX_MIN_LIQUIDATION_REWARD_WAD);
        }
        if (rewardWad == minLiquidationRewardWad) revert ExchangeAlreadySet();

        minLiquidationRewardWad = rewardWad;
        emit MinLiquidationRewardSet(rewardWad);
    }

    /// @inheritdoc IFuturesExchange
    function setMinPositionNotional(uint256 marketId, uint256 notionalWad) external onlyOwner {
        _market(marketId);
        if (notionalWad > MAX_MIN_POSITION_NOTIONAL_WAD) {
            revert ExchangeInvalidMinPositionNotional(marketId, notionalWad, MAX_MIN_POSITION_NOTIONAL_WAD);
        }
        if (notionalWad == minPositionNotionalWad[marketId]) revert ExchangeAlreadySet();

        minPositionNotionalWad[marketId] = notionalWad;
        emit MinPositionNotionalSet(marketId, notionalWad);
    }

    /// @inheritdoc IFuturesExchange
    function setFundingKeeper(address keeper, bool allowed) external onlyOwner {
        if (keeper == address(0)) revert ExchangeZeroAddress();
        if (isFundingKeeper[keeper] == allowed) revert ExchangeAlreadySet();

        isFundingKeeper[keeper] = allowed;
        emit FundingKeeperSet(keeper, allowed);
    }

    /// @inheritdoc IFuturesExchange
    function setMarkRelay(address relay, bool trusted) external onlyOwner {
        if (relay == address(0)) revert ExchangeZeroAddress();
        if (isMarkRelay[relay] == trusted) revert ExchangeAlreadySet();

        isMarkRelay[relay] = trusted;
        emit MarkRelaySet(relay, trusted);
    }

    /// @inheritdoc IFuturesExchange
    function setFundingRate(uint256 marketId, int256 ratePerSecondWad) external {
        if (msg.sender != owner() && !isFundingKeeper[msg.sender]) revert ExchangeUnauthorizedKeeper(msg.sender);
        Market storage m = _market(marketId);
        _checkNotExpired(marketId, m);
        // casting to 'uint256' is safe because MAX_FUNDING_RATE_WAD is the positive constant 1e13
        // forge-lint: disable-next-line(unsafe-typecast)
        if (SignedMath.abs(ratePerSecondWad) > uint256(MAX_FUNDING_RATE_WAD)) {
            revert ExchangeFundingRateTooHigh(ratePerSecondWad, MAX_FUNDING_RATE_WAD);
        }
        if (m.fundingRatePerSecondWad == ratePerSecondWad) revert ExchangeAlreadySet();

        int256 index = _accrue(m, oracle.priceWad(m.asset));
        // casting to 'int64' is safe because |ratePerSecondWad| <= MAX_FUNDING_RATE_WAD = 1e13 < 2^63 (checked above)
        // forge-lint: disable-next-line(unsafe-typecast)
        m.fundingRatePerSecondWad = int64(ratePerSecondWad);
        // The new rate runs from now (`_accrue` leaves the time alone while the old rate is 0).
        // Timestamps fit in 40 bits for the next 30,000 years.
        m.lastFundingUpdate = uint40(block.timestamp);
        emit FundingRateSet(marketId, ratePerSecondWad, index);
    }

    /* ACCOUNTS AND MARGIN */

    /// @inheritdoc IFuturesExchange
    function openAccount() external returns (uint256 accountId) {
        accountId = ++_lastAccountId;
        // Before the mint, whose receiver hook may open another account: the events keep the ids' order.
        emit AccountOpened(accountId, msg.sender);
        accounts.mint(msg.sender, accountId);
    }

    /// @inheritdoc IFuturesExchange
    function depositMargin(uint256 accountId, uint256 amount) external nonReentrant {
        // Accounts are numbered from 1 up and never burned: the ids up to the last one exist.
        if (accountId == 0 || accountId > _lastAccountId) revert ExchangeUnknownAccount(accountId);
        if (amount == 0) revert ExchangeZeroAmount();

        Account storage account = _accounts[accountId];
        int256 marginBefore = account.marginWad;
        uint256 amountWad = amount * _unit;
        // A negative margin is a debt to the pool: that part of the deposit goes to the pool.
        // casting to 'uint256' is safe because it runs only when marginBefore < 0, an int128 whose negation fits
        // forge-lint: disable-next-line(unsafe-typecast)
        uint256 toPoolWad = marginBefore < 0 ? Math.min(amountWad, uint256(-marginBefore)) : 0;
        account.marginWad = (marginBefore + amountWad.toInt256()).toInt128();
        _addTotalMargin(amountWad - toPoolWad);
        // The debt paid is no longer owed: what it paid is the pool's cash now.
        if (toPoolWad != 0) totalOwedWad -= toPoolWad;
        emit MarginDeposited(accountId, msg.sender, amountWad);

        if (toPoolWad != 0) marginToken.safeTransferFrom(msg.sender, address(pool), toPoolWad / _unit);
        if (amountWad != toPoolWad) {
            marginToken.safeTransferFrom(msg.sender, address(this), (amountWad - toPoolWad) / _unit);
        }
    }

    /// @inheritdoc IFuturesExchange
    function withdrawMargin(uint256 accountId, uint256 amount, address to) external nonReentrant {
        _withdrawMargin(accountId, amount, to, false);
    }

    /// @inheritdoc IFuturesExchange
    function withdrawMarginAtMarks(uint256 accountId, uint256 amount, address to) external nonReentrant {
        _checkMarkRelay();
        _withdrawMargin(accountId, amount, to, true);
    }

    /* TRADING */

    /// @inheritdoc IFuturesExchange
    function trade(uint256 accountId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        nonReentrant
        returns (uint256 fillPriceWad)
    {
        return _tradeAt(accountId, marketId, sizeDeltaWad, priceLimitWad, 0);
    }

    /// @inheritdoc IFuturesExchange
    function tradeAtMark(
        uint256 accountId,
        uint256 marketId,
        int256 sizeDeltaWad,
        uint256 priceLimitWad,
        uint256 markWad
    ) external nonReentrant returns (uint256 fillPriceWad, int256 marginAfterWad) {
        _checkMarkRelay();
        // Kept for `withdrawMarginAtMarks`, which only this relay can call.
        _setRelayMark(marketId, markWad);
        fillPriceWad = _tradeAt(accountId, marketId, sizeDeltaWad, priceLimitWad, markWad);
        marginAfterWad = _accounts[accountId].marginWad;
    }

    /// @inheritdoc IFuturesExchange
    function liquidate(uint256 accountId) external nonReentrant returns (uint256 rewardWad) {
        Account storage account = _accounts[accountId];
        uint128 marketIds = account.marketIds;
        (int256 equityWad,, uint256 maintenanceWad) = _risk(accountId, 0, 0, false, true, true);
        if (equityWad >= maintenanceWad.toInt256()) {
            revert ExchangeAccountHealthy(accountId, equityWad, maintenanceWad);
        }
        // A locked account's margin is its vault position's collateral: the vault's engine
        // liquidates it, paying the keeper out of the debt's penalty (the holder alone counts,
        // so an approval cannot shield an account).
        address holder = accounts.ownerOf(accountId);
        if (isMarkRelay[holder]) revert ExchangeAccountLocked(accountId, holder);

        int256 creditWad;
        uint256 closedNotionalWad;
        for (uint256 i; i < MAX_POSITIONS; ++i) {
            uint256 marketId = marketIds.at(i);
            if (marketId == 0) break;
            Market storage m = _markets[marketId];
            int256 sizeWad = _positions[accountId][marketId].sizeWad;
            if (_isExpired(m)) {
                (int256 settledWad,, uint256 settledAtWad) = _settlePosition(accountId, marketId, m, sizeWad, true);
                creditWad += settledWad;
                closedNotionalWad += SignedMath.abs(sizeWad).mulWadUp(settledAtWad);
            } else {
                // A market without a trusted price closes at the liquidation rule's price.
                uint256 markWad = _mark(m, sizeWad);
                // Closing at any price: a sell's limit is 0, a buy's the largest price there is.
                (Fill memory fill,) =
                    _trade(accountId, marketId, m, -sizeWad, markWad, sizeWad > 0 ? 0 : type(uint256).max);
                creditWad += _credit(fill);
                closedNotionalWad += SignedMath.abs(sizeWad).mulWadUp(markWad);
            }
        }
        int256 poolFlowWad = _settleWithPool(accountId, creditWad);

        (uint256 fromMarginWad, uint256 fromPoolWad) = _takeReward(account, closedNotionalWad, poolFlowWad);
        rewardWad = fromMarginWad + fromPoolWad;
        emit Liquidated(accountId, msg.sender, equityWad, maintenanceWad, rewardWad);
        if (fromPoolWad != 0) emit LiquidationRewardFromPool(accountId, fromPoolWad);

        _movePoolFlow(poolFlowWad);
        if (fromMarginWad != 0) marginToken.safeTransfer(msg.sender, fromMarginWad / _unit);
        if (fromPoolWad != 0) pool.pay(msg.sender, fromPoolWad / _unit);
    }

    /// @inheritdoc IFuturesExchange
    function settle(uint256 accountId, uint256 marketId) external nonReentrant returns (int256 realizedPnlWad) {
        Market storage m = _market(marketId);
        if (!_isExpired(m)) revert ExchangeMarketNotExpired(marketId, m.expiry);
        int256 sizeWad = _positions[accountId][marketId].sizeWad;
        if (sizeWad == 0) revert ExchangeNoPosition(accountId, marketId);

        int256 creditWad;
        // The vault's adapter (a mark relay) settles only within a liquidation's closes.
        (creditWad, realizedPnlWad,) = _settlePosition(accountId, marketId, m, sizeWad, isMarkRelay[msg.sender]);
        // No settlement price yet: the position closed at the live mark, which only its
        // controller may choose (the vault, for a locked account); no one else can force it on
        // the holder. A view of what `_settlePosition` found; a revert undoes it all.
        if (m.settlementPriceWad == 0) _checkController(accountId);
        _movePoolFlow(_settleWithPool(accountId, creditWad));
    }

    /* VIEWS */

    /// @inheritdoc IFuturesExchange
    function equity(uint256 accountId) external view returns (int256 equityWad) {
        (equityWad,,) = _risk(accountId, 0, 0, false, false, false);
    }

    /// @inheritdoc IFuturesExchange
    function closeValue(uint256 accountId) external view returns (int256 valueWad) {
        (, valueWad) = _positionsAndValue(accountId, false, false, true);
    }

    /// @inheritdoc IFuturesExchange
    function liquidationPositions(uint256 accountId)
        external
        view
        returns (PositionView[] memory views, int256 closeValueWad)
    {
        return _positionsAndValue(accountId, true, true, true);
    }

    /// @inheritdoc IFuturesExchange
    function liquidationRisk(uint256 accountId) external view returns (int256 equityWad, uint256 maintenanceWad) {
        (equityWad,, maintenanceWad) = _risk(accountId, 0, 0, false, true, true);
    }

    /// @inheritdoc IFuturesExchange
    function liquidationCloseValue(uint256 accountId) external view returns (int256 valueWad) {
        (, valueWad) = _positionsAndValue(accountId, true, false, true);
    }

    /// @inheritdoc IFuturesExchange
    function tradersOpenPnl() external view returns (int256 pnlWad) {
        uint256 count = marketCount;
        for (uint256 marketId = 1; marketId <= count; ++marketId) {
            OpenInterest memory oi = _openInterest[marketId];
            // A market with no net size needs no price: its longs' and shorts' marks cancel.
            if (oi.netSizeWad != 0) {
                Market storage m = _markets[marketId];
                uint256 markWad = _mark(m, 0);
                // Ceiled: the pool's liability rounds up.
                pnlWad -= PositionMath.mulWadFloor(
                    -int256(oi.netSizeWad), markWad.toInt256() - _pendingIndex(m, markWad)
                );
            }
            pnlWad -= oi.sizeBasisWad;
        }
    }

    /// @inheritdoc IFuturesExchange
    function openInterest(uint256 marketId) external view returns (int256 netSizeWad, int256 sizeBasisWad) {
        OpenInterest memory oi = _openInterest[marketId];
        return (oi.netSizeWad, oi.sizeBasisWad);
    }

    /// @inheritdoc IFuturesExchange
    function requirements(uint256 accountId) external view returns (uint256 initialWad, uint256 maintenanceWad) {
        (, initialWad, maintenanceWad) = _risk(accountId, 0, 0, false, true, false);
    }

    /// @inheritdoc IFuturesExchange
    function positions(uint256 accountId) external view returns (PositionView[] memory views) {
        (views,) = _positionsAndValue(accountId, false, true, false);
    }

    /// @inheritdoc IFuturesExchange
    function position(uint256 accountId, uint256 marketId)
        external
        view
        returns (int256 sizeWad, uint256 entryPriceWad)
    {
        Position storage p = _positions[accountId][marketId];
        return (p.sizeWad, _entryPrice(p));
    }

    /// @inheritdoc IFuturesExchange
    function marginOf(uint256 accountId) external view returns (uint256) {
        return _positivePart(_accounts[accountId].marginWad);
    }

    /// @inheritdoc IFuturesExchange
    function signedMarginOf(uint256 accountId) external view returns (int256) {
        return _accounts[accountId].marginWad;
    }

    /// @inheritdoc IFuturesExchange
    function fundingOwed(uint256 accountId, uint256 marketId) external view returns (int256) {
        Position storage p = _positions[accountId][marketId];
        int256 sizeWad = p.sizeWad;
        if (sizeWad == 0) return 0;
        Market storage m = _markets[marketId];
        return PositionMath.fundingOwed(sizeWad, _pendingIndex(m, _mark(m, 0)), p.fundingIndexWad);
    }

    /// @inheritdoc IFuturesExchange
    function markPrice(uint256 marketId) external view returns (uint256) {
        return _mark(_market(marketId), 0);
    }

    /// @inheritdoc IFuturesExchange
    function quote(uint256 marketId, int256 sizeDeltaWad)
        external
        view
        returns (uint256 fillPriceWad, uint256 markPriceWad)
    {
        Market storage m = _market(marketId);
        markPriceWad = _mark(m, 0);
        (fillPriceWad,) = _fillAndFee(m, markPriceWad, sizeDeltaWad);
    }

    /// @inheritdoc IFuturesExchange
    function market(uint256 marketId) external view returns (Market memory) {
        return _market(marketId);
    }

    /// @inheritdoc IFuturesExchange
    function totalMarginWad() external view returns (uint256) {
        return _totalMarginWad;
    }

    /// @inheritdoc IFuturesExchange
    function reductionTerms(uint256 accountId, uint256 marketId)
        external
        view
        returns (int256 sizeWad, uint256 initialMarginWad, uint256 expiry)
    {
        Market storage m = _markets[marketId];
        return (_positions[accountId][marketId].sizeWad, m.params.initialMarginWad, m.expiry);
    }

    /* INTERNAL: VIEWS */

    /// @dev The account's positions as `positions` reports them (when `withViews`) and its close
    ///      value (`closeValue`, when `withValue`); `forLiquidation`, each market at its
    ///      liquidation price (`_livePrice`): one oracle read per market for both.
    function _positionsAndValue(uint256 accountId, bool forLiquidation, bool withViews, bool withValue)
        private
        view
        returns (PositionView[] memory views, int256 valueWad)
    {
        Account storage account = _accounts[accountId];
        uint128 marketIds = account.marketIds;
        if (withViews) views = new PositionView[](marketIds.length());
        for (uint256 i; i < MAX_POSITIONS; ++i) {
            uint256 marketId = marketIds.at(i);
            if (marketId == 0) break;
            Market storage m = _markets[marketId];
            Position storage p = _positions[accountId][marketId];
            int256 sizeWad = p.sizeWad;
            uint256 markWad = _mark(m, forLiquidation ? sizeWad : int256(0));
            int256 indexWad = _pendingIndex(m, markWad);
            if (withViews) _fillView(views[i], marketId, p, markWad, indexWad);
            if (withValue) valueWad += _closePnl(m, sizeWad, markWad, indexWad + p.basisWad);
        }
        if (!withValue) return (views, 0);
        int256 marginWad = account.marginWad;
        valueWad += marginWad;
        // What the pool would have to pay (the profit past any debt) counts only up to its cash,
        // as `_settleWithPool` cuts it.
        uint256 owedWad = _positivePart(valueWad) - Math.min(_positivePart(valueWad), _positivePart(marginWad));
        uint256 cashWad = _poolCash() * _unit;
        if (owedWad > cashWad) valueWad -= (owedWad - cashWad).toInt256();
    }

    /// @dev Writes position `p` of market `marketId` at `markWad` (the funding index now
    ///      `indexWad`) into `view_`.
    function _fillView(
        PositionView memory view_,
        uint256 marketId,
        Position storage p,
        uint256 markWad,
        int256 indexWad
    ) private view {
        int256 sizeWad = p.sizeWad;
        view_.marketId = marketId;
        view_.sizeWad = sizeWad;
        view_.entryPriceWad = _entryPrice(p);
        view_.markPriceWad = markWad;
        view_.unrealizedPnlWad = PositionMath.pnl(sizeWad, view_.entryPriceWad, markWad);
        view_.fundingOwedWad = PositionMath.fundingOwed(sizeWad, indexWad, p.fundingIndexWad);
    }

    /// @dev What closing a position of `sizeWad` at `markWad` adds to its margin, as a close
    ///      settles it: PnL at the fill less funding owed (`offsetWad` is the funding index now
    ///      plus the position's basis), floored to a whole unit, less the fee, ceiled to one. An
    ///      expired position settles at the mark without impact or fee; any other closes in one
    ///      fill, as `liquidate` would close it.
    function _closePnl(Market storage m, int256 sizeWad, uint256 markWad, int256 offsetWad)
        private
        view
        returns (int256)
    {
        (uint256 fillPriceWad, uint256 feeWad) = _isExpired(m) ? (markWad, 0) : _fillAndFee(m, markWad, -sizeWad);
        return PositionMath.floorToUnit(PositionMath.mulWadFloor(sizeWad, fillPriceWad.toInt256() - offsetWad), _unit)
            - PositionMath.ceilToUnit(feeWad, _unit).toInt256();
    }

    /* INTERNAL: ENTRY POINTS */

    /// @dev `trade` and `tradeAtMark`: the market's mark is `knownMarkWad`, or read when 0.
    function _tradeAt(
        uint256 accountId,
        uint256 marketId,
        int256 sizeDeltaWad,
        uint256 priceLimitWad,
        uint256 knownMarkWad
    ) private returns (uint256 fillPriceWad) {
        _checkController(accountId);
        if (sizeDeltaWad == 0) revert ExchangeZeroAmount();
        // Sizes are stored in 128 bits: SafeCast's error refuses a larger delta before the
        // notional arithmetic could overflow on it.
        sizeDeltaWad = sizeDeltaWad.toInt128();
        Market storage m = _market(marketId);
        _checkNotExpired(marketId, m);

        uint256 markWad = knownMarkWad != 0 ? knownMarkWad : oracle.priceWad(m.asset);
        Fill memory fill;
        (fill, fillPriceWad) = _trade(accountId, marketId, m, sizeDeltaWad, markWad, priceLimitWad);
        int256 poolFlowWad = _settleWithPool(accountId, _credit(fill));
        if (_addsRisk(fill.oldSizeWad, fill.newSizeWad)) {
            _checkInitialMargin(accountId, marketId, markWad, false);
        }
        // A relay's trades at its marks are a liquidation's closes, which no size stops.
        if (knownMarkWad == 0) _checkPositionSize(marketId, fill.newSizeWad, markWad);

        _movePoolFlow(poolFlowWad);
    }

    /// @dev Refuses a trade that leaves a position (`newSizeWad`, not 0) worth less than the
    ///      market's minimum notional at `markWad` (rounded up, as the requirements are): its
    ///      maintenance margin would not cover the minimum liquidation reward, which the pool
    ///      would then pay for it. Closing the whole position is always allowed.
    function _checkPositionSize(uint256 marketId, int256 newSizeWad, uint256 markWad) private view {
        if (newSizeWad == 0) return;
        uint256 minNotionalWad = minPositionNotionalWad[marketId];
        uint256 notionalWad = SignedMath.abs(newSizeWad).mulWadUp(markWad);
        if (notionalWad < minNotionalWad) revert ExchangePositionTooSmall(marketId, notionalWad, minNotionalWad);
    }

    /// @dev `withdrawMargin` and `withdrawMarginAtMarks`: positions valued at the relay's marks
    ///      where `atRelayMarks` and it passed one.
    function _withdrawMargin(uint256 accountId, uint256 amount, address to, bool atRelayMarks) private {
        _checkController(accountId);
        if (amount == 0) revert ExchangeZeroAmount();
        if (to == address(0)) revert ExchangeZeroAddress();

        Account storage account = _accounts[accountId];
        int256 marginWad = account.marginWad;
        // Margin is stored in 128 bits: SafeCast's error refuses more before the product could overflow.
        uint256 amountWad = amount.toUint128() * _unit;
        if (marginWad < amountWad.toInt256()) revert ExchangeWithdrawalExceedsMargin(accountId, amountWad, marginWad);
        // casting to 'int256'/'int128' is safe because amountWad < 2^188 and 0 <= amountWad <= marginWad, an int128
        // forge-lint: disable-next-line(unsafe-typecast)
        account.marginWad = int128(marginWad - int256(amountWad));
        _subTotalMargin(amountWad);
        _checkInitialMargin(accountId, 0, 0, atRelayMarks);
        emit MarginWithdrawn(accountId, to, amountWad);

        marginToken.safeTransfer(to, amount);
    }

    /* INTERNAL: POSITIONS */

    /// @dev Moves the position of `accountId` in `marketId` by `sizeDeltaWad` at `fillPriceWad`,
    ///      charging `feeWad`: accrues the market's funding at `markWad`, settles what the old
    ///      position owed in funding, realises the PnL of any reduced part, and stores the result.
    ///      Margin is left to the caller (`_credit`, then `_settleWithPool`).
    function _execute(
        uint256 accountId,
        uint256 marketId,
        Market storage m,
        int256 sizeDeltaWad,
        uint256 fillPriceWad,
        uint256 markWad,
        uint256 feeWad
    ) private returns (Fill memory fill) {
        int256 indexWad = _accrue(m, markWad);
        Position storage p = _positions[accountId][marketId];
        int256 oldSizeWad = p.sizeWad;
        uint256 entryWad = _entryPrice(p);
        int256 newSizeWad = oldSizeWad + sizeDeltaWad;
        // The old position's term leaves the market's sum, the new one's joins it: one write.
        fill.sizeBasisDeltaWad = -PositionMath.mulWadFloor(oldSizeWad, p.basisWad);

        fill.oldSizeWad = oldSizeWad;
        fill.newSizeWad = newSizeWad;
        fill.feeWad = PositionMath.ceilToUnit(feeWad, _unit);
        fill.fundingPaidWad =
            -PositionMath.floorToUnit(-PositionMath.fundingOwed(oldSizeWad, indexWad, p.fundingIndexWad), _unit);

        if (oldSizeWad == 0 || (oldSizeWad > 0) == (sizeDeltaWad > 0)) {
            entryWad = PositionMath.averageEntry(oldSizeWad, entryWad, sizeDeltaWad, fillPriceWad);
        } else {
            // The part of the old position this trade closes: all of it on a close or a flip.
            int256 closedWad = SignedMath.abs(sizeDeltaWad) < SignedMath.abs(oldSizeWad) ? -sizeDeltaWad : oldSizeWad;
            fill.realizedPnlWad = PositionMath.floorToUnit(PositionMath.pnl(closedWad, entryWad, fillPriceWad), _unit);
            if (newSizeWad != 0 && (newSizeWad > 0) != (oldSizeWad > 0)) entryWad = fillPriceWad;
        }

        if (newSizeWad == 0) {
            delete _positions[accountId][marketId];
            Account storage account = _accounts[accountId];
            account.marketIds = account.marketIds.remove(marketId);
        } else {
            if (oldSizeWad == 0) _addMarketId(accountId, marketId);
            p.sizeWad = newSizeWad.toInt128();
            int256 basisWad = entryWad.toInt256() - indexWad;
            p.basisWad = basisWad.toInt128();
            // casting to 'int104' is safe because _accrue returns the stored int104 or what it stored via toInt104
            // forge-lint: disable-next-line(unsafe-typecast)
            p.fundingIndexWad = int104(indexWad);
            fill.sizeBasisDeltaWad += PositionMath.mulWadFloor(newSizeWad, basisWad);
        }
        _moveOpenInterest(marketId, sizeDeltaWad, fill.sizeBasisDeltaWad);
    }

    /// @dev Adds `sizeDeltaWad` to the market's net open size and `sizeBasisDeltaWad` to its
    ///      Σ size × basis.
    function _moveOpenInterest(uint256 marketId, int256 sizeDeltaWad, int256 sizeBasisDeltaWad) private {
        OpenInterest memory oi = _openInterest[marketId];
        // One write of the slot, not one per field.
        _openInterest[marketId] = OpenInterest(
            (oi.netSizeWad + sizeDeltaWad).toInt128(), (oi.sizeBasisWad + sizeBasisDeltaWad).toInt120(), true
        );
    }

    /// @dev Trades `sizeDeltaWad` at `markWad` moved by the market's impact, charging the taker
    ///      fee, if the fill is no worse than `priceLimitWad`.
    function _trade(
        uint256 accountId,
        uint256 marketId,
        Market storage m,
        int256 sizeDeltaWad,
        uint256 markWad,
        uint256 priceLimitWad
    ) private returns (Fill memory fill, uint256 fillPriceWad) {
        uint256 feeWad;
        (fillPriceWad, feeWad) = _fillAndFee(m, markWad, sizeDeltaWad);
        if (sizeDeltaWad > 0 ? fillPriceWad > priceLimitWad : fillPriceWad < priceLimitWad) {
            revert ExchangePriceLimitExceeded(fillPriceWad, priceLimitWad);
        }
        fill = _execute(accountId, marketId, m, sizeDeltaWad, fillPriceWad, markWad, feeWad);
        emit Traded(
            accountId,
            marketId,
            sizeDeltaWad,
            fill.newSizeWad,
            fillPriceWad,
            markWad,
            fill.feeWad,
            fill.realizedPnlWad,
            fill.fundingPaidWad
        );
    }

    /// @dev Takes a liquidation's reward, in whole token units rounded down, out of the margin
    ///      left: `liquidationRewardWad` of the notional closed, at least the minimum reward.
    ///      With every position closed, `_settleWithPool` wrote off any debt, so the margin is
    ///      not negative. What the margin cannot pay of the minimum, the pool pays, out of the
    ///      cash it has once `poolFlowWad` has moved.
    function _takeReward(Account storage account, uint256 closedNotionalWad, int256 poolFlowWad)
        private
        returns (uint256 fromMarginWad, uint256 fromPoolWad)
    {
        int256 marginWad = account.marginWad;
        uint256 minRewardWad = minLiquidationRewardWad;
        minRewardWad -= minRewardWad % _unit;
        fromMarginWad = closedNotionalWad.mulWadDown(liquidationRewardWad);
        // casting to 'uint256' is safe because marginWad >= 0: all positions closed, _settleWithPool wrote any debt off
        // forge-lint: disable-next-line(unsafe-typecast)
        fromMarginWad = Math.min(Math.max(fromMarginWad - fromMarginWad % _unit, minRewardWad), uint256(marginWad));
        if (fromMarginWad < minRewardWad) {
            // casting to 'uint256' is safe because _settleWithPool capped poolFlowWad at this same cash, so it is >= 0
            // forge-lint: disable-next-line(unsafe-typecast)
            uint256 cashLeftWad = uint256((_poolCash() * _unit).toInt256() - poolFlowWad);
            fromPoolWad = Math.min(minRewardWad - fromMarginWad, cashLeftWad);
        }
        // casting to 'int256'/'int128' is safe because 0 <= fromMarginWad <= marginWad (the min above), an int128 >= 0
        // forge-lint: disable-next-line(unsafe-typecast)
        account.marginWad = int128(marginWad - int256(fromMarginWad));
        _subTotalMargin(fromMarginWad);
    }

    /// @dev Closes the position of `sizeWad` in the expired dated market `marketId` at its
    ///      settlement price (fixing it first if the rule can), without impact or fee; before
    ///      the settlement price can be fixed, at the live mark (`_fixSettlementPrice`), or, for
    ///      a liquidation (`forLiquidation`), at the liquidation price (`_livePrice`).
    /// @return creditWad What the account is owed (negative: owes), for `_settleWithPool`.
    /// @return realizedPnlWad The PnL realised, as moved.
    /// @return priceWad The price the position closed at.
    function _settlePosition(uint256 accountId, uint256 marketId, Market storage m, int256 sizeWad, bool forLiquidation)
        private
        returns (int256 creditWad, int256 realizedPnlWad, uint256 priceWad)
    {
        priceWad = m.settlementPriceWad;
        if (priceWad == 0) priceWad = _fixSettlementPrice(marketId, m, forLiquidation ? sizeWad : int256(0));
        Fill memory fill = _execute(accountId, marketId, m, -sizeWad, priceWad, priceWad, 0);
        creditWad = _credit(fill);
        realizedPnlWad = fill.realizedPnlWad;
        emit PositionSettled(accountId, marketId, sizeWad, priceWad, realizedPnlWad, fill.fundingPaidWad);
    }

    /// @dev Fixes the settlement price of an expired dated market by the rule, whoever calls and
    ///      whenever: the hub's first round at or after expiry that it would have trusted as the
    ///      latest (a round the breaker refused passed over for the next trusted one), and
    ///      returns it. Until that round exists, fixes nothing and returns the live mark (the
    ///      hub's trusted latest price, reverting when it is not trusted; the liquidation price
    ///      for a liquidation's `ruleSizeWad`, see `_livePrice`): the caller settles that one
    ///      position there, so nothing holding the market waits to be liquidated.
    function _fixSettlementPrice(uint256 marketId, Market storage m, int256 ruleSizeWad)
        private
        returns (uint256 priceWad)
    {
        (priceWad,,) = oracle.firstTrustedPriceWadSince(m.asset, m.expiry);
        if (priceWad == 0) return _livePrice(m, ruleSizeWad);

        // Funding stops at expiry: accrue the last stretch before the price is fixed.
        _accrue(m, priceWad);
        m.settlementPriceWad = priceWad.toUint128();
        emit SettlementPriceFixed(marketId, priceWad);
    }

    /// @dev The position's entry price: its basis plus the funding index it last settled at.
    function _entryPrice(Position storage p) private view returns (uint256) {
        return (int256(p.basisWad) + p.fundingIndexWad).toUint256();
    }

    function _addMarketId(uint256 accountId, uint256 marketId) private {
        Account storage account = _accounts[accountId];
        uint128 marketIds = account.marketIds;
        if (marketIds.length() == MAX_POSITIONS) revert ExchangeTooManyPositions(accountId, MAX_POSITIONS);
        account.marketIds = marketIds.add(marketId);
    }

    /// @dev The fill price of `sizeDeltaWad` at `markWad` with the market's impact, and the
    ///      taker fee on its notional at that fill, rounded up.
    function _fillAndFee(Market storage m, uint256 markWad, int256 sizeDeltaWad)
        private
        view
        returns (uint256 fillPriceWad, uint256 feeWad)
    {
        MarketParams memory params = m.params;
        fillPriceWad = PositionMath.fillPrice(markWad, sizeDeltaWad, params.impactWad, MAX_IMPACT_WAD);
        feeWad = SignedMath.abs(sizeDeltaWad).mulWadUp(fillPriceWad).mulWadUp(params.takerFeeWad);
    }

    /// @dev What a fill credits the account: realised PnL − fee − funding paid.
    function _credit(Fill memory fill) private pure returns (int256) {
        return fill.realizedPnlWad - fill.feeWad.toInt256() - fill.fundingPaidWad;
    }

    /// @dev A trade adds risk when it opens, grows or flips a position.
    function _addsRisk(int256 oldSizeWad, int256 newSizeWad) private pure returns (bool) {
        if (newSizeWad == 0) return false;
        return oldSizeWad == 0 || (oldSizeWad > 0) != (newSizeWad > 0)
            || SignedMath.abs(newSizeWad) > SignedMath.abs(oldSizeWad);
    }

    /* INTERNAL: MARGIN AND POOL */

    /// @dev Applies `creditWad` (a whole number of token units, negative when the account owes)
    ///      to the account's margin, against the pool. The margin token this contract holds is
    ///      the sum of positive margins, so the pool receives what the positive part of the
    ///      margin loses and pays what it gains — the latter cut to what the pool holds. A debt
    ///      left on an account with no positions is written off.
    /// @return poolFlowWad What the pool must pay this contract (negative: receive from it),
    ///         for `_movePoolFlow` once the state is written.
    function _settleWithPool(uint256 accountId, int256 creditWad) private returns (int256 poolFlowWad) {
        Account storage account = _accounts[accountId];
        int256 marginBeforeWad = account.marginWad;
        int256 marginAfterWad = marginBeforeWad + creditWad;
        uint256 heldBeforeWad = _positivePart(marginBeforeWad);
        uint256 heldAfterWad = _positivePart(marginAfterWad);

        uint256 owedWad;
        uint256 paidWad;
        if (heldAfterWad > heldBeforeWad) {
            owedWad = heldAfterWad - heldBeforeWad;
            paidWad = Math.min(owedWad, _poolCash() * _unit);
            // The pool pays what it holds; the rest of the profit is not created.
            marginAfterWad -= (owedWad - paidWad).toInt256();
            _addTotalMargin(paidWad);
            poolFlowWad = paidWad.toInt256();
        } else {
            _subTotalMargin(heldBeforeWad - heldAfterWad);
            poolFlowWad = -(heldBeforeWad - heldAfterWad).toInt256();
        }
        bool writeOff = marginAfterWad < 0 && account.marketIds == 0;
        account.marginWad = writeOff ? int128(0) : marginAfterWad.toInt128();
        // The debts to the pool follow the margin below zero (a write-off leaves none).
        uint256 owedBeforeWad = _negativePart(marginBeforeWad);
        uint256 owedAfterWad = writeOff ? 0 : _negativePart(marginAfterWad);
        if (owedAfterWad != owedBeforeWad) totalOwedWad = totalOwedWad + owedAfterWad - owedBeforeWad;

        if (paidWad < owedWad) emit PoolShortfall(accountId, owedWad, paidWad);
        // casting to 'uint256' is safe because writeOff implies marginAfterWad < 0, and the negation is checked
        // forge-lint: disable-next-line(unsafe-typecast)
        if (writeOff) emit BadDebtWrittenOff(accountId, uint256(-marginAfterWad));
    }

    /// @dev The stablecoin the pool holds: what it can pay now (its `totalAssets` also marks
    ///      traders' open PnL).
    function _poolCash() private view returns (uint256) {
        return pool.cash();
    }

    /// @dev Adds `amountWad` to the total margin; reverts past 96 bits.
    function _addTotalMargin(uint256 amountWad) private {
        _totalMarginWad = SafeCast.toUint96(uint256(_totalMarginWad) + amountWad);
    }

    /// @dev `amountWad` is at most the total: every caller takes off margin it counted in.
    function _subTotalMargin(uint256 amountWad) private {
        // casting to 'uint96' is safe because the checked difference is at most the stored uint96 _totalMarginWad
        // forge-lint: disable-next-line(unsafe-typecast)
        _totalMarginWad = uint96(uint256(_totalMarginWad) - amountWad);
    }

    /// @dev Moves `poolFlowWad` (whole token units) between the pool and this contract.
    function _movePoolFlow(int256 poolFlowWad) private {
        // casting to 'uint256' is safe because the branch runs only when poolFlowWad > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        if (poolFlowWad > 0) pool.pay(address(this), uint256(poolFlowWad) / _unit);
        // casting to 'uint256' is safe because the branch runs only when poolFlowWad < 0, and the negation is checked
        // forge-lint: disable-next-line(unsafe-typecast)
        else if (poolFlowWad < 0) marginToken.safeTransfer(address(pool), uint256(-poolFlowWad) / _unit);
    }

    /// @dev Reverts unless the account's equity covers its initial requirement. Positions of
    ///      `knownMarketId` are valued at `knownPriceWad` (a price the caller already read), and
    ///      `atRelayMarks`, those of a market the mark relay passed a mark for at that mark.
    function _checkInitialMargin(uint256 accountId, uint256 knownMarketId, uint256 knownPriceWad, bool atRelayMarks)
        private
        view
    {
        if (_accounts[accountId].marketIds == 0) return;
        (int256 equityWad, uint256 initialWad,) =
            _risk(accountId, knownMarketId, knownPriceWad, atRelayMarks, true, false);
        if (equityWad < initialWad.toInt256()) revert ExchangeInsufficientMargin(accountId, equityWad, initialWad);
    }

    /// @dev Equity, and when `withRequirements` the initial and maintenance requirements, of an
    ///      account: one oracle read per market it holds (none for `knownMarketId`, nor, when
    ///      `atRelayMarks`, for a market the mark relay passed a mark for); `forLiquidation`, each
    ///      market at its liquidation price (`_livePrice`).
    function _risk(
        uint256 accountId,
        uint256 knownMarketId,
        uint256 knownPriceWad,
        bool atRelayMarks,
        bool withRequirements,
        bool forLiquidation
    ) private view returns (int256 equityWad, uint256 initialWad, uint256 maintenanceWad) {
        uint128 marketIds = _accounts[accountId].marketIds;
        equityWad = _accounts[accountId].marginWad;
        for (uint256 i; i < MAX_POSITIONS; ++i) {
            uint256 marketId = marketIds.at(i);
            if (marketId == 0) break;
            Market storage m = _markets[marketId];
            Position storage p = _positions[accountId][marketId];
            int256 sizeWad = p.sizeWad;
            uint256 priceWad = marketId == knownMarketId
                ? knownPriceWad
                : _priceOf(marketId, m, atRelayMarks, forLiquidation ? sizeWad : int256(0));

            // PnL less funding owed, in one rounding (floored): size × (mark − index − basis).
            equityWad += PositionMath.mulWadFloor(
                sizeWad, priceWad.toInt256() - _pendingIndex(m, priceWad) - p.basisWad
            );
            if (withRequirements) {
                MarketParams memory params = m.params;
                uint256 notionalWad = SignedMath.abs(sizeWad).mulWadUp(priceWad);
                initialWad += notionalWad.mulWadUp(params.initialMarginWad);
                maintenanceWad += notionalWad.mulWadUp(params.maintenanceMarginWad);
            }
        }
    }

    /* INTERNAL: MARKETS */

    /// @dev Accrues the market's funding index up to now (up to expiry for a dated market) at
    ///      `priceWad`, and returns it. At a zero rate the index cannot move, so nothing is
    ///      written (a touch costs the same whenever it comes); `setFundingRate` stamps the time.
    function _accrue(Market storage m, uint256 priceWad) private returns (int256 indexWad) {
        uint256 until = _fundingEnd(m);
        uint256 last = m.lastFundingUpdate;
        indexWad = m.fundingIndexWad;
        if (until <= last || m.fundingRatePerSecondWad == 0) return indexWad;

        indexWad = PositionMath.accruedIndex(indexWad, priceWad, m.fundingRatePerSecondWad, until - last);
        m.fundingIndexWad = indexWad.toInt104();
        // casting to 'uint40' is safe because until is a uint40 expiry or block.timestamp, < 2^40 until the year 36812
        // forge-lint: disable-next-line(unsafe-typecast)
        m.lastFundingUpdate = uint40(until);
    }

    /// @dev The funding index `_accrue` would store now.
    function _pendingIndex(Market storage m, uint256 priceWad) private view returns (int256) {
        uint256 until = _fundingEnd(m);
        uint256 last = m.lastFundingUpdate;
        int256 indexWad = m.fundingIndexWad;
        if (until <= last || m.fundingRatePerSecondWad == 0) return indexWad;
        return PositionMath.accruedIndex(indexWad, priceWad, m.fundingRatePerSecondWad, until - last);
    }

    /// @dev Funding accrues until now, or until expiry for a dated market.
    function _fundingEnd(Market storage m) private view returns (uint256) {
        uint256 expiry = m.expiry;
        return expiry != 0 && expiry < block.timestamp ? expiry : block.timestamp;
    }

    /// @dev The mark price: an expired dated market's settlement price once the rule can fix it
    ///      (stored or not yet: the price it will settle at), else the live price (`_livePrice`:
    ///      the oracle's, or for a liquidation's `ruleSizeWad` the liquidation price).
    function _mark(Market storage m, int256 ruleSizeWad) private view returns (uint256) {
        if (m.expiry != 0) {
            uint256 settlementPriceWad = m.settlementPriceWad;
            if (settlementPriceWad != 0) return settlementPriceWad;
            if (_isExpired(m)) {
                (settlementPriceWad,,) = oracle.firstTrustedPriceWadSince(m.asset, m.expiry);
                if (settlementPriceWad != 0) return settlementPriceWad;
            }
        }
        return _livePrice(m, ruleSizeWad);
    }

    /// @dev The hub's trusted price of the market's asset, reverting with the hub's reason when
    ///      it does not trust it. For a liquidation, `ruleSizeWad` is the size of the position to
    ///      value or close (0 otherwise), and an untrusted price gives way to the liquidation
    ///      rule's: the hub's last trusted price (`lastTrustedPriceWad`) moved against the holder
    ///      by the market's maintenance margin fraction, a long's rounded down, a short's up. Only
    ///      when the hub trusted no round at all does it revert (with the hub's reason).
    function _livePrice(Market storage m, int256 ruleSizeWad) private view returns (uint256 priceWad) {
        bytes32 asset = m.asset;
        if (ruleSizeWad == 0) return oracle.priceWad(asset);
        IOracleHub.PriceStatus status;
        (priceWad,, status) = oracle.peekPriceWad(asset);
        // A price the hub trusts from its fallback is as good as the primary's.
        if (status == IOracleHub.PriceStatus.Ok || status == IOracleHub.PriceStatus.Fallback) return priceWad;
        (priceWad,,) = oracle.lastTrustedPriceWad(asset);
        if (priceWad == 0) return oracle.priceWad(asset);
        uint256 maintenanceWad = m.params.maintenanceMarginWad;
        return ruleSizeWad > 0 ? priceWad.mulWadDown(WAD - maintenanceWad) : priceWad.mulWadUp(WAD + maintenanceWad);
    }

    /// @dev The mark of `marketId`: when `atRelayMarks`, the one the mark relay passed in this
    ///      transaction if any (see `withdrawMarginAtMarks`), else `_mark` (with `ruleSizeWad`).
    function _priceOf(uint256 marketId, Market storage m, bool atRelayMarks, int256 ruleSizeWad)
        private
        view
        returns (uint256 priceWad)
    {
        if (atRelayMarks) {
            priceWad = _relayMark(marketId);
            if (priceWad != 0) return priceWad;
        }
        return _mark(m, ruleSizeWad);
    }

    /// @dev Keeps the mark the relay passed for `marketId` until the end of the transaction.
    function _setRelayMark(uint256 marketId, uint256 markWad) private {
        bytes32 slot = _relayMarkSlot(marketId);
        assembly ("memory-safe") {
            tstore(slot, markWad)
        }
    }

    /// @dev The mark the calling relay passed for `marketId` in this transaction; 0 if none.
    function _relayMark(uint256 marketId) private view returns (uint256 markWad) {
        bytes32 slot = _relayMarkSlot(marketId);
        assembly ("memory-safe") {
            markWad := tload(slot)
        }
    }

    /// @dev Transient slots of the calling relay's marks, apart from every other relay's (one
    ///      relay never reads the marks another passed): market ids are under 2^16, so the slots
    ///      of different markets never meet, nor any other transient slot (a hash's neighbours).
    function _relayMarkSlot(uint256 marketId) private view returns (bytes32) {
        return bytes32(uint256(keccak256(abi.encode(RELAY_MARKS_SLOT, msg.sender))) + marketId);
    }

    function _isExpired(Market storage m) private view returns (bool) {
        uint256 expiry = m.expiry;
        return expiry != 0 && block.timestamp >= expiry;
    }

    function _market(uint256 marketId) private view returns (Market storage m) {
        m = _markets[marketId];
        if (m.asset == bytes32(0)) revert ExchangeUnknownMarket(marketId);
    }

    function _checkNotExpired(uint256 marketId, Market storage m) private view {
        if (_isExpired(m)) revert ExchangeMarketExpired(marketId, m.expiry);
    }

    function _checkParams(MarketParams calldata params) private pure {
        if (
            params.maintenanceMarginWad == 0 || params.maintenanceMarginWad >= params.initialMarginWad
                || params.initialMarginWad > WAD || params.takerFeeWad > MAX_FEE_WAD || params.impactWad > WAD
        ) revert ExchangeInvalidMarketParams(params);
    }

    /* INTERNAL: ACCOUNTS */

    /// @dev Reverts unless the owner trusts the caller to pass mark prices in.
    function _checkMarkRelay() private view {
        if (!isMarkRelay[msg.sender]) revert ExchangeNotMarkRelay(msg.sender);
    }

    /// @dev Reverts unless the caller owns or is approved for the account: one call to the registry.
    function _checkController(uint256 accountId) private view {
        (bool exists, bool authorized) = accounts.isController(accountId, msg.sender);
        if (!exists) revert ExchangeUnknownAccount(accountId);
        if (!authorized) revert ExchangeUnauthorized(accountId, msg.sender);
    }

    function _positivePart(int256 x) private pure returns (uint256) {
        // casting to 'uint256' is safe because the branch runs only when x > 0
        // forge-lint: disable-next-line(unsafe-typecast)
        return x > 0 ? uint256(x) : 0;
    }

    /// @dev A margin's debt: −x when x < 0 (margins are int128s, so the negation fits), else 0.
    function _negativePart(int256 x) private pure returns (uint256) {
        // casting to 'uint256' is safe because the branch runs only when x < 0, an int128 whose negation fits
        // forge-lint: disable-next-line(unsafe-typecast)
        return x < 0 ? uint256(-x) : 0;
    }
}
