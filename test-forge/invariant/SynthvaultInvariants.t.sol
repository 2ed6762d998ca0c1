// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SynthvaultInvariants: Forge's invariant fuzzer calls random sequences of the handler's actions
 * (`targetSelectors`) and, after every call, checks the protocol's state invariants below. The
 * step invariants (minting ratio after user actions, untrusted prices, no healthy liquidation,
 * what must always work) are checked inside the handler, right after each action. See
 * docs/assurance.md for what each one means and how to run them.
 */

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {StabilityPool} from "../../contracts/liquidation/StabilityPool.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {RateMath} from "../../contracts/libraries/RateMath.sol";
import {MAX_RATE_INDEX_WAD} from "../../contracts/core/Vault.sol";
import {VM} from "../utils/Vm.sol";
import {SynthvaultAttacker} from "./SynthvaultAttacker.sol";
import {SynthvaultHandler} from "./SynthvaultHandler.sol";

contract SynthvaultInvariants {
    using Strings for uint256;

    /// @dev What Forge reads from `targetSelectors` (as forge-std's `StdInvariant.FuzzSelector`).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint256 internal constant WAD = 1e18;
    uint256 internal constant USDC_UNIT = 1e12;

    SynthvaultAttacker internal handler;

    function setUp() public {
        // A realistic clock: feeds stamp rounds with it, the dated market expires 30 days on.
        VM.warp(1_750_000_000);
        handler = new SynthvaultAttacker();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](45);
        selectors[0] = SynthvaultHandler.depositMargin.selector;
        selectors[1] = SynthvaultHandler.withdrawMargin.selector;
        selectors[2] = SynthvaultHandler.trade.selector;
        selectors[3] = SynthvaultHandler.liquidateAccount.selector;
        selectors[4] = SynthvaultHandler.settleDated.selector;
        selectors[5] = SynthvaultHandler.setFunding.selector;
        selectors[6] = SynthvaultHandler.lpMove.selector;
        selectors[7] = SynthvaultHandler.openPosition.selector;
        selectors[8] = SynthvaultHandler.lockAccount.selector;
        selectors[9] = SynthvaultHandler.unlock.selector;
        selectors[10] = SynthvaultHandler.addSpot.selector;
        selectors[11] = SynthvaultHandler.removeSpot.selector;
        selectors[12] = SynthvaultHandler.mint.selector;
        selectors[13] = SynthvaultHandler.burn.selector;
        selectors[14] = SynthvaultHandler.close.selector;
        selectors[15] = SynthvaultHandler.accrue.selector;
        selectors[16] = SynthvaultHandler.setStabilityFee.selector;
        selectors[17] = SynthvaultHandler.switchFeeRecipient.selector;
        selectors[18] = SynthvaultHandler.fundDeposit.selector;
        selectors[19] = SynthvaultHandler.movePrice.selector;
        selectors[20] = SynthvaultHandler.crash.selector;
        selectors[21] = SynthvaultHandler.jumpPrice.selector;
        selectors[22] = SynthvaultHandler.acceptRound.selector;
        selectors[23] = SynthvaultHandler.refreshPrices.selector;
        selectors[24] = SynthvaultHandler.warp.selector;
        selectors[25] = SynthvaultHandler.liquidatePosition.selector;
        selectors[26] = SynthvaultHandler.shutdown.selector;
        selectors[27] = SynthvaultHandler.settlePosition.selector;
        selectors[28] = SynthvaultHandler.redeem.selector;
        selectors[29] = SynthvaultHandler.setLiquidationParams.selector;
        selectors[30] = SynthvaultHandler.keeperSweep.selector;
        selectors[31] = SynthvaultHandler.lpGift.selector;
        selectors[32] = SynthvaultHandler.quietFeed.selector;
        selectors[33] = SynthvaultHandler.setShock.selector;
        selectors[34] = SynthvaultAttacker.attackerLp.selector;
        selectors[35] = SynthvaultAttacker.attackerMargin.selector;
        selectors[36] = SynthvaultAttacker.attackerTrade.selector;
        selectors[37] = SynthvaultAttacker.attackerVault.selector;
        selectors[38] = SynthvaultAttacker.attackerLiquidate.selector;
        selectors[39] = SynthvaultHandler.driftFallback.selector;
        selectors[40] = SynthvaultHandler.hedgeAndCloseLosingLeg.selector;
        selectors[41] = SynthvaultHandler.lockedLongUnderMaintenance.selector;
        selectors[42] = SynthvaultHandler.poolDeposit.selector;
        selectors[43] = SynthvaultHandler.poolWithdraw.selector;
        selectors[44] = SynthvaultHandler.setVenue.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /* INVARIANTS */

    /// @notice Every state invariant, after every call. One invariant function, not five: Forge
    ///         runs a campaign of `runs` x `depth` calls per invariant function.
    function invariant_synthvault() public view {
        _exchangeIsSolvent();
        _poolHoldsItsOwn();
        _synthSupplyMatchesDebt();
        _insuranceFundReserves();
        _vaultCustody();
        _settlementHoldsItsReserves();
        _viewsAgree();
        _openPnlAddsUp();
        _rateIndexBounded();
        _noFreeLunch();
        _stabilityPoolsAccounted();
        _venueCountsAtItsHaircut();
    }

    /// @notice The venue's state is one the rule allows (a haircut only while winding down, at
    ///         most 100%), and every locked account is counted at (1 - haircut) of what the
    ///         exchange says closing it would fetch (its liquidation close value, floored at 0),
    ///         rounded down: the lens's health, and so the engine's trigger, to the wei.
    function _venueCountsAtItsHaircut() internal view {
        ICollateralVenue venue = handler.vault().futuresCollateral();
        (ICollateralVenue.VenueState state, uint256 haircutBps) = venue.venueState();
        if (haircutBps > 10_000) _fail("a haircut over 100%");
        if (haircutBps != 0 && state != ICollateralVenue.VenueState.WindingDown) {
            _fail("a haircut while not winding down");
        }
        for (uint256 i; i < handler.positionCount(); ++i) {
            if (!handler.position(i).open) continue;
            IVault.PositionView memory p = handler.vault().position(handler.position(i).id);
            if (!p.hasAccount) continue;
            (bool ok, uint256 countedWad,) = handler.vault().futuresCollateral().tryLiquidationValueUsdWad(p.accountId);
            if (!ok) continue;
            int256 closeValueWad = handler.exchange().liquidationCloseValue(p.accountId);
            uint256 ownWad = closeValueWad > 0 ? uint256(closeValueWad) : 0;
            _eq(countedWad, ownWad * (10_000 - haircutBps) / 10_000, "an account counted other than at the haircut");
        }
    }

    /// @notice Each stability pool, to the wei: deposits held + synth withdrawn = synth deposited
    ///         − synth burned by liquidations, and collateral held + gains withdrawn = collateral
    ///         received from liquidations (spot and stablecoin each); its `totalDeposits` is the
    ///         synth it holds; and what it owes its depositors (rounded down) is within what it
    ///         holds: their deposits within `totalDeposits`, their gains within its spot and
    ///         stablecoin.
    function _stabilityPoolsAccounted() internal view {
        for (uint256 s; s < handler.synthCount(); ++s) {
            StabilityPool sp = handler.stabilityPool(s);
            SynthvaultHandler.PoolGhost memory g = handler.poolGhost(s);
            string memory symbol = handler.synth(s).symbol();
            uint256 synthHeld = handler.synth(s).balanceOf(address(sp));
            uint256 spotHeld = handler.wbtc().balanceOf(address(sp));
            uint256 stableHeld = handler.usdc().balanceOf(address(sp));
            _eq(
                synthHeld + g.withdrawn + g.burned,
                g.deposited,
                string.concat(symbol, " pool: held + withdrawn + burned vs deposited")
            );
            _eq(spotHeld + g.spotOut, g.spotIn, string.concat(symbol, " pool: spot held + paid vs received"));
            _eq(
                stableHeld + g.stableOut, g.stableIn, string.concat(symbol, " pool: stablecoin held + paid vs received")
            );
            _eq(sp.totalDeposits(), synthHeld, string.concat(symbol, " pool: totalDeposits vs synth held"));
            uint256 owed;
            uint256 spotOwed;
            uint256 stableOwed;
            // The actors and the keeper (which deposits before some of its liquidations).
            for (uint256 a; a <= handler.actorCount(); ++a) {
                address depositor = a == handler.actorCount() ? handler.KEEPER() : handler.actor(a);
                owed += sp.depositOf(depositor);
                (uint256 spotGain, uint256 stableGain) = sp.gainsOf(depositor);
                spotOwed += spotGain;
                stableOwed += stableGain;
            }
            if (owed > synthHeld || spotOwed > spotHeld || stableOwed > stableHeld) {
                _fail(string.concat(symbol, " pool owes its depositors more than it holds"));
            }
        }
    }

    /// @notice No free lunch: no action of the attacker raised its net worth at the oracle's
    ///         prices of the moment beyond what the protocol paid it (`SynthvaultAttacker`).
    function _noFreeLunch() internal view {
        if (handler.nflViolations() != 0) {
            _fail(
                string.concat(
                    "no free lunch (",
                    handler.nflViolations().toString(),
                    " violations), first: ",
                    handler.nflFirstViolation()
                )
            );
        }
    }

    /// @notice Every synth's rate index stays within [1, 1e9] (WAD): the fee only grows it, and a
    ///         write-off that would lift it past the vault's bound is bad debt instead (the
    ///         first review's index wrap: it once reached 99% of 2^128, then wrapped to ~0).
    function _rateIndexBounded() internal view {
        IVault vault = handler.vault();
        ISyntheticToken[] memory synths = vault.synths();
        for (uint256 i; i < synths.length; ++i) {
            (uint256 rateIndexWad,,,) = vault.synthDebt(synths[i]);
            if (rateIndexWad < WAD || rateIndexWad > MAX_RATE_INDEX_WAD) _fail("a rate index out of [1, 1e9]");
        }
    }

    /// @notice What the pool marks as its traders' open PnL (`tradersOpenPnl`, from each
    ///         market's net size and Σ size × basis) is the sum of every account's equity less
    ///         its margin, rounded up by at most 2 wei a position and 1 a market.
    function _openPnlAddsUp() internal view {
        IFuturesExchange exchange = handler.exchange();
        int256 sum;
        uint256 slack = exchange.marketCount();
        for (uint256 i; i < handler.accountCount(); ++i) {
            uint256 accountId = handler.account(i).id;
            try exchange.equity(accountId) returns (int256 equityWad) {
                sum += equityWad - exchange.signedMarginOf(accountId);
                slack += 2 * exchange.positions(accountId).length;
            } catch {
                return; // an untrusted price
            }
        }
        try exchange.tradersOpenPnl() returns (int256 pnlWad) {
            if (pnlWad < sum || pnlWad - sum > int256(slack)) {
                _fail("tradersOpenPnl vs the accounts' equity less margin");
            }
        } catch {
            _fail("tradersOpenPnl reverts while every equity answers");
        }
    }

    /// @notice The exchange holds exactly the sum of all positive margins, in whole token units,
    ///         and that sum is what it books as `totalMarginWad`; what accounts owe the pool, the
    ///         sum of the negative margins, is what it books as `totalOwedWad`.
    function _exchangeIsSolvent() internal view {
        uint256 totalMarginWad = handler.exchange().totalMarginWad();
        uint256 held = handler.usdc().balanceOf(address(handler.exchange()));
        _eq(held * USDC_UNIT, totalMarginWad, "stablecoin held by the exchange vs totalMarginWad");

        uint256 sum;
        uint256 owed;
        for (uint256 i; i < handler.accountCount(); ++i) {
            uint256 accountId = handler.account(i).id;
            int256 marginWad = handler.exchange().signedMarginOf(accountId);
            if (marginWad % int256(USDC_UNIT) != 0) {
                _fail(string.concat("margin of account ", accountId.toString(), " is not whole units"));
            }
            if (marginWad > 0) sum += uint256(marginWad);
            else owed += uint256(-marginWad);
        }
        _eq(sum, totalMarginWad, "sum of positive margins vs totalMarginWad");
        _eq(owed, handler.exchange().totalOwedWad(), "sum of negative margins vs totalOwedWad");
    }

    /// @notice The pool's assets are the stablecoin it holds and what accounts owe it less the traders' open PnL, and
    ///         every stablecoin and spot BTC unit minted is held by someone the handler knows: nothing leaks, nothing
    ///         is created.
    function _poolHoldsItsOwn() internal view {
        address pool = address(handler.pool());
        _eq(handler.pool().cash(), handler.usdc().balanceOf(pool), "pool cash vs its balance");
        // Its value is its cash and what accounts owe it less the traders' open PnL; neither can
        // be read while a market with a net open size has no trusted price.
        try handler.exchange().tradersOpenPnl() returns (int256 pnlWad) {
            int256 valueWad =
                int256(handler.usdc().balanceOf(pool) * USDC_UNIT + handler.exchange().totalOwedWad()) - pnlWad;
            _eq(
                handler.pool().totalAssets(),
                valueWad > 0 ? uint256(valueWad) / USDC_UNIT : 0,
                "pool totalAssets vs cash and debts less open PnL"
            );
        } catch {}

        address[] memory holders = _holders();
        uint256 stable = handler.usdc().balanceOf(pool) + handler.usdc().balanceOf(address(handler.exchange()))
            + handler.usdc().balanceOf(address(handler.fund())) + handler.usdc().balanceOf(address(handler.vault()))
            + handler.usdc().balanceOf(address(handler.engine()))
            + handler.usdc().balanceOf(address(handler.settlement()));
        uint256 spot = handler.wbtc().balanceOf(address(handler.vault()))
            + handler.wbtc().balanceOf(address(handler.engine()))
            + handler.wbtc().balanceOf(address(handler.settlement()));
        for (uint256 i; i < holders.length; ++i) {
            stable += handler.usdc().balanceOf(holders[i]);
            spot += handler.wbtc().balanceOf(holders[i]);
        }
        _eq(stable, handler.ghostUsdcMinted(), "stablecoin held by everyone vs minted");
        _eq(spot, handler.ghostWbtcMinted(), "spot BTC held by everyone vs minted");
    }

    /// @notice After shutdown the global settlement holds exactly the stablecoin and spot BTC it
    ///         set aside for the synths' holders (before, nothing); the engine never holds any
    ///         between calls (a liquidation passes all it takes on).
    function _settlementHoldsItsReserves() internal view {
        uint256 stable;
        uint256 spot;
        for (uint256 s; s < handler.synthCount(); ++s) {
            (uint256 stableAmount, uint256 spotAmount,) = handler.settlement().reserves(handler.synth(s));
            stable += stableAmount;
            spot += spotAmount;
        }
        address settlement = address(handler.settlement());
        _eq(handler.usdc().balanceOf(settlement), stable, "stablecoin held by the settlement vs its reserves");
        _eq(handler.wbtc().balanceOf(settlement), spot, "spot BTC held by the settlement vs its reserves");
        _eq(handler.usdc().balanceOf(address(handler.engine())), 0, "stablecoin held by the engine");
        _eq(handler.wbtc().balanceOf(address(handler.engine())), 0, "spot BTC held by the engine");
    }

    /// @notice Per synth: the positions' debt shares add up to the synth's; the supply plus the
    ///         uncollected fees is the total debt at the rate index rounded down, plus the bad
    ///         debt no position owes, plus (after shutdown) the debt settled into the settlement's
    ///         reserve and not yet redeemed; the index grows exactly as documented; the sum of
    ///         the positions' debts exceeds the total by at most rounding dust; and all supply is
    ///         in known hands.
    function _synthSupplyMatchesDebt() internal view {
        for (uint256 s; s < handler.synthCount(); ++s) {
            _checkSynth(s);
        }
    }

    /// @notice The insurance fund holds what was paid in less what it paid out, never less.
    function _insuranceFundReserves() internal view {
        uint256 reserves = handler.fund().reserves();
        if (handler.ghostFundOut() > handler.ghostFundIn()) _fail("insurance fund paid out more than it received");
        _eq(reserves, handler.ghostFundIn() - handler.ghostFundOut(), "insurance fund reserves vs inflows - draws");
    }

    /// @notice The vault holds exactly its positions' spot BTC, and each account token is where
    ///         the books say: the vault's futures adapter's while locked, its owner's otherwise.
    function _vaultCustody() internal view {
        IVault vault = handler.vault();
        uint256 spot;
        for (uint256 i; i < handler.positionCount(); ++i) {
            SynthvaultHandler.Position memory p = handler.position(i);
            if (!p.open) continue;
            IVault.PositionView memory v = vault.position(p.id);
            spot += v.spotAmount;
            if (v.owner != p.owner) _fail(string.concat("position ", p.id.toString(), " changed owner"));
            bool locked = p.accountSlot != 0;
            if (v.hasAccount != locked) _fail(string.concat("position ", p.id.toString(), " lock state differs"));
            if (locked && v.accountId != handler.account(p.accountSlot - 1).id) {
                _fail(string.concat("position ", p.id.toString(), " holds another account"));
            }
        }
        _eq(handler.wbtc().balanceOf(address(vault)), spot, "spot BTC held by the vault vs positions' spot");

        for (uint256 i; i < handler.accountCount(); ++i) {
            SynthvaultHandler.Account memory a = handler.account(i);
            address expected = a.positionId == 0 ? a.owner : address(vault.futuresCollateral());
            if (handler.exchange().accounts().ownerOf(a.id) != expected) {
                _fail(string.concat("account ", a.id.toString(), " token is not where the books say"));
            }
        }
    }

    /// @notice The views keepers and front ends read agree with the ones the contracts use:
    ///         the lens's `healthOf` (each price read once, never reverting) with its `health`,
    ///         and an account's `positions` (PnL and funding per market) with its `equity` (to
    ///         their rounding). A position `healthOf` reports `Unpriceable` has a `health` that
    ///         reverts; every other agrees to the wei.
    function _viewsAgree() internal view {
        IVaultLens lens = handler.lens();
        uint256 n = handler.positionCount();
        uint256[] memory ids = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            ids[i] = handler.position(i).id;
        }
        IVaultLens.Health[] memory healths = lens.healthOf(ids);
        for (uint256 i; i < n; ++i) {
            IVaultLens.Health memory h = healths[i];
            if (!handler.position(i).open) {
                if (h.status != IVaultLens.HealthStatus.UnknownPosition || h.crWad != type(uint256).max) {
                    _fail("healthOf of a closed position is not unknown and empty");
                }
                continue;
            }
            try lens.health(ids[i]) returns (uint256 collateralUsd, uint256 debtUsd, uint256 crWad) {
                if (h.status != IVaultLens.HealthStatus.Ok) _fail("healthOf: unpriceable while health answers");
                _eq(h.collateralUsdWad, collateralUsd, "healthOf vs health: collateral");
                _eq(h.debtUsdWad, debtUsd, "healthOf vs health: debt");
                _eq(h.crWad, crWad, "healthOf vs health: CR");
            } catch {
                if (h.status != IVaultLens.HealthStatus.Unpriceable) _fail("healthOf: priced while health reverts");
            }
        }

        for (uint256 i; i < handler.accountCount(); ++i) {
            uint256 accountId = handler.account(i).id;
            try handler.exchange().equity(accountId) returns (int256 equityWad) {
                IFuturesExchange.PositionView[] memory views = handler.exchange().positions(accountId);
                int256 sum = handler.exchange().signedMarginOf(accountId);
                for (uint256 k; k < views.length; ++k) {
                    sum += views[k].unrealizedPnlWad - views[k].fundingOwedWad;
                }
                // `equity` rounds each market's PnL less funding once (down); `positions` rounds
                // the PnL down and the funding up apart: up to 2 wei per market below it.
                if (sum > equityWad || equityWad - sum > int256(2 * views.length)) {
                    _fail(string.concat("account ", accountId.toString(), ": positions do not add up to equity"));
                }
            } catch {}
        }
    }

    /* INTERNAL */

    function _checkSynth(uint256 s) internal view {
        SyntheticToken token = handler.synth(s);
        string memory symbol = token.symbol();
        (uint256 index, uint256 totalShares, uint256 totalDebt) = _currentIndex(token);
        (uint256 shares, uint256 debts, uint256 count) = _sumPositions(s);
        _eq(shares, totalShares, string.concat(symbol, ": positions' debt shares vs total"));
        _eq(
            totalDebt,
            Math.mulDiv(totalShares, index, WAD, Math.Rounding.Ceil),
            string.concat(symbol, ": total debt vs shares x index")
        );

        _checkSupply(token, symbol, Math.mulDiv(totalShares, index, WAD));

        // Each position's debt rounds up on its own: at most one unit per position above the total.
        if (debts < totalDebt || debts > totalDebt + count) {
            _fail(string.concat(symbol, ": sum of debts ", debts.toString(), " vs total debt ", totalDebt.toString()));
        }

        address[] memory holders = _holders();
        uint256 held;
        for (uint256 i; i < holders.length; ++i) {
            held += token.balanceOf(holders[i]);
        }
        _eq(held, token.totalSupply(), string.concat(symbol, ": supply held by known holders vs total supply"));
    }

    /// @dev Supply + uncollected fees = owed (the total debt rounded down) + bad debt + settled
    ///      debt not yet redeemed: exactly until a settlement, then within a wei per position
    ///      (each settled debt rounds up, the total it leaves rounds down); after a write-off
    ///      into bad debt the left side may fall short by a redistribution's rounding that the
    ///      write-off booked (`ghostBadDebtRounding`), and, after shutdown, by what partial
    ///      repayments rounded into the debt (`ghostRepayRounding`).
    function _checkSupply(SyntheticToken token, string memory symbol, uint256 owed) internal view {
        // Redeemed synth is added on the left rather than taken from the right: no underflow.
        uint256 accounted = token.totalSupply() + handler.vault().uncollectedFees(token) + handler.ghostRedeemed(token);
        (,, uint256 settled) = handler.settlement().reserves(token);
        uint256 expected = owed + handler.vault().badDebt(token) + settled;
        uint256 dust = settled == 0 ? 0 : handler.positionCount();
        uint256 short = dust + handler.ghostBadDebtRounding(token) + handler.ghostRepayRounding(token);
        if (accounted + short < expected || accounted > expected + dust) {
            _fail(
                string.concat(
                    symbol,
                    ": supply + uncollected fees + redeemed ",
                    accounted.toString(),
                    " vs debt + bad debt + settled ",
                    expected.toString()
                )
            );
        }
    }

    /// @dev The synth's rate index now, as `IVault` documents it (the fee compounded every second
    ///      since the last accrual, `RateMath.grow`, standing still without debt), with its total
    ///      shares and debt.
    function _currentIndex(SyntheticToken token)
        internal
        view
        returns (uint256 index, uint256 totalShares, uint256 totalDebt)
    {
        uint256 lastAccrual;
        (index, lastAccrual, totalShares, totalDebt) = handler.vault().synthDebt(token);
        uint256 fee = handler.vault().synthParams(token).stabilityFeeWad;
        uint256 elapsed = block.timestamp - lastAccrual;
        if (totalShares != 0) index = RateMath.grow(index, fee, elapsed);
    }

    /// @dev The debt shares and debts of synth `s`'s open positions, and how many there are.
    function _sumPositions(uint256 s) internal view returns (uint256 shares, uint256 debts, uint256 count) {
        for (uint256 i; i < handler.positionCount(); ++i) {
            SynthvaultHandler.Position memory p = handler.position(i);
            if (!p.open || p.synth != s) continue;
            IVault.PositionView memory v = handler.vault().position(p.id);
            shares += v.debtShares;
            debts += v.debt;
            ++count;
        }
    }

    /// @dev Every address the handler moves tokens to: actors, the keeper, the fee recipients, the
    ///      LP, the attacker.
    function _holders() internal view returns (address[] memory holders) {
        uint256 n = handler.actorCount();
        uint256 pools = handler.synthCount();
        holders = new address[](n + 5 + pools);
        for (uint256 i; i < n; ++i) {
            holders[i] = handler.actor(i);
        }
        holders[n] = handler.KEEPER();
        holders[n + 1] = handler.FEE_RECIPIENT_A();
        holders[n + 2] = handler.FEE_RECIPIENT_B();
        holders[n + 3] = address(handler);
        holders[n + 4] = handler.ATTACKER();
        for (uint256 s; s < pools; ++s) {
            holders[n + 5 + s] = address(handler.stabilityPool(s));
        }
    }

    function _eq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) _fail(string.concat(what, ": ", actual.toString(), " != ", expected.toString()));
    }

    function _fail(string memory message) internal pure {
        revert(message);
    }
}
