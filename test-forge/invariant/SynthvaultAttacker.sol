// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SynthvaultAttacker: the campaign's handler (`SynthvaultHandler`, every other actor) plus one
 * attacker who is LP, trader and borrower at once, with flash-sized capital, acting only
 * through the protocol's own entry points, interleaved with everyone else, across blocks and
 * price moves: LP deposits (up to 99 times the pool) and redemptions (waiting out its lock),
 * exchange accounts (up to 20M of margin each), trades (up to 12x, or a whole position closed
 * in one fill), vault positions (spot up to 500 BTC, lock, mint, trade, withdraw, burn, close,
 * unlock), liquidations of its own positions and accounts and of everyone else's, through the
 * engine and the exchange, and redemptions after shutdown.
 *
 * No free lunch: around each of its actions (same block, same prices) its net worth must not
 * rise, except by what the protocol explicitly pays it. The net worth is what the protocol
 * would pay it for everything it holds, at the oracle's prices of the moment:
 *   - its wallet: stablecoin, spot BTC and synths at the oracle's prices;
 *   - each exchange account at `closeValue` (what closing every position in one fill now would
 *     leave it: the exchange's one-fill exit, fee and profit cap), floored at 0: an account
 *     under water is walked away from (the exchange writes its debt off);
 *   - each vault position at its collateral (spot, and its locked account at `closeValue`, as
 *     the vault counts it) less its debt, floored at 0: a borrower can always walk away, so a
 *     position worth less than its debt is worth nothing to it (the free option a mint beyond
 *     what closing the collateral would fetch creates: the first review's attack);
 *   - its LP shares at the pool's share value (`convertToAssets`, unrounded) once its own
 *     accounts are closed: the pool marks traders at mark, so the exit fee and impact its own
 *     positions will pay are the pool's, and its share of them is the attacker's. Valued at
 *     equity at mark instead, an account under water would hide what its closing pays the pool;
 *     at `closeValue` beside a pool at mark, each close would show its own fee coming back.
 * The pool's value is its cash and what accounts owe it less every account's open PnL, each as
 * `equity` rounds it (not the pool's own aggregate, which rounds up by up to 2 wei a position). Everything is in USD ×
 * 1e36 (WAD × WAD), so the measure has no rounding of its own but the share's division.
 * After shutdown spot and synths are valued at the settlement's frozen prices (the prices the
 * vault's debt and the reserves are settled and redeemed at).
 *
 * What the protocol pays, counted as income: liquidating someone else, the keeper's payout (its
 * bonus) and the attacker's share of what the closes paid the pool; liquidating itself, only
 * what the insurance fund paid it (a shortfall, the least keeper bonus) or, on the exchange, what
 * the pool added to its reward up to the least one: the position or account liquidated must
 * lose at least the rest of the bonus. An LP deposit or redemption is judged at the pool's value
 * as it prices its shares: the share it buys of the exit fees its own positions have yet to pay
 * is fee income others would have had, not value anyone holds.
 *
 * A rise is recorded (action and amounts) and `SynthvaultInvariants` asserts none occurred.
 * Price moves, time, and the other actors' actions (a keeper liquidating the attacker, a gift)
 * change its worth freely: only its own actions are judged.
 */

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {Vm, VM} from "../utils/Vm.sol";
import {SynthvaultHandler} from "./SynthvaultHandler.sol";

contract SynthvaultAttacker is SynthvaultHandler {
    using Strings for uint256;
    using Strings for int256;

    /// @dev At most this many accounts and positions of its own (the invariants loop over all).
    uint256 internal constant MAX_ATTACKER_ACCOUNTS = 4;
    uint256 internal constant MAX_ATTACKER_POSITIONS = 5;
    /// @dev The pool's virtual shares (ERC-4626's offset: 18 − 6 decimals).
    uint256 internal constant VIRTUAL_SHARES = 1e12;

    /// @dev The attacker's net worth, USD × 1e36, in parts (see the header).
    struct Worth {
        bool known;
        int256 wallet;
        int256 holdings;
        int256 lp;
        int256 lpPriced;
    }

    /// @dev One way out of an account or position: what the attacker keeps (USD × 1e36) and
    ///      what it leaves the pool (WAD), of which its shares get their part.
    struct Way {
        int256 held;
        int256 poolWad;
    }

    /// @dev The attacker's pool shares, and the pool's supply with its virtual shares.
    struct Share {
        uint256 shares;
        uint256 supply;
    }

    /// @dev An account's equity and close value, and what its negative margin owes the pool (WAD).
    struct AccountMarks {
        int256 equityWad;
        int256 closeValueWad;
        int256 owedWad;
    }

    /// @notice Judged actions whose net worth rose beyond the income, and the first one's account.
    uint256 public nflViolations;
    string public nflFirstViolation;
    /// @notice Actions judged (and by action, in `ok["nfl.<action>"]`), and those left
    ///         unjudged (a price the measure needs was untrusted).
    uint256 public nflJudged;
    uint256 public nflUnjudged;
    /// @notice The largest rise less income seen among actions that moved the attacker's worth
    ///         (closest to a violation; negative while none), and its action.
    int256 public nflClosest = type(int256).min;
    string public nflClosestAction;

    /// @dev The attacker starts as LP of 95% of the pool (20M; its shares locked for the
    ///      cooldown), with a free account holding 5M of margin, a position owing sUSD on 20 BTC
    ///      of spot, and a position owing sXAU on a locked account of 3M long 100 BTC, minted to
    ///      half of what the minting ratio allows.
    constructor() {
        VM.label(ATTACKER, "attacker");
        VM.startPrank(ATTACKER);
        usdc.approve(address(exchange), type(uint256).max);
        usdc.approve(address(pool), type(uint256).max);
        wbtc.approve(address(vault), type(uint256).max);
        VM.stopPrank();

        _mintUsdc(ATTACKER, 28_000_000e6);
        VM.prank(ATTACKER);
        pool.deposit(20_000_000e6, ATTACKER);
        _attackerNewAccount(5_000_000e6);

        _attackerNewPosition(0);
        _mintWbtc(ATTACKER, 20e8);
        VM.prank(ATTACKER);
        vault.addSpot(_positions[_positions.length - 1].id, 20e8);

        Position memory p = _attackerNewPosition(1);
        _lock(p, _attackerNewAccount(3_000_000e6));
        p = _positions[_positions.length - 1];
        VM.prank(ATTACKER);
        vault.trade(p.id, BTC_PERP, 100e18, type(uint256).max);
        _mint(p, 49 * 4 + 1); // half of the room (`_mintAmount`: 1 + 49 percent)
        // Its counts are of the campaign's actions.
        (attackerOk["vault.lock"], attackerOk["vault.mint"]) = (0, 0);
    }

    /* THE ATTACKER'S ACTIONS */

    /// @notice As LP: deposits up to 99 times the pool's value (at least 1 unit; into a pool
    ///         under water, up to 1,000,000, which must be refused), or redeems up to all the
    ///         shares it may (one time in four first waiting out its lock).
    function attackerLp(uint256 modeSeed, uint256 amountSeed) external {
        (bool priced, bool underWater) = _poolState();
        if (!priced) return;
        if (modeSeed % 2 == 0) {
            uint256 amount = _bound(amountSeed, 1e6, Math.max(99 * pool.totalAssets(), 1_000_000e6));
            _mintUsdc(ATTACKER, amount);
            Worth memory w0 = _worth();
            VM.prank(ATTACKER);
            try pool.deposit(amount, ATTACKER) {
                if (underWater) _fail("a pool under water took the attacker's deposit");
                _count("pool.deposit", ATTACKER);
            } catch (bytes memory reason) {
                if (!underWater) _fail("the attacker could not deposit", reason);
                _checkDepositRefused(ATTACKER, amount, reason);
            }
            return _judgeLp("pool.deposit", w0);
        }
        (uint256 locked, uint256 unlocksAt) = pool.lockOf(ATTACKER);
        if (locked != 0 && modeSeed % 4 == 1) {
            VM.warp(unlocksAt);
            _heartbeat();
        }
        uint256 shares;
        try pool.maxRedeem(ATTACKER) returns (uint256 redeemable) {
            shares = redeemable * _bound(amountSeed, 1, 100) / 100;
        } catch {
            return;
        }
        if (shares == 0) return;
        Worth memory before = _worth();
        VM.prank(ATTACKER);
        try pool.redeem(shares, ATTACKER, ATTACKER) {
            _count("pool.redeem", ATTACKER);
        } catch (bytes memory reason) {
            _fail("the attacker could not redeem what maxRedeem allows", reason);
        }
        _judgeLp("pool.redeem", before);
    }

    /// @notice Margin: opens an account with up to 20M, deposits up to 5M into one of its
    ///         accounts, withdraws up to 110% of one's margin (through the vault when locked), or
    ///         settles its position in the dated market.
    function attackerMargin(uint256 modeSeed, uint256 accountSeed, uint256 amountSeed) external {
        uint256 mode = modeSeed % 4;
        if (mode == 0) return _attackerOpenAccount(_bound(amountSeed, 1_000e6, 20_000_000e6));
        (bool found, Account memory a) = _attackerAccount(accountSeed);
        if (!found) return;
        if (mode == 1) {
            uint256 amount = _bound(amountSeed, 1e6, 5_000_000e6);
            _mintUsdc(ATTACKER, amount);
            Worth memory w0 = _worth();
            VM.prank(ATTACKER);
            try exchange.depositMargin(a.id, amount) {
                _count("depositMargin", ATTACKER);
            } catch (bytes memory reason) {
                _fail("the attacker's margin deposit reverted", reason);
            }
            return _judge("exchange.depositMargin", w0, 0);
        }
        Worth memory before = _worth();
        if (mode == 2) {
            _withdrawMargin(a, amountSeed);
            return _judge("withdrawMargin", before, 0);
        }
        VM.prank(ATTACKER);
        try exchange.settle(a.id, BTC_DATED) {
            _count("exchange.settle", ATTACKER);
        } catch {}
        _judge("exchange.settle", before, 0);
    }

    /// @notice Trades one of its accounts (through the vault when locked): as the other actors
    ///         trade, or (one time in five each) as large as its margin lets it add in one fill,
    ///         or closing a market's whole position in one fill.
    function attackerTrade(uint256 accountSeed, uint256 marketSeed, uint256 sizeSeed, uint256 modeSeed) external {
        (bool found, Account memory a) = _attackerAccount(accountSeed);
        if (!found) return;
        uint256 marketId = 1 + marketSeed % MARKET_COUNT;
        int256 delta;
        if (modeSeed % 5 == 4) {
            (int256 size,) = exchange.position(a.id, marketId);
            delta = -size;
        } else if (modeSeed % 5 == 3) {
            delta = _largestOpen(a.id, marketId, modeSeed / 5 % 2 == 0);
        } else {
            delta = _sizeDelta(a.id, marketId, sizeSeed, modeSeed / 5);
        }
        if (delta == 0) return;
        Worth memory w0 = _worth();
        _trade(a, marketId, delta);
        _judge(a.positionId == 0 ? "exchange.trade" : "vault.trade", w0, 0);
    }

    /// @notice Its vault positions: opens one, locks a free account of its own into one, adds
    ///         up to 500 BTC of spot, removes spot, mints, repays (its own synth only), closes,
    ///         unlocks; after shutdown, redeems its synth; or runs the first review's attack.
    function attackerVault(uint256 modeSeed, uint256 positionSeed, uint256 amountSeed) external {
        uint256 mode = modeSeed % 10;
        if (mode == 0) return _attackerOpenPosition(amountSeed);
        if (mode == 8) return _attackerRedeem(positionSeed, amountSeed);
        if (mode == 9) return _attackerLeveragedBorrow(amountSeed, positionSeed % 2 == 0);
        (bool found, Position memory p) = _attackerPosition(positionSeed);
        if (!found) return;
        if (mode == 1) return _attackerLock(p, amountSeed);
        if (mode == 2) {
            uint256 amount = _bound(amountSeed, 1e4, 500e8);
            _mintWbtc(ATTACKER, amount);
            Worth memory w0 = _worth();
            VM.prank(ATTACKER);
            try vault.addSpot(p.id, amount) {
                _count("vault.addSpot", ATTACKER);
            } catch (bytes memory reason) {
                _fail("the attacker's addSpot reverted", reason);
            }
            return _judge("vault.addSpot", w0, 0);
        }
        Worth memory before = _worth();
        if (mode == 3) {
            _removeSpot(p, amountSeed);
            _judge("vault.removeSpot", before, 0);
        } else if (mode == 4) {
            _mint(p, amountSeed);
            _judge("vault.mint", before, 0);
        } else if (mode == 5) {
            _burn(ATTACKER, p, amountSeed, false);
            _judge("vault.burn", before, 0);
        } else if (mode == 6) {
            _close(p, false);
            _judge("vault.close", before, 0);
        } else {
            _unlock(p);
            _judge("vault.unlock", before, 0);
        }
    }

    /// @notice Liquidates, with the synth it holds: through the engine its own weakest position
    ///         or the weakest of all (anyone's), through the exchange its own riskiest account
    ///         or the riskiest of all.
    function attackerLiquidate(uint256 modeSeed, uint256 targetSeed) external {
        uint256 mode = modeSeed % 4;
        if (mode < 2) {
            (bool found, Position memory p) = mode == 0 ? _attackerWeakest() : _openPosition(targetSeed);
            if (!found) return;
            if (mode == 1) p = _positions[_weakestPosition(p)];
            uint256 held = _synths[p.synth].balanceOf(ATTACKER);
            if (held == 0) return;
            Worth memory w0 = _worth();
            uint256 fundBefore = fund.reserves();
            _liquidatePosition(ATTACKER, p, held);
            uint256 fundAfter = fund.reserves();
            // Of its own position, only what the fund paid it is income; of anyone else's, the
            // keeper's payout and its share of what the closes paid the pool.
            int256 fundPaid = fundAfter < fundBefore ? int256((fundBefore - fundAfter) * USDC_UNIT * WAD) : int256(0);
            return _judgeLiquidation(
                p.owner == ATTACKER ? "engine.liquidate (own)" : "engine.liquidate", w0, p.owner == ATTACKER, fundPaid
            );
        }
        if (_accounts.length == 0) return;
        Account memory a = _accounts[targetSeed % _accounts.length];
        a = _accounts[mode == 2 ? _attackerRiskiestAccount(a) : _riskiestAccount(true, a)];
        Worth memory before = _worth();
        uint256 stableBefore = usdc.balanceOf(ATTACKER);
        VM.recordLogs();
        _liquidateAccount(ATTACKER, a);
        uint256 fromPoolWad = _rewardFromPool(a.id);
        if (a.owner != ATTACKER) return _judgeLiquidation("exchange.liquidate", before, false, 0);
        // Its own account: the reward comes out of its own margin, and only what the pool adds
        // up to the least reward is the protocol's payment (income). A locked account's reward
        // would come out of its position's collateral, the creditors' under water: the exchange
        // refuses it now, so nothing of it is income (before the fix the whole reward was).
        if (usdc.balanceOf(ATTACKER) > stableBefore && _lockedInVault(a.id)) {
            _fail("the attacker took the exchange's reward out of its locked account");
        }
        _judgeLiquidation(
            a.positionId == 0 ? "exchange.liquidate (own)" : "exchange.liquidate (own, locked)",
            before,
            true,
            int256(fromPoolWad * WAD)
        );
    }

    /// @dev What the pool paid of the reward of account `accountId`'s liquidation
    ///      (`LiquidationRewardFromPool`, among the logs recorded), WAD.
    function _rewardFromPool(uint256 accountId) internal returns (uint256 amountWad) {
        Vm.Log[] memory logs = VM.getRecordedLogs();
        bytes32 topic = IFuturesExchange.LiquidationRewardFromPool.selector;
        for (uint256 i; i < logs.length; ++i) {
            if (
                logs[i].emitter == address(exchange) && logs[i].topics[0] == topic
                    && logs[i].topics[1] == bytes32(accountId)
            ) amountWad += abi.decode(logs[i].data, (uint256));
        }
    }

    /* THE ATTACKER'S ACTIONS: STEPS */

    function _attackerOpenAccount(uint256 margin) internal {
        if (_attackerAccounts >= MAX_ATTACKER_ACCOUNTS) return;
        _mintUsdc(ATTACKER, margin);
        Worth memory w0 = _worth();
        _attackerNewAccount(margin);
        _count("openAccount", ATTACKER);
        _judge("exchange.openAccount", w0, 0);
    }

    /// @dev A new account of the attacker's with `margin` from its wallet; its slot + 1.
    function _attackerNewAccount(uint256 margin) internal returns (uint256) {
        VM.prank(ATTACKER);
        uint256 id = exchange.openAccount();
        _accounts.push(Account({id: id, owner: ATTACKER, positionId: 0}));
        ++_attackerAccounts;
        VM.prank(ATTACKER);
        exchange.depositMargin(id, margin);
        return _accounts.length;
    }

    function _attackerOpenPosition(uint256 synthSeed) internal {
        if (_attackerPositions >= MAX_ATTACKER_POSITIONS || vault.isShutdown()) return;
        Worth memory w0 = _worth();
        _attackerNewPosition(uint8(synthSeed % _synths.length));
        _count("vault.open", ATTACKER);
        _judge("vault.open", w0, 0);
    }

    /// @dev A new position of the attacker's owing synth `synthIndex`.
    function _attackerNewPosition(uint8 synthIndex) internal returns (Position memory p) {
        VM.prank(ATTACKER);
        uint256 id = vault.open(_synths[synthIndex]);
        p = Position({id: id, owner: ATTACKER, synth: synthIndex, open: true, accountSlot: 0});
        _positions.push(p);
        ++_attackerPositions;
    }

    /// @dev The first review's attack, step by step, each step judged: a fresh account with 5-20M,
    ///      a BTC position as large as it allows in one fill, a position owing sUSD with the
    ///      account locked in it, minted to its limit, and the whole BTC position closed in one
    ///      fill through the vault.
    function _attackerLeveragedBorrow(uint256 marginSeed, bool long) internal {
        if (
            _attackerAccounts >= MAX_ATTACKER_ACCOUNTS || _attackerPositions >= MAX_ATTACKER_POSITIONS
                || vault.isShutdown()
        ) return;
        _attackerOpenAccount(_bound(marginSeed, 5_000_000e6, 20_000_000e6));
        uint256 slot = _accounts.length;
        Worth memory w0 = _worth();
        _trade(_accounts[slot - 1], BTC_PERP, _largestOpen(_accounts[slot - 1].id, BTC_PERP, long));
        _judge("exchange.trade", w0, 0);
        _attackerOpenPosition(0);
        Position memory p = _positions[_positions.length - 1];
        _attackerLockSlot(p, slot);
        p = _positions[_positions.length - 1];
        w0 = _worth();
        _mint(p, 0); // exactly the room (`_mintAmount`)
        _judge("vault.mint", w0, 0);
        (int256 size,) = exchange.position(_accounts[slot - 1].id, BTC_PERP);
        w0 = _worth();
        _trade(_accounts[slot - 1], BTC_PERP, -size);
        _judge("vault.trade", w0, 0);
    }

    function _attackerLock(Position memory p, uint256 accountSeed) internal {
        if (p.accountSlot != 0) return;
        uint256 slot = _freeAccountOf(ATTACKER, accountSeed);
        if (slot != 0) _attackerLockSlot(p, slot);
    }

    function _attackerLockSlot(Position memory p, uint256 slot) internal {
        Worth memory w0 = _worth();
        _lock(p, slot);
        _judge("vault.lock", w0, 0);
    }

    function _attackerRedeem(uint256 synthSeed, uint256 fractionSeed) internal {
        SyntheticToken token = _synths[synthSeed % _synths.length];
        uint256 amount = token.balanceOf(ATTACKER) * _bound(fractionSeed / 2, 1, 100) / 100;
        if (amount == 0 || !vault.isShutdown()) return;
        uint256 opensAt = settlement.shutdownAt() + settlement.SETTLEMENT_PERIOD();
        if (fractionSeed % 2 == 1 && block.timestamp < opensAt) {
            VM.warp(opensAt);
            _heartbeat();
        }
        Worth memory w0 = _worth();
        _redeem(ATTACKER, token, amount);
        _judge("settlement.redeem", w0, 0);
    }

    /// @dev Nearly the largest size the account can add in `marketId` (long or short) in one
    ///      fill and keep its initial margin: for N USD of notional the fill costs its impact,
    ///      impactWad x N / 1,000,000 of it (at most 10%), and its fee, and the requirement grows
    ///      by the initial margin's fraction of N; solved for the room its equity leaves over its
    ///      requirement, less 2% for the roundings and the fee's impact.
    function _largestOpen(uint256 accountId, uint256 marketId, bool long) internal view returns (int256) {
        (bool known, int256 equityWad,) = _equityAndMaintenance(accountId);
        if (!known) return 0;
        // The requirement reads trusted prices only (the equity above may be the rule's).
        uint256 initialWad;
        try exchange.requirements(accountId) returns (uint256 initial, uint256) {
            initialWad = initial;
        } catch {
            return 0;
        }
        if (equityWad <= int256(initialWad)) return 0;
        uint256 roomUsd = (uint256(equityWad) - initialWad) / WAD;
        IFuturesExchange.MarketParams memory params = exchange.market(marketId).params;
        uint256 linearWad = uint256(params.initialMarginWad) + params.takerFeeWad;
        // impactWad x N^2 + linearWad x 1e6 x N = room x 1e24 (N in USD).
        uint256 notionalUsd =
            (Math.sqrt(linearWad * linearWad * 1e12 + 4 * uint256(params.impactWad) * roomUsd * 1e24) - linearWad * 1e6)
                / (2 * uint256(params.impactWad));
        // Past the impact's cap the cost is linear: room / (10% + fraction + fee).
        uint256 cappedUsd = exchange.MAX_IMPACT_WAD() * 1e6 / params.impactWad;
        if (notionalUsd > cappedUsd) notionalUsd = roomUsd * WAD / (exchange.MAX_IMPACT_WAD() + linearWad);
        int256 size = int256(notionalUsd * 98 / 100 * WAD * WAD / _lastPrice(_marketAsset(marketId)));
        return long ? size : -size;
    }

    /* NO FREE LUNCH */

    /// @dev What the attacker holds now, measured (see the header): `known` false when a price
    ///      the measure needs is untrusted (an account's equity or close value reverts).
    function _worth() internal view returns (Worth memory w) {
        uint256 btcPrice = _valuePrice("BTC");
        w.wallet = int256(usdc.balanceOf(ATTACKER) * USDC_UNIT * WAD + wbtc.balanceOf(ATTACKER) * WBTC_UNIT * btcPrice);
        for (uint256 s; s < _synths.length; ++s) {
            w.wallet += int256(_synths[s].balanceOf(ATTACKER) * _valuePrice(_synths[s].asset()));
        }
        // The pool's book value: its cash and what the other accounts owe it, less every
        // account's open PnL (less funding), as each account's equity rounds it (its own
        // accounts' debts come with their ways out, below); and as the pool prices its shares,
        // its cash and every debt (`totalOwedWad`) less the traders' open PnL as it sums it
        // (rounded up by up to 2 wei a position and 1 a market).
        int256 poolWad = int256(usdc.balanceOf(address(pool)) * USDC_UNIT);
        int256 pricedWad = poolWad + int256(exchange.totalOwedWad());
        try exchange.tradersOpenPnl() returns (int256 pnlWad) {
            pricedWad -= pnlWad;
        } catch {
            return w;
        }
        for (uint256 k; k < _accounts.length; ++k) {
            int256 marginWad = exchange.signedMarginOf(_accounts[k].id);
            try exchange.equity(_accounts[k].id) returns (int256 equityWad) {
                poolWad -= equityWad - marginWad;
            } catch {
                return w;
            }
            if (_accounts[k].owner != ATTACKER && marginWad < 0) poolWad -= marginWad;
        }
        Share memory share = Share(pool.balanceOf(ATTACKER), pool.totalSupply() + VIRTUAL_SHARES);
        // Each account and position its better way out; what it leaves the pool adds to the pool.
        for (uint256 k; k < _accounts.length; ++k) {
            Account memory a = _accounts[k];
            if (a.owner != ATTACKER || a.positionId != 0) continue;
            (bool valued, Way memory way) = _freeAccountWay(a.id);
            if (!valued) return w;
            w.holdings += way.held;
            poolWad += way.poolWad;
        }
        for (uint256 k; k < _positions.length; ++k) {
            Position memory p = _positions[k];
            if (!p.open || p.owner != ATTACKER) continue;
            (bool valued, Way memory way) = _positionWay(p, btcPrice, share);
            if (!valued) return w;
            w.holdings += way.held;
            poolWad += way.poolWad;
        }
        w.lp = _shareOf(share, poolWad);
        w.lpPriced = _shareOf(share, pricedWad);
        w.known = true;
    }

    /// @dev A free account's way out: kept, closed in pieces at the mark (impact goes to nothing
    ///      as the pieces shrink; its fee is the pool's), it is worth its equity, and the pool
    ///      collects what its margin owes; under water, it is abandoned: the exchange closes it
    ///      in one fill and writes its debt off, and the pool keeps the open PnL it marked
    ///      less nothing (equity less margin) and what the margin owed.
    function _freeAccountWay(uint256 accountId) internal view returns (bool, Way memory way) {
        (bool valued, AccountMarks memory m) = _marks(accountId);
        if (!valued) return (false, way);
        if (m.equityWad >= 0) return (true, Way(m.equityWad * int256(WAD), m.owedWad));
        return (true, Way(0, m.equityWad + m.owedWad));
    }

    /// @dev A position's better way out: repaid (its spot and, taken back, its account less the
    ///      debt) or abandoned to a liquidation (or, after shutdown, a settlement), which takes
    ///      the collateral, its account at close value, up to the debt: the attacker keeps what
    ///      is left, and the pool gains the account's one-fill exit and what its margin owed.
    ///      Abandoning is worth more only when that collateral is worth less than the debt.
    function _positionWay(Position memory p, uint256 btcPrice, Share memory share)
        internal
        view
        returns (bool, Way memory)
    {
        IVault.PositionView memory v = vault.position(p.id);
        int256 spotLessDebt =
            int256(v.spotAmount * WBTC_UNIT * btcPrice) - int256(v.debt * _valuePrice(_synths[p.synth].asset()));
        Way memory repaid = Way(spotLessDebt, 0);
        Way memory abandoned = Way(0, 0);
        if (v.hasAccount) {
            (bool valued, AccountMarks memory m) = _marks(v.accountId);
            if (!valued) return (false, repaid);
            (, Way memory kept) = _freeAccountWay(v.accountId);
            (repaid.held, repaid.poolWad) = (repaid.held + kept.held, kept.poolWad);
            int256 closeValueWad = m.closeValueWad > 0 ? m.closeValueWad : int256(0);
            abandoned.poolWad = m.equityWad - closeValueWad + m.owedWad;
            spotLessDebt += closeValueWad * int256(WAD);
        }
        if (spotLessDebt > 0) abandoned.held = spotLessDebt;
        return (true, _better(repaid, abandoned, share) ? repaid : abandoned);
    }

    /// @dev Whether `a` is worth at least `b` to the attacker: what it holds, plus its share of
    ///      what it leaves the pool (linear in the pool's value while that is positive).
    function _better(Way memory a, Way memory b, Share memory share) internal pure returns (bool) {
        int256 poolDelta = b.poolWad - a.poolWad;
        uint256 part = Math.mulDiv(share.shares, _abs(poolDelta) * WAD, share.supply);
        return a.held - b.held >= (poolDelta >= 0 ? int256(part) : -int256(part));
    }

    /// @dev The account's equity, close value and what its margin owes the pool (WAD); false
    ///      when one reverts.
    function _marks(uint256 accountId) internal view returns (bool, AccountMarks memory m) {
        int256 marginWad = exchange.signedMarginOf(accountId);
        m.owedWad = marginWad < 0 ? -marginWad : int256(0);
        try exchange.equity(accountId) returns (int256 e) {
            m.equityWad = e;
        } catch {
            return (false, m);
        }
        try exchange.closeValue(accountId) returns (int256 v) {
            m.closeValueWad = v;
        } catch {
            return (false, m);
        }
        return (true, m);
    }

    /// @dev What the attacker's shares are worth of a pool valued `valueWad` (floored at 0), as
    ///      ERC-4626 converts (a virtual unit, the virtual shares in `share.supply`), unrounded
    ///      but for the division: USD × 1e36.
    function _shareOf(Share memory share, int256 valueWad) internal pure returns (int256) {
        uint256 value = valueWad > 0 ? uint256(valueWad) : 0;
        return int256(Math.mulDiv(share.shares, (value + USDC_UNIT) * WAD, share.supply));
    }

    /// @dev The price the attacker's worth counts `asset_` at (WAD): after shutdown the frozen
    ///      price, where there is one; else the oracle's latest answer, trusted or not (prices do
    ///      not move within an action).
    function _valuePrice(bytes32 asset_) internal view returns (uint256) {
        if (vault.isShutdown()) {
            uint256 frozen = settlement.frozenPriceWad(asset_);
            if (frozen != 0) return frozen;
        }
        (uint256 price,,) = oracle.peekPriceWad(asset_);
        return price;
    }

    function _judge(string memory action, Worth memory w0, int256 income) internal {
        Worth memory w1 = _worth();
        _weigh(action, w0.known && w1.known, _total(w0), _total(w1), income);
    }

    /// @dev An LP action, judged with the pool valued as it prices its shares (see the header).
    function _judgeLp(string memory action, Worth memory w0) internal {
        Worth memory w1 = _worth();
        _weigh(
            action,
            w0.known && w1.known,
            w0.wallet + w0.holdings + w0.lpPriced,
            w1.wallet + w1.holdings + w1.lpPriced,
            0
        );
    }

    /// @dev A liquidation the attacker made: of its own (`own`), the income is `ownIncome` (what
    ///      the fund paid it; the exchange's reward from a locked account); of anyone else's, its
    ///      payout as keeper and its pool share's gain.
    function _judgeLiquidation(string memory action, Worth memory w0, bool own, int256 ownIncome) internal {
        Worth memory w1 = _worth();
        int256 income = own ? ownIncome : _gain(w0.wallet, w1.wallet) + _gain(w0.lp, w1.lp);
        _weigh(action, w0.known && w1.known, _total(w0), _total(w1), income);
    }

    /// @dev Records the action's rise beyond its income, a violation when positive.
    function _weigh(string memory action, bool known, int256 before, int256 after_, int256 income) internal {
        if (!known) {
            ++nflUnjudged;
            return;
        }
        ++nflJudged;
        ++ok[bytes32(bytes(string.concat("nfl.", action)))];
        int256 rise = after_ - before - income;
        // The closest approach among actions that moved its worth (a refused one moves nothing).
        if ((after_ != before || income != 0) && rise > nflClosest) (nflClosest, nflClosestAction) = (rise, action);
        if (rise <= 0) return;
        if (nflViolations == 0) {
            nflFirstViolation = string.concat(
                action,
                " raised the attacker's net worth from ",
                before.toStringSigned(),
                " to ",
                after_.toStringSigned(),
                " (USD x 1e36) with income ",
                income.toStringSigned()
            );
        }
        ++nflViolations;
    }

    function _total(Worth memory w) internal pure returns (int256) {
        return w.wallet + w.holdings + w.lp;
    }

    function _gain(int256 before, int256 after_) internal pure returns (int256) {
        return after_ > before ? after_ - before : int256(0);
    }

    /* INTERNAL: PICKING ITS OWN */

    /// @dev One of the attacker's accounts (free or locked), from `seed`.
    function _attackerAccount(uint256 seed) internal view returns (bool, Account memory a) {
        uint256 n = _accounts.length;
        for (uint256 k; k < n; ++k) {
            a = _accounts[(seed % n + k) % n];
            if (a.owner == ATTACKER) return (true, a);
        }
        return (false, a);
    }

    /// @dev One of the attacker's open positions, from `seed`.
    function _attackerPosition(uint256 seed) internal view returns (bool, Position memory p) {
        uint256 n = _positions.length;
        for (uint256 k; k < n; ++k) {
            p = _positions[(seed % n + k) % n];
            if (p.open && p.owner == ATTACKER) return (true, p);
        }
        return (false, p);
    }

    /// @dev The attacker's open position with debt whose CR is lowest relative to its
    ///      liquidation ratio, if any can be read.
    function _attackerWeakest() internal view returns (bool found, Position memory p) {
        uint256 lowest = type(uint256).max;
        for (uint256 k; k < _positions.length; ++k) {
            Position memory q = _positions[k];
            if (!q.open || q.owner != ATTACKER) continue;
            (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(q.id);
            if (!readable || snap.debt == 0) continue;
            uint256 crWad = _cr(q.id);
            if (crWad == type(uint256).max) continue;
            uint256 relative = Math.mulDiv(crWad, WAD, snap.liquidationRatioWad);
            if (relative < lowest) (found, p, lowest) = (true, q, relative);
        }
    }

    /// @dev The slot of the attacker's account with the lowest equity / maintenance, else
    ///      `fallback_`'s.
    function _attackerRiskiestAccount(Account memory fallback_) internal view returns (uint256 best) {
        uint256 bestRatio = type(uint256).max;
        for (uint256 k; k < _accounts.length; ++k) {
            if (_accounts[k].id == fallback_.id && bestRatio == type(uint256).max) best = k;
            if (_accounts[k].owner != ATTACKER) continue;
            (bool known, int256 e, uint256 mm) = _equityAndMaintenance(_accounts[k].id);
            if (!known || mm == 0) continue;
            uint256 ratio = e <= 0 ? 0 : uint256(e) * WAD / mm;
            if (ratio < bestRatio) (best, bestRatio) = (k, ratio);
        }
    }
}
