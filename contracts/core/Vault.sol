// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * Vault: the collateralized debt positions. It holds each position's spot BTC and, through its
 * futures adapter behind the collateral port (`FuturesCollateral`, which it deploys), a locked
 * futures account; values them against the synth debt at oracle prices, grows the debt by the
 * stability fee, and lets nothing add risk that would leave a position under its minting ratio.
 */

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

import {IFuturesCollateral} from "../../interfaces/collateral/IFuturesCollateral.sol";
import {IFuturesAccounts} from "../../interfaces/venue/IFuturesAccounts.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {FuturesCollateral} from "../collateral/FuturesCollateral.sol";
import {CollateralMath} from "../libraries/CollateralMath.sol";
import {RateMath} from "../libraries/RateMath.sol";
import {WadMath} from "../libraries/WadMath.sol";
import {ONE_PERCENT_WAD, WAD} from "../libraries/Units.sol";

uint256 constant MAX_MINTING_RATIO_WAD = 1000 * ONE_PERCENT_WAD;
uint256 constant MAX_LIQUIDATION_PENALTY_WAD = 50 * ONE_PERCENT_WAD;
uint256 constant MAX_STABILITY_FEE_WAD = 100 * ONE_PERCENT_WAD;
/// @dev The largest shock of an asset: a one-round move of half the price.
uint256 constant MAX_SHOCK_WAD = 50 * ONE_PERCENT_WAD;
/// @dev Debt ceilings and minimum debts are stored in 96 bits: 79 billion whole synth units.
uint256 constant MAX_DEBT = type(uint96).max;
uint256 constant MAX_SYNTHS = type(uint8).max;
/// @dev The bound on a synth's rate index that write-offs respect (1e9 in WAD): a write-off that
///      would lift the index past it is recorded as bad debt instead. Only the stability fee grows
///      the index past it, and slowly: at the maximum fee (100% a year, compounded every second:
///      e-fold a year, `RateMath`), from 1e27 to 2^128 ≈ 3.4e38 is a factor 3.4e11 = e^26.5, more
///      than 26 years of the maximum fee without a pause; the accrual's casts are checked, so it
///      would then revert, never wrap. (From the starting index of 1e18, the fee alone needs 47
///      such years to reach the bound's 2^128.)
uint256 constant MAX_RATE_INDEX_WAD = 1e27;

contract Vault is IVault, Ownable2Step, ReentrancyGuardTransient {
    using WadMath for uint256;
    using SafeERC20 for IERC20Metadata;
    using EnumerableSet for EnumerableSet.UintSet;

    /* STORAGE */

    /// @dev A position in two slots: who owns it and its account, then its debt and spot (a
    ///      liquidation reads both, cold). `debtShares` < 2^96 because a synth's total debt is
    ///      under its 96-bit ceiling and the rate index is at least 1; `spotAmount` fits 128 bits
    ///      for any real token supply; the exchange numbers accounts from 1 up, so 80 bits hold
    ///      any account id it will ever mint (`lock` checks the cast).
    struct Position {
        address owner;
        uint8 synthId;
        bool hasAccount;
        uint80 accountId;
        uint128 debtShares;
        uint128 spotAmount;
    }

    /// @dev A synth in four slots, ordered so that a mint reads the first three and writes only
    ///      the second (index, shares and accrual time together); the liquidation parameters and
    ///      the bad debt sit in the fourth, which a mint never reads. The shutdown flag shares the
    ///      first slot with the token, which every hot path reads anyway. The asset id is the token's immutable
    ///      `asset()`: reading it also warms the token for the mint that follows, cheaper than a
    ///      slot of its own. Ratios and fees are at most 10 WAD, so 64 bits hold them; total
    ///      debt shares are under the 96-bit ceiling (the index is at least 1); `lastAccrual` is
    ///      a timestamp in 32 bits (until 2106); the rate index starts at 1 WAD, write-offs never
    ///      lift it past `MAX_RATE_INDEX_WAD` and the fee takes over 26 years at its maximum to
    ///      carry it from there past 2^128 (the accrual's casts are checked); bad debt is under the
    ///      96-bit ceiling's worth of debt written off, far inside 128 bits.
    struct Synth {
        ISyntheticToken token;
        uint64 mintingRatioWad;
        bool shutDown;
        uint128 rateIndexWad;
        uint96 totalDebtShares;
        uint32 lastAccrual;
        uint96 debtCeiling;
        uint96 minDebt;
        uint64 stabilityFeeWad;
        uint64 liquidationRatioWad;
        uint64 liquidationPenaltyWad;
        uint128 badDebt;
    }

    /// @inheritdoc IVault
    IOracleHub public immutable oracle;
    /// @inheritdoc IVault
    IFuturesExchange public immutable exchange;
    /// @inheritdoc IVault
    IFuturesCollateral public immutable futuresCollateral;
    /// @inheritdoc IVault
    IERC20Metadata public immutable spotToken;
    /// @inheritdoc IVault
    bytes32 public immutable spotAsset;
    uint8 private immutable _spotDecimals;
    /// @dev The exchange's account registry, whose tokens `lock` moves into the adapter.
    IFuturesAccounts private immutable _accounts;
    /// @dev WAD per unit of the exchange's margin token (1e12 for 6 decimals).
    uint256 private immutable _marginUnit;

    /// @inheritdoc IVault
    address public feeRecipient;
    /// @inheritdoc IVault
    address public liquidationEngine;
    /// @inheritdoc IVault
    bool public isShutdown;
    /// @inheritdoc IVault
    address public globalSettlement;
    /// @inheritdoc IVault
    uint256 public nextPositionId = 1;
    /// @inheritdoc IVault
    mapping(bytes32 asset => uint256) public shockWad;

    ISyntheticToken[] private _synthTokens;
    /// @dev A synth's id is its listing index + 1, so 0 means "not listed".
    mapping(ISyntheticToken => uint8) private _synthIdOf;
    mapping(uint256 => Synth) private _synths;
    mapping(uint256 => Position) private _positions;
    mapping(address => EnumerableSet.UintSet) private _positionsOf;

    /// @param owner_ Sets the synths' parameters, the fee recipient, the liquidation engine and the
    ///        global settlement.
    /// @param oracle_ Prices every asset.
    /// @param exchange_ The futures venue whose account tokens can be locked.
    /// @param spotToken_ The spot BTC token (at most 18 decimals).
    /// @param spotAsset_ The oracle asset id pricing the spot token, e.g. `bytes32("BTC")`.
    /// @param feeRecipient_ Receives the stability fees.
    constructor(
        address owner_,
        IOracleHub oracle_,
        IFuturesExchange exchange_,
        IERC20Metadata spotToken_,
        bytes32 spotAsset_,
        address feeRecipient_
    ) Ownable(owner_) {
        if (
            address(oracle_) == address(0) || address(exchange_) == address(0) || address(spotToken_) == address(0)
                || feeRecipient_ == address(0)
        ) revert VaultZeroAddress();
        oracle = oracle_;
        exchange = exchange_;
        spotToken = spotToken_;
        spotAsset = spotAsset_;
        _spotDecimals = spotToken_.decimals();
        // The vault deploys its own adapter: the adapter's vault is this one, immutably.
        IFuturesCollateral adapter = new FuturesCollateral(exchange_);
        futuresCollateral = adapter;
        _marginUnit = adapter.marginUnit();
        _accounts = adapter.accounts();
        feeRecipient = feeRecipient_;
    }

    /* OWNER */

    /// @inheritdoc IVault
    function listSynth(ISyntheticToken synth, SynthParams calldata params) external onlyOwner {
        if (address(synth) == address(0)) revert VaultZeroAddress();
        if (isShutdown) revert VaultShutDown();
        if (_synthIdOf[synth] != 0) revert VaultSynthAlreadyListed(synth);
        if (_synthTokens.length == MAX_SYNTHS) revert VaultTooManySynths();
        _validate(params);

        _synthTokens.push(synth);
        // Safe cast: the length is at most MAX_SYNTHS = 255 after the check above.
        uint8 synthId = uint8(_synthTokens.length);
        _synthIdOf[synth] = synthId;
        Synth storage s = _synths[synthId];
        s.token = synth;
        // casting to 'uint128' is safe because WAD is the constant 1e18 < 2^128
        // forge-lint: disable-next-line(unsafe-typecast)
        s.rateIndexWad = uint128(WAD);
        // Safe cast: timestamps fit 32 bits until 2106.
        s.lastAccrual = uint32(block.timestamp);
        emit SynthListed(synth, synth.asset());
        _storeParams(s, params);
    }

    /// @inheritdoc IVault
    function setSynthParams(ISyntheticToken synth, SynthParams calldata params) external onlyOwner {
        Synth storage s = _synths[_synthId(synth)];
        if (s.shutDown) revert VaultShutDown();
        _validate(params);
        if (
            s.mintingRatioWad == params.mintingRatioWad && s.liquidationRatioWad == params.liquidationRatioWad
                && s.liquidationPenaltyWad == params.liquidationPenaltyWad
                && s.stabilityFeeWad == params.stabilityFeeWad && s.debtCeiling == params.debtCeiling
                && s.minDebt == params.minDebt
        ) revert VaultAlreadySet();

        // The fee accrued so far is owed at the old rate.
        _accrueAndCollect(s);
        _storeParams(s, params);
    }

    /// @inheritdoc IVault
    function setShock(bytes32 asset, uint256 shockWad_) external onlyOwner {
        if (shockWad_ > MAX_SHOCK_WAD) revert VaultInvalidShock(asset, shockWad_, MAX_SHOCK_WAD);
        if (shockWad[asset] == shockWad_) revert VaultAlreadySet();
        shockWad[asset] = shockWad_;
        emit ShockSet(asset, shockWad_);
    }

    /// @inheritdoc IVault
    function setFeeRecipient(address recipient) external onlyOwner {
        if (recipient == address(0)) revert VaultZeroAddress();
        if (recipient == feeRecipient) revert VaultAlreadySet();
        // Fees accrued until now belong to the old recipient.
        for (uint256 synthId = 1; synthId <= _synthTokens.length; ++synthId) {
            _accrueAndCollect(_synths[synthId]);
        }
        feeRecipient = recipient;
        emit FeeRecipientSet(recipient);
    }

    /// @inheritdoc IVault
    function setLiquidationEngine(address engine) external onlyOwner {
        if (engine == liquidationEngine) revert VaultAlreadySet();
        liquidationEngine = engine;
        emit LiquidationEngineSet(engine);
    }

    /// @inheritdoc IVault
    function setGlobalSettlement(address settlement) external onlyOwner {
        if (settlement == globalSettlement) revert VaultAlreadySet();
        globalSettlement = settlement;
        emit GlobalSettlementSet(settlement);
    }

    /* POSITIONS */

    /// @inheritdoc IVault
    function open(ISyntheticToken synth) external returns (uint256 positionId) {
        uint8 synthId = _synthId(synth);
        if (_synths[synthId].shutDown) revert VaultShutDown();
        positionId = nextPositionId++;
        _positions[positionId] = Position({
            owner: msg.sender, synthId: synthId, hasAccount: false, accountId: 0, debtShares: 0, spotAmount: 0
        });
        _positionsOf[msg.sender].add(positionId);
        emit PositionOpened(positionId, msg.sender, synth);
    }

    /// @inheritdoc IVault
    function lock(uint256 positionId, uint256 accountId) external nonReentrant {
        Position storage p = _ownedPosition(positionId);
        if (p.hasAccount) revert VaultAccountAlreadyLocked(positionId, p.accountId);
        if (_synths[p.synthId].shutDown) revert VaultShutDown();

        p.hasAccount = true;
        p.accountId = SafeCast.toUint80(accountId);
        emit AccountLocked(positionId, accountId);

        // Pulls only from the caller into the adapter's custody: the exchange's account registry
        // reverts unless the caller owns the account and has approved the vault. The adapter
        // accepts only a transfer the vault makes.
        _accounts.safeTransferFrom(msg.sender, address(futuresCollateral), accountId);
    }

    /// @inheritdoc IVault
    function unlock(uint256 positionId) external nonReentrant {
        Position storage p = _ownedPosition(positionId);
        if (!p.hasAccount) revert VaultNoAccount(positionId);
        _requireCollateral(positionId, p, p.spotAmount, false, 0, type(uint256).max, 0);
        _releaseAccount(positionId, p);
    }

    /// @inheritdoc IVault
    function addSpot(uint256 positionId, uint256 amount) external nonReentrant {
        Position storage p = _existingPosition(positionId);
        if (amount == 0) revert VaultZeroAmount();

        // Both casts refuse what 128 bits cannot hold with SafeCast's error (the first before the sum could overflow).
        p.spotAmount = SafeCast.toUint128(p.spotAmount + SafeCast.toUint128(amount));
        emit SpotAdded(positionId, msg.sender, amount);

        spotToken.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IVault
    function removeSpot(uint256 positionId, uint256 amount, address to) external nonReentrant {
        Position storage p = _ownedPosition(positionId);
        uint256 spotAmount = _spotHeld(positionId, p, amount);
        _requireCollateral(positionId, p, spotAmount - amount, p.hasAccount, 0, type(uint256).max, 0);

        // casting to 'uint128' is safe because _spotHeld checked amount <= spotAmount, the uint128 p.spotAmount
        // forge-lint: disable-next-line(unsafe-typecast)
        p.spotAmount = uint128(spotAmount - amount);
        emit SpotRemoved(positionId, to, amount);

        _sendSpot(to, amount);
    }

    /// @inheritdoc IVault
    function mint(uint256 positionId, uint256 amount) external nonReentrant {
        Position storage p = _ownedPosition(positionId);
        if (amount == 0) revert VaultZeroAmount();
        Synth storage s = _synths[p.synthId];
        if (s.shutDown) revert VaultShutDown();
        // More than the whole ceiling can never fit, whatever else is owed: refused before the
        // share arithmetic could overflow on it (the total debt reported is at least `amount`).
        if (amount > s.debtCeiling) revert VaultDebtCeilingExceeded(s.token, amount, s.debtCeiling);
        uint256 index = _accrue(s);

        // Shares round up: the debt recorded is never less than the synth minted.
        uint256 shares = amount.divWadUp(index);
        uint256 debtShares = p.debtShares + shares;
        uint256 totalDebtShares = s.totalDebtShares + shares;
        uint256 totalDebt = totalDebtShares.mulWadUp(index);
        if (totalDebt > s.debtCeiling) revert VaultDebtCeilingExceeded(s.token, totalDebt, s.debtCeiling);
        uint256 debt = debtShares.mulWadUp(index);
        if (debt < s.minDebt) revert VaultDebtBelowMin(positionId, debt, s.minDebt);
        bool hasAccount = p.hasAccount;
        // Nothing is minted against a venue that is not active (frozen or winding down): its rule.
        if (hasAccount) futuresCollateral.requireActive();
        (uint256 collateralUsdWad, uint256 lossUsdWad) = _collateralAndLoss(p, p.spotAmount, hasAccount, 0);
        _requireMintingRatio(positionId, s, debt, collateralUsdWad, lossUsdWad, type(uint256).max, 0);

        // casting to 'uint128' is safe because debtShares <= totalDebtShares (the sum of all positions' shares) < 2^96
        // forge-lint: disable-next-line(unsafe-typecast)
        p.debtShares = uint128(debtShares);
        // casting to 'uint96' is safe because totalDebtShares <= totalDebt <= debtCeiling < 2^96 (index >= 1 WAD)
        // forge-lint: disable-next-line(unsafe-typecast)
        s.totalDebtShares = uint96(totalDebtShares);
        emit Minted(positionId, msg.sender, amount, shares);

        s.token.mint(msg.sender, amount);
    }

    /// @inheritdoc IVault
    function burn(uint256 positionId, uint256 amount) external nonReentrant returns (uint256 burned) {
        Position storage p = _existingPosition(positionId);
        Synth storage s = _synths[p.synthId];
        (burned,) = _repay(positionId, p, s, _accrue(s), amount, msg.sender, true);
        _burnSynth(s, msg.sender, burned);
    }

    /// @inheritdoc IVault
    function trade(uint256 positionId, uint256 marketId, int256 sizeDeltaWad, uint256 priceLimitWad)
        external
        nonReentrant
        returns (uint256 fillPriceWad)
    {
        Position storage p = _ownedPosition(positionId);
        if (!p.hasAccount) revert VaultNoAccount(positionId);
        if (_synths[p.synthId].shutDown) revert VaultShutDown();
        // Every trade, reducing or not, is checked: a reducing fill pays fee and impact too, and
        // one big enough took a position from 150% to 23%. Only a position already under its
        // minting ratio or its shock may trade under them, and only if its collateral does not
        // fall and its shock loss does not grow (it may cut its leverage, not shed a hedge).
        (uint256 collateralBeforeUsdWad, uint256 lossBeforeUsdWad) =
            p.debtShares == 0 ? (0, 0) : _collateralAndLoss(p, p.spotAmount, true, 0);

        fillPriceWad = futuresCollateral.trade(p.accountId, marketId, sizeDeltaWad, priceLimitWad);
        emit Traded(positionId, marketId, sizeDeltaWad, fillPriceWad);

        // Checked after the fill: the equity left depends on the exchange's fee and price
        // impact, which only the exchange can price. The whole trade reverts if it fails.
        _requireCollateral(positionId, p, p.spotAmount, true, 0, collateralBeforeUsdWad, lossBeforeUsdWad);
    }

    /// @inheritdoc IVault
    function withdrawMargin(uint256 positionId, uint256 amount, address to) external nonReentrant {
        Position storage p = _ownedPosition(positionId);
        if (!p.hasAccount) revert VaultNoAccount(positionId);
        if (amount == 0) revert VaultZeroAmount();
        uint256 accountId = p.accountId;
        // The account's equity falls by exactly the margin withdrawn, valued at $1. Margin
        // amounts fit 128 bits (the exchange stores margin in 128): SafeCast's error refuses
        // more before the product could overflow.
        _requireCollateral(
            positionId, p, p.spotAmount, true, SafeCast.toUint128(amount) * _marginUnit, type(uint256).max, 0
        );

        emit MarginWithdrawn(positionId, to, amount);
        futuresCollateral.withdrawMargin(accountId, amount, to);
    }

    /// @inheritdoc IVault
    function close(uint256 positionId) external nonReentrant {
        Position storage p = _ownedPosition(positionId);
        Synth storage s = _synths[p.synthId];
        uint256 burned;
        if (p.debtShares != 0) (burned,) = _repay(positionId, p, s, _accrue(s), type(uint256).max, msg.sender, true);
        uint256 spotAmount = p.spotAmount;
        (bool hasAccount, uint256 accountId) = (p.hasAccount, p.accountId);

        delete _positions[positionId];
        _positionsOf[msg.sender].remove(positionId);
        if (spotAmount != 0) emit SpotRemoved(positionId, msg.sender, spotAmount);
        if (hasAccount) emit AccountUnlocked(positionId, accountId, msg.sender);
        emit PositionClosed(positionId);

        if (burned != 0) _burnSynth(s, msg.sender, burned);
        if (spotAmount != 0) _sendSpot(msg.sender, spotAmount);
        if (hasAccount) futuresCollateral.release(accountId, msg.sender);
    }

    /// @inheritdoc IVault
    function accrue(ISyntheticToken synth) external nonReentrant returns (uint256 rateIndexWad, uint256 fees) {
        Synth storage s = _synths[_synthId(synth)];
        (rateIndexWad, fees) = _accrueAndCollect(s);
    }

    /* VIEWS */

    /// @inheritdoc IVault
    function synths() external view returns (ISyntheticToken[] memory) {
        return _synthTokens;
    }

    /// @inheritdoc IVault
    function synthParams(ISyntheticToken synth) external view returns (SynthParams memory) {
        Synth storage s = _synths[_synthId(synth)];
        return SynthParams({
            mintingRatioWad: s.mintingRatioWad,
            liquidationRatioWad: s.liquidationRatioWad,
            liquidationPenaltyWad: s.liquidationPenaltyWad,
            stabilityFeeWad: s.stabilityFeeWad,
            debtCeiling: s.debtCeiling,
            minDebt: s.minDebt
        });
    }

    /// @inheritdoc IVault
    function synthDebt(ISyntheticToken synth)
        external
        view
        returns (uint256 rateIndexWad, uint256 lastAccrual, uint256 totalDebtShares, uint256 totalDebt)
    {
        Synth storage s = _synths[_synthId(synth)];
        rateIndexWad = s.rateIndexWad;
        lastAccrual = s.lastAccrual;
        totalDebtShares = s.totalDebtShares;
        totalDebt = totalDebtShares.mulWadUp(_currentIndex(s));
    }

    /// @inheritdoc IVault
    function uncollectedFees(ISyntheticToken synth) external view returns (uint256) {
        Synth storage s = _synths[_synthId(synth)];
        return _uncollected(s, _currentIndex(s));
    }

    /// @inheritdoc IVault
    function position(uint256 positionId) external view returns (PositionView memory) {
        Position storage p = _existingPosition(positionId);
        Synth storage s = _synths[p.synthId];
        return PositionView({
            owner: p.owner,
            synth: s.token,
            hasAccount: p.hasAccount,
            accountId: p.accountId,
            spotAmount: p.spotAmount,
            debtShares: p.debtShares,
            debt: uint256(p.debtShares).mulWadUp(_currentIndex(s))
        });
    }

    /// @inheritdoc IVault
    function positionsOf(address owner_) external view returns (uint256[] memory) {
        return _positionsOf[owner_].values();
    }

    /* INTERNAL: DEBT */

    /// @dev Grows `s`'s rate index to this block and returns it. The fee it adds is owed to
    ///      the fee recipient and minted by `_accrueAndCollect`, outside the hot paths. No event here
    ///      (mint and burn accrue on every call): `Minted` and `Burned` carry amount and shares,
    ///      which give the index; `accrue` emits `FeeAccrued`.
    function _accrue(Synth storage s) private returns (uint256 index) {
        index = s.rateIndexWad;
        uint256 elapsed = block.timestamp - s.lastAccrual;
        if (elapsed == 0) return index;

        index = _grow(index, s.stabilityFeeWad, elapsed, s.totalDebtShares);
        // Checked casts: the index fits 128 bits for decades of the maximum fee from its bound
        // (see `MAX_RATE_INDEX_WAD`), timestamps 32 bits until 2106; past either, the accrual
        // reverts rather than wrap. One slot: the index and the accrual time are written together.
        s.rateIndexWad = SafeCast.toUint128(index);
        s.lastAccrual = SafeCast.toUint32(block.timestamp);
    }

    /// @dev Accrues `s` and mints to the fee recipient the fees not yet minted (`_uncollected`).
    function _accrueAndCollect(Synth storage s) private returns (uint256 index, uint256 fees) {
        index = _accrue(s);
        ISyntheticToken token = s.token;
        emit FeeAccrued(token, index);
        fees = _uncollected(s, index);
        if (fees == 0) return (index, 0);
        address recipient = feeRecipient;
        emit FeesCollected(token, recipient, fees);
        token.mint(recipient, fees);
    }

    /// @dev The total debt at `index`, rounded down, plus the bad debt, less the supply: what
    ///      positions owe and nobody holds. Every mint, repayment and write-off rounds for the
    ///      protocol, so that supply never exceeds the rest; should it ever, this is 0. A fee a
    ///      written-off position had accrued is in its bad debt, and stays collectable: minted, it
    ///      is synth that no position owes, which the bad debt already counts. After shutdown the
    ///      fee is stopped and nothing more is owed to the recipient (redemptions burn synth that
    ///      settled debt, not positions, backed).
    function _uncollected(Synth storage s, uint256 index) private view returns (uint256) {
        if (s.shutDown) return 0;
        uint256 owed = uint256(s.totalDebtShares).mulWadDown(index) + s.badDebt;
        uint256 supply = s.token.totalSupply();
        return owed > supply ? owed - supply : 0;
    }

    /// @dev The rate index `s` would have if accrued now.
    function _currentIndex(Synth storage s) private view returns (uint256) {
        return _grow(s.rateIndexWad, s.stabilityFeeWad, block.timestamp - s.lastAccrual, s.totalDebtShares);
    }

    /// @dev index × (1 + fee / year)^elapsed, compounded every second and rounded up
    ///      (`RateMath.grow`): the same however often it is touched. Nothing grows while nobody
    ///      owes the synth: there is no one to charge.
    function _grow(uint256 index, uint256 stabilityFeeWad, uint256 elapsed, uint256 totalDebtShares)
        private
        pure
        returns (uint256)
    {
        if (totalDebtShares == 0) return index;
        return RateMath.grow(index, stabilityFeeWad, elapsed);
    }

    /// @dev Removes up to `amount` synth units of position `positionId`'s debt at `index`; the
    ///      caller burns `burned` from `from`. A partial repayment burns shares rounded
    ///      down and, when `keepMinDebt`, must leave at least the minimum debt.
    function _repay(
        uint256 positionId,
        Position storage p,
        Synth storage s,
        uint256 index,
        uint256 amount,
        address from,
        bool keepMinDebt
    ) private returns (uint256 burned, uint256 shares) {
        uint256 debtShares = p.debtShares;
        uint256 debt = debtShares.mulWadUp(index);
        burned = Math.min(amount, debt);
        shares = _repaidShares(burned, debt, debtShares, index);
        if (keepMinDebt && burned < debt) {
            uint256 debtLeft = (debtShares - shares).mulWadUp(index);
            if (debtLeft < s.minDebt) revert VaultDebtBelowMin(positionId, debtLeft, s.minDebt);
        }
        if (burned == 0) revert VaultZeroAmount();
        _removeShares(p, s, debtShares, shares);
        emit Burned(positionId, from, burned, shares);
    }

    /// @dev The shares that repaying `amount` (at most `debt`, the position's `debtShares` at
    ///      `index`) removes: all of them for the whole debt (`>=`: the callers never pass more),
    ///      else the amount's rounded down, so
    ///      that the debt left rounds up. The one rule of every repayment.
    function _repaidShares(uint256 amount, uint256 debt, uint256 debtShares, uint256 index)
        private
        pure
        returns (uint256)
    {
        return amount >= debt ? debtShares : amount.divWadDown(index);
    }

    /// @dev Burns `amount` of `s`'s synth from `from` (the vault holds the burner role).
    function _burnSynth(Synth storage s, address from, uint256 amount) private {
        s.token.burn(from, amount);
    }

    /// @dev Takes `shares` of the position's `debtShares` off it and off the synth's total.
    function _removeShares(Position storage p, Synth storage s, uint256 debtShares, uint256 shares) private {
        // casting to 'uint128' is safe because the checked difference is <= debtShares, the uint128 p.debtShares
        // forge-lint: disable-next-line(unsafe-typecast)
        p.debtShares = uint128(debtShares - shares);
        // casting to 'uint96' is safe because shares <= p.debtShares <= s.totalDebtShares (their sum) < 2^96
        // forge-lint: disable-next-line(unsafe-typecast)
        s.totalDebtShares -= uint96(shares);
    }

    /* INTERNAL: VALUATION */

    /// @dev Collateral in USD (WAD): `spotAmount` at the BTC price plus, `withAccount`, the
    ///      locked account's value once `equityCutWad` leaves it, as the port counts it (its
    ///      venue's haircut on what stays); and its shock loss (`CollateralMath`'s rule: the
    ///      spot's alone, or the port's for the account and the spot together, with the part of
    ///      the cut the account's value cannot cover). Reads no price (and
    ///      not the account id) for what is not counted.
    function _collateralAndLoss(Position storage p, uint256 spotAmount, bool withAccount, uint256 equityCutWad)
        private
        view
        returns (uint256 collateralUsdWad, uint256 lossUsdWad)
    {
        if (spotAmount != 0) {
            collateralUsdWad = _spotUsd(spotAmount, oracle.priceWadFor(spotAsset, IOracleHub.PriceUse.Minting));
        }
        if (withAccount) {
            uint256 valueWad;
            (valueWad, lossUsdWad) =
                futuresCollateral.valueAndShockLossUsdWad(p.accountId, spotAsset, collateralUsdWad, equityCutWad);
            collateralUsdWad += valueWad;
        } else if (collateralUsdWad != 0) {
            lossUsdWad = CollateralMath.shockLossUsdWad(collateralUsdWad, shockWad[spotAsset]);
        }
    }

    /// @dev Spot credited at the BTC price, rounded down.
    function _spotUsd(uint256 spotAmount, uint256 btcPriceWad) private view returns (uint256) {
        return CollateralMath.spotUsd(spotAmount, _spotDecimals, btcPriceWad);
    }

    /// @dev Reverts unless the position's debt now, if any, is covered by its collateral and
    ///      shock loss counted as `_collateralAndLoss(p, spotAmount, withAccount, equityCutWad)`
    ///      (read only when there is debt) as `_requireMintingRatio` requires, the floors being
    ///      what they were before a trade (a position under either rule may act only if it
    ///      lowers neither; max and 0 for actions that take collateral away); after shutdown
    ///      nothing may be taken against debt (settlement sets the debt's value aside first).
    function _requireCollateral(
        uint256 positionId,
        Position storage p,
        uint256 spotAmount,
        bool withAccount,
        uint256 equityCutWad,
        uint256 floorUsdWad,
        uint256 floorLossUsdWad
    ) private view {
        uint256 debtShares = p.debtShares;
        if (debtShares == 0) return;
        Synth storage s = _synths[p.synthId];
        if (s.shutDown) revert VaultShutDown();
        (uint256 collateralUsdWad, uint256 lossUsdWad) = _collateralAndLoss(p, spotAmount, withAccount, equityCutWad);
        _requireMintingRatio(
            positionId,
            s,
            debtShares.mulWadUp(_currentIndex(s)),
            collateralUsdWad,
            lossUsdWad,
            floorUsdWad,
            floorLossUsdWad
        );
    }

    /// @dev Reverts unless, at the synth's fresh price, `collateralUsdWad` covers `debt` of `s`
    ///      at its minting ratio and, less the shock loss `lossUsdWad`, at 100%; or the
    ///      collateral is at least `floorUsdWad` and the loss at most `floorLossUsdWad`.
    function _requireMintingRatio(
        uint256 positionId,
        Synth storage s,
        uint256 debt,
        uint256 collateralUsdWad,
        uint256 lossUsdWad,
        uint256 floorUsdWad,
        uint256 floorLossUsdWad
    ) private view {
        // The synth's price is read first: even a trade the floors let through needs it fresh (its
        // market open, its sources agreeing: the hub's rule for minting).
        uint256 debtUsdWad =
            CollateralMath.debtUsd(debt, oracle.priceWadFor(s.token.asset(), IOracleHub.PriceUse.Minting));
        if (collateralUsdWad >= floorUsdWad && lossUsdWad <= floorLossUsdWad) return;
        uint256 crWad = CollateralMath.cr(collateralUsdWad, debtUsdWad);
        uint256 minCrWad = s.mintingRatioWad;
        if (crWad < minCrWad) revert VaultUndercollateralized(positionId, crWad, minCrWad);
        uint256 shockedUsdWad = CollateralMath.shockedUsd(collateralUsdWad, lossUsdWad);
        if (shockedUsdWad < debtUsdWad) revert VaultShockUndercollateralized(positionId, shockedUsdWad, debtUsdWad);
    }

    /* INTERNAL: BOOKKEEPING */

    function _synthId(ISyntheticToken synth) private view returns (uint8 synthId) {
        synthId = _synthIdOf[synth];
        if (synthId == 0) revert VaultUnknownSynth(synth);
    }

    /// @dev The position's spot, which must hold a non-zero `amount` to take.
    function _spotHeld(uint256 positionId, Position storage p, uint256 amount)
        private
        view
        returns (uint256 spotAmount)
    {
        if (amount == 0) revert VaultZeroAmount();
        spotAmount = p.spotAmount;
        if (amount > spotAmount) revert VaultInsufficientSpot(positionId, spotAmount, amount);
    }

    function _existingPosition(uint256 positionId) private view returns (Position storage p) {
        p = _positions[positionId];
        if (p.owner == address(0)) revert VaultUnknownPosition(positionId);
    }

    function _ownedPosition(uint256 positionId) private view returns (Position storage p) {
        p = _existingPosition(positionId);
        if (p.owner != msg.sender) revert VaultNotPositionOwner(positionId, msg.sender, p.owner);
    }

    /// @dev Hands the locked account back to the position's owner.
    function _releaseAccount(uint256 positionId, Position storage p) private {
        uint256 accountId = p.accountId;
        address to = p.owner;
        p.hasAccount = false;
        p.accountId = 0;
        emit AccountUnlocked(positionId, accountId, to);
        futuresCollateral.release(accountId, to);
    }

    /// @dev Sends `amount` of the spot token the vault holds to `to`.
    function _sendSpot(address to, uint256 amount) private {
        spotToken.safeTransfer(to, amount);
    }

    function _validate(SynthParams calldata params) private pure {
        uint256 penalty = params.liquidationPenaltyWad;
        if (penalty > MAX_LIQUIDATION_PENALTY_WAD) {
            revert VaultInvalidLiquidationPenalty(penalty, MAX_LIQUIDATION_PENALTY_WAD);
        }
        if (params.liquidationRatioWad < WAD + penalty) {
            revert VaultInvalidLiquidationRatio(params.liquidationRatioWad, WAD + penalty);
        }
        if (params.mintingRatioWad <= params.liquidationRatioWad || params.mintingRatioWad > MAX_MINTING_RATIO_WAD) {
            revert VaultInvalidMintingRatio(params.mintingRatioWad, params.liquidationRatioWad, MAX_MINTING_RATIO_WAD);
        }
        if (params.stabilityFeeWad > MAX_STABILITY_FEE_WAD) {
            revert VaultInvalidStabilityFee(params.stabilityFeeWad, MAX_STABILITY_FEE_WAD);
        }
        if (
            params.debtCeiling > MAX_DEBT || params.minDebt > MAX_DEBT
                || (params.debtCeiling != 0 && params.minDebt > params.debtCeiling)
        ) revert VaultInvalidDebtLimits(params.minDebt, params.debtCeiling, MAX_DEBT);
    }

    function _storeParams(Synth storage s, SynthParams calldata params) private {
        // Safe casts: `_validate` bounds the ratios and fee by 10 WAD < 2^64, the debts by 2^96.
        s.mintingRatioWad = uint64(params.mintingRatioWad);
        s.liquidationRatioWad = uint64(params.liquidationRatioWad);
        s.liquidationPenaltyWad = uint64(params.liquidationPenaltyWad);
        s.stabilityFeeWad = uint64(params.stabilityFeeWad);
        s.debtCeiling = uint96(params.debtCeiling);
        s.minDebt = uint96(params.minDebt);
        emit SynthParamsSet(
            s.token,
            params.mintingRatioWad,
            params.liquidationRatioWad,
            params.liquidationPenaltyWad,
            params.stabilityFeeWad,
            params.debtCeiling,
            params.minDebt
        );
    }

    /* LIQUIDATION */

    modifier onlyEngine() {
        _onlyEngine();
        _;
    }

    function _onlyEngine() private view {
        if (msg.sender != liquidationEngine) revert VaultNotLiquidationEngine(msg.sender);
    }

    /// @dev The hooks a settlement uses too (closing and seizing): the engine or the settlement.
    modifier onlyEngineOrSettlement() {
        _onlyEngineOrSettlement();
        _;
    }

    /// @dev The engine first: a liquidation then reads no second slot.
    function _onlyEngineOrSettlement() private view {
        if (msg.sender == liquidationEngine) return;
        if (msg.sender != globalSettlement) _onlyEngine();
    }

    modifier onlySettlement() {
        _onlySettlement();
        _;
    }

    function _onlySettlement() private view {
        if (msg.sender != globalSettlement) revert VaultNotGlobalSettlement(msg.sender);
    }

    /// @inheritdoc IVault
    function liquidationSnapshot(uint256 positionId) external view returns (LiquidationSnapshot memory snap) {
        Position storage p = _positions[positionId];
        address positionOwner = p.owner;
        if (positionOwner == address(0)) return snap;
        Synth storage s = _synths[p.synthId];
        snap.owner = positionOwner;
        snap.synth = s.token;
        // The shutdown flag shares the synth's first slot with its token: read with it, free.
        snap.shutDown = s.shutDown;

        uint256 spotAmount = p.spotAmount;
        if (spotAmount != 0) {
            snap.spotAmount = spotAmount;
            snap.spotPriceWad = oracle.priceWadFor(spotAsset, IOracleHub.PriceUse.LiquidationCollateral);
            snap.collateralUsdWad = _spotUsd(spotAmount, snap.spotPriceWad);
        }
        if (p.hasAccount) {
            snap.hasAccount = true;
            snap.accountId = p.accountId;
            // The positions rather than the equity: the engine hands them back to `closeFutures`.
            // The account counts at what closing it would fetch, as every other check counts it;
            // the equity at mark only sizes the closes.
            uint256 accountValueWad;
            (snap.futures, snap.equityWad, accountValueWad) = futuresCollateral.liquidationView(snap.accountId);
            snap.collateralUsdWad += accountValueWad;
        }
        uint256 debtShares = p.debtShares;
        if (debtShares != 0) snap.debt = debtShares.mulWadUp(_currentIndex(s));
        snap.mintingRatioWad = s.mintingRatioWad;
        snap.liquidationRatioWad = s.liquidationRatioWad;
        snap.liquidationPenaltyWad = s.liquidationPenaltyWad;
        snap.minDebt = s.minDebt;
    }

    /// @inheritdoc IVault
    function seizeSpot(uint256 positionId, uint256 amount, address to) external onlyEngineOrSettlement nonReentrant {
        Position storage p = _existingPosition(positionId);
        uint256 spotAmount = _spotHeld(positionId, p, amount);

        // casting to 'uint128' is safe because _spotHeld checked amount <= spotAmount, the uint128 p.spotAmount
        // forge-lint: disable-next-line(unsafe-typecast)
        p.spotAmount = uint128(spotAmount - amount);
        emit SpotSeized(positionId, to, amount);

        _sendSpot(to, amount);
    }

    /// @inheritdoc IVault
    function closeFutures(
        uint256 positionId,
        uint256 fractionWad,
        IFuturesExchange.PositionView[] calldata futures,
        uint256 seizeWad,
        int256 equityBeforeWad,
        address to
    )
        external
        onlyEngineOrSettlement
        nonReentrant
        returns (uint256 fractionClosedWad, bool emptied, int256 marginAfterWad, uint256 marginSeized)
    {
        Position storage p = _existingPosition(positionId);
        if (!p.hasAccount) revert VaultNoAccount(positionId);
        if (fractionWad == 0 || fractionWad > WAD) revert VaultInvalidFraction(fractionWad);
        uint256 accountId = p.accountId;
        (fractionClosedWad, emptied, marginAfterWad, marginSeized) =
            futuresCollateral.closeFutures(accountId, fractionWad, futures, seizeWad, equityBeforeWad, to);
        emit FuturesClosed(positionId, accountId, fractionClosedWad);
        if (marginSeized != 0) emit MarginSeized(positionId, to, marginSeized);
    }

    /// @inheritdoc IVault
    function seizeMargin(uint256 positionId, uint256 amount, address to) external onlyEngineOrSettlement nonReentrant {
        Position storage p = _existingPosition(positionId);
        if (!p.hasAccount) revert VaultNoAccount(positionId);
        if (amount == 0) revert VaultZeroAmount();
        emit MarginSeized(positionId, to, amount);
        futuresCollateral.seizeMargin(p.accountId, amount, to);
    }

    /// @inheritdoc IVault
    function repayFor(uint256 positionId, address from, uint256 amount, address pool, uint256 poolAmount)
        external
        onlyEngine
        nonReentrant
        returns (uint256 shares)
    {
        Position storage p = _existingPosition(positionId);
        uint256 total = amount + poolAmount;
        if (total == 0) revert VaultZeroAmount();
        Synth storage s = _synths[p.synthId];
        uint256 index = _accrue(s);
        uint256 debtShares = p.debtShares;
        uint256 debt = debtShares.mulWadUp(index);
        if (total > debt) revert VaultRepayExceedsDebt(positionId, debt, total);

        shares = _repaidShares(total, debt, debtShares, index);
        uint256 poolShares = Math.min(poolAmount.divWadDown(index), shares);
        _removeShares(p, s, debtShares, shares);
        if (poolAmount != 0) emit Burned(positionId, pool, poolAmount, poolShares);
        if (amount != 0) emit Burned(positionId, from, amount, shares - poolShares);

        if (poolAmount != 0) _burnSynth(s, pool, poolAmount);
        if (amount != 0) _burnSynth(s, from, amount);
    }

    /// @inheritdoc IVault
    function writeOff(uint256 positionId) external onlyEngine nonReentrant returns (uint256 debt) {
        Position storage p = _existingPosition(positionId);
        Synth storage s = _synths[p.synthId];
        uint256 index = _accrue(s);
        uint256 debtShares = p.debtShares;
        if (debtShares == 0) revert VaultZeroAmount();
        debt = debtShares.mulWadUp(index);
        _removeShares(p, s, debtShares, debtShares);

        // The other positions owe `debt` more in proportion to their shares: the index step
        // rounds up, so together they owe at least `debt` more. Unless nobody else owes the
        // synth, or the step would lift the index past its bound (dust as the only other debt
        // lifts it 1 + debt / dust times a round): then the debt is bad debt.
        uint256 otherShares = s.totalDebtShares;
        uint256 newIndex = otherShares == 0 ? 0 : index + Math.mulDiv(debt, WAD, otherShares, Math.Rounding.Ceil);
        if (otherShares == 0 || newIndex > MAX_RATE_INDEX_WAD) {
            uint256 bad = s.badDebt + debt;
            s.badDebt = SafeCast.toUint128(bad);
            emit BadDebtRecorded(s.token, positionId, debt, bad);
        } else {
            // casting to 'uint128' is safe because this branch has newIndex <= MAX_RATE_INDEX_WAD = 1e27 < 2^128
            // forge-lint: disable-next-line(unsafe-typecast)
            s.rateIndexWad = uint128(newIndex);
            emit DebtRedistributed(s.token, positionId, debt, newIndex);
        }
    }

    /// @inheritdoc IVault
    function shutdown() external onlySettlement nonReentrant {
        if (isShutdown) revert VaultShutDown();
        isShutdown = true;
        emit ShutDown();
        for (uint256 synthId = 1; synthId <= _synthTokens.length; ++synthId) {
            Synth storage s = _synths[synthId];
            // The fee accrued so far is owed and collected; from now on no fee accrues.
            _accrueAndCollect(s);
            s.stabilityFeeWad = 0;
            s.shutDown = true;
        }
    }

    /// @inheritdoc IVault
    function settleDebt(uint256 positionId) external onlySettlement nonReentrant returns (uint256 debt) {
        if (!isShutdown) revert VaultNotShutDown();
        Position storage p = _existingPosition(positionId);
        Synth storage s = _synths[p.synthId];
        uint256 debtShares = p.debtShares;
        if (debtShares == 0) revert VaultZeroAmount();
        // No fee accrues after shutdown: the stored index is the index now.
        debt = debtShares.mulWadUp(s.rateIndexWad);
        _removeShares(p, s, debtShares, debtShares);
        emit DebtSettled(positionId, s.token, debt);
    }

    /// @inheritdoc IVault
    function badDebt(ISyntheticToken synth) external view returns (uint256) {
        return _synths[_synthId(synth)].badDebt;
    }
}
