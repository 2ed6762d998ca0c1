// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * StabilityPool: one synth's holders stand ready to repay liquidated debt. A liquidation burns
 * from the pool's deposits instead of a keeper's inventory, and the collateral it seizes is
 * shared by the depositors pro rata (product-sum accounting, `IStabilityPool`).
 */

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {IStabilityPool} from "../../interfaces/liquidation/IStabilityPool.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";

/// @dev P = 1 (and the precision of P).
uint256 constant P_PRECISION = 1e36;
/// @dev P is multiplied by this, and the scale raised, when it would fall under `P_MIN`.
uint256 constant SCALE_FACTOR = 1e9;
uint256 constant P_MIN = P_PRECISION / SCALE_FACTOR;
/// @dev A deposit this many scales behind is worth nothing more (at most 1e-27 of what it was).
uint256 constant MAX_SCALE_SPAN = 4;

contract StabilityPool is IStabilityPool, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeERC20 for ISyntheticToken;

    /// @dev A depositor's deposit when last changed, and P, the sums, scale and epoch then.
    struct Snapshot {
        uint256 deposit;
        uint256 p;
        uint256 sSpot;
        uint256 sStable;
        uint128 scale;
        uint128 epoch;
    }

    /// @dev S for each collateral at one epoch and scale: Σ gain × P / deposits.
    struct Sums {
        uint256 spot;
        uint256 stable;
    }

    /* STORAGE */

    /// @inheritdoc IStabilityPool
    ILiquidationEngine public immutable engine;
    /// @inheritdoc IStabilityPool
    ISyntheticToken public immutable synth;
    /// @inheritdoc IStabilityPool
    IERC20 public immutable spotToken;
    /// @inheritdoc IStabilityPool
    IERC20 public immutable marginToken;

    /// @inheritdoc IStabilityPool
    uint256 public totalDeposits;

    uint256 private _p = P_PRECISION;
    uint128 private _scale;
    uint128 private _epoch;

    mapping(uint128 epoch => mapping(uint128 scale => Sums)) private _sums;
    mapping(address depositor => Snapshot) private _snapshots;

    /// @param engine_ The liquidation engine, the only caller of `offset`; the stablecoin and
    ///        the spot token are its own and its vault's.
    /// @param synth_ The synth this pool takes deposits of.
    constructor(ILiquidationEngine engine_, ISyntheticToken synth_) {
        if (address(engine_) == address(0) || address(synth_) == address(0)) revert StabilityPoolZeroAddress();
        engine = engine_;
        synth = synth_;
        spotToken = IERC20(address(engine_.vault().spotToken()));
        marginToken = engine_.marginToken();
    }

    /* DEPOSITORS */

    /// @inheritdoc IStabilityPool
    function deposit(uint256 amount) external nonReentrant {
        if (amount == 0) revert StabilityPoolZeroAmount();
        _checkNoLiquidation();
        (uint256 current, uint256 spotGain, uint256 stableGain) = _settle(msg.sender);
        uint256 depositAfter = current + amount;
        _snapshot(msg.sender, depositAfter);
        totalDeposits += amount;
        emit Deposited(msg.sender, amount, depositAfter);

        synth.safeTransferFrom(msg.sender, address(this), amount);
        _payGains(msg.sender, spotGain, stableGain);
    }

    /// @inheritdoc IStabilityPool
    function withdraw(uint256 amount) external nonReentrant returns (uint256 withdrawn) {
        _checkNoLiquidation();
        (uint256 current, uint256 spotGain, uint256 stableGain) = _settle(msg.sender);
        withdrawn = amount == type(uint256).max ? current : amount;
        if (withdrawn > current) revert StabilityPoolInsufficientDeposit(msg.sender, current, withdrawn);
        uint256 depositAfter = current - withdrawn;
        _snapshot(msg.sender, depositAfter);
        if (withdrawn != 0) {
            // The deposits owed never exceed the total (rounded down, `IStabilityPool`).
            totalDeposits -= withdrawn;
            emit Withdrawn(msg.sender, withdrawn, depositAfter);
            synth.safeTransfer(msg.sender, withdrawn);
        }
        _payGains(msg.sender, spotGain, stableGain);
    }

    /* ENGINE */

    /// @inheritdoc IStabilityPool
    function offset(uint256 burned, uint256 spotGain, uint256 stableGain) external nonReentrant {
        if (msg.sender != address(engine)) revert StabilityPoolNotEngine(msg.sender);
        uint256 total = totalDeposits;
        if (burned == 0) revert StabilityPoolZeroAmount();
        if (burned > total) revert StabilityPoolOffsetExceedsDeposits(burned, total);
        uint256 p = _p;
        uint128 scale = _scale;
        uint128 epoch = _epoch;

        // The gains per unit deposited, times P, rounded down.
        Sums storage sums = _sums[epoch][scale];
        if (spotGain != 0) sums.spot += Math.mulDiv(spotGain, p, total);
        if (stableGain != 0) sums.stable += Math.mulDiv(stableGain, p, total);

        uint256 left = total - burned;
        if (left == 0) {
            // Every deposit burned: a new epoch, in which the old deposits are worth nothing.
            ++epoch;
            scale = 0;
            p = P_PRECISION;
        } else {
            // P × left / total, rounded down; raised by 1e9 per new scale until at least P_MIN.
            // It ends: P × left >= P_MIN > 0, so each round multiplies a positive quotient's
            // numerator by 1e9. p × factor <= 1e36 × 1e9^k stays far under 2^256 for any
            // supply a synth can have (k <= 4 while total < 1e63).
            uint256 factor = 1;
            uint256 pAfter = Math.mulDiv(p, left, total);
            while (pAfter < P_MIN) {
                factor *= SCALE_FACTOR;
                ++scale;
                pAfter = Math.mulDiv(p * factor, left, total);
            }
            p = pAfter;
        }
        (_p, _scale, _epoch, totalDeposits) = (p, scale, epoch, left);
        emit Offset(burned, spotGain, stableGain, p, scale, epoch);
    }

    /* VIEWS */

    /// @inheritdoc IStabilityPool
    function product() external view returns (uint256 p, uint128 scale, uint128 epoch) {
        return (_p, _scale, _epoch);
    }

    /// @inheritdoc IStabilityPool
    function depositOf(address depositor) external view returns (uint256) {
        return _compounded(_snapshots[depositor]);
    }

    /// @inheritdoc IStabilityPool
    function gainsOf(address depositor) external view returns (uint256 spotGain, uint256 stableGain) {
        return _gains(_snapshots[depositor]);
    }

    /* INTERNAL */

    /// @dev `depositor`'s deposit now and its gains since its snapshot.
    function _settle(address depositor) private view returns (uint256 current, uint256 spotGain, uint256 stableGain) {
        Snapshot memory snap = _snapshots[depositor];
        if (snap.deposit == 0) return (0, 0, 0);
        current = _compounded(snap);
        (spotGain, stableGain) = _gains(snap);
    }

    /// @dev d0 × P / P0 / 1e9^(scale − scale0), rounded down; 0 from an older epoch or from
    ///      `MAX_SCALE_SPAN` scales behind.
    function _compounded(Snapshot memory snap) private view returns (uint256) {
        if (snap.deposit == 0 || snap.epoch != _epoch) return 0;
        uint256 span = _scale - snap.scale;
        if (span >= MAX_SCALE_SPAN) return 0;
        return Math.mulDiv(snap.deposit, _p, snap.p * SCALE_FACTOR ** span);
    }

    /// @dev d0 × (S − S0) / P0 at the snapshot's scale, plus d0 × S' / P0 / 1e9^k at each of
    ///      the next `MAX_SCALE_SPAN` − 1 scales that exist, each rounded down.
    function _gains(Snapshot memory snap) private view returns (uint256 spotGain, uint256 stableGain) {
        uint256 d0 = snap.deposit;
        if (d0 == 0) return (0, 0);
        mapping(uint128 => Sums) storage epochSums = _sums[snap.epoch];
        Sums memory sums = epochSums[snap.scale];
        uint256 divisor = snap.p;
        spotGain = Math.mulDiv(d0, sums.spot - snap.sSpot, divisor);
        stableGain = Math.mulDiv(d0, sums.stable - snap.sStable, divisor);
        // The scales after the snapshot's: all of them in an older epoch, up to the current one
        // in the current epoch.
        uint256 lastScale = snap.epoch == _epoch ? _scale : type(uint128).max;
        for (uint256 k = 1; k < MAX_SCALE_SPAN && snap.scale + k <= lastScale; ++k) {
            divisor *= SCALE_FACTOR;
            // casting to 'uint128' is safe because snap.scale + k <= lastScale <= type(uint128).max
            // forge-lint: disable-next-line(unsafe-typecast)
            sums = epochSums[uint128(snap.scale + k)];
            spotGain += Math.mulDiv(d0, sums.spot, divisor);
            stableGain += Math.mulDiv(d0, sums.stable, divisor);
        }
    }

    /// @dev Records `depositor`'s deposit `amount` at the current P, sums, scale and epoch.
    function _snapshot(address depositor, uint256 amount) private {
        if (amount == 0) {
            delete _snapshots[depositor];
            return;
        }
        (uint256 p, uint128 scale, uint128 epoch) = (_p, _scale, _epoch);
        Sums memory sums = _sums[epoch][scale];
        _snapshots[depositor] = Snapshot(amount, p, sums.spot, sums.stable, scale, epoch);
    }

    function _payGains(address to, uint256 spotGain, uint256 stableGain) private {
        if (spotGain == 0 && stableGain == 0) return;
        emit GainsPaid(to, spotGain, stableGain);
        if (spotGain != 0) spotToken.safeTransfer(to, spotGain);
        if (stableGain != 0) marginToken.safeTransfer(to, stableGain);
    }

    /// @dev Deposits and withdrawals wait while the engine liquidates (a token's transfer hook
    ///      could otherwise move the deposits between the engine's sizing and its burn).
    function _checkNoLiquidation() private view {
        if (engine.liquidating()) revert StabilityPoolLiquidationInProgress();
    }
}
