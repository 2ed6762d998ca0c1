// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * SpotCollateralInvariants: the spot adapter on its own (issue 13), before the vault uses it.
 * The handler plays the adapters' vault (it answers `oracle`, `shockWad` and `owner`, and makes
 * the vault's calls) over two tokens, WBTC-like (8 decimals) and WETH-like (18), three items
 * each: random deposits, withdrawals, releases, price moves and venue states. After every call:
 *   - custody: each adapter's `totalHeld` is the sum of its items, each item what the ghost
 *     ledger says went in less what went out, and its balance that plus what was moved in and
 *     never credited (a deposit refused on a venue that is not active);
 *   - value: each item's value is amount x price / 10^decimals rounded down, then the haircut
 *     rounded down (the mirror below, in whole numbers), and its liquidation value the same;
 *   - a new item on a venue that is not active was refused (checked in the handler, at the step).
 * The handler never reverts on its own: a revert is a failed check (`fail_on_revert`).
 */

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {SpotCollateral} from "../../contracts/collateral/SpotCollateral.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {OracleHub} from "../../contracts/oracle/OracleHub.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {VM} from "../utils/Vm.sol";

contract SpotCollateralHandler {
    uint256 internal constant ITEMS = 3;
    address internal constant HOLDER = address(0x5B07);

    OracleHub public immutable oracle;
    SpotCollateral[2] public adapters;
    MockAggregator[2] internal _feeds;
    bytes32[2] internal _assets = [bytes32("BTC"), bytes32("ETH")];

    /// @dev What went into each adapter's item less what came out.
    mapping(uint256 adapter => mapping(uint256 item => uint256 amount)) public ghost;
    /// @dev What each adapter received and never credited (a deposit refused after the transfer).
    mapping(uint256 adapter => uint256 amount) public gifts;

    constructor() {
        oracle = new OracleHub(address(this));
        _feeds[0] = new MockAggregator(8, "", 60_000e8);
        _feeds[1] = new MockAggregator(8, "", 3_000.12345678e8);
        for (uint256 i; i < 2; ++i) {
            // No circuit breaker: any move is trusted, so that every valuation can be checked.
            oracle.setFeed(_assets[i], AggregatorV3Interface(address(_feeds[i])), 365 days, 0);
        }
    }

    /// @dev The adapters, once this handler has code: their constructors ask it for `oracle()`.
    function init() external {
        adapters[0] = new SpotCollateral(address(this), new TestToken("WBTC", "WBTC", 8, address(this)), "BTC");
        adapters[1] = new SpotCollateral(address(this), new TestToken("WETH", "WETH", 18, address(this)), "ETH");
        for (uint256 i; i < 2; ++i) {
            IERC20Metadata token = adapters[i].token();
            VM.prank(HOLDER);
            token.approve(address(this), type(uint256).max);
        }
    }

    /* THE VAULT'S VIEWS THE ADAPTERS READ */

    function owner() external view returns (address) {
        return address(this);
    }

    function shockWad(bytes32 asset) external pure returns (uint256) {
        return asset == "BTC" ? 0.1e18 : 0.15e18;
    }

    /* ACTIONS */

    function deposit(uint256 adapterSeed, uint256 itemSeed, uint256 amountSeed) external {
        uint256 a = adapterSeed % 2;
        uint256 item = itemSeed % ITEMS;
        SpotCollateral adapter = adapters[a];
        uint256 amount = 1 + amountSeed % (a == 0 ? 1_000e8 : 1_000e18);
        // As the vault will: the owner's tokens moved in, then credited.
        TestToken(address(adapter.token())).mint(HOLDER, amount);
        adapter.token().transferFrom(HOLDER, address(adapter), amount);
        (ICollateralVenue.VenueState state,) = adapter.venueState();
        bool newItem = adapter.amountOf(item) == 0;
        try adapter.deposit(item, amount) {
            require(!newItem || state == ICollateralVenue.VenueState.Active, "new item on a venue not active");
            ghost[a][item] += amount;
        } catch (bytes memory reason) {
            require(newItem && state != ICollateralVenue.VenueState.Active, "a deposit failed");
            require(bytes4(reason) == ICollateralVenue.CollateralVenueNotActive.selector, "not the venue's error");
            gifts[a] += amount;
        }
    }

    function withdraw(uint256 adapterSeed, uint256 itemSeed, uint256 amountSeed) external {
        uint256 a = adapterSeed % 2;
        uint256 item = itemSeed % ITEMS;
        uint256 held = adapters[a].amountOf(item);
        if (held == 0) return;
        uint256 amount = 1 + amountSeed % held;
        adapters[a].withdraw(item, amount, HOLDER);
        ghost[a][item] -= amount;
    }

    function release(uint256 adapterSeed, uint256 itemSeed) external {
        uint256 a = adapterSeed % 2;
        uint256 item = itemSeed % ITEMS;
        adapters[a].release(item, HOLDER);
        ghost[a][item] = 0;
    }

    function movePrice(uint256 adapterSeed, uint256 answerSeed) external {
        uint256 a = adapterSeed % 2;
        // From 1e-8 to 10 million USD a whole token.
        _feeds[a].submit(int256(1 + answerSeed % 10_000_000e8));
    }

    function setVenueState(uint256 adapterSeed, uint256 stateSeed, uint256 haircutSeed) external {
        SpotCollateral adapter = adapters[adapterSeed % 2];
        ICollateralVenue.VenueState state = ICollateralVenue.VenueState(stateSeed % 3);
        uint256 haircutBps = state == ICollateralVenue.VenueState.WindingDown ? haircutSeed % 10_001 : 0;
        (ICollateralVenue.VenueState current, uint256 currentBps) = adapter.venueState();
        if (state == current && haircutBps == currentBps) return;
        adapter.setVenueState(state, haircutBps);
    }

    /* FOR THE INVARIANTS */

    function priceWad(uint256 a) external view returns (uint256) {
        return oracle.priceWad(_assets[a]);
    }
}

contract SpotCollateralInvariants {
    /// @dev What Forge reads from `targetSelectors` (as forge-std's `StdInvariant.FuzzSelector`).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    SpotCollateralHandler internal handler;

    function setUp() public {
        VM.warp(1_750_000_000);
        handler = new SpotCollateralHandler();
        handler.init();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](5);
        selectors[0] = SpotCollateralHandler.deposit.selector;
        selectors[1] = SpotCollateralHandler.withdraw.selector;
        selectors[2] = SpotCollateralHandler.release.selector;
        selectors[3] = SpotCollateralHandler.movePrice.selector;
        selectors[4] = SpotCollateralHandler.setVenueState.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    function invariant_custody__eachAdapterHoldsExactlyItsItems() public view {
        for (uint256 a; a < 2; ++a) {
            SpotCollateral adapter = handler.adapters(a);
            uint256 sum;
            for (uint256 item; item < 3; ++item) {
                uint256 amount = adapter.amountOf(item);
                require(amount == handler.ghost(a, item), "an item differs from the ledger");
                sum += amount;
            }
            require(adapter.totalHeld() == sum, "the total differs from the items");
            require(
                adapter.token().balanceOf(address(adapter)) == sum + handler.gifts(a),
                "the adapter's balance differs from its items and gifts"
            );
        }
    }

    function invariant_value__isTheFloorOfAmountTimesPriceThenTheHaircut() public view {
        for (uint256 a; a < 2; ++a) {
            SpotCollateral adapter = handler.adapters(a);
            uint256 priceWad = handler.priceWad(a);
            (, uint256 haircutBps) = adapter.venueState();
            uint256 unit = 10 ** adapter.tokenDecimals();
            for (uint256 item; item < 3; ++item) {
                uint256 amount = adapter.amountOf(item);
                // The mirror: the largest v with v x unit <= amount x price, then the haircut's floor.
                uint256 rawWad = (amount * priceWad) / unit;
                require(rawWad * unit <= amount * priceWad && (rawWad + 1) * unit > amount * priceWad, "floor");
                uint256 expectedWad = (rawWad * (10_000 - haircutBps)) / 10_000;
                require(adapter.valueUsdWad(item) == expectedWad, "value");
                (uint256 held, uint256 liqPriceWad, uint256 liqValueWad) = adapter.liquidationValue(item);
                require(held == amount, "liquidation amount");
                require(liqValueWad == expectedWad, "liquidation value");
                require(amount == 0 ? liqPriceWad == 0 : liqPriceWad == priceWad, "liquidation price");
            }
        }
    }
}
