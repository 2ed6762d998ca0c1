// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * StabilityPool's arithmetic against a mirror that recomputes every deposit and gain from the
 * list of liquidations (not from running sums), and against hand-worked values: pro rata shares,
 * depletion to zero and the new epoch, scale changes, many depositors, claim order, reverts.
 * The pool's engine is a stub here that burns through the synth's burner role, as the vault does.
 */

import {IStabilityPool} from "../../interfaces/liquidation/IStabilityPool.sol";
import {StabilityPool} from "../../contracts/liquidation/StabilityPool.sol";
import {ILiquidationEngine} from "../../interfaces/liquidation/ILiquidationEngine.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

/// @dev Stands in for the engine (and for its vault's `spotToken`): burns the pool's synth, sends
///      it the gains and records the offset, as `LiquidationEngine` does on the pool's path.
contract StubEngine {
    TestToken public immutable spot;
    TestToken public immutable margin;
    SyntheticToken public immutable synthToken;
    bool public liquidating;

    constructor(TestToken spot_, TestToken margin_, SyntheticToken synth_) {
        (spot, margin, synthToken) = (spot_, margin_, synth_);
    }

    function vault() external view returns (address) {
        return address(this);
    }

    function spotToken() external view returns (TestToken) {
        return spot;
    }

    function marginToken() external view returns (TestToken) {
        return margin;
    }

    function setLiquidating(bool on) external {
        liquidating = on;
    }

    function liquidate(IStabilityPool pool, uint256 burned, uint256 spotGain, uint256 stableGain) external {
        synthToken.burn(address(pool), burned);
        spot.mint(address(pool), spotGain);
        margin.mint(address(pool), stableGain);
        pool.offset(burned, spotGain, stableGain);
    }
}

/// @dev The maths of `IStabilityPool`, recomputed for one depositor from the history of
///      liquidations since its deposit, one liquidation at a time.
contract PoolMirror {
    struct Liquidation {
        uint256 total;
        uint256 burned;
        uint256 spotGain;
        uint256 stableGain;
    }

    Liquidation[] public history;

    function record(uint256 total, uint256 burned, uint256 spotGain, uint256 stableGain) external {
        history.push(Liquidation(total, burned, spotGain, stableGain));
    }

    function length() external view returns (uint256) {
        return history.length;
    }

    /// @dev Replays every liquidation from the first, tracking P with its scale and epoch; for a
    ///      deposit `d0` made before liquidation `from`, returns what it is worth and has earned:
    ///      the gains per unit (times P, rounded down) of the liquidations after it, added up per
    ///      scale and shared at that scale's distance, rounded down once per scale.
    function value(uint256 d0, uint256 from) external view returns (uint256 dep, uint256 spot, uint256 stable) {
        if (from == history.length) return (d0, 0, 0);
        uint256[3] memory now_ = [uint256(1e36), 0, 0]; // P, scale, epoch
        uint256[3] memory then_;
        uint256[3] memory acc; // spot, stable, divisor
        uint256[2] memory earned;
        for (uint256 i; i < history.length; ++i) {
            if (i == from) then_ = now_;
            bool counts = i >= from && now_[2] == then_[2] && now_[1] - then_[1] < 4;
            if (counts) {
                acc[2] = then_[0] * 1e9 ** (now_[1] - then_[1]);
                acc[0] += _mulDiv(history[i].spotGain, now_[0], history[i].total);
                acc[1] += _mulDiv(history[i].stableGain, now_[0], history[i].total);
            }
            uint256[3] memory before = now_;
            now_ = _next(now_, history[i]);
            if (counts && (now_[1] != before[1] || now_[2] != before[2] || i + 1 == history.length)) {
                earned[0] += _mulDiv(d0, acc[0], acc[2]);
                earned[1] += _mulDiv(d0, acc[1], acc[2]);
                (acc[0], acc[1]) = (0, 0);
            }
        }
        (spot, stable) = (earned[0], earned[1]);
        if (now_[2] != then_[2] || now_[1] - then_[1] >= 4) return (0, spot, stable);
        dep = _mulDiv(d0, now_[0], then_[0] * 1e9 ** (now_[1] - then_[1]));
    }

    /// @dev P, scale and epoch after liquidation `l`.
    function _next(uint256[3] memory state, Liquidation memory l) private pure returns (uint256[3] memory) {
        uint256 left = l.total - l.burned;
        if (left == 0) return [uint256(1e36), 0, state[2] + 1];
        uint256 k;
        while (_mulDiv(state[0] * 1e9 ** k, left, l.total) < 1e27) ++k;
        return [_mulDiv(state[0] * 1e9 ** k, left, l.total), state[1] + k, state[2]];
    }

    function _mulDiv(uint256 x, uint256 y, uint256 d) private pure returns (uint256) {
        // x·y fits 256 bits for every value these tests use (checked arithmetic would revert).
        return x * y / d;
    }
}

contract StabilityPoolTest is Assertions {
    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant CAROL = address(0xCA401);

    TestToken internal usdc;
    TestToken internal wbtc;
    SyntheticToken internal synth;
    StubEngine internal engine;
    StabilityPool internal pool;

    function setUp() public {
        usdc = new TestToken("USD Coin (test)", "USDC", 6, address(this));
        wbtc = new TestToken("Wrapped BTC (test)", "WBTC", 8, address(this));
        synth = new SyntheticToken("Synthvault Gold", "sXAU", bytes32("XAU"), address(this));
        engine = new StubEngine(wbtc, usdc, synth);
        synth.grantRole(synth.MINTER_ROLE(), address(this));
        synth.grantRole(synth.BURNER_ROLE(), address(engine));
        pool = new StabilityPool(ILiquidationEngine(address(engine)), ISyntheticToken(address(synth)));
    }

    /* HELPERS */

    function _deposit(address who, uint256 amount) internal {
        synth.mint(who, amount);
        VM.startPrank(who);
        synth.approve(address(pool), amount);
        pool.deposit(amount);
        VM.stopPrank();
    }

    function _withdrawAll(address who) internal returns (uint256 dep, uint256 spot, uint256 stable) {
        (uint256 spotBefore, uint256 stableBefore) = (wbtc.balanceOf(who), usdc.balanceOf(who));
        VM.prank(who);
        dep = pool.withdraw(type(uint256).max);
        (spot, stable) = (wbtc.balanceOf(who) - spotBefore, usdc.balanceOf(who) - stableBefore);
    }

    /* HAND-WORKED */

    function test_offset__shares_burn_and_gains_pro_rata() public {
        _deposit(ALICE, 100e18);
        _deposit(BOB, 300e18);
        engine.liquidate(pool, 200e18, 1e8, 3_000e6);
        // P = 1e36 × 200 / 400 = 5e35; S_spot = 1e8 × 1e36 / 400e18 = 2.5e23; S_stable = 3e9 × 1e36 / 400e18 = 7.5e24.
        (uint256 p,,) = pool.product();
        assertEq(p, 5e35, "P halved");
        assertEq(pool.totalDeposits(), 200e18, "total less the burn, to the wei");
        assertEq(pool.depositOf(ALICE), 50e18, "Alice keeps half");
        assertEq(pool.depositOf(BOB), 150e18, "Bob keeps half");
        (uint256 spot, uint256 stable) = pool.gainsOf(ALICE);
        assertEq(spot, 0.25e8, "Alice a quarter of the spot");
        assertEq(stable, 750e6, "Alice a quarter of the stablecoin");
        (spot, stable) = pool.gainsOf(BOB);
        assertEq(spot, 0.75e8, "Bob three quarters of the spot");
        assertEq(stable, 2_250e6, "Bob three quarters of the stablecoin");
    }

    function test_offset__rounds_in_the_pools_favour() public {
        _deposit(ALICE, 1e18);
        _deposit(BOB, 2e18);
        engine.liquidate(pool, 1e18, 10, 1);
        // P = floor(1e36 × 2 / 3) = 666...6 (36 digits): Alice floor(0.666...6e18), Bob floor(1.333...32e18).
        assertEq(pool.depositOf(ALICE), 666_666_666_666_666_666, "Alice rounded down");
        assertEq(pool.depositOf(BOB), 1_333_333_333_333_333_333, "Bob rounded down");
        assertEq(pool.totalDeposits(), 2e18, "total exact: 1 wei more than owed");
        // S_spot = floor(10 × 1e36 / 3e18) = 3_333_333_333_333_333_333; Alice 3.33 -> 3, Bob 6.67 -> 6.
        (uint256 spot, uint256 stable) = pool.gainsOf(ALICE);
        assertEq(spot, 3, "Alice's spot rounded down");
        assertEq(stable, 0, "a third of a unit rounds to nothing");
        (spot,) = pool.gainsOf(BOB);
        assertEq(spot, 6, "Bob's spot rounded down");
    }

    function test_offset__depletion_starts_a_new_epoch() public {
        _deposit(ALICE, 100e18);
        _deposit(BOB, 100e18);
        engine.liquidate(pool, 200e18, 2e8, 0);
        (uint256 p, uint128 scale, uint128 epoch) = pool.product();
        assertEq(p, 1e36, "P back to 1");
        assertEq(uint256(scale), 0, "scale back to 0");
        assertEq(uint256(epoch), 1, "a new epoch");
        assertEq(pool.depositOf(ALICE), 0, "Alice's deposit burned");

        _deposit(CAROL, 50e18);
        engine.liquidate(pool, 10e18, 1e8, 0);
        (uint256 dep, uint256 spot,) = _withdrawAll(ALICE);
        assertEq(dep, 0, "nothing left to Alice");
        assertEq(spot, 1e8, "Alice half of the first liquidation only");
        (dep, spot,) = _withdrawAll(CAROL);
        assertEq(dep, 40e18, "Carol bore the second burn alone");
        assertEq(spot, 1e8, "and earned all of it");
        (, spot,) = _withdrawAll(BOB);
        assertEq(spot, 1e8, "Bob half of the first");
        assertEq(wbtc.balanceOf(address(pool)), 0, "every gain paid out");
        assertEq(synth.balanceOf(address(pool)), 0, "every deposit paid out");
        assertEq(pool.totalDeposits(), 0, "nothing owed");
    }

    function test_offset__scale_change_keeps_precision() public {
        _deposit(ALICE, 1e28);
        // Leaves 1e-10 of the deposits: P = 1e36 × 1e18 / 1e28 = 1e26 < 1e27, so × 1e9, scale 1.
        engine.liquidate(pool, 1e28 - 1e18, 1e8, 0);
        (uint256 p, uint128 scale,) = pool.product();
        assertEq(p, 1e35, "P rescaled");
        assertEq(uint256(scale), 1, "scale raised");
        assertEq(pool.depositOf(ALICE), 1e18, "Alice keeps the rest exactly");
        _deposit(BOB, 1e18);
        engine.liquidate(pool, 1e18, 2e8, 0);
        (uint256 dep, uint256 spot,) = _withdrawAll(ALICE);
        assertEq(dep, 0.5e18, "Alice half of the second burn");
        assertEq(spot, 2e8, "Alice all of the first gain and half of the second");
        (dep, spot,) = _withdrawAll(BOB);
        assertEq(dep, 0.5e18, "Bob half of the second burn");
        assertEq(spot, 1e8, "Bob half of the second gain");
    }

    /* MIRROR */

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_offsets__match_the_mirror_in_any_claim_order(
        uint96[4] memory amounts,
        uint64[4] memory burnsBps,
        uint64[4] memory spotGains,
        uint8 order
    ) public {
        PoolMirror mirror = new PoolMirror();
        address[4] memory who = [ALICE, BOB, CAROL, address(0xD0D)];
        uint256[4] memory deposited;
        uint256[4] memory from;
        for (uint256 i; i < 4; ++i) {
            deposited[i] = uint256(amounts[i]) % 1e24 + 1;
            from[i] = mirror.length();
            _deposit(who[i], deposited[i]);
            uint256 total = pool.totalDeposits();
            // Burns from 0.01% to 100% of the deposits; each depositor joins before one of them.
            uint256 burned = total * (uint256(burnsBps[i]) % 10_000 + 1) / 10_000;
            if (burned == 0) burned = 1;
            uint256 spotGain = uint256(spotGains[i]) % 1e16;
            mirror.record(total, burned, spotGain, spotGain / 7);
            engine.liquidate(pool, burned, spotGain, spotGain / 7);
        }
        uint256 snapshot = VM.snapshotState();
        uint256[4] memory firstDep;
        uint256[4] memory firstSpot;
        for (uint256 j; j < 4; ++j) {
            uint256 i = j;
            (uint256 dep, uint256 spot, uint256 stable) = _withdrawAll(who[i]);
            (uint256 mDep, uint256 mSpot, uint256 mStable) = mirror.value(deposited[i], from[i]);
            assertEq(dep, mDep, "deposit as the mirror");
            assertEq(spot, mSpot, "spot gain as the mirror");
            assertEq(stable, mStable, "stable gain as the mirror");
            (firstDep[i], firstSpot[i]) = (dep, spot);
        }
        VM.revertToState(snapshot);
        // Claim in another order: each depositor receives the same.
        for (uint256 j; j < 4; ++j) {
            uint256 i = (j + order) % 4;
            if (order % 2 == 1) i = 3 - i;
            (uint256 dep, uint256 spot,) = _withdrawAll(who[i]);
            assertEq(dep, firstDep[i], "deposit independent of order");
            assertEq(spot, firstSpot[i], "gain independent of order");
        }
        assertTrue(synth.balanceOf(address(pool)) == pool.totalDeposits(), "the pool holds what it owes");
    }

    /// forge-config: default.fuzz.runs = 64
    function testFuzz_many_depositors__never_owe_more_than_held(uint256 seed) public {
        address[8] memory who;
        for (uint256 i; i < 8; ++i) {
            who[i] = address(uint160(0x1000 + i));
            _deposit(who[i], uint256(keccak256(abi.encode(seed, i))) % 1e24 + 1);
        }
        for (uint256 r; r < 6; ++r) {
            uint256 total = pool.totalDeposits();
            uint256 burned = uint256(keccak256(abi.encode(seed, "b", r))) % total + 1;
            if (burned == total && r < 5) burned = total - 1 == 0 ? total : total - 1;
            uint256 gain = uint256(keccak256(abi.encode(seed, "g", r))) % 1e14;
            engine.liquidate(pool, burned, gain, gain);
            if (pool.totalDeposits() == 0) break;
        }
        uint256 owed;
        uint256 spotOwed;
        for (uint256 i; i < 8; ++i) {
            owed += pool.depositOf(who[i]);
            (uint256 spot,) = pool.gainsOf(who[i]);
            spotOwed += spot;
        }
        assertTrue(owed <= pool.totalDeposits(), "deposits owed within the total");
        assertTrue(pool.totalDeposits() - owed <= 8, "at most a wei a depositor lost to rounding");
        assertTrue(spotOwed <= wbtc.balanceOf(address(pool)), "gains owed within what is held");
        for (uint256 i; i < 8; ++i) {
            _withdrawAll(who[i]);
        }
        assertEq(synth.balanceOf(address(pool)), pool.totalDeposits(), "the pool holds its total");
    }

    /* REVERTS */

    function test_offset__by_another__reverts() public {
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolNotEngine.selector, address(this)));
        pool.offset(1, 0, 0);
    }

    function test_offset__more_than_deposits__reverts() public {
        _deposit(ALICE, 10);
        VM.prank(address(engine));
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolOffsetExceedsDeposits.selector, 11, 10));
        pool.offset(11, 0, 0);
    }

    function test_offset__zero__reverts() public {
        VM.prank(address(engine));
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolZeroAmount.selector));
        pool.offset(0, 0, 0);
    }

    function test_deposit__zero__reverts() public {
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolZeroAmount.selector));
        pool.deposit(0);
    }

    function test_withdraw__more_than_deposit__reverts() public {
        _deposit(ALICE, 10);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolInsufficientDeposit.selector, ALICE, 10, 11));
        pool.withdraw(11);
    }

    function test_deposit__during_a_liquidation__reverts() public {
        synth.mint(ALICE, 10);
        VM.prank(ALICE);
        synth.approve(address(pool), 10);
        engine.setLiquidating(true);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolLiquidationInProgress.selector));
        pool.deposit(10);
    }

    function test_withdraw__during_a_liquidation__reverts() public {
        _deposit(ALICE, 10);
        engine.setLiquidating(true);
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IStabilityPool.StabilityPoolLiquidationInProgress.selector));
        pool.withdraw(10);
    }
}
