// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * No free lunch: one actor who is at once the LP, the trader and the borrower, in one block (no
 * price move, no time passing, no cooldown on the pool), never ends a round trip with more than
 * it started with. It deposits into the pool, builds a BTC position in several fills, locks the
 * account in the vault, mints sUSD at the limit the vault allows, tries the first review's
 * one-fill close through the vault, then either repays and takes everything back out of the
 * vault, the exchange and the pool, or walks away with the synth (the attack's way out: the
 * locked account is left to the liquidators, counted as nothing). Fees and impact go to the pool,
 * of which the actor gets back at most its share: what it holds at the end (stablecoin, what its
 * shares redeem for, synth at $1, what is left in a free account) is at most what it brought.
 * Fuzzed over the pool stake (up to 99% of the pool), the margin, the size (up to 8x, as far as
 * the exchange lets it grow), the side, the number of fills (up to 50, small fills paying little
 * impact), how much of the mint limit it takes, and the way out.
 */

import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract NoFreeLunchTest is SystemFixture {
    address internal constant ATTACKER = address(0xA77AC4);

    /// @dev One round trip's state, kept in memory (the steps are split for the stack).
    struct Trip {
        uint256 shares;
        uint256 accountId;
        uint256 id;
        int256 whole;
        bool long;
        uint256 minted;
    }

    function testFuzz_roundTrip__lpTraderBorrowerInOneBlock__neverGains(
        uint256 stakeSeed,
        uint256 marginSeed,
        uint256 sizeSeed,
        uint8 fillsSeed,
        bool long,
        uint256 mintSeed,
        bool walkAway
    ) public {
        uint256 stake = _bound(stakeSeed, 0, 99_000_000e6);
        uint256 margin = _bound(marginSeed, 1_000e6, 20_000_000e6);
        // Up to 8x the margin, at $60,000 a BTC.
        uint256 size = _bound(sizeSeed, 0.001e18, margin * 1e12 * 8 / 60_000);
        uint256 brought = stake + margin;
        usdc.mint(ATTACKER, brought);

        VM.startPrank(ATTACKER);
        Trip memory trip = _enter(stake, margin, size, 1 + fillsSeed % 50, long);
        _borrow(trip, mintSeed);
        // The first review's attack: close the whole position in one fill through the vault.
        // Refused unless it keeps the minting ratio; either way the round trip goes on.
        try vault.trade(trip.id, BTC_PERP, -trip.whole, trip.long ? 0 : type(uint256).max) {} catch {}
        if (!walkAway) _exit(trip);
        else _redeem(trip);
        VM.stopPrank();

        // What it holds now: stablecoin, the shares it could not redeem at what they would
        // redeem for, synth at $1, a free account's dust (a locked one counts for nothing).
        uint256 held = usdc.balanceOf(ATTACKER) + pool.previewRedeem(pool.balanceOf(ATTACKER))
            + sUSD.balanceOf(ATTACKER) / 1e12 + (walkAway ? 0 : exchange.marginOf(trip.accountId) / 1e12);
        assertTrue(held <= brought, "a round trip in one block gained");
    }

    /// @dev The stake in the pool, and a BTC position of `size` built in `fills` fills.
    function _enter(uint256 stake, uint256 margin, uint256 size, uint256 fills, bool long)
        internal
        returns (Trip memory trip)
    {
        trip.long = long;
        usdc.approve(address(pool), type(uint256).max);
        usdc.approve(address(exchange), type(uint256).max);
        if (stake != 0) trip.shares = pool.deposit(stake, ATTACKER);
        trip.accountId = exchange.openAccount();
        exchange.depositMargin(trip.accountId, margin);
        int256 step = int256(size / fills);
        if (!long) step = -step;
        // As far as the exchange lets the position grow (its initial margin after impact and fee).
        for (uint256 i; i < fills; ++i) {
            try exchange.trade(trip.accountId, BTC_PERP, step, long ? type(uint256).max : 0) {
                trip.whole += step;
            } catch {
                break;
            }
        }
    }

    /// @dev The account locked in a position owing sUSD, minted up to a fraction of what the
    ///      vault allows (the collateral at close value over 150%, and less its shock loss).
    function _borrow(Trip memory trip, uint256 mintSeed) internal {
        trip.id = vault.open(sUSD);
        exchange.accounts().approve(address(vault), trip.accountId);
        vault.lock(trip.id, trip.accountId);
        uint256 minted = IVaultLens(address(lens)).mintRoom(trip.id).maxMint * _bound(mintSeed, 1, 1000) / 1000;
        // Within the synth's ceiling (nobody else owes sUSD here).
        uint256 ceiling = vault.synthParams(sUSD).debtCeiling;
        if (minted > ceiling) minted = ceiling;
        if (minted < 100e18) return;
        vault.mint(trip.id, minted);
        trip.minted = minted;
    }

    /// @dev Repays, takes the account back, closes what is left, withdraws the margin and
    ///      redeems every share the pool lets go.
    function _exit(Trip memory trip) internal {
        if (trip.minted != 0) vault.burn(trip.id, trip.minted);
        vault.close(trip.id);
        (int256 left,) = exchange.position(trip.accountId, BTC_PERP);
        if (left != 0) exchange.trade(trip.accountId, BTC_PERP, -left, left > 0 ? 0 : type(uint256).max);
        uint256 units = exchange.marginOf(trip.accountId) / 1e12;
        if (units != 0) exchange.withdrawMargin(trip.accountId, units, ATTACKER);
        _redeem(trip);
    }

    /// @dev Redeems every share the pool lets go.
    function _redeem(Trip memory trip) internal {
        uint256 redeemable = trip.shares == 0 ? 0 : pool.maxRedeem(ATTACKER);
        if (redeemable != 0) pool.redeem(redeemable, ATTACKER, ATTACKER);
    }
}
