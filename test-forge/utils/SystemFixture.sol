// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SystemFixture: the whole protocol, small and owned by the test contract, for the Forge unit
 * tests that need exact states (one position crashed to a chosen CR, an empty insurance fund, a
 * feed with a glitch round) that the invariant handler reaches only by chance. Everything is
 * built through the contracts' public functions, so the tests see only what a user sees.
 *
 * Set-up: feeds BTC 60,000 (50% circuit breaker), ETH 3,000, XAU 2,400, USD 1 (8 decimals, one
 * hour heartbeat); margin USDC (6 decimals), spot WBTC (8); markets 1 BTC perp, 2 ETH perp,
 * 3 BTC dated (expiring in a day); synths sUSD and sXAU at 150% / 120% / 10% penalty, sUSD with
 * a 2% fee; the minting check's shocks BTC 10%, ETH 15% (as deployed); the engine with half the
 * penalty to the keeper and a close factor of 1. The minimum debts (100 sUSD, 0.05 sXAU) are this
 * fixture's own, small so that the tests' amounts stay small: the deployed ones (config/local.yaml)
 * are set from the keeper's gas, which the unit tests do not measure (`make bench` and
 * tests/liquidation/test_keeper_pay.py do).
 */

import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/venue/ILiquidityPool.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {FuturesExchange} from "../../contracts/venue/FuturesExchange.sol";
import {GlobalSettlement} from "../../contracts/liquidation/GlobalSettlement.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {LiquidationEngine} from "../../contracts/liquidation/LiquidationEngine.sol";
import {OracleHub} from "../../contracts/oracle/OracleHub.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {Vault} from "../../contracts/core/Vault.sol";
import {VaultLens} from "../../contracts/periphery/VaultLens.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Assertions} from "./Assertions.sol";
import {VM} from "./Vm.sol";

abstract contract SystemFixture is Assertions {
    uint256 internal constant WAD = 1e18;
    uint256 internal constant START = 1_750_000_000;

    uint256 internal constant BTC_PERP = 1;
    uint256 internal constant ETH_PERP = 2;
    uint256 internal constant BTC_DATED = 3;
    uint256 internal constant DATED_EXPIRY = START + 1 days;

    address internal constant ALICE = address(0xA11CE);
    address internal constant BOB = address(0xB0B);
    address internal constant KEEPER = address(0x4EE9E5);
    address internal constant FEES = address(0xFEE0A);

    OracleHub internal oracle;
    MockAggregator internal btcFeed;
    MockAggregator internal ethFeed;
    MockAggregator internal xauFeed;
    MockAggregator internal usdFeed;
    TestToken internal usdc;
    TestToken internal wbtc;
    FuturesExchange internal exchange;
    ILiquidityPool internal pool;
    Vault internal vault;
    VaultLens internal lens;
    SyntheticToken internal sUSD;
    SyntheticToken internal sXAU;
    InsuranceFund internal fund;
    LiquidationEngine internal engine;
    GlobalSettlement internal settlement;

    function setUp() public virtual {
        VM.warp(START);
        oracle = new OracleHub(address(this));
        btcFeed = _feed("BTC", 60_000e8, 5000);
        ethFeed = _feed("ETH", 3_000e8, 5000);
        xauFeed = _feed("XAU", 2_400e8, 5000);
        usdFeed = _feed("USD", 1e8, 5000);

        usdc = new TestToken("USD Coin (test)", "USDC", 6, address(this));
        wbtc = new TestToken("Wrapped BTC (test)", "WBTC", 8, address(this));
        exchange = new FuturesExchange(address(this), oracle, usdc, 0.005e18);
        pool = exchange.pool();
        exchange.addMarket("BTC", 0, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0.0005e18, 0.001e18));
        exchange.addMarket("ETH", 0, IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0.0005e18, 0.002e18));
        exchange.addMarket(
            "BTC", uint40(DATED_EXPIRY), IFuturesExchange.MarketParams(0.1e18, 0.05e18, 0.0003e18, 0.001e18)
        );

        vault = new Vault(address(this), oracle, exchange, wbtc, "BTC", FEES);
        vault.setShock("BTC", 0.1e18);
        vault.setShock("ETH", 0.15e18);
        lens = new VaultLens(vault);
        sUSD = _synth("Synthvault USD", "sUSD", "USD", 0.02e18, 100e18);
        sXAU = _synth("Synthvault Gold", "sXAU", "XAU", 0, 0.05e18);

        fund = new InsuranceFund(usdc, address(this));
        engine = new LiquidationEngine(address(this), vault, fund, 0.5e18, 1e18);
        settlement = new GlobalSettlement(address(this), vault);
        fund.setEngine(address(engine));
        vault.setLiquidationEngine(address(engine));
        vault.setGlobalSettlement(address(settlement));
        exchange.setMarkRelay(address(vault.futuresCollateral()), true);
        sUSD.grantRole(sUSD.BURNER_ROLE(), address(settlement));
        sXAU.grantRole(sXAU.BURNER_ROLE(), address(settlement));

        usdc.mint(address(this), 1_000_000e6);
        usdc.approve(address(pool), type(uint256).max);
        pool.deposit(1_000_000e6, address(this));
        _approveAll(ALICE);
        _approveAll(BOB);
        _approveAll(KEEPER);
    }

    /* POSITIONS */

    /// @dev A position of `who` in `synth` holding `spot` WBTC, having minted `debt`.
    function _spotPosition(address who, SyntheticToken synth, uint256 spot, uint256 debt)
        internal
        returns (uint256 id)
    {
        VM.startPrank(who);
        id = vault.open(synth);
        if (spot != 0) {
            wbtc.mint(who, spot);
            vault.addSpot(id, spot);
        }
        if (debt != 0) vault.mint(id, debt);
        VM.stopPrank();
    }

    /// @dev A free exchange account of `who` with `margin` USDC.
    function _account(address who, uint256 margin) internal returns (uint256 accountId) {
        VM.startPrank(who);
        accountId = exchange.openAccount();
        if (margin != 0) {
            usdc.mint(who, margin);
            exchange.depositMargin(accountId, margin);
        }
        VM.stopPrank();
    }

    /// @dev A position of `who` in `synth` with a locked account holding `margin` USDC and a
    ///      `size` BTC perp (0: none), having minted `debt`.
    function _futuresPosition(address who, SyntheticToken synth, uint256 margin, int256 size, uint256 debt)
        internal
        returns (uint256 id, uint256 accountId)
    {
        accountId = _account(who, margin);
        VM.startPrank(who);
        id = vault.open(synth);
        exchange.accounts().approve(address(vault), accountId);
        vault.lock(id, accountId);
        if (size != 0) vault.trade(id, BTC_PERP, size, size > 0 ? type(uint256).max : 0);
        if (debt != 0) vault.mint(id, debt);
        VM.stopPrank();
    }

    /// @dev `who` adds `spot` WBTC (minted to it) to its position `id` and mints `debt` (each if not 0).
    function _addSpotAndMint(address who, uint256 id, uint256 spot, uint256 debt) internal {
        VM.startPrank(who);
        if (spot != 0) {
            wbtc.mint(who, spot);
            vault.addSpot(id, spot);
        }
        if (debt != 0) vault.mint(id, debt);
        VM.stopPrank();
    }

    /// @dev Mints `amount` of `synth` to the keeper from a spot position of its own.
    function _arm(SyntheticToken synth, uint256 amount) internal {
        uint256 spot = 100e8;
        _spotPosition(KEEPER, synth, spot, amount);
    }

    /* PRICES */

    /// @dev A new round of `feed` at `answer` (8 decimals), accepted if the circuit breaker froze it.
    function _setPrice(MockAggregator feed, bytes32 asset, int256 answer) internal {
        uint80 round = feed.submit(answer);
        (,, IOracleHub.PriceStatus status) = oracle.peekPriceWad(asset);
        if (status == IOracleHub.PriceStatus.Frozen) oracle.acceptRound(asset, round);
    }

    /// @dev Fresh rounds at the current answers, after a warp.
    function _refresh() internal {
        btcFeed.submit(btcFeed.latestAnswer());
        ethFeed.submit(ethFeed.latestAnswer());
        xauFeed.submit(xauFeed.latestAnswer());
        usdFeed.submit(usdFeed.latestAnswer());
    }

    /// @dev Switches the minting check's shocks off: for the tests of rules older than it, whose
    ///      positions are more leveraged than a shock of 10% lets one mint (as they were when a
    ///      shock was 0, which the owner may still set).
    function _withoutShocks() internal {
        vault.setShock("BTC", 0);
        vault.setShock("ETH", 0);
    }

    /// @dev A fuzzer's seed `x` mapped into [lo, hi].
    function _bound(uint256 x, uint256 lo, uint256 hi) internal pure returns (uint256) {
        return lo + x % (hi - lo + 1);
    }

    function _cr(uint256 positionId) internal view returns (uint256 crWad) {
        (,, crWad) = lens.health(positionId);
    }

    function _debt(uint256 positionId) internal view returns (uint256) {
        return vault.position(positionId).debt;
    }

    /* SET-UP HELPERS */

    function _feed(bytes32 asset, int256 answer, uint16 maxDeviationBps) private returns (MockAggregator feed) {
        feed = new MockAggregator(8, "", answer);
        oracle.setFeed(asset, AggregatorV3Interface(address(feed)), 3600, maxDeviationBps);
    }

    function _synth(string memory name, string memory symbol, bytes32 asset, uint256 fee, uint256 minDebt)
        private
        returns (SyntheticToken token)
    {
        token = new SyntheticToken(name, symbol, asset, address(this));
        token.grantRole(token.MINTER_ROLE(), address(vault));
        token.grantRole(token.BURNER_ROLE(), address(vault));
        vault.listSynth(token, _params(fee, 10_000_000e18, minDebt));
    }

    function _params(uint256 fee, uint256 ceiling, uint256 minDebt) internal pure returns (IVault.SynthParams memory) {
        return IVault.SynthParams({
            mintingRatioWad: 1.5e18,
            liquidationRatioWad: 1.2e18,
            liquidationPenaltyWad: 0.1e18,
            stabilityFeeWad: fee,
            debtCeiling: ceiling,
            minDebt: minDebt
        });
    }

    function _approveAll(address who) private {
        VM.startPrank(who);
        usdc.approve(address(exchange), type(uint256).max);
        usdc.approve(address(fund), type(uint256).max);
        wbtc.approve(address(vault), type(uint256).max);
        VM.stopPrank();
    }
}
