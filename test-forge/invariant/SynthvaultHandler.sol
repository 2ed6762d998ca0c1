// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SynthvaultHandler: deploys the whole system and drives it, for Forge's invariant fuzzer, with
 * bounded random actions by a few traders, a keeper, an LP and the owner: margin in and out,
 * trades (open, grow, reduce, flip, close), vault positions (open, lock, unlock, spot in and out,
 * mint, burn, close), price moves within the circuit breaker, crashes and spikes in several
 * rounds, jumps that freeze a feed, funding, time, exchange liquidations and settlement, vault
 * liquidations (one position or many), the owner's shocks of the minting check, and the
 * shutdown with its settlements and redemptions.
 *
 * Every protocol call is wrapped in try/catch, so the handler itself never reverts: a revert here
 * is a failed check (the suite runs with `fail_on_revert = true`), and Forge shows the sequence.
 * Checked right after each successful action (the "step" invariants):
 *   - a risk-adding vault action leaves the position at or above the minting ratio and, after
 *     each asset moves against it by its shock (its net exposure per asset x the vault's shock,
 *     computed here from the exchange's views), at or above 100%, its debt at zero or at least
 *     the minimum, and (a mint) the synth under its ceiling;
 *   - an action that needs a price succeeded only if that price was trusted;
 *   - what must work on any price (deposits, adding spot, burning, closing, accruing) worked;
 *   - an exchange trade that adds risk, or a withdrawal, leaves the account over its initial margin;
 *   - no exchange account at or above its maintenance margin, and no vault position at or above
 *     its liquidation ratio, was liquidated;
 *   - a liquidation paid the keeper no more than the synth it burned plus its bonus, and keeper
 *     and fund together no more than the repaid value plus the penalty;
 *   - after shutdown, nothing that adds risk against debt goes through, and a redemption pays no
 *     more than the synth's frozen value;
 *   - a locked account cannot be traded or drained except through the vault.
 * The state invariants (solvency, supply against debt, custody) are in `SynthvaultInvariants`.
 */

import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IFuturesAccounts} from "../../interfaces/venue/IFuturesAccounts.sol";
import {IInsuranceFund} from "../../interfaces/liquidation/IInsuranceFund.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/venue/ILiquidityPool.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IVaultLens} from "../../interfaces/periphery/IVaultLens.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {FuturesExchange} from "../../contracts/venue/FuturesExchange.sol";
import {GlobalSettlement} from "../../contracts/liquidation/GlobalSettlement.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {StabilityPool} from "../../contracts/liquidation/StabilityPool.sol";
import {OracleHub} from "../../contracts/oracle/OracleHub.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {Vault} from "../../contracts/core/Vault.sol";
import {VaultLens} from "../../contracts/periphery/VaultLens.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {VM, Vm} from "../utils/Vm.sol";

contract SynthvaultHandler {
    using Strings for uint256;
    using Strings for int256;

    uint256 internal constant WAD = 1e18;
    /// @dev WAD per unit of the 6-decimal stablecoin, and per unit of the 8-decimal spot BTC.
    uint256 internal constant USDC_UNIT = 1e12;
    uint256 internal constant WBTC_UNIT = 1e10;

    uint256 internal constant ACTOR_COUNT = 3;
    /// @dev How long the LP's new shares stay locked in the campaign.
    uint256 internal constant LP_COOLDOWN = 1 hours;
    /// @dev Caps that keep each step cheap: the invariants loop over every position and account.
    uint256 internal constant MAX_POSITIONS = 12;
    uint256 internal constant MAX_ACCOUNTS = 10;

    address public constant KEEPER = address(0x4EE9E5);
    /// @notice The attacker (`SynthvaultAttacker`): its accounts and positions sit with everyone
    ///         else's, for the state invariants and the keepers, but only its own judged actions
    ///         act for it (the other actors' actions pass them over).
    address public constant ATTACKER = address(0xA77AC4);
    address public constant FEE_RECIPIENT_A = address(0xFEE0A);
    address public constant FEE_RECIPIENT_B = address(0xFEE0B);

    // Markets, in listing order.
    uint256 public constant BTC_PERP = 1;
    uint256 public constant ETH_PERP = 2;
    uint256 public constant BTC_DATED = 3;
    uint256 public constant MARKET_COUNT = 3;
    /// @dev Every market's minimum position (USD, WAD), as deployed.
    uint256 internal constant MIN_POSITION_NOTIONAL = 200e18;
    /// @dev The dated market expires this long after set-up: soon enough that some runs trade
    ///      it, see it expire and settle it.
    uint256 internal constant DATED_EXPIRY = 1 days;

    /* THE SYSTEM */

    OracleHub public immutable oracle;
    TestToken public immutable usdc;
    TestToken public immutable wbtc;
    FuturesExchange public immutable exchange;
    ILiquidityPool public immutable pool;
    IFuturesAccounts public immutable accounts;
    Vault public immutable vault;
    VaultLens public immutable lens;
    InsuranceFund public immutable fund;
    LiquidationEngine public immutable engine;
    GlobalSettlement public immutable settlement;

    bytes32[] internal _assets; // BTC, ETH, XAU, USD
    MockAggregator[] internal _feeds; // by asset index
    int256[] internal _initialAnswers; // by asset index: prices stay within 1/100 and 100 times these
    SyntheticToken[] internal _synths; // sUSD, sXAU, sETH
    StabilityPool[] internal _stabilityPools; // by synth index
    /// @dev The keeper's synth before its liquidation (`_countPartialCover`).
    uint256 internal _keeperSynthBefore;
    address[] internal _actors;

    /* WHAT THE HANDLER KNOWS */

    /// @dev An exchange account; `positionId` is the vault position holding it (0: free).
    struct Account {
        uint256 id;
        address owner;
        uint256 positionId;
    }

    /// @dev A vault position, and where its account sits in `_accounts` (+1; 0: none).
    struct Position {
        uint256 id;
        address owner;
        uint8 synth;
        bool open;
        uint256 accountSlot;
    }

    Account[] internal _accounts;
    Position[] internal _positions;
    uint256 internal immutable _startedAt = block.timestamp;
    /// @dev How many of the accounts and positions are the attacker's: the caps above are the
    ///      other actors'.
    uint256 internal _attackerAccounts;
    uint256 internal _attackerPositions;
    /// @dev The keeper's own position in each synth (by synth index), to mint what it repays.
    uint256[] internal _keeperPositions;

    /// @notice Every stablecoin and spot BTC unit the handler minted (to anyone).
    uint256 public ghostUsdcMinted;
    uint256 public ghostWbtcMinted;
    /// @notice The rounding a write-off into bad debt may leave in the supply identity: a
    ///         redistribution's index step rounds up (up to total shares / 1e18 wei, plus a wei
    ///         per position), and a later write-off books that rounding as bad debt.
    ///         `_writeOffSlack` just before each liquidation that records bad debt (times the
    ///         positions, for a batch) bounds it. (Known issue KI2, the write-off's uncollected
    ///         fee, is fixed: the fee is no longer part of this slack.)
    mapping(ISyntheticToken => uint256) public ghostBadDebtRounding;
    /// @notice What partial repayments after shutdown left as debt above the synth they burned
    ///         (see `burn`), by synth.
    mapping(ISyntheticToken => uint256) public ghostRepayRounding;
    /// @notice Synth units redeemed after shutdown, by synth.
    mapping(ISyntheticToken => uint256) public ghostRedeemed;
    /// @notice The last price each asset had while trusted, by asset index (for the shutdown check).
    uint256[] internal _lastTrustedPrice;
    /// @notice BTC's second source (issue 14): it reports the primary's latest answer moved by
    ///         `fallbackDriftBps` (`driftFallback`), and keeps reporting when the primary goes quiet.
    MockAggregator internal _btcFallback;
    int256 public fallbackDriftBps;
    /// @notice Stablecoin into and out of the insurance fund: deposits, and the penalties and
    ///         shortfall payments of each liquidation as measured around it.
    uint256 public ghostFundIn;
    uint256 public ghostFundOut;

    /// @notice Each stability pool's flows (by synth index), each measured as the tokens that moved:
    ///         synth deposited and withdrawn by the actors, burned by liquidations; spot and
    ///         stablecoin received from liquidations and paid to depositors as gains.
    struct PoolGhost {
        uint256 deposited;
        uint256 withdrawn;
        uint256 burned;
        uint256 spotIn;
        uint256 stableIn;
        uint256 spotOut;
        uint256 stableOut;
    }

    PoolGhost[] internal _poolGhosts;

    /// @notice Successful actions by name: what a campaign really exercised (read them from an
    ///         `afterInvariant()` when tuning the handler).
    mapping(bytes32 => uint256) public ok;
    /// @dev The hedges `hedgeAndCloseLosingLeg` opened this run, and the positions
    ///      `lockedLongUnderMaintenance` did.
    uint256 internal _hedges;
    uint256 internal _lockedLongs;
    /// @notice The same, of the attacker's actions alone.
    mapping(bytes32 => uint256) public attackerOk;

    /// @dev Which prices an action may read, judged just before it.
    struct Trust {
        bool synth;
        bool btc;
        bool account;
        bool shut;
    }

    constructor() {
        oracle = new OracleHub(address(this));
        _addFeed("BTC", 60_000e8, 3600, 5000);
        _addFeed("ETH", 3_000e8, 3600, 5000);
        _addFeed("XAU", 2_400e8, 86_400, 2000);
        _addFeed("USD", 1e8, 86_400, 1000);
        // BTC has a second source that may disagree with the primary by up to 2%.
        _btcFallback = new MockAggregator(8, "", 60_000e8);
        oracle.setFallback("BTC", AggregatorV3Interface(address(_btcFallback)), 3600, 5000, 200);

        usdc = new TestToken("USD Coin (test)", "USDC", 6, address(this));
        wbtc = new TestToken("Wrapped BTC (test)", "WBTC", 8, address(this));
        exchange = new FuturesExchange(address(this), oracle, usdc, 0.005e18);
        pool = exchange.pool();
        accounts = exchange.accounts();
        _addMarkets();

        vault = new Vault(address(this), oracle, exchange, wbtc, "BTC", FEE_RECIPIENT_A);
        // The minting check's shocks as deployed (config/local.yaml); `setShock` moves them.
        vault.setShock("BTC", 0.1e18);
        vault.setShock("ETH", 0.15e18);
        lens = new VaultLens(vault);
        _addSynth("Synthvault USD", "sUSD", "USD", 0.02e18, 5_000_000e18, 100e18);
        _addSynth("Synthvault Gold", "sXAU", "XAU", 0.05e18, 1_000e18, 0.05e18);
        // A low ceiling, so that mints meet it.
        _addSynth("Synthvault Ether", "sETH", "ETH", 0.5e18, 60e18, 0.04e18);

        fund = new InsuranceFund(usdc, address(this));
        // As deployed (config/local.yaml): half the penalty to the keeper, whole debts repayable.
        engine = new LiquidationEngine(address(this), vault, fund, 0.5e18, 1e18);
        settlement = new GlobalSettlement(address(this), vault);
        fund.setEngine(address(engine));
        vault.setLiquidationEngine(address(engine));
        vault.setGlobalSettlement(address(settlement));
        exchange.setMarkRelay(address(vault.futuresCollateral()), true);
        for (uint256 i; i < _synths.length; ++i) {
            _synths[i].grantRole(_synths[i].BURNER_ROLE(), address(settlement));
            _stabilityPools.push(new StabilityPool(engine, _synths[i]));
            _poolGhosts.push();
            engine.setStabilityPool(_synths[i], _stabilityPools[i]);
        }
        // A keeper whose liquidation a pool repays is paid up to 5 USD (as the least bonus).
        engine.setGasCompensation(5e18);

        _mintUsdc(address(this), 1_000_000e6);
        usdc.approve(address(pool), type(uint256).max);
        pool.deposit(1_000_000e6, address(this));
        // New LP shares wait an hour (the campaign's calls warp up to a day): the LP's own
        // deposits lock, and the actors' gifts to it meet the rule on running locks.
        pool.setCooldown(LP_COOLDOWN);

        _actors.push(address(0xA11CE));
        _actors.push(address(0xB0B));
        _actors.push(address(0xCA401));
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            _setUpActor(_actors[i], i);
        }
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            _setUpFuturesPosition(_actors[i], i);
        }
        VM.label(KEEPER, "keeper");
        _setUpKeeper();
        // As deployed (config/local.yaml), once the dust shield above is in place (a position
        // left from before a minimum was raised): a 5 USD minimum reward, and no trade may leave
        // a position under 200 USD (5% of it pays that reward).
        exchange.setMinLiquidationReward(5e18);
        // The fund tops a keeper's profit on a gapped position up to 5 USD (the bonus at sUSD's
        // minimum debt here); `setLiquidationParams` moves it.
        engine.setMinKeeperBonus(5e18);
        for (uint256 m = 1; m <= MARKET_COUNT; ++m) {
            exchange.setMinPositionNotional(m, MIN_POSITION_NOTIONAL);
        }
        // Gold follows its market hours as deployed (config/local.yaml): Sunday 23:00 to Friday
        // 22:00 UTC, set once the set-up has minted. The campaign starts on a Sunday afternoon
        // (market closed) and its warps cross weekends: sXAU meets a closed market.
        oracle.setSession("XAU", 10_020, 7_080);
    }

    /* ACTIONS: MARGIN AND TRADING */

    /// @notice Someone tops up an account's margin (anyone may): half the time one that owes the
    ///         pool, if any. Needs no price: must work.
    function depositMargin(uint256 actorSeed, uint256 accountSeed, uint256 amountSeed) external {
        if (_accounts.length == 0) return;
        Account memory a = _accounts[accountSeed / 2 % _accounts.length];
        if (accountSeed % 2 == 1) {
            for (uint256 k; k < _accounts.length; ++k) {
                if (exchange.signedMarginOf(_accounts[k].id) < 0) {
                    a = _accounts[k];
                    break;
                }
            }
        }
        address from = _actor(actorSeed);
        uint256 amount = _bound(amountSeed, 1e6, 250_000e6);
        _mintUsdc(from, amount);
        VM.prank(from);
        try exchange.depositMargin(a.id, amount) {
            ++ok["depositMargin"];
        } catch (bytes memory reason) {
            _fail(string.concat("depositMargin reverted on account ", a.id.toString()), reason);
        }
    }

    /// @notice The account's controller withdraws up to 110% of its settled margin: directly
    ///         for a free account, through the vault for a locked one.
    function withdrawMargin(uint256 accountSeed, uint256 fractionSeed) external {
        if (_accounts.length == 0) return;
        Account memory a = _accounts[accountSeed % _accounts.length];
        if (a.owner == ATTACKER) return; // the attacker acts in its own actions, judged
        _withdrawMargin(a, fractionSeed);
    }

    /// @dev `withdrawMargin` of account `a` by its controller.
    function _withdrawMargin(Account memory a, uint256 fractionSeed) internal {
        uint256 amount = exchange.marginOf(a.id) / USDC_UNIT * _bound(fractionSeed, 1, 110) / 100;
        if (amount == 0) return;
        if (a.positionId == 0) {
            bool trusted = _accountPricesTrusted(a.id);
            VM.prank(a.owner);
            try exchange.withdrawMargin(a.id, amount, a.owner) {
                _count("withdrawMargin", a.owner);
                _checkExchangeRisk(a.id, trusted, true, "withdrawMargin");
            } catch {}
        } else {
            Position memory p = _positionById(a.positionId);
            Trust memory t = _trust(p);
            VM.prank(p.owner);
            try vault.withdrawMargin(p.id, amount, p.owner) {
                _count("vault.withdrawMargin", p.owner);
                _checkExchangeRisk(a.id, t.account, true, "vault.withdrawMargin");
                _checkRiskAction(p, t, "vault.withdrawMargin");
            } catch {}
            _checkLockedAccountSealed(a, p.owner);
        }
    }

    /// @notice The account's controller trades: opens or grows (up to 12x the margin), reduces,
    ///         closes or flips. A locked account (picked half the time) trades through the vault.
    function trade(uint256 accountSeed, uint256 marketSeed, uint256 sizeSeed, uint256 modeSeed) external {
        if (_accounts.length == 0) return;
        uint256 slot = accountSeed / 2 % _accounts.length;
        Account memory a = _accounts[slot];
        // Half the time a locked account, so that the vault's trade checks see many trades.
        if (accountSeed % 2 == 1) {
            for (uint256 k; k < _accounts.length && a.positionId == 0; ++k) {
                a = _accounts[(slot + k) % _accounts.length];
            }
        }
        if (a.owner == ATTACKER) return;
        uint256 marketId = 1 + marketSeed % MARKET_COUNT;
        _trade(a, marketId, _sizeDelta(a.id, marketId, sizeSeed, modeSeed));
    }

    /// @dev A trade of `delta` in `marketId` by account `a`'s controller, checked after.
    function _trade(Account memory a, uint256 marketId, int256 delta) internal {
        if (delta == 0) return;
        uint256 limit = delta > 0 ? type(uint256).max : 0;
        (int256 sizeBefore,) = exchange.position(a.id, marketId);
        bool marketTrusted = _trusted(_marketAsset(marketId));
        bool accountTrusted = _accountPricesTrusted(a.id);

        if (a.positionId == 0) {
            VM.prank(a.owner);
            try exchange.trade(a.id, marketId, delta, limit) {
                _count("trade", a.owner);
            } catch {
                return;
            }
        } else {
            Position memory p = _positionById(a.positionId);
            Trust memory t = _trust(p);
            // The collateral and shock loss before, as the vault counts them: a position already
            // under the minting ratio or the shock may trade only if it lowers neither (max and 0
            // when it cannot be valued: then no trade may pass under them).
            (uint256 collateralBefore, uint256 lossBefore) = (type(uint256).max, 0);
            try lens.mintRoom(p.id) returns (IVaultLens.MintRoom memory room) {
                (collateralBefore, lossBefore) = (room.collateralUsdWad, room.shockLossUsdWad);
            } catch {}
            VM.prank(p.owner);
            try vault.trade(p.id, marketId, delta, limit) {
                _count("vault.trade", p.owner);
                if (t.shut) _fail("a locked account traded after shutdown");
            } catch {
                _checkLockedAccountSealed(a, p.owner);
                return;
            }
            // Every trade, reducing or not: the minting ratio and the shock, or a collateral that
            // did not fall and a shock loss that did not grow.
            _checkRiskAction(p, t, "vault.trade", collateralBefore, lossBefore);
        }
        if (!marketTrusted) {
            _fail(string.concat("a trade filled in market ", marketId.toString(), " on an untrusted price"));
        }
        _checkPositionSize(a.id, marketId);
        if (_addsRisk(sizeBefore, sizeBefore + delta)) {
            _checkExchangeRisk(a.id, accountTrusted, true, "a trade adding risk");
        }
    }

    /// @notice The keeper tries to liquidate an exchange account: the seeded one (mostly healthy,
    ///         so the call must fail), the first it finds under maintenance, or the one nearest
    ///         to it (equity / maintenance lowest), healthy or not, at the liquidation prices (a
    ///         market whose feed went quiet at the rule's price: such accounts are reached too).
    ///         The exchange must refuse an account locked in the vault (`ExchangeAccountLocked`):
    ///         the keeper then liquidates its position through the engine, which takes an account
    ///         under maintenance whatever the position's CR.
    function liquidateAccount(uint256 accountSeed) external {
        if (_accounts.length == 0) return;
        Account memory a = _accounts[accountSeed / 3 % _accounts.length];
        uint256 mode = accountSeed % 3;
        if (mode != 0) a = _accounts[_riskiestAccount(mode == 1, a)];
        _liquidateAccount(KEEPER, a);
        if (a.positionId == 0 || !_lockedInVault(a.id)) return;
        Position memory p = _positionById(a.positionId);
        if (!p.open) return;
        (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(p.id);
        _keeperHolds(p.synth, readable ? snap.debt : vault.position(p.id).debt);
        _liquidatePosition(KEEPER, p, type(uint256).max);
    }

    /// @dev `keeper` liquidates account `a` on the exchange; checked after.
    function _liquidateAccount(address keeper, Account memory a) internal {
        (bool readable, int256 equityWad, uint256 maintenanceWad) = _equityAndMaintenance(a.id);
        bool ruled = !_accountPricesTrusted(a.id);
        bool locked = _lockedInVault(a.id);
        VM.prank(keeper);
        try exchange.liquidate(a.id) {
            _count("exchange.liquidate", keeper);
            if (ruled) ++ok["exchange.liquidate, rule price"];
        } catch (bytes memory reason) {
            bytes memory refusal = abi.encodeWithSelector(
                IFuturesExchange.ExchangeAccountLocked.selector, a.id, address(vault.futuresCollateral())
            );
            if (locked && keccak256(reason) == keccak256(refusal)) ++ok["exchange refused: locked"];
            return;
        }
        if (locked) _fail(string.concat("the exchange liquidated account ", a.id.toString(), ", locked in the vault"));
        if (!readable) {
            _fail(string.concat("account ", a.id.toString(), " was liquidated though not even the rule could price it"));
        }
        if (equityWad >= int256(maintenanceWad)) {
            _fail(
                string.concat(
                    "healthy account ",
                    a.id.toString(),
                    " liquidated: equity ",
                    equityWad.toStringSigned(),
                    " >= maintenance ",
                    maintenanceWad.toString()
                )
            );
        }
        for (uint256 m = 1; m <= MARKET_COUNT; ++m) {
            (int256 size,) = exchange.position(a.id, m);
            if (size != 0) _fail(string.concat("liquidation left account ", a.id.toString(), " with a position"));
        }
    }

    /// @notice A trader hedges, BTC crashes and it closes the losing leg: long the BTC perpetual
    ///         and short the dated future, each 4x its margin (the pair at the markets' initial
    ///         margin), BTC falls 30% (in rounds within the breaker, as `crash` moves it), and it
    ///         closes the perpetual. The loss realised past its margin leaves the margin negative
    ///         while the dated short, in profit, stays open: the account owes the pool
    ///         (`totalOwedWad`), which the invariants check against the sum of negative margins and
    ///         the pool's value (the "debts" invariant, which no other action reached). Later
    ///         actions pay the debt (a deposit, the dated leg's profit) or write it off.
    function hedgeAndCloseLosingLeg(uint256 actorSeed, uint256 marginSeed) external {
        // Two a run: each is an account more for every invariant to sum over.
        if (_hedges == 2 || block.timestamp >= exchange.market(BTC_DATED).expiry || !_trusted("BTC")) return;
        ++_hedges;
        address who = _actor(actorSeed);
        uint256 margin = _bound(marginSeed, 2_000, 20_000) * 1e6;
        uint256 slot = _newAccount(who, margin);
        uint256 id = _accounts[slot - 1].id;
        int256 size = int256(4 * margin * USDC_UNIT * WAD / _lastPrice("BTC"));
        VM.startPrank(who);
        try exchange.trade(id, BTC_PERP, size, type(uint256).max) {}
        catch {
            VM.stopPrank();
            return;
        }
        try exchange.trade(id, BTC_DATED, -size, 0) {}
        catch {
            VM.stopPrank();
            return;
        }
        VM.stopPrank();
        ++ok["hedge opened"];
        // `_crash`'s depth 60 is a fall to 70% of the price: the perpetual loses 1.2x the margin.
        _crash(_assetIndex("BTC"), 60, false);
        VM.prank(who);
        try exchange.trade(id, BTC_PERP, -size, 0) {}
        catch {
            return;
        }
        (int256 dated,) = exchange.position(id, BTC_DATED);
        // The invariants, after this call, check the debt against `totalOwedWad` and the pool's value.
        if (exchange.signedMarginOf(id) < 0 && dated != 0) ++ok["hedge: owes the pool, open"];
    }

    /// @notice A borrower locks a leveraged BTC long (8x its margin) into a new sUSD position and
    ///         mints 100-1,000 against it (nothing, one time in three); BTC falls 10%: the account
    ///         is under the exchange's maintenance (equity ~20% of the margin, maintenance ~36%)
    ///         while the position stays over its liquidation ratio (or owes nothing). The
    ///         exchange must refuse it (`_liquidateAccount`: a mark relay holds it) and the keeper
    ///         liquidates it through the engine, checked as every liquidation is. Twice a run: the
    ///         engine's path over the ratio, which the other actions' positions, minted against
    ///         far more margin, hardly reach.
    function lockedLongUnderMaintenance(uint256 actorSeed, uint256 debtSeed) external {
        if (_lockedLongs == 2 || vault.isShutdown() || !_trusted("BTC") || !_trusted("USD")) return;
        ++_lockedLongs;
        address who = _actor(actorSeed);
        VM.prank(who);
        uint256 id = vault.open(_synths[0]);
        _positions.push(Position({id: id, owner: who, synth: 0, open: true, accountSlot: 0}));
        uint256 margin = 10_000e6;
        _lock(_positionById(id), _newAccount(who, margin));
        Position memory p = _positionById(id);
        if (p.accountSlot == 0) return;
        int256 size = int256(8 * margin * USDC_UNIT * WAD / _lastPrice("BTC"));
        VM.prank(who);
        try vault.trade(id, BTC_PERP, size, type(uint256).max) {}
        catch {
            return;
        }
        if (debtSeed % 3 != 0) {
            VM.prank(who);
            try vault.mint(id, _bound(debtSeed / 3, 100, 1_000) * WAD) {} catch {}
        }
        // `_crash`'s depth 80 is a fall to 90% of the price.
        _crash(_assetIndex("BTC"), 80, false);
        _liquidateAccount(KEEPER, _accounts[p.accountSlot - 1]);
        (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(id);
        _keeperHolds(0, readable ? snap.debt : vault.position(id).debt);
        _liquidatePosition(KEEPER, p, type(uint256).max);
    }

    /// @notice The keeper settles a position in the dated market once it has expired.
    function settleDated(uint256 accountSeed) external {
        if (_accounts.length == 0) return;
        Account memory a = _accounts[accountSeed % _accounts.length];
        VM.prank(KEEPER);
        try exchange.settle(a.id, BTC_DATED) {
            ++ok["exchange.settle"];
        } catch {}
    }

    /// @notice The owner sets a market's funding rate: usually gentle, sometimes the maximum.
    function setFunding(uint256 marketSeed, uint256 rateSeed) external {
        uint256 marketId = 1 + marketSeed % MARKET_COUNT;
        uint256 cap = rateSeed % 8 == 0 ? uint256(exchange.MAX_FUNDING_RATE_WAD()) : 2e10;
        int256 rate = int256(_bound(rateSeed / 16, 0, cap));
        if (rateSeed / 8 % 2 == 1) rate = -rate;
        try exchange.setFundingRate(marketId, rate) {
            ++ok["setFundingRate"];
        } catch {}
    }

    /// @notice The LP adds to or takes from the pool (up to all it may withdraw).
    function lpMove(uint256 amountSeed, bool withdraw) external {
        (bool priced, bool underWater) = _poolState();
        if (!priced) return;
        if (withdraw) {
            uint256 amount = pool.maxWithdraw(address(this)) * _bound(amountSeed, 1, 100) / 100;
            if (amount == 0) return;
            try pool.withdraw(amount, address(this), address(this)) {
                ++ok["pool.withdraw"];
            } catch (bytes memory reason) {
                _fail("the LP could not withdraw what maxWithdraw allows", reason);
            }
        } else {
            uint256 amount = _bound(amountSeed, 1e6, 500_000e6);
            _mintUsdc(address(this), amount);
            try pool.deposit(amount, address(this)) {
                if (underWater) _fail("a pool under water took a deposit");
                ++ok["pool.deposit"];
            } catch (bytes memory reason) {
                if (!underWater) _fail("the LP could not deposit", reason);
                _checkDepositRefused(address(this), amount, reason);
            }
        }
    }

    /// @notice An actor deposits stablecoin for the LP: refused, with the LP's lock end, exactly
    ///         while the LP's lock runs (a deposit would restart it); otherwise the gift mints
    ///         shares locked for the cooldown, and nothing else of the LP's.
    function lpGift(uint256 actorSeed, uint256 amountSeed) external {
        (bool priced, bool underWater) = _poolState();
        if (!priced) return;
        address giver = _actor(actorSeed);
        uint256 amount = _bound(amountSeed, 1, 10_000e6);
        (uint256 lockedBefore, uint256 unlocksAt) = pool.lockOf(address(this));
        _mintUsdc(giver, amount);
        VM.startPrank(giver);
        usdc.approve(address(pool), amount);
        try pool.deposit(amount, address(this)) returns (uint256 shares) {
            if (underWater) _fail("a pool under water took a gift");
            if (lockedBefore != 0) _fail("a deposit for the LP went into its running lock");
            (uint256 locked, uint256 until) = pool.lockOf(address(this));
            if (locked != shares || until != block.timestamp + LP_COOLDOWN) _fail("a gift locked other than itself");
            ++ok["pool.gift"];
        } catch (bytes memory reason) {
            if (underWater) {
                VM.stopPrank();
                return _checkDepositRefused(address(this), amount, reason);
            }
            bytes memory expected =
                abi.encodeWithSelector(ILiquidityPool.LiquidityPoolLockRunning.selector, address(this), unlocksAt);
            if (lockedBefore == 0 || keccak256(reason) != keccak256(expected)) {
                _fail("a gift to the LP was refused other than for its running lock", reason);
            }
            // The giver keeps its stablecoin (counted as minted, held by an actor).
            ++ok["pool.giftRefused"];
        }
        VM.stopPrank();
    }

    /// @dev Whether the pool can say what a share is worth (it cannot while a market with open
    ///      size has no trusted price: then it refuses) and, if so, whether it is under water:
    ///      shares outstanding and a value under one unit (`totalAssets` 0), when it must refuse
    ///      every deposit (docs/security.md: an under-water pool sells itself for dust).
    function _poolState() internal view returns (bool priced, bool underWater) {
        try pool.totalAssets() returns (uint256 value) {
            return (true, value == 0 && pool.totalSupply() != 0);
        } catch {
            return (false, false);
        }
    }

    /// @dev A deposit of `amount` for `receiver` into a pool under water: refused by ERC-4626's
    ///      own error, its max 0, and nothing else.
    function _checkDepositRefused(address receiver, uint256 amount, bytes memory reason) internal {
        bytes memory expected =
            abi.encodeWithSelector(ERC4626.ERC4626ExceededMaxDeposit.selector, receiver, amount, uint256(0));
        if (keccak256(reason) != keccak256(expected)) {
            _fail("a deposit into a pool under water was refused other than as over its max 0", reason);
        }
        ++ok["pool.refused, under water"];
    }

    /* ACTIONS: VAULT POSITIONS */

    /// @notice An actor opens an empty position owing one of the synths. Must work, until shutdown.
    function openPosition(uint256 actorSeed, uint256 synthSeed) external {
        if (_positions.length - _attackerPositions >= MAX_POSITIONS) return;
        address owner = _actor(actorSeed);
        uint8 synthIndex = uint8(synthSeed % _synths.length);
        bool shut = vault.isShutdown();
        VM.prank(owner);
        try vault.open(_synths[synthIndex]) returns (uint256 id) {
            if (shut) _fail("a position was opened after shutdown");
            _positions.push(Position({id: id, owner: owner, synth: synthIndex, open: true, accountSlot: 0}));
            ++ok["vault.open"];
        } catch (bytes memory reason) {
            if (!shut) _fail("open reverted", reason);
        }
    }

    /// @notice The owner locks an account into a position: one of their free accounts (with its
    ///         margin and open futures) or a new one with fresh margin. Reads no price: must
    ///         work while the venue is active, until shutdown (else refused, naming the venue).
    function lockAccount(uint256 positionSeed, uint256 accountSeed, uint256 marginSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found || p.accountSlot != 0 || p.owner == ATTACKER) return;
        uint256 slot = _freeAccountOf(p.owner, accountSeed);
        if (slot == 0) {
            if (_accounts.length - _attackerAccounts >= MAX_ACCOUNTS) return;
            slot = _newAccount(p.owner, _bound(marginSeed, 1_000e6, 200_000e6));
        }
        _lock(p, slot);
    }

    /// @dev The owner of `p` locks the free account in `slot` (+1) into it. Reads no price: must
    ///      work while the venue is active, until shutdown; on a venue not active it must be
    ///      refused with `CollateralVenueNotActive` naming it.
    function _lock(Position memory p, uint256 slot) internal {
        Account storage a = _accounts[slot - 1];
        bool shut = vault.isShutdown();
        VM.prank(p.owner);
        accounts.approve(address(vault), a.id);
        (bool active, bytes memory notActive) = _venueActive();
        VM.prank(p.owner);
        try vault.lock(p.id, a.id) {
            if (shut) _fail("an account was locked after shutdown");
            if (!active) _fail("an account was locked on a venue not active");
            _count("vault.lock", p.owner);
        } catch (bytes memory reason) {
            if (!shut && active) _fail(string.concat("lock of account ", a.id.toString(), " reverted"), reason);
            if (!shut && !active && keccak256(reason) != keccak256(notActive)) {
                _fail("a lock on a venue not active was refused otherwise", reason);
            }
            VM.prank(p.owner);
            accounts.approve(address(0), a.id);
            return;
        }
        a.positionId = p.id;
        _positionStorage(p.id).accountSlot = slot;
    }

    /// @notice The owner takes the account back; with debt, spot alone must keep the ratio.
    function unlock(uint256 positionSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found || p.owner == ATTACKER) return;
        _unlock(p);
    }

    /// @dev The owner of `p` unlocks its account, if it has one; checked after.
    function _unlock(Position memory p) internal {
        if (p.accountSlot == 0) return;
        Trust memory t = _trust(p);
        VM.prank(p.owner);
        try vault.unlock(p.id) {
            _count("vault.unlock", p.owner);
        } catch {
            return;
        }
        _accounts[p.accountSlot - 1].positionId = 0;
        _positionStorage(p.id).accountSlot = 0;
        p.accountSlot = 0;
        _checkRiskAction(p, t, "vault.unlock");
    }

    /// @notice Anyone adds spot BTC to a position. Reads no price: must work.
    function addSpot(uint256 actorSeed, uint256 positionSeed, uint256 amountSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found) return;
        address from = _actor(actorSeed);
        uint256 amount = _bound(amountSeed, 1e4, 5e8);
        _mintWbtc(from, amount);
        VM.prank(from);
        try vault.addSpot(p.id, amount) {
            ++ok["vault.addSpot"];
        } catch (bytes memory reason) {
            _fail(string.concat("addSpot reverted on position ", p.id.toString()), reason);
        }
    }

    /// @notice The owner removes up to 110% of the position's spot.
    function removeSpot(uint256 positionSeed, uint256 fractionSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found || p.owner == ATTACKER) return;
        _removeSpot(p, fractionSeed);
    }

    /// @dev The owner of `p` removes 1-110% of its spot; checked after.
    function _removeSpot(Position memory p, uint256 fractionSeed) internal {
        uint256 amount = vault.position(p.id).spotAmount * _bound(fractionSeed, 1, 110) / 100;
        if (amount == 0) return;
        Trust memory t = _trust(p);
        VM.prank(p.owner);
        try vault.removeSpot(p.id, amount, p.owner) {
            _count("vault.removeSpot", p.owner);
        } catch {
            return;
        }
        _checkRiskAction(p, t, "vault.removeSpot");
    }

    /// @notice The owner mints a fraction (1-110%) of what the minting ratio allows, or (1 in 4)
    ///         exactly that much; when the health cannot be read, a small amount that must then fail.
    function mint(uint256 positionSeed, uint256 fractionSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found || p.owner == ATTACKER) return;
        _mint(p, fractionSeed);
    }

    /// @dev The owner of `p` mints (see `mint`); checked after.
    function _mint(Position memory p, uint256 fractionSeed) internal {
        uint256 amount = _mintAmount(p, fractionSeed);
        if (amount == 0) return;
        Trust memory t = _trust(p);
        ISyntheticToken token = _synths[p.synth];
        (bool active,) = _venueActive();
        VM.prank(p.owner);
        try vault.mint(p.id, amount) {
            _count("vault.mint", p.owner);
        } catch {
            return;
        }
        if (p.accountSlot != 0 && !active) _fail("a mint against a venue not active went through");
        _checkRiskAction(p, t, "vault.mint");
        if (t.shut) _fail("a mint went through after shutdown");
        (,,, uint256 totalDebt) = vault.synthDebt(token);
        uint256 ceiling = vault.synthParams(token).debtCeiling;
        if (totalDebt > ceiling) {
            _fail(
                string.concat(
                    "mint took total debt to ", totalDebt.toString(), " over the ceiling ", ceiling.toString()
                )
            );
        }
    }

    /// @notice The owner (or, one time in three, another actor) repays all of a position's debt
    ///         (topped up from the other holders) or part of it, leaving the minimum. Reads no
    ///         price: must work.
    function burn(uint256 actorSeed, uint256 positionSeed, uint256 amountSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found) return;
        address from = actorSeed % 3 == 0 ? _actor(actorSeed / 3) : p.owner;
        if (from == ATTACKER) return;
        _burn(from, p, amountSeed, true);
    }

    /// @dev `from` repays all of `p`'s debt (when it holds it or, `gather`ing, the other holders
    ///      make it up) or part of it, leaving the minimum. Must work.
    function _burn(address from, Position memory p, uint256 amountSeed, bool gather) internal {
        uint256 debt = vault.position(p.id).debt;
        if (debt == 0) return;
        SyntheticToken token = _synths[p.synth];
        uint256 amount;
        if (amountSeed % 3 == 0 && (gather ? _gather(token, from, debt) : token.balanceOf(from) >= debt)) {
            amount = type(uint256).max;
        } else {
            uint256 room = debt - Math.min(debt, vault.synthParams(token).minDebt);
            amount = Math.min(Math.min(room, token.balanceOf(from)), _bound(amountSeed, 1, debt));
            if (amount == 0) return;
        }
        VM.prank(from);
        try vault.burn(p.id, amount) {
            _count("vault.burn", from);
        } catch (bytes memory reason) {
            _fail(string.concat("burn reverted on position ", p.id.toString()), reason);
        }
        _bookRepayRounding(token);
    }

    /// @notice The owner repays everything (gathering the synth from the other holders) and
    ///         closes the position (one call in four). Reads no price: must work.
    function close(uint256 positionSeed) external {
        // Owners close one call in four: positions live long enough to be locked, minted
        // against, hit by a move and liquidated.
        if (positionSeed % 4 != 0) return;
        (bool found, Position memory p) = _openPosition(positionSeed / 4);
        if (!found || p.owner == ATTACKER) return;
        _close(p, true);
    }

    /// @dev The owner of `p` repays everything and closes it, if it holds the debt (or,
    ///      `gather`ing, the other holders make it up). Must work then.
    function _close(Position memory p, bool gather) internal {
        uint256 debt = vault.position(p.id).debt;
        if (gather ? !_gather(_synths[p.synth], p.owner, debt) : _synths[p.synth].balanceOf(p.owner) < debt) return;
        VM.prank(p.owner);
        try vault.close(p.id) {
            _count("vault.close", p.owner);
        } catch (bytes memory reason) {
            _fail(string.concat("close reverted on position ", p.id.toString()), reason);
        }
        _bookRepayRounding(_synths[p.synth]);
        Position storage stored = _positionStorage(p.id);
        stored.open = false;
        if (p.accountSlot != 0) _accounts[p.accountSlot - 1].positionId = 0;
        stored.accountSlot = 0;
    }

    /// @dev A repayment's roundings go the protocol's way: a partial one removes its shares
    ///      rounded down, a whole one burns the debt rounded up, while the synth's total debt
    ///      (rounded down) falls by up to a share less than the synth burned. Before shutdown that
    ///      wei reads as fee; after it no fee is owed, and it stays as debt that no synth backs (in
    ///      the holders' favour): booked here for the supply invariant.
    function _bookRepayRounding(ISyntheticToken token) internal {
        if (!vault.isShutdown()) return;
        (uint256 index,,,) = vault.synthDebt(token);
        ghostRepayRounding[token] += index / WAD + 1;
    }

    /// @notice Anyone accrues a synth's stability fee and mints it to the recipient. Must work.
    function accrue(uint256 synthSeed) external {
        ISyntheticToken token = _synths[synthSeed % _synths.length];
        bool shut = vault.isShutdown();
        try vault.accrue(token) returns (uint256, uint256 fees) {
            ++ok["vault.accrue"];
            if (shut && fees != 0) _fail("fees were minted after shutdown");
        } catch (bytes memory reason) {
            _fail("accrue reverted", reason);
        }
    }

    /// @notice The owner changes a synth's stability fee (the old one is accrued first).
    function setStabilityFee(uint256 synthSeed, uint256 feeSeed) external {
        ISyntheticToken token = _synths[synthSeed % _synths.length];
        IVault.SynthParams memory params = vault.synthParams(token);
        params.stabilityFeeWad = _bound(feeSeed, 0, 1e18);
        try vault.setSynthParams(token, params) {
            ++ok["vault.setSynthParams"];
        } catch {}
    }

    /// @notice The owner moves the fees to the other recipient (fees so far go to the old one).
    function switchFeeRecipient() external {
        address next = vault.feeRecipient() == FEE_RECIPIENT_A ? FEE_RECIPIENT_B : FEE_RECIPIENT_A;
        try vault.setFeeRecipient(next) {
            ++ok["vault.setFeeRecipient"];
        } catch (bytes memory reason) {
            _fail("setFeeRecipient reverted", reason);
        }
    }

    /// @notice Someone pays into the insurance fund. Must work.
    function fundDeposit(uint256 actorSeed, uint256 amountSeed) external {
        address from = _actor(actorSeed);
        uint256 amount = _bound(amountSeed, 1, 100_000e6);
        _mintUsdc(from, amount);
        VM.prank(from);
        try fund.deposit(amount) {
            ghostFundIn += amount;
            ++ok["fund.deposit"];
        } catch (bytes memory reason) {
            _fail("insurance fund deposit reverted", reason);
        }
    }

    /* ACTIONS: STABILITY POOLS */

    /// @notice An actor deposits (all or part of) the synth it holds into that synth's stability
    ///         pool. Must work: see `_poolDeposit`.
    function poolDeposit(uint256 actorSeed, uint256 synthSeed, uint256 amountSeed) external {
        address who = _actor(actorSeed);
        uint256 i = synthSeed % _synths.length;
        // Half the time all it holds, so that pools grow enough to repay whole liquidations.
        uint256 held = _synths[i].balanceOf(who);
        _poolDeposit(who, i, amountSeed % 2 == 0 ? held : _bound(amountSeed / 2, 0, held));
    }

    /// @notice An actor (or the keeper) withdraws part or all (1 in 3) of its deposit, with its gains. Must work:
    ///         the pool pays exactly the deposit and the gains its views showed.
    function poolWithdraw(uint256 actorSeed, uint256 synthSeed, uint256 amountSeed) external {
        // 1 in 4 the keeper, which deposits before some of its liquidations.
        address who = actorSeed % 4 == 3 ? KEEPER : _actor(actorSeed / 4);
        uint256 i = synthSeed % _synths.length;
        StabilityPool sp = _stabilityPools[i];
        uint256 current = sp.depositOf(who);
        uint256 amount = amountSeed % 3 == 0 ? type(uint256).max : _bound(amountSeed / 3, 0, current);
        (uint256 spotGain, uint256 stableGain) = sp.gainsOf(who);
        PoolBalances memory b0 = _poolBalances(i, who);
        VM.prank(who);
        try sp.withdraw(amount) {
            ++ok["stabilityPool.withdraw"];
        } catch (bytes memory reason) {
            _fail("stability pool withdrawal reverted", reason);
        }
        uint256 withdrawn = amount == type(uint256).max ? current : amount;
        _poolGhosts[i].withdrawn += withdrawn;
        _checkPoolPaid("withdrawal", i, who, b0, 0, withdrawn, spotGain, stableGain);
    }

    /// @dev `who` deposits `amount` of synth `i` into its pool. Must work: the deposit moves
    ///         exactly `amount` and the gains the views showed, and adds `amount` to its deposit.
    function _poolDeposit(address who, uint256 i, uint256 amount) internal {
        if (amount == 0) return;
        StabilityPool sp = _stabilityPools[i];
        uint256 depositBefore = sp.depositOf(who);
        (uint256 spotGain, uint256 stableGain) = sp.gainsOf(who);
        PoolBalances memory b0 = _poolBalances(i, who);
        VM.startPrank(who);
        _synths[i].approve(address(sp), amount);
        try sp.deposit(amount) {
            _count(who == KEEPER ? bytes32("stabilityPool.deposit (keeper)") : bytes32("stabilityPool.deposit"), who);
        } catch (bytes memory reason) {
            _fail("stability pool deposit reverted", reason);
        }
        VM.stopPrank();
        _poolGhosts[i].deposited += amount;
        _checkPoolPaid("deposit", i, who, b0, amount, 0, spotGain, stableGain);
        if (sp.depositOf(who) != depositBefore + amount) _fail("a pool deposit did not add its amount");
    }

    /// @dev A pool's and a depositor's balances of the synth, spot and stablecoin.
    struct PoolBalances {
        uint256 poolSynth;
        uint256 poolSpot;
        uint256 poolStable;
        uint256 synth;
        uint256 spot;
        uint256 stable;
    }

    function _poolBalances(uint256 i, address who) internal view returns (PoolBalances memory b) {
        address sp = address(_stabilityPools[i]);
        (b.poolSynth, b.poolSpot, b.poolStable) = (_synths[i].balanceOf(sp), wbtc.balanceOf(sp), usdc.balanceOf(sp));
        (b.synth, b.spot, b.stable) = (_synths[i].balanceOf(who), wbtc.balanceOf(who), usdc.balanceOf(who));
    }

    /// @dev A deposit of `synthIn` or a withdrawal of `synthOut` moved exactly that synth and the
    ///      gains shown, from the pool to the depositor and back.
    function _checkPoolPaid(
        string memory what,
        uint256 i,
        address who,
        PoolBalances memory b0,
        uint256 synthIn,
        uint256 synthOut,
        uint256 spotGain,
        uint256 stableGain
    ) internal {
        PoolBalances memory b1 = _poolBalances(i, who);
        if (
            b1.poolSynth + synthOut != b0.poolSynth + synthIn || b1.synth + synthIn != b0.synth + synthOut
                || b0.poolSpot - b1.poolSpot != spotGain || b1.spot - b0.spot != spotGain
                || b0.poolStable - b1.poolStable != stableGain || b1.stable - b0.stable != stableGain
        ) {
            _fail(string.concat("a stability pool ", what, " moved other amounts than it showed"));
        }
        _poolGhosts[i].spotOut += spotGain;
        _poolGhosts[i].stableOut += stableGain;
    }

    /// @dev Counts a liquidation of synth `i` that took the partial path: the pool burned all it
    ///      could and `keeper` the rest.
    function _countPartialCover(address keeper, uint256 i, uint256[3][] memory held) internal {
        if (
            _synths[i].balanceOf(keeper) < _keeperSynthBefore
                && _synths[i].balanceOf(address(_stabilityPools[i])) < held[i][0]
        ) ++ok["liquidated partly through a pool"];
    }

    /// @dev Every pool's synth, spot and stablecoin, before a liquidation (or a batch).
    function _poolsBefore() internal view returns (uint256[3][] memory held) {
        held = new uint256[3][](_synths.length);
        for (uint256 i; i < _synths.length; ++i) {
            address sp = address(_stabilityPools[i]);
            held[i] = [_synths[i].balanceOf(sp), wbtc.balanceOf(sp), usdc.balanceOf(sp)];
        }
    }

    /// @dev Books what a liquidation (or a batch) burned from each pool and brought it; a
    ///      liquidation never takes collateral from a pool nor adds synth to it.
    function _bookPools(uint256[3][] memory held) internal {
        for (uint256 i; i < _synths.length; ++i) {
            address sp = address(_stabilityPools[i]);
            (uint256 synthNow, uint256 spotNow, uint256 stableNow) =
                (_synths[i].balanceOf(sp), wbtc.balanceOf(sp), usdc.balanceOf(sp));
            if (synthNow > held[i][0] || spotNow < held[i][1] || stableNow < held[i][2]) {
                _fail("a liquidation took collateral from a stability pool or gave it synth");
            }
            if (synthNow < held[i][0]) ++ok["liquidated through a pool"];
            _poolGhosts[i].burned += held[i][0] - synthNow;
            _poolGhosts[i].spotIn += spotNow - held[i][1];
            _poolGhosts[i].stableIn += stableNow - held[i][2];
        }
    }

    /* ACTIONS: PRICES AND TIME */

    /// @notice One new round within the asset's circuit-breaker bound, up or down.
    function movePrice(uint256 assetSeed, uint256 bpsSeed, bool up) external {
        uint256 i = assetSeed % _assets.length;
        (, uint256 bound) = _feedBound(i);
        _submit(i, _bound(bpsSeed, 0, bound - 1), up);
        ++ok["movePrice"];
    }

    /// @notice A crash (to 10-90% of the price) or a spike (up to 4x) in several rounds, each
    ///         within the circuit-breaker bound, in one block, as a fast market gives them.
    function crash(uint256 assetSeed, uint256 depthSeed, bool spike) external {
        _crash(assetSeed % _assets.length, depthSeed, spike);
        ++ok[spike ? bytes32("spike") : bytes32("crash")];
    }

    /// @dev `crash` of asset `i`.
    function _crash(uint256 i, uint256 depthSeed, bool spike) internal {
        (int256 answer, uint256 bound) = _feedBound(i);
        uint256 start = uint256(answer);
        uint256 target = spike ? start * _bound(depthSeed, 120, 400) / 100 : start * _bound(depthSeed, 10, 90) / 100;
        if (target == 0) target = 1;
        for (uint256 round; round < 12; ++round) {
            uint256 current = uint256(_feeds[i].latestAnswer());
            if (current == target) break;
            uint256 moveBps =
                Math.min(bound - 1, (current > target ? current - target : target - current) * 10_000 / current);
            if (moveBps == 0) break;
            _submit(i, moveBps, target > current);
        }
    }

    /// @notice A round past the bound: the asset freezes until confirmed or accepted.
    function jumpPrice(uint256 assetSeed, uint256 bpsSeed, bool up) external {
        uint256 i = assetSeed % _assets.length;
        (, uint256 bound) = _feedBound(i);
        _submit(i, _bound(bpsSeed, bound + 1, Math.min(2 * bound, 9_000)), up);
        ++ok["jumpPrice"];
    }

    /// @notice The owner accepts the latest round of an asset despite its jump.
    function acceptRound(uint256 assetSeed) external {
        uint256 i = assetSeed % _assets.length;
        try oracle.acceptRound(_assets[i], uint80(_feeds[i].latestRound())) {
            ++ok["acceptRound"];
            _recordTrusted(i);
        } catch {}
    }

    /// @notice Every feed reports its latest answer again: fresh prices, and a frozen level confirmed.
    function refreshPrices() external {
        _heartbeat();
        ++ok["refreshPrices"];
    }

    /// @notice Time passes: mostly minutes, sometimes up to two days (fees and funding accrue,
    ///         the dated market expires after a day). The feeds keep reporting (each repeats
    ///         its latest answer, as a heartbeat does) except one time in four, when they go
    ///         quiet and prices past their heartbeat turn stale.
    function warp(uint256 secondsSeed) external {
        uint256 dt = secondsSeed % 4 == 0 ? _bound(secondsSeed / 16, 901, 2 days) : _bound(secondsSeed / 16, 1, 900);
        VM.warp(block.timestamp + dt);
        if (secondsSeed / 4 % 4 != 0) _heartbeat();
        ++ok["warp"];
    }

    /// @notice One feed goes quiet while every other keeps reporting: time passes beyond that
    ///         asset's heartbeat (up to a weekend, as equity, gold and real-estate feeds go quiet),
    ///         so its price turns stale alone. Positions holding a market on it, or owing its synth,
    ///         meet every action and liquidation with one price untrusted and the rest fresh. One
    ///         time in two another asset crashes or spikes meanwhile (`crash`; the review's attack:
    ///         ETH quiet, BTC down 20%), so that positions holding the quiet market fall under
    ///         their liquidation ratio and are liquidated at the rule's price.
    function quietFeed(uint256 assetSeed, uint256 secondsSeed) external {
        uint256 i = assetSeed % _assets.length;
        (, uint32 heartbeat,,,) = oracle.feeds(_assets[i]);
        VM.warp(block.timestamp + _bound(secondsSeed, uint256(heartbeat) + 1, uint256(heartbeat) + 65 hours));
        uint256 moved = type(uint256).max;
        uint256 moveSeed = assetSeed >> 8;
        if (moveSeed % 2 == 1) moved = (i + 1 + moveSeed / 2 % (_assets.length - 1)) % _assets.length;
        for (uint256 j; j < _feeds.length; ++j) {
            if (j == i) continue;
            _feeds[j].submit(_feeds[j].latestAnswer());
            _recordTrusted(j);
        }
        // BTC's second source does not go quiet with its primary: BTC is then priced from it.
        _reportFallback();
        if (moved != type(uint256).max) _crash(moved, moveSeed >> 16, moveSeed >> 15 & 1 == 1);
        ++ok["quietFeed"];
    }

    /// @notice BTC's second source drifts from the primary by up to 4% either way (beyond the
    ///         2% bound half the time: minting stops, a liquidation counts BTC at the lower
    ///         price) and reports at once.
    function driftFallback(uint256 driftSeed) external {
        fallbackDriftBps = int256(_bound(driftSeed, 0, 800)) - 400;
        _reportFallback();
        ++ok[
            fallbackDriftBps > 200 || fallbackDriftBps < -200
                ? bytes32("driftFallback, disagreeing")
                : bytes32("driftFallback")
        ];
    }

    /* ACTIONS: LIQUIDATION ENGINE AND SHUTDOWN */

    /// @dev Roundings one write-off may add to bad debt beyond the fees, each worth up to one
    ///      debt share at the rate index: the debt written off rounds up, the shares a partial
    ///      repayment removes round down, the fees down.
    uint256 internal constant BAD_DEBT_ROUNDING = 3;

    /// @dev What a keeper and the fund hold, before and after a liquidation.
    struct Balances {
        uint256 spot;
        uint256 stable;
        uint256 synth;
        uint256 fund;
    }

    /// @notice The keeper (holding the synth: from the actors, or minted against its own
    ///         positions) liquidates a vault position: the seeded one (mostly healthy, so the
    ///         call must fail) or the one nearest to its liquidation ratio (under it or just
    ///         over), repaying up to all it may or (1 in 4) a part, half the time through the
    ///         synth's stability pool (the keeper deposits what it holds first); or (mode 2)
    ///         `liquidateMany` over every open position.
    function liquidatePosition(uint256 positionSeed, uint256 repaySeed) external {
        if (positionSeed % 3 == 2) return _liquidateMany();
        (bool found, Position memory p) = _openPosition(positionSeed / 3);
        if (!found) return;
        if (positionSeed % 3 == 1) p = _positions[_weakestPosition(p)];
        (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(p.id);
        _keeperHolds(p.synth, readable ? snap.debt : vault.position(p.id).debt);
        // Half the time: the keeper first puts all it holds (or half: the pool then repays first
        // and the keeper the rest) in the synth's stability pool.
        if (repaySeed % 4 % 2 == 1) {
            uint256 held = _synths[p.synth].balanceOf(KEEPER);
            _poolDeposit(KEEPER, p.synth, repaySeed / 4 % 2 == 0 ? held : held / 2);
        }
        _liquidatePosition(
            KEEPER, p, repaySeed % 4 == 0 ? _bound(repaySeed / 4, 1, Math.max(snap.debt, 1)) : type(uint256).max
        );
    }

    /// @dev `keeper` liquidates `p` through the engine, repaying up to `repay`; checked after
    ///      (the CR it was liquidated at, what it was paid), the fund's flows and a write-off's
    ///      rounding booked.
    function _liquidatePosition(address keeper, Position memory p, uint256 repay) internal {
        SyntheticToken token = _synths[p.synth];
        (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(p.id);
        if (readable) _checkLiquidationMarks(snap.futures);
        bool ruled = p.accountSlot != 0 && !_accountPricesTrusted(_accounts[p.accountSlot - 1].id);
        // The CR as the liquidation will see it (same block, same prices).
        uint256 crWad = readable ? _cr(p.id) : 0;
        bool underMaintenance = readable && _accountUnderMaintenance(snap);
        Balances memory before = _balancesOf(keeper, token);
        (uint256 slack, uint256 badBefore) = (_writeOffSlack(token), vault.badDebt(token));
        uint256[3][] memory poolsHeld = _poolsBefore();
        _keeperSynthBefore = token.balanceOf(keeper);

        VM.recordLogs();
        VM.prank(keeper);
        try engine.liquidate(p.id, repay, 0) {
            _count("engine.liquidate", keeper);
            ++ok["positions liquidated"];
            if (ruled) ++ok["engine.liquidate, rule price"];
        } catch {
            VM.getRecordedLogs();
            return;
        }
        bool fundShort = _fundPaidShort();
        _countPartialCover(keeper, p.synth, poolsHeld);
        _bookPools(poolsHeld);
        if (vault.badDebt(token) > badBefore) ghostBadDebtRounding[token] += slack + _indexRounding(token);
        _checkEngineLiquidation(keeper, token, p.id, snap, readable, crWad, underMaintenance, before, fundShort);
    }

    /// @dev The checks after `keeper`'s liquidation of position `positionId` (`_liquidatePosition`).
    function _checkEngineLiquidation(
        address keeper,
        SyntheticToken token,
        uint256 positionId,
        IVault.LiquidationSnapshot memory snap,
        bool readable,
        uint256 crWad,
        bool underMaintenance,
        Balances memory before,
        bool fundShort
    ) internal {
        string memory where = string.concat("liquidation of position ", positionId.toString());
        // (A liquidation cannot shut the vault down: read after it, as before.) After shutdown
        // a debt is the settlement's: only a no-debt account under maintenance is closed.
        if (vault.isShutdown()) {
            if (snap.debt != 0 || !underMaintenance) _fail(string.concat(where, " after shutdown"));
            ++ok["engine: no-debt close, shut"];
        }
        if (!readable) _fail(string.concat(where, " on an untrusted price"));
        _checkLiquidated(where, crWad, snap.liquidationRatioWad, underMaintenance);
        if (crWad >= snap.liquidationRatioWad) {
            ++ok[
                snap.debt == 0 ? bytes32("engine: account closed, no debt") : bytes32("engine: over ratio, maintenance")
            ];
        }
        Balances memory after_ = _balancesOf(keeper, token);
        _checkPayout(where, snap, before, after_);
        if (!fundShort) _checkLeastBonus(where, positionId, snap, before, after_);
    }

    /// @notice A second keeper sweeps every open position with `liquidateMany` (so that vault
    ///         liquidations are tried twice as often as one action would).
    function keeperSweep() external {
        _liquidateMany();
    }

    /// @notice The owner shuts the protocol down: only half a day into a run, and one call in
    ///         four, so that most runs stay live and some (about one in seven) settle.
    function shutdown(uint256 seed) external {
        if (seed % 4 != 0 || block.timestamp < _startedAt + 12 hours || vault.isShutdown()) return;
        try settlement.shutdown() {
            ++ok["settlement.shutdown"];
        } catch {
            return;
        }
        if (!vault.isShutdown()) _fail("the settlement shut down but the vault did not");
        for (uint256 i; i < _assets.length; ++i) {
            uint256 frozen = settlement.frozenPriceWad(_assets[i]);
            if (frozen != 0 && frozen != _lastTrustedPrice[i]) {
                _fail(
                    string.concat(
                        "shutdown froze asset ", i.toString(), " at ", frozen.toString(), ", not its last trusted price"
                    )
                );
            }
        }
    }

    /// @notice After shutdown, anyone settles a position's debt (the first found that owes any)
    ///         into its synth's reserve.
    function settlePosition(uint256 positionSeed) external {
        (bool found, Position memory p) = _openPosition(positionSeed);
        if (!found) return;
        for (uint256 k; k < _positions.length; ++k) {
            Position memory q = _positions[(positionSeed % _positions.length + k) % _positions.length];
            if (q.open && vault.position(q.id).debtShares != 0) {
                p = q;
                break;
            }
        }
        bool shut = vault.isShutdown();
        VM.prank(KEEPER);
        try settlement.settle(p.id) {
            ++ok["settlement.settle"];
        } catch {
            return;
        }
        if (!shut) _fail("a position was settled before shutdown");
        if (vault.position(p.id).debt != 0) _fail(string.concat("settled position ", p.id.toString(), " still owes"));
    }

    /// @notice After shutdown, an actor redeems up to all of its synth; it must be paid no more
    ///         than the frozen value of what it burned. Half the time the holder first waits out
    ///         the settlement period if the synth still has unsettled debt (and the feeds report).
    function redeem(uint256 actorSeed, uint256 synthSeed, uint256 fractionSeed) external {
        address who = _actor(actorSeed);
        SyntheticToken token = _synths[synthSeed % _synths.length];
        uint256 amount = token.balanceOf(who) * _bound(fractionSeed / 2, 1, 100) / 100;
        if (amount == 0) return;
        uint256 opensAt = settlement.shutdownAt() + settlement.SETTLEMENT_PERIOD();
        if (vault.isShutdown() && fractionSeed % 2 == 1 && block.timestamp < opensAt) {
            VM.warp(opensAt);
            _heartbeat();
        }
        _redeem(who, token, amount);
    }

    /// @dev `who` redeems `amount` of `token`; checked after (paid no more than its frozen value,
    ///      and, the reserve final, no less per unit than the claim before).
    function _redeem(address who, SyntheticToken token, uint256 amount) internal {
        bool shut = vault.isShutdown();
        uint256 stableBefore = usdc.balanceOf(who);
        uint256 spotBefore = wbtc.balanceOf(who);
        (,, uint256 unsettledShares,) = vault.synthDebt(token);
        VM.prank(who);
        try settlement.redeem(token, amount) {
            _count("settlement.redeem", who);
        } catch {
            return;
        }
        if (!shut) _fail("a redemption before shutdown");
        ghostRedeemed[token] += amount;
        uint256 paidUsd = (usdc.balanceOf(who) - stableBefore) * USDC_UNIT + (wbtc.balanceOf(who) - spotBefore)
            * WBTC_UNIT * settlement.frozenPriceWad("BTC") / WAD;
        uint256 worthUsd = amount * settlement.frozenPriceWad(token.asset()) / WAD;
        if (paidUsd > worthUsd) {
            _fail(string.concat("redemption paid ", paidUsd.toString(), " USD for synth worth ", worthUsd.toString()));
        }
        if (unsettledShares == 0) _checkFairRedemption(token, amount, paidUsd);
    }

    /// @notice The value per synth unit (WAD) the last redemption of each synth was paid once
    ///         every position owing it had settled (the reserve final).
    mapping(ISyntheticToken => uint256) public ghostFinalRedemptionRateWad;

    /// @dev Once a synth's reserve is final, order does not matter: each claim is paid at least
    ///      the value per unit the claim before it got, less its own roundings (each asset's
    ///      share and its rescale round down: two whole units of each).
    function _checkFairRedemption(ISyntheticToken token, uint256 amount, uint256 paidUsd) internal {
        uint256 roundingUsd = 2 * USDC_UNIT + 2 * WBTC_UNIT * settlement.frozenPriceWad("BTC") / WAD;
        uint256 owedUsd = amount * ghostFinalRedemptionRateWad[token] / WAD;
        if (paidUsd + roundingUsd < owedUsd) {
            _fail(
                string.concat(
                    "a later redemption was paid ",
                    paidUsd.toString(),
                    " USD where the one before paid ",
                    owedUsd.toString(),
                    " for as much"
                )
            );
        }
        ghostFinalRedemptionRateWad[token] = paidUsd * WAD / amount;
    }

    /// @notice The owner sets the minting check's shock of BTC or ETH: 0 to 50% (one time in
    ///         eight past 50%, which must be refused with `VaultInvalidShock`). Open positions may
    ///         find themselves under it, and then trade only to lower it.
    function setShock(uint256 assetSeed, uint256 shockSeed) external {
        bytes32 asset_ = assetSeed % 2 == 0 ? bytes32("BTC") : bytes32("ETH");
        bool tooHigh = shockSeed % 8 == 0;
        uint256 shock = tooHigh ? _bound(shockSeed / 8, 0.5e18 + 1, 1e18) : _bound(shockSeed / 8, 0, 50) * 0.01e18;
        try vault.setShock(asset_, shock) {
            if (tooHigh) _fail("a shock over 50% was set");
            ++ok["vault.setShock"];
        } catch (bytes memory reason) {
            bytes memory expected =
                abi.encodeWithSelector(IVault.VaultInvalidShock.selector, asset_, shock, uint256(0.5e18));
            if (tooHigh && keccak256(reason) != keccak256(expected)) {
                _fail("a shock over 50% refused otherwise", reason);
            }
        }
    }

    /// @notice Governance moves the venue (the vault's futures adapter): active (one time in
    ///         two), frozen, or winding down at a haircut of 0 to 100% (rising or falling, as the
    ///         timelock may); one time in eight a haircut past 100%, or one on a venue not
    ///         winding down, which must be refused with its error. Positions on it may become
    ///         liquidatable; every invariant holds through it.
    function setVenue(uint256 seed) external {
        ICollateralVenue venue = vault.futuresCollateral();
        uint256 pick = seed % 4;
        ICollateralVenue.VenueState state = pick < 2
            ? ICollateralVenue.VenueState.Active
            : pick == 2 ? ICollateralVenue.VenueState.Frozen : ICollateralVenue.VenueState.WindingDown;
        bool invalid = (seed / 4) % 8 == 0;
        uint256 haircutBps = state == ICollateralVenue.VenueState.WindingDown ? _bound(seed / 32, 0, 10_000) : 0;
        bytes memory expected;
        if (invalid && state == ICollateralVenue.VenueState.WindingDown) {
            haircutBps = _bound(seed / 32, 10_001, 1_000_000);
            expected = abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueHaircutTooHigh.selector, haircutBps, uint256(10_000)
            );
        } else if (invalid) {
            haircutBps = _bound(seed / 32, 1, 10_000);
            expected = abi.encodeWithSelector(
                ICollateralVenue.CollateralVenueHaircutNotWindingDown.selector, state, haircutBps
            );
        }
        (ICollateralVenue.VenueState current, uint256 currentHaircutBps) = venue.venueState();
        if (!invalid && state == current && haircutBps == currentHaircutBps) {
            expected = abi.encodeWithSelector(ICollateralVenue.CollateralVenueAlreadySet.selector);
        }
        try venue.setVenueState(state, haircutBps) {
            if (expected.length != 0) _fail("a venue state the venue must refuse was set");
            ++ok["venue.setVenueState"];
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) _fail("setVenueState refused otherwise", reason);
        }
    }

    /// @dev Whether the vault's venue is active, and the error it refuses new risk with if not.
    function _venueActive() internal view returns (bool active, bytes memory notActive) {
        ICollateralVenue venue = vault.futuresCollateral();
        (ICollateralVenue.VenueState state, uint256 haircutBps) = venue.venueState();
        active = state == ICollateralVenue.VenueState.Active;
        notActive = abi.encodeWithSelector(
            ICollateralVenue.CollateralVenueNotActive.selector, address(venue), state, haircutBps
        );
    }

    /// @notice The owner sets the keeper's share of the penalty, the close factor or the least
    ///         keeper bonus.
    function setLiquidationParams(uint256 seed) external {
        if (seed % 3 == 0) {
            try engine.setKeeperShare(_bound(seed / 3, 0, 1e18)) {
                ++ok["engine.setKeeperShare"];
            } catch {}
        } else if (seed % 3 == 1) {
            try engine.setCloseFactor(_bound(seed / 3, 0.1e18, 1e18)) {
                ++ok["engine.setCloseFactor"];
            } catch {}
        } else {
            // The least bonus the fund tops a keeper up to, from none to more than any bonus due here.
            try engine.setMinKeeperBonus(_bound(seed / 3, 0, 1_000e18)) {
                ++ok["engine.setMinKeeperBonus"];
            } catch {}
        }
    }

    /// @dev `liquidateMany` over every open position, the keeper holding every synth they owe:
    ///      every position whose debt fell must have been under its liquidation ratio.
    function _liquidateMany() internal {
        uint256 n = _positions.length;
        uint256[] memory ids = new uint256[](n);
        uint256[] memory debtBefore = new uint256[](n);
        bool[] memory liquidatable = new bool[](n);
        bool[] memory ruled = new bool[](n);
        bool[] memory bareAccount = new bool[](n);
        for (uint256 k; k < n; ++k) {
            Position memory p = _positions[k];
            ids[k] = p.id;
            if (!p.open) continue;
            (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(p.id);
            if (!readable) return; // a price it needs is untrusted: the batch must revert, skip it
            debtBefore[k] = snap.debt;
            _checkLiquidationMarks(snap.futures);
            liquidatable[k] = (snap.debt != 0 && _cr(p.id) < snap.liquidationRatioWad) || _accountUnderMaintenance(snap);
            bareAccount[k] = snap.debt == 0 && snap.futures.length != 0;
            ruled[k] = p.accountSlot != 0 && !_accountPricesTrusted(_accounts[p.accountSlot - 1].id);
            if (liquidatable[k]) _keeperHolds(p.synth, snap.debt + _synths[p.synth].balanceOf(KEEPER));
        }
        bool shut = vault.isShutdown();
        uint256 fundBefore = fund.reserves();
        uint256[] memory slack = new uint256[](_synths.length);
        uint256[] memory badBefore = new uint256[](_synths.length);
        for (uint256 i; i < _synths.length; ++i) {
            // Each write-off of the batch may leave its redistribution's rounding to the next.
            (slack[i], badBefore[i]) = (_writeOffSlack(_synths[i]) * n, vault.badDebt(_synths[i]));
        }
        uint256[3][] memory poolsHeld = _poolsBefore();
        uint256 beforeBatch = VM.snapshotState();
        VM.prank(KEEPER);
        try engine.liquidateMany(ids, 0) {
            ++ok["engine.liquidateMany"];
        } catch {
            return;
        }
        _bookPools(poolsHeld);
        for (uint256 i; i < _synths.length; ++i) {
            if (vault.badDebt(_synths[i]) > badBefore[i]) {
                ghostBadDebtRounding[_synths[i]] += slack[i] + _indexRounding(_synths[i]) * n;
            }
        }
        if (shut) _fail("liquidateMany after shutdown");
        // Penalties in, shortfalls out, netted over the batch.
        uint256 fundAfter = fund.reserves();
        if (fundAfter >= fundBefore) ghostFundIn += fundAfter - fundBefore;
        else ghostFundOut += fundBefore - fundAfter;
        for (uint256 k; k < n; ++k) {
            if (!_positions[k].open) continue;
            if (vault.position(ids[k]).debt < debtBefore[k]) {
                if (!liquidatable[k] && !_unhealthyAtItsTurn(beforeBatch, ids, k)) {
                    _fail(string.concat("liquidateMany liquidated healthy position ", ids[k].toString()));
                }
                ++ok["positions liquidated"];
                if (ruled[k]) ++ok["liquidateMany, rule price"];
            } else if (bareAccount[k] && !_holdsPositions(vault.position(ids[k]).accountId)) {
                // No debt, and its account closed: only under maintenance.
                if (!liquidatable[k] && !_unhealthyAtItsTurn(beforeBatch, ids, k)) {
                    _fail(string.concat("liquidateMany closed the healthy account of position ", ids[k].toString()));
                }
                ++ok["batch: account closed, no debt"];
            }
        }
    }

    /// @dev Whether position `ids[k]`, healthy before the batch, was under its liquidation ratio
    ///      (or its account under maintenance) when its turn came: the liquidations before it in the batch can lower its CR (a
    ///      write-off redistributes debt onto it; a profit paid out of the pool lowers the cash
    ///      its close value may count). Replays the batch's first `k` positions on the state
    ///      before it, reads the CR there, and comes back to the state after the batch.
    function _unhealthyAtItsTurn(uint256 beforeBatch, uint256[] memory ids, uint256 k) internal returns (bool) {
        uint256 afterBatch = VM.snapshotState();
        VM.revertToState(beforeBatch);
        uint256[] memory prefix = new uint256[](k);
        for (uint256 j; j < k; ++j) {
            prefix[j] = ids[j];
        }
        VM.prank(KEEPER);
        try engine.liquidateMany(prefix, 0) {} catch {}
        IVault.LiquidationSnapshot memory snap = vault.liquidationSnapshot(ids[k]);
        bool unhealthy = (snap.debt != 0 && _cr(ids[k]) < snap.liquidationRatioWad) || _accountUnderMaintenance(snap);
        VM.revertToState(afterBatch);
        return unhealthy;
    }

    /// @dev What a write-off into bad debt may swallow of `token` that never circulated, read
    ///      before the liquidation: the uncollected fees, and a redistribution's rounding (total
    ///      shares / 1e18 + a wei per position).
    function _writeOffSlack(ISyntheticToken token) internal view returns (uint256) {
        (,, uint256 totalShares,) = vault.synthDebt(token);
        return totalShares / WAD + _positions.length;
    }

    /// @dev The write-off's own roundings, read after it: a share is worth the rate index, which
    ///      only grows (a redistribution can multiply it), so the index after bounds them all.
    function _indexRounding(ISyntheticToken token) internal view returns (uint256) {
        (uint256 index,,,) = vault.synthDebt(token);
        return BAD_DEBT_ROUNDING * (index / WAD + 1);
    }

    /// @dev The position's CR as `IVaultLens.health` counts it (the exchange's own equity), which is
    ///      what the engine liquidates under; max when unreadable.
    function _cr(uint256 positionId) internal view returns (uint256) {
        try lens.health(positionId) returns (uint256, uint256, uint256 crWad) {
            return crWad;
        } catch {
            return type(uint256).max;
        }
    }

    function _snapshot(uint256 positionId) internal view returns (bool, IVault.LiquidationSnapshot memory snap) {
        try vault.liquidationSnapshot(positionId) returns (IVault.LiquidationSnapshot memory s_) {
            return (true, s_);
        } catch {
            return (false, snap);
        }
    }

    /// @dev The slot of the open position with debt whose CR is lowest relative to its
    ///      liquidation ratio (under it: liquidatable; just over it: must be refused), else
    ///      `fallback_`'s.
    function _weakestPosition(Position memory fallback_) internal view returns (uint256 slot) {
        uint256 lowest = type(uint256).max;
        for (uint256 k; k < _positions.length; ++k) {
            if (_positions[k].id == fallback_.id) slot = k;
        }
        for (uint256 k; k < _positions.length; ++k) {
            if (!_positions[k].open) continue;
            (bool readable, IVault.LiquidationSnapshot memory snap) = _snapshot(_positions[k].id);
            if (!readable || snap.debt == 0) continue;
            uint256 crWad = _cr(_positions[k].id);
            if (crWad == type(uint256).max) continue; // its health is unreadable at these prices
            uint256 relative = Math.mulDiv(crWad, WAD, snap.liquidationRatioWad);
            if (relative < lowest) (slot, lowest) = (k, relative);
        }
    }

    /// @dev The keeper's balances together with the synth's stability pool's: a liquidation the
    ///      pool repays burns the pool's synth and pays the pool and the keeper, which the checks
    ///      of what a liquidation paid for the synth it burned then take as one repayer.
    function _balancesOf(address keeper, SyntheticToken token) internal view returns (Balances memory b) {
        address sp = address(engine.stabilityPools(token));
        b.spot = wbtc.balanceOf(keeper) + wbtc.balanceOf(sp);
        b.stable = usdc.balanceOf(keeper) + usdc.balanceOf(sp);
        b.synth = token.balanceOf(keeper) + token.balanceOf(sp);
        b.fund = fund.reserves();
    }

    /// @dev The position was under its liquidation ratio, at the prices the liquidation used.
    function _checkLiquidated(string memory where, uint256 crWad, uint256 liquidationRatioWad, bool underMaintenance)
        internal
        pure
    {
        if (crWad >= liquidationRatioWad && !underMaintenance) {
            _fail(
                string.concat(
                    where,
                    " at CR ",
                    crWad.toString(),
                    ", not under the liquidation ratio ",
                    liquidationRatioWad.toString(),
                    " nor its account under maintenance"
                )
            );
        }
    }

    /// @dev The keeper received at most the value of the synth it burned plus its bonus (and a
    ///      stablecoin unit of rounding, the fund's shortfall payment being rounded up to one),
    ///      and keeper and fund together at most that value plus the whole penalty. Books the
    ///      fund's inflow (penalty) or outflow (shortfall).
    function _checkPayout(
        string memory where,
        IVault.LiquidationSnapshot memory snap,
        Balances memory b0,
        Balances memory b1
    ) internal {
        // The synth's price the liquidation used: prices do not move within the handler's call.
        // Read only when synth was burned (a position with no debt reads none, and its synth's
        // market may be closed past its last close's heartbeat).
        uint256 burnedUsd = b0.synth == b1.synth
            ? 0
            : Math.mulDiv(
                b0.synth - b1.synth,
                oracle.priceWadFor(snap.synth.asset(), IOracleHub.PriceUse.LiquidationDebt),
                WAD,
                Math.Rounding.Ceil
            );
        uint256 keeperUsd =
            (b1.spot - b0.spot) * WBTC_UNIT * snap.spotPriceWad / WAD + (b1.stable - b0.stable) * USDC_UNIT;
        uint256 penaltyUsd = burnedUsd * snap.liquidationPenaltyWad / WAD;
        uint256 toFundUsd;
        if (b1.fund >= b0.fund) {
            ghostFundIn += b1.fund - b0.fund;
            toFundUsd = (b1.fund - b0.fund) * USDC_UNIT;
        } else {
            ghostFundOut += b0.fund - b1.fund;
        }
        uint256 bonusUsd = penaltyUsd * engine.keeperShareWad() / WAD;
        // With no debt (an account under maintenance) the keeper is paid what the exchange would
        // have paid it: its reward on the notional closed.
        uint256 rewardUsd = snap.debt == 0 ? _exchangeReward(snap.futures) : 0;
        if (keeperUsd > burnedUsd + bonusUsd + rewardUsd + USDC_UNIT) {
            _fail(
                string.concat(
                    where, " paid the keeper ", keeperUsd.toString(), " USD for ", burnedUsd.toString(), " USD of synth"
                )
            );
        }
        if (keeperUsd + toFundUsd > burnedUsd + penaltyUsd + rewardUsd + USDC_UNIT) {
            _fail(string.concat(where, " paid keeper and fund more than the repaid value and the penalty"));
        }
    }

    /// @dev The exchange's reward for closing `futures` at their marks: `liquidationRewardWad` of
    ///      the notional (each rounded up), at least its minimum.
    function _exchangeReward(IFuturesExchange.PositionView[] memory futures) internal view returns (uint256) {
        uint256 notionalWad;
        for (uint256 i; i < futures.length; ++i) {
            notionalWad += Math.mulDiv(_abs(futures[i].sizeWad), futures[i].markPriceWad, WAD, Math.Rounding.Ceil);
        }
        return Math.max(notionalWad * exchange.liquidationRewardWad() / WAD, exchange.minLiquidationRewardWad());
    }

    /// @dev Whether the snapshot's locked account is under the exchange's maintenance margin as the
    ///      handler values it (`_equityAndMaintenance`, at the liquidation prices), within a few wei
    ///      of rounding (the exchange floors each market's PnL less funding in one step).
    function _accountUnderMaintenance(IVault.LiquidationSnapshot memory snap) internal view returns (bool) {
        if (!snap.hasAccount || snap.futures.length == 0) return false;
        (bool readable, int256 equityWad, uint256 maintenanceWad) = _equityAndMaintenance(snap.accountId);
        return readable && equityWad < int256(maintenanceWad) + int256(2 * snap.futures.length + 1);
    }

    /// @dev Whether account `accountId` holds a position in any market (no price read).
    function _holdsPositions(uint256 accountId) internal view returns (bool) {
        for (uint256 m = 1; m <= MARKET_COUNT; ++m) {
            (int256 size,) = exchange.position(accountId, m);
            if (size != 0) return true;
        }
        return false;
    }

    /// @dev Whether account `accountId`'s token is held by the vault's adapter (locked).
    function _lockedInVault(uint256 accountId) internal view returns (bool) {
        return accounts.ownerOf(accountId) == address(vault.futuresCollateral());
    }

    /// @dev A liquidation that took every bit of collateral for the whole debt, the fund paying
    ///      all it was asked (checked by the caller, `_fundPaidShort`), paid the keeper at least the value of the synth
    ///      it burned plus its least bonus, min(`minKeeperBonusUsdWad`, its bonus due), less a
    ///      stablecoin unit (the top-up is rounded down to one).
    function _checkLeastBonus(
        string memory where,
        uint256 positionId,
        IVault.LiquidationSnapshot memory snap,
        Balances memory b0,
        Balances memory b1
    ) internal {
        // A position with no debt (a locked account closed under maintenance) burns no synth: no
        // bonus on a debt to check, and its synth's price need not be readable.
        if (snap.debt == 0) return;
        IVault.PositionView memory left = vault.position(positionId);
        if (left.debt != 0 || left.spotAmount != 0) return;
        if (left.hasAccount && (_holdsPositions(left.accountId) || exchange.signedMarginOf(left.accountId) != 0)) {
            return;
        }
        uint256 burnedUsd = Math.mulDiv(
            b0.synth - b1.synth,
            oracle.priceWadFor(snap.synth.asset(), IOracleHub.PriceUse.LiquidationDebt),
            WAD,
            Math.Rounding.Ceil
        );
        uint256 keeperUsd =
            (b1.spot - b0.spot) * WBTC_UNIT * snap.spotPriceWad / WAD + (b1.stable - b0.stable) * USDC_UNIT;
        uint256 bonusDue = burnedUsd * snap.liquidationPenaltyWad / WAD * engine.keeperShareWad() / WAD;
        uint256 leastUsd = Math.min(engine.minKeeperBonusUsdWad(), bonusDue);
        if (keeperUsd + USDC_UNIT < burnedUsd + leastUsd) {
            _fail(
                string.concat(
                    where,
                    " took everything but paid the keeper ",
                    keeperUsd.toString(),
                    " USD for ",
                    burnedUsd.toString(),
                    " USD of synth, under its least bonus ",
                    leastUsd.toString()
                )
            );
        }
        ++ok["least keeper bonus checked"];
    }

    /// @dev Whether the insurance fund paid less than it was asked (`ShortfallPaid`, among the
    ///      logs recorded): it ran dry during the liquidation. Its balance after says nothing of
    ///      that, since the liquidation's own penalty reaches it only at the end.
    function _fundPaidShort() internal returns (bool) {
        Vm.Log[] memory logs = VM.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter != address(fund) || logs[i].topics[0] != IInsuranceFund.ShortfallPaid.selector) {
                continue;
            }
            (uint256 requested, uint256 paid,) = abi.decode(logs[i].data, (uint256, uint256, uint256));
            if (paid < requested) return true;
        }
        return false;
    }

    /* VIEWS FOR THE INVARIANTS */

    function assetCount() external view returns (uint256) {
        return _assets.length;
    }

    function asset(uint256 i) external view returns (bytes32) {
        return _assets[i];
    }

    function synthCount() external view returns (uint256) {
        return _synths.length;
    }

    function stabilityPool(uint256 i) external view returns (StabilityPool) {
        return _stabilityPools[i];
    }

    function poolGhost(uint256 i) external view returns (PoolGhost memory) {
        return _poolGhosts[i];
    }

    function synth(uint256 i) external view returns (SyntheticToken) {
        return _synths[i];
    }

    function actorCount() external pure returns (uint256) {
        return ACTOR_COUNT;
    }

    function actor(uint256 i) external view returns (address) {
        return _actors[i];
    }

    function accountCount() external view returns (uint256) {
        return _accounts.length;
    }

    function account(uint256 i) external view returns (Account memory) {
        return _accounts[i];
    }

    function positionCount() external view returns (uint256) {
        return _positions.length;
    }

    function position(uint256 i) external view returns (Position memory) {
        return _positions[i];
    }

    /* STEP CHECKS */

    /// @dev After a successful risk-adding vault action on `p`: with debt, the prices it needed
    ///      were trusted, and the position is at or above the minting ratio (computed here from
    ///      the oracle and the exchange, not from the vault's own CR), with at least the minimum debt.
    function _checkRiskAction(Position memory p, Trust memory t, string memory action) internal view {
        _checkRiskAction(p, t, action, type(uint256).max, 0);
    }

    /// @dev `_checkRiskAction`, except that a collateral of at least `floorUsd` with a shock loss
    ///      of at most `floorLoss` (the vault's, before a trade) may stay under either rule.
    function _checkRiskAction(
        Position memory p,
        Trust memory t,
        string memory action,
        uint256 floorUsd,
        uint256 floorLoss
    ) internal view {
        IVault.PositionView memory v = vault.position(p.id);
        if (v.debt == 0) return;
        ISyntheticToken token = _synths[p.synth];
        IVault.SynthParams memory params = vault.synthParams(token);
        string memory where = string.concat(action, " on position ", p.id.toString());
        if (t.shut) _fail(string.concat(where, " went through with debt after shutdown"));
        if (!t.synth) _fail(string.concat(where, " succeeded with debt on an untrusted synth price"));
        if (v.spotAmount != 0 && !t.btc) _fail(string.concat(where, " counted spot at an untrusted BTC price"));
        if (v.hasAccount && !t.account) _fail(string.concat(where, " counted the account at untrusted prices"));

        uint256 collateralUsd;
        if (v.spotAmount != 0) collateralUsd = v.spotAmount * WBTC_UNIT * oracle.priceWad("BTC") / WAD;
        if (v.hasAccount) {
            int256 equityWad = exchange.equity(v.accountId);
            // At the venue's haircut, rounded up: still the vault's count loosened.
            (, uint256 haircutBps) = vault.futuresCollateral().venueState();
            if (equityWad > 0) {
                collateralUsd += Math.mulDiv(uint256(equityWad), 10_000 - haircutBps, 10_000, Math.Rounding.Ceil);
            }
        }
        uint256 debtUsd = Math.mulDiv(v.debt, oracle.priceWad(token.asset()), WAD, Math.Rounding.Ceil);
        // The equity at mark counts the account at least at the vault's close value, and the
        // loss here leaves out what the vault adds to it (closing costs' growth, rounding), so
        // this check is the vault's loosened: any breach of it is a breach of the vault's rule.
        uint256 loss = _shockLoss(v);
        if (collateralUsd >= floorUsd && loss <= floorLoss) return;
        // CR = collateral / debt >= MR, without the division's rounding.
        if (collateralUsd * WAD < params.mintingRatioWad * debtUsd) {
            _fail(string.concat(where, " left it under the minting ratio", _usd(collateralUsd, debtUsd)));
        }
        if (collateralUsd < loss + debtUsd) {
            _fail(
                string.concat(
                    where,
                    " left it under 100% after the shock",
                    _usd(collateralUsd - Math.min(collateralUsd, loss), debtUsd)
                )
            );
        }
        if (v.debt < params.minDebt) _fail(string.concat(where, " left debt under the minimum: ", v.debt.toString()));
    }

    /// @dev ": collateral C USD, debt D USD".
    function _usd(uint256 collateralUsd, uint256 debtUsd) internal pure returns (string memory) {
        return string.concat(": collateral ", collateralUsd.toString(), " USD, debt ", debtUsd.toString(), " USD");
    }

    /// @dev What position `v`'s collateral loses when BTC and ETH each move against it by the
    ///      vault's shock: per asset |spot + Σ size x mark| x shock (each product floored, the
    ///      loss rounded up), from the exchange's views; the rest of the vault's rule is left out.
    function _shockLoss(IVault.PositionView memory v) internal view returns (uint256) {
        int256 btc;
        int256 eth;
        if (v.spotAmount != 0) btc = int256(v.spotAmount * WBTC_UNIT * oracle.priceWad("BTC") / WAD);
        if (v.hasAccount) {
            IFuturesExchange.PositionView[] memory views = exchange.positions(v.accountId);
            for (uint256 i; i < views.length; ++i) {
                int256 product = views[i].sizeWad * int256(views[i].markPriceWad);
                int256 exposure = product / int256(WAD) - (product % int256(WAD) < 0 ? int256(1) : int256(0));
                if (_marketAsset(views[i].marketId) == "ETH") eth += exposure;
                else btc += exposure;
            }
        }
        return Math.mulDiv(_abs(btc), vault.shockWad("BTC"), WAD, Math.Rounding.Ceil)
            + Math.mulDiv(_abs(eth), vault.shockWad("ETH"), WAD, Math.Rounding.Ceil);
    }

    /// @dev After a successful exchange action that adds risk or withdraws: the prices were
    ///      trusted, and the account's equity covers its initial margin.
    function _checkExchangeRisk(uint256 accountId, bool trusted, bool initial, string memory action) internal view {
        if (!_hasPositions(accountId)) return;
        if (!trusted) _fail(string.concat(action, " on account ", accountId.toString(), " used untrusted prices"));
        int256 equityWad = exchange.equity(accountId);
        (uint256 initialWad,) = exchange.requirements(accountId);
        if (initial && equityWad < int256(initialWad)) {
            _fail(
                string.concat(
                    action,
                    " left account ",
                    accountId.toString(),
                    " under its initial margin: equity ",
                    equityWad.toStringSigned(),
                    ", initial ",
                    initialWad.toString()
                )
            );
        }
    }

    /// @dev A locked account belongs to the vault: its owner can neither trade it nor withdraw
    ///      from it on the exchange directly.
    function _checkLockedAccountSealed(Account memory a, address owner) internal {
        VM.prank(owner);
        try exchange.withdrawMargin(a.id, 1, owner) {
            _fail(string.concat("the owner drained locked account ", a.id.toString(), " on the exchange"));
        } catch {}
        VM.prank(owner);
        try exchange.trade(a.id, BTC_PERP, 1e15, type(uint256).max) {
            _fail(string.concat("the owner traded locked account ", a.id.toString(), " on the exchange"));
        } catch {}
    }

    /* INTERNAL: SIZING */

    /// @dev A size change for `accountId` in `marketId`: mode 0-1 opens or grows either way up to
    ///      12x the margin (the markets allow 10x), 2 reduces by 1-100%, 3 flips past zero.
    function _sizeDelta(uint256 accountId, uint256 marketId, uint256 sizeSeed, uint256 modeSeed)
        internal
        view
        returns (int256)
    {
        (int256 size,) = exchange.position(accountId, marketId);
        uint256 mode = modeSeed % 4;
        if (size != 0 && mode == 2) return -size * int256(_bound(sizeSeed, 1, 100)) / 100;
        uint256 mark = _lastPrice(_marketAsset(marketId));
        uint256 budget = Math.max(exchange.marginOf(accountId), 1_000e18);
        int256 grow = int256(budget * _bound(sizeSeed, 1, 1200) / 100 * WAD / mark);
        if (size != 0 && mode == 3) return size > 0 ? -size - grow : -size + grow;
        return modeSeed / 4 % 2 == 0 ? grow : -grow;
    }

    /// @dev Synth units the position could mint: `fractionSeed` picks 1-110% of the most the
    ///      minting ratio and the shock allow (the lens's `maxMint`), or (1 in 4) exactly that.
    ///      When it cannot be read (an untrusted price), twice the minimum debt, which must then
    ///      be refused; with no room, the minimum debt.
    function _mintAmount(Position memory p, uint256 fractionSeed) internal view returns (uint256) {
        uint256 minDebt = vault.synthParams(_synths[p.synth]).minDebt;
        try lens.mintRoom(p.id) returns (IVaultLens.MintRoom memory room) {
            if (room.maxMint == 0) return minDebt;
            if (fractionSeed % 4 == 0) return room.maxMint;
            return room.maxMint * _bound(fractionSeed / 4, 1, 110) / 100;
        } catch {
            return 2 * minDebt;
        }
    }

    /// @dev Gets the keeper `amount` of synth `synthIndex`, as a keeper would: from the other
    ///      holders first, the rest minted against its own position of that synth (checked like
    ///      any mint). Best effort: a liquidation the keeper cannot pay for fails.
    function _keeperHolds(uint8 synthIndex, uint256 amount) internal {
        SyntheticToken token = _synths[synthIndex];
        if (_gather(token, KEEPER, amount)) return;
        Position memory p = _positionById(_keeperPositions[synthIndex]);
        if (!p.open) return;
        Trust memory t = _trust(p);
        VM.prank(KEEPER);
        try vault.mint(p.id, amount - token.balanceOf(KEEPER)) {
            ++ok["keeper.mint"];
            _checkRiskAction(p, t, "the keeper's mint");
        } catch {}
    }

    /// @dev Moves synth from the other holders to `to` until it holds `amount`; false if they
    ///      cannot make it up.
    function _gather(SyntheticToken token, address to, uint256 amount) internal returns (bool) {
        for (uint256 i; i < ACTOR_COUNT && token.balanceOf(to) < amount; ++i) {
            address from = _actors[i];
            if (from == to) continue;
            uint256 give = Math.min(token.balanceOf(from), amount - token.balanceOf(to));
            if (give == 0) continue;
            VM.prank(from);
            token.transfer(to, give);
        }
        return token.balanceOf(to) >= amount;
    }

    /* INTERNAL: PRICES */

    /// @dev What the vault's minting check may price (the hub's `Minting` use: its market open,
    ///      its sources agreeing).
    function _trust(Position memory p) internal view returns (Trust memory t) {
        t.synth = _mintable(_synths[p.synth].asset());
        t.btc = _mintable("BTC");
        t.account = p.accountSlot == 0 || _accountPricesTrusted(_accounts[p.accountSlot - 1].id);
        t.shut = vault.isShutdown();
    }

    /// @dev A trade (not a liquidation's close) left the position none or at least the minimum
    ///      notional at the price it traded at.
    function _checkPositionSize(uint256 accountId, uint256 marketId) internal {
        (int256 sizeWad,) = exchange.position(accountId, marketId);
        if (sizeWad == 0) return;
        uint256 absSize = uint256(sizeWad > 0 ? sizeWad : -sizeWad);
        uint256 notionalWad = Math.mulDiv(absSize, oracle.priceWad(_marketAsset(marketId)), WAD, Math.Rounding.Ceil);
        if (notionalWad < MIN_POSITION_NOTIONAL) {
            _fail(
                string.concat("a trade left a position of ", notionalWad.toString(), " in market ", marketId.toString())
            );
        }
    }

    /// @dev Whether `priceWad` prices `asset_` (from its primary or its fallback): the exchange's reads.
    function _trusted(bytes32 asset_) internal view returns (bool) {
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad(asset_);
        return status == IOracleHub.PriceStatus.Ok || status == IOracleHub.PriceStatus.Fallback;
    }

    function _mintable(bytes32 asset_) internal view returns (bool usable) {
        (,,, usable) = oracle.peekPriceWadFor(asset_, IOracleHub.PriceUse.Minting);
    }

    /// @dev Whether every price the account's equity reads is trusted (a dated market whose
    ///      settlement price is known reads none).
    function _accountPricesTrusted(uint256 accountId) internal view returns (bool) {
        for (uint256 m = 1; m <= MARKET_COUNT; ++m) {
            (int256 size,) = exchange.position(accountId, m);
            if (size == 0) continue;
            if (m == BTC_DATED && _datedSettlementPriceKnown()) continue;
            if (!_trusted(_marketAsset(m))) return false;
        }
        return true;
    }

    /// @dev Whether the dated market's positions are valued at its settlement price, which needs
    ///      no fresh price: stored, or expired with the hub's first trusted round since expiry.
    function _datedSettlementPriceKnown() internal view returns (bool) {
        IFuturesExchange.Market memory market = exchange.market(BTC_DATED);
        if (market.settlementPriceWad != 0) return true;
        if (block.timestamp < market.expiry) return false;
        (uint256 price,,) = oracle.firstTrustedPriceWadSince("BTC", market.expiry);
        return price != 0;
    }

    /// @dev The slot of the first account under maintenance (`firstUnder`), or of the one with
    ///      the lowest equity / maintenance; `fallback_`'s slot when none has positions.
    function _riskiestAccount(bool firstUnder, Account memory fallback_) internal view returns (uint256 best) {
        best = type(uint256).max;
        uint256 bestRatio = type(uint256).max;
        for (uint256 k; k < _accounts.length; ++k) {
            if (_accounts[k].id == fallback_.id && best == type(uint256).max) best = k;
            (bool known, int256 e, uint256 mm) = _equityAndMaintenance(_accounts[k].id);
            if (!known || mm == 0) continue;
            if (firstUnder && e < int256(mm)) return k;
            uint256 ratio = e <= 0 ? 0 : uint256(e) * WAD / mm;
            if (ratio < bestRatio) (best, bestRatio) = (k, ratio);
        }
    }

    /// @dev The account's equity and maintenance requirement as `liquidate` counts them, at the
    ///      liquidation prices (`liquidationPositions`, each mark checked against this handler's
    ///      own rule); the equity from the views, at most a wei a position under the exchange's own
    ///      while funding is owed: a lower bound. False when not even the rule can price it.
    function _equityAndMaintenance(uint256 accountId) internal view returns (bool, int256, uint256) {
        try exchange.liquidationPositions(accountId) returns (IFuturesExchange.PositionView[] memory views, int256) {
            _checkLiquidationMarks(views);
            int256 equityWad = exchange.signedMarginOf(accountId);
            uint256 maintenanceWad;
            for (uint256 i; i < views.length; ++i) {
                IFuturesExchange.PositionView memory v = views[i];
                equityWad += v.unrealizedPnlWad - v.fundingOwedWad;
                uint256 notionalWad = Math.mulDiv(_abs(v.sizeWad), v.markPriceWad, WAD, Math.Rounding.Ceil);
                uint256 fractionWad = exchange.market(v.marketId).params.maintenanceMarginWad;
                maintenanceWad += Math.mulDiv(notionalWad, fractionWad, WAD, Math.Rounding.Ceil);
            }
            return (true, equityWad, maintenanceWad);
        } catch {
            return (false, 0, 0);
        }
    }

    /// @dev Each position of a market whose price the hub does not trust (a dated market whose
    ///      settlement price is known aside) is marked at the rule's price: the hub's last trusted
    ///      price moved against the holder by the maintenance fraction, a long's rounded down, a
    ///      short's up.
    function _checkLiquidationMarks(IFuturesExchange.PositionView[] memory views) internal view {
        for (uint256 i; i < views.length; ++i) {
            IFuturesExchange.PositionView memory v = views[i];
            bytes32 asset_ = _marketAsset(v.marketId);
            if (_trusted(asset_) || (v.marketId == BTC_DATED && _datedSettlementPriceKnown())) continue;
            (uint256 lastWad,,) = oracle.lastTrustedPriceWad(asset_);
            uint256 fractionWad = exchange.market(v.marketId).params.maintenanceMarginWad;
            uint256 ruleWad = v.sizeWad > 0
                ? Math.mulDiv(lastWad, WAD - fractionWad, WAD)
                : Math.mulDiv(lastWad, WAD + fractionWad, WAD, Math.Rounding.Ceil);
            if (v.markPriceWad != ruleWad) {
                _fail(
                    string.concat(
                        "market ",
                        v.marketId.toString(),
                        " marked at ",
                        v.markPriceWad.toString(),
                        " for liquidation, not the rule's ",
                        ruleWad.toString()
                    )
                );
            }
        }
    }

    /// @dev The index of `asset_` in `_assets`.
    function _assetIndex(bytes32 asset_) internal view returns (uint256 i) {
        while (_assets[i] != asset_) ++i;
    }

    /// @dev The latest answer as WAD, trusted or not.
    function _lastPrice(bytes32 asset_) internal view returns (uint256) {
        (uint256 price,,) = oracle.peekPriceWad(asset_);
        return price == 0 ? WAD : price;
    }

    function _marketAsset(uint256 marketId) internal pure returns (bytes32) {
        return marketId == ETH_PERP ? bytes32("ETH") : bytes32("BTC");
    }

    function _feedBound(uint256 i) internal view returns (int256 answer, uint256 bound) {
        answer = _feeds[i].latestAnswer();
        (,,, uint16 maxDeviationBps,) = oracle.feeds(_assets[i]);
        bound = maxDeviationBps;
    }

    /// @dev A new round for asset `i`, `bps` basis points up or down from the latest answer,
    ///      kept within 1/100 and 100 times the initial price (no overflow, no dust prices).
    function _submit(uint256 i, uint256 bps, bool up) internal {
        uint256 current = uint256(_feeds[i].latestAnswer());
        uint256 next = up ? current * (10_000 + bps) / 10_000 : current * (10_000 - bps) / 10_000;
        uint256 initial = uint256(_initialAnswers[i]);
        _feeds[i].submit(int256(Math.min(Math.max(next, initial / 100), initial * 100)));
        _recordTrusted(i);
    }

    /// @dev Remembers asset `i`'s price if its primary's latest round is trusted now, or is a
    ///         closed market's sound last close (shutdown's frozen price reads the primary only).
    function _recordTrusted(uint256 i) internal {
        (uint256 price,, IOracleHub.PriceStatus status) = oracle.peekPriceWad(_assets[i]);
        if (status == IOracleHub.PriceStatus.MarketClosed) {
            (,,, bool usable) = oracle.peekPriceWadFor(_assets[i], IOracleHub.PriceUse.LiquidationDebt);
            if (usable) _lastTrustedPrice[i] = price;
        } else if (status == IOracleHub.PriceStatus.Ok) {
            _lastTrustedPrice[i] = price;
        }
    }

    /// @dev Every feed reports its latest answer again, and BTC's second source its own.
    function _heartbeat() internal {
        for (uint256 i; i < _feeds.length; ++i) {
            _feeds[i].submit(_feeds[i].latestAnswer());
            _recordTrusted(i);
        }
        _reportFallback();
    }

    /// @dev BTC's second source reports the primary's latest answer moved by the drift.
    function _reportFallback() internal {
        int256 answer = _feeds[0].latestAnswer();
        _btcFallback.submit(answer * (10_000 + fallbackDriftBps) / 10_000);
    }

    /* INTERNAL: BOOKKEEPING */

    function _hasPositions(uint256 accountId) internal view returns (bool) {
        for (uint256 m = 1; m <= MARKET_COUNT; ++m) {
            (int256 size,) = exchange.position(accountId, m);
            if (size != 0) return true;
        }
        return false;
    }

    function _addsRisk(int256 oldSize, int256 newSize) internal pure returns (bool) {
        if (newSize == 0) return false;
        return oldSize == 0 || (oldSize > 0) != (newSize > 0) || _abs(newSize) > _abs(oldSize);
    }

    function _openPosition(uint256 seed) internal view returns (bool, Position memory p) {
        uint256 n = _positions.length;
        for (uint256 k; k < n; ++k) {
            p = _positions[(seed % n + k) % n];
            if (p.open) return (true, p);
        }
        return (false, p);
    }

    function _positionById(uint256 id) internal view returns (Position memory) {
        return _positionStorage(id);
    }

    function _positionStorage(uint256 id) internal view returns (Position storage) {
        for (uint256 k; k < _positions.length; ++k) {
            if (_positions[k].id == id) return _positions[k];
        }
        revert("handler: unknown position");
    }

    /// @dev A free account of `owner` (its slot + 1), or 0.
    function _freeAccountOf(address owner, uint256 seed) internal view returns (uint256) {
        uint256 n = _accounts.length;
        for (uint256 k; k < n; ++k) {
            uint256 i = (seed % n + k) % n;
            if (_accounts[i].owner == owner && _accounts[i].positionId == 0) return i + 1;
        }
        return 0;
    }

    /// @dev Opens an account for `owner` with `margin` (stablecoin units); returns its slot + 1.
    function _newAccount(address owner, uint256 margin) internal returns (uint256) {
        VM.prank(owner);
        uint256 id = exchange.openAccount();
        _accounts.push(Account({id: id, owner: owner, positionId: 0}));
        _mintUsdc(owner, margin);
        VM.prank(owner);
        exchange.depositMargin(id, margin);
        return _accounts.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % ACTOR_COUNT];
    }

    /// @dev Counts a successful action `key` of `who`.
    function _count(bytes32 key, address who) internal {
        ++ok[key];
        if (who == ATTACKER) ++attackerOk[key];
    }

    function _mintUsdc(address to, uint256 amount) internal {
        usdc.mint(to, amount);
        ghostUsdcMinted += amount;
    }

    function _mintWbtc(address to, uint256 amount) internal {
        wbtc.mint(to, amount);
        ghostWbtcMinted += amount;
    }

    function _bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        if (hi <= lo) return lo;
        uint256 span = hi - lo;
        return span == type(uint256).max ? x : lo + x % (span + 1);
    }

    function _abs(int256 x) internal pure returns (uint256) {
        return x >= 0 ? uint256(x) : uint256(-x);
    }

    function _fail(string memory message) internal pure {
        revert(message);
    }

    function _fail(string memory message, bytes memory reason) internal pure {
        revert(string.concat(message, ": 0x", _hex(reason)));
    }

    function _hex(bytes memory data) internal pure returns (string memory) {
        bytes memory out = new bytes(2 * data.length);
        bytes16 digits = "0123456789abcdef";
        for (uint256 i; i < data.length; ++i) {
            out[2 * i] = digits[uint8(data[i]) >> 4];
            out[2 * i + 1] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }

    /* SET-UP */

    function _addFeed(bytes32 asset_, int256 answer, uint32 heartbeat, uint16 maxDeviationBps) internal {
        MockAggregator feed = new MockAggregator(8, "", answer);
        oracle.setFeed(asset_, AggregatorV3Interface(address(feed)), heartbeat, maxDeviationBps);
        _assets.push(asset_);
        _feeds.push(feed);
        _initialAnswers.push(answer);
        _lastTrustedPrice.push(uint256(answer) * 1e10);
    }

    function _addMarkets() internal {
        exchange.addMarket("BTC", 0, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0.0005e18, 0.001e18));
        exchange.addMarket("ETH", 0, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0.0005e18, 0.002e18));
        exchange.addMarket(
            "BTC",
            uint40(block.timestamp + DATED_EXPIRY),
            IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0.0003e18, 0.001e18)
        );
    }

    function _addSynth(
        string memory name,
        string memory symbol,
        bytes32 asset_,
        uint256 stabilityFeeWad,
        uint256 debtCeiling,
        uint256 minDebt
    ) internal {
        SyntheticToken token = new SyntheticToken(name, symbol, asset_, address(this));
        token.grantRole(token.MINTER_ROLE(), address(vault));
        token.grantRole(token.BURNER_ROLE(), address(vault));
        vault.listSynth(
            token,
            IVault.SynthParams({
                mintingRatioWad: 1.5e18,
                liquidationRatioWad: 1.2e18,
                liquidationPenaltyWad: 0.1e18,
                stabilityFeeWad: stabilityFeeWad,
                debtCeiling: debtCeiling,
                minDebt: minDebt
            })
        );
        _synths.push(token);
    }

    /// @dev Each actor also starts with a position backed by a locked futures account (100,000
    ///      of margin), as the design's flows have them: actor 0 long 2 BTC (and a dust ETH long,
    ///      so that a quiet ETH feed meets its liquidation), actor 1 short 2 BTC,
    ///      actor 2 delta-neutral (short 1 BTC beside 1 BTC of spot); each mints half of what the
    ///      minting ratio allows, of the next synth along.
    function _setUpFuturesPosition(address who, uint256 i) internal {
        uint8 synthIndex = uint8((i + 1) % _synths.length);
        VM.prank(who);
        uint256 id = vault.open(_synths[synthIndex]);
        uint256 slot = _newAccount(who, 100_000e6);
        uint256 accountId = _accounts[slot - 1].id;
        VM.startPrank(who);
        accounts.approve(address(vault), accountId);
        vault.lock(id, accountId);
        VM.stopPrank();
        _accounts[slot - 1].positionId = id;
        _positions.push(Position({id: id, owner: who, synth: synthIndex, open: true, accountSlot: slot}));

        int256 size = i == 0 ? int256(2e18) : i == 1 ? -2e18 : -1e18;
        VM.prank(who);
        vault.trade(id, BTC_PERP, size, size > 0 ? type(uint256).max : 0);
        if (i == 0) {
            // The second review's shield: $0.30 of ETH-PERP beside the BTC long.
            VM.prank(who);
            vault.trade(id, ETH_PERP, 0.0001e18, type(uint256).max);
        }
        if (i == 2) {
            _mintWbtc(who, 1e8);
            VM.prank(who);
            vault.addSpot(id, 1e8);
        }
        (uint256 collateralUsd,,) = lens.health(id);
        uint256 amount = collateralUsd * WAD / 1.5e18 / 2 * WAD / oracle.priceWad(_synths[synthIndex].asset());
        VM.prank(who);
        vault.mint(id, amount);
    }

    /// @dev The keeper holds a position in each synth with 50 BTC of spot and no debt, to mint
    ///      the synth it needs to liquidate.
    function _setUpKeeper() internal {
        VM.startPrank(KEEPER);
        wbtc.approve(address(vault), type(uint256).max);
        usdc.approve(address(exchange), type(uint256).max);
        VM.stopPrank();
        for (uint256 i; i < _synths.length; ++i) {
            VM.prank(KEEPER);
            uint256 id = vault.open(_synths[i]);
            _positions.push(Position({id: id, owner: KEEPER, synth: uint8(i), open: true, accountSlot: 0}));
            _keeperPositions.push(id);
            _mintWbtc(KEEPER, 50e8);
            VM.prank(KEEPER);
            vault.addSpot(id, 50e8);
        }
    }

    /// @dev Each actor starts with a wallet, a free account with margin, and a position in
    ///      synth `i` holding 1 BTC of spot.
    function _setUpActor(address who, uint256 i) internal {
        VM.label(who, string.concat("actor", i.toString()));
        VM.startPrank(who);
        usdc.approve(address(exchange), type(uint256).max);
        usdc.approve(address(fund), type(uint256).max);
        wbtc.approve(address(vault), type(uint256).max);
        VM.stopPrank();
        _newAccount(who, 50_000e6);

        VM.prank(who);
        uint256 id = vault.open(_synths[i]);
        _positions.push(Position({id: id, owner: who, synth: uint8(i), open: true, accountSlot: 0}));
        _mintWbtc(who, 1e8);
        VM.prank(who);
        vault.addSpot(id, 1e8);
    }
}
