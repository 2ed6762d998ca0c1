// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The owner's settings and the guards the invariant handler never trips on purpose: every
 * rejection of the vault's synth parameters, the liquidation-engine and fee-recipient setters,
 * the exchange's market parameters and funding keepers, and the roles of the tokens and the
 * pool. The system is the invariant handler's (its owner: the handler). The Ape suite tests all
 * of these with their events; these give Forge's coverage.
 */

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC721Receiver} from "@openzeppelin/contracts/token/ERC721/IERC721Receiver.sol";

import {IFuturesCollateral} from "../../interfaces/collateral/IFuturesCollateral.sol";
import {IFuturesExchange} from "../../interfaces/venue/IFuturesExchange.sol";
import {ILiquidityPool} from "../../interfaces/venue/ILiquidityPool.sol";
import {IOracleHub} from "../../interfaces/oracle/IOracleHub.sol";
import {ISyntheticToken} from "../../interfaces/core/ISyntheticToken.sol";
import {ITestToken} from "../../interfaces/mocks/ITestToken.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {FuturesExchange} from "../../contracts/venue/FuturesExchange.sol";
import {SyntheticToken} from "../../contracts/core/SyntheticToken.sol";
import {Vault} from "../../contracts/core/Vault.sol";
import {SynthvaultHandler} from "../invariant/SynthvaultHandler.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

contract ParametersTest is Assertions {
    SynthvaultHandler internal system;
    address internal owner;
    Vault internal vault;
    FuturesExchange internal exchange;
    SyntheticToken internal sUSD;

    function setUp() public {
        VM.warp(1_750_000_000);
        system = new SynthvaultHandler();
        owner = address(system);
        vault = system.vault();
        exchange = system.exchange();
        sUSD = system.synth(0);
    }

    function test_setSynthParams__each_rule__reverts() public {
        IVault.SynthParams memory p = vault.synthParams(sUSD);
        VM.startPrank(owner);

        p.liquidationPenaltyWad = 0.51e18;
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidLiquidationPenalty.selector, 0.51e18, 0.5e18));
        vault.setSynthParams(sUSD, p);
        p.liquidationPenaltyWad = 0.3e18;
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidLiquidationRatio.selector, 1.2e18, 1.3e18));
        vault.setSynthParams(sUSD, p);
        p.liquidationPenaltyWad = 0.1e18;
        p.mintingRatioWad = 1.2e18;
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidMintingRatio.selector, 1.2e18, 1.2e18, 10e18));
        vault.setSynthParams(sUSD, p);
        p.mintingRatioWad = 1.5e18;
        p.stabilityFeeWad = 1.01e18;
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidStabilityFee.selector, 1.01e18, 1e18));
        vault.setSynthParams(sUSD, p);
        p.stabilityFeeWad = 0.02e18;
        p.minDebt = p.debtCeiling + 1;
        VM.expectRevert(
            abi.encodeWithSelector(IVault.VaultInvalidDebtLimits.selector, p.minDebt, p.debtCeiling, type(uint96).max)
        );
        vault.setSynthParams(sUSD, p);
        p.minDebt = 100e18;
        VM.expectRevert(IVault.VaultAlreadySet.selector);
        vault.setSynthParams(sUSD, p);
        VM.stopPrank();
    }

    function test_listSynth__zeroOrListed__reverts() public {
        IVault.SynthParams memory p = vault.synthParams(sUSD);
        VM.startPrank(owner);
        VM.expectRevert(IVault.VaultZeroAddress.selector);
        vault.listSynth(ISyntheticToken(address(0)), p);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultSynthAlreadyListed.selector, address(sUSD)));
        vault.listSynth(sUSD, p);
        VM.stopPrank();
        assertEq(vault.synths().length, 3, "listed synths");
    }

    function test_setters__engineSettlementAndRecipient() public {
        address recipient = vault.feeRecipient();
        VM.startPrank(owner);
        vault.setLiquidationEngine(address(0xE9));
        assertEq(vault.liquidationEngine(), address(0xE9), "engine");
        VM.expectRevert(IVault.VaultAlreadySet.selector);
        vault.setLiquidationEngine(address(0xE9));
        vault.setGlobalSettlement(address(0x5E));
        assertEq(vault.globalSettlement(), address(0x5E), "settlement");
        VM.expectRevert(IVault.VaultAlreadySet.selector);
        vault.setGlobalSettlement(address(0x5E));
        VM.expectRevert(IVault.VaultZeroAddress.selector);
        vault.setFeeRecipient(address(0));
        VM.expectRevert(IVault.VaultAlreadySet.selector);
        vault.setFeeRecipient(recipient);
        VM.stopPrank();
    }

    function test_vault__strayTokenAndSecondLock__revert() public {
        IERC721Receiver adapter = IERC721Receiver(address(vault.futuresCollateral()));
        VM.expectRevert(
            abi.encodeWithSelector(
                IFuturesCollateral.FuturesCollateralUnexpectedTransfer.selector, address(this), address(this), 7
            )
        );
        adapter.onERC721Received(address(this), address(this), 7, "");

        VM.startPrank(address(0xA11CE));
        uint256 positionId = vault.positionsOf(address(0xA11CE))[0];
        uint256 first = exchange.openAccount();
        uint256 second = exchange.openAccount();
        exchange.accounts().approve(address(vault), first);
        vault.lock(positionId, first);
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultAccountAlreadyLocked.selector, positionId, first));
        vault.lock(positionId, second);
        VM.stopPrank();
    }

    function test_vault__zeroAddresses__revert() public {
        IERC20Metadata wbtc = IERC20Metadata(address(system.wbtc()));
        VM.expectRevert(IVault.VaultZeroAddress.selector);
        new Vault(owner, IOracleHub(address(0)), exchange, wbtc, "BTC", owner);
    }

    function test_exchange__marketParamsAndKeepers() public {
        IFuturesExchange.MarketParams memory p = exchange.market(1).params;
        VM.startPrank(owner);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeAlreadySet.selector));
        exchange.setMarketParams(1, p);
        p.maintenanceMarginWad = p.initialMarginWad;
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeInvalidMarketParams.selector, p));
        exchange.setMarketParams(1, p);
        p.maintenanceMarginWad = 0.04e18;
        exchange.setMarketParams(1, p);
        assertEq(exchange.market(1).params.maintenanceMarginWad, 0.04e18, "maintenance set");

        VM.expectRevert(IFuturesExchange.ExchangeZeroAddress.selector);
        exchange.setFundingKeeper(address(0), true);
        exchange.setFundingKeeper(address(0xF00D), true);
        VM.expectRevert(IFuturesExchange.ExchangeAlreadySet.selector);
        exchange.setFundingKeeper(address(0xF00D), true);
        VM.stopPrank();

        int256 max = exchange.MAX_FUNDING_RATE_WAD();
        VM.prank(address(0xF00D));
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeFundingRateTooHigh.selector, max + 1, max));
        exchange.setFundingRate(1, max + 1);
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangeUnauthorizedKeeper.selector, address(this)));
        exchange.setFundingRate(1, 1);
    }

    function test_exchange__priceLimit__reverts() public {
        (uint256 fill,) = exchange.quote(1, 1e18);
        VM.prank(address(0xA11CE));
        VM.expectRevert(abi.encodeWithSelector(IFuturesExchange.ExchangePriceLimitExceeded.selector, fill, fill - 1));
        exchange.trade(1, 1, 1e18, fill - 1);
    }

    function test_tokensAndPool__roles__revert() public {
        ILiquidityPool pool = system.pool();
        VM.expectRevert(abi.encodeWithSelector(ILiquidityPool.LiquidityPoolOnlyExchange.selector, address(this)));
        pool.pay(address(this), 1);

        bytes32 minter = sUSD.MINTER_ROLE();
        VM.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, address(this), minter)
        );
        sUSD.mint(address(this), 1);
        VM.expectRevert(ISyntheticToken.SyntheticTokenZeroAddress.selector);
        new SyntheticToken("x", "x", "USD", address(0));

        ITestToken usdc = system.usdc();
        VM.chainId(1);
        VM.expectRevert(abi.encodeWithSelector(ITestToken.TestTokenMintNotAllowed.selector, address(this), 1));
        usdc.mint(address(this), 1);
    }
}
