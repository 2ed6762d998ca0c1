// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * InsuranceFund's engine-only paths, which the invariant suite cannot reach until the
 * liquidation engine lands (the Ape suite tests the fund in full; these give Forge's coverage).
 */

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IInsuranceFund} from "../../interfaces/liquidation/IInsuranceFund.sol";
import {InsuranceFund} from "../../contracts/liquidation/InsuranceFund.sol";
import {TestToken} from "../../contracts/mocks/TestToken.sol";
import {Assertions} from "../utils/Assertions.sol";
import {VM} from "../utils/Vm.sol";

contract InsuranceFundTest is Assertions {
    address internal constant ENGINE = address(0xE9);
    address internal constant KEEPER = address(0x4EE9E5);

    TestToken internal usdc;
    InsuranceFund internal fund;

    function setUp() public {
        usdc = new TestToken("USD Coin (test)", "USDC", 6, address(this));
        fund = new InsuranceFund(usdc, address(this));
        fund.setEngine(ENGINE);
        usdc.mint(address(this), 1_000e6);
        usdc.approve(address(fund), type(uint256).max);
    }

    function test_coverShortfall__pays_up_to_reserves() public {
        fund.deposit(250e6);
        VM.prank(ENGINE);
        assertEq(fund.coverShortfall(1, KEEPER, 100e6), 100e6, "paid in full");
        VM.prank(ENGINE);
        assertEq(fund.coverShortfall(2, KEEPER, 400e6), 150e6, "paid what was left");
        VM.prank(ENGINE);
        assertEq(fund.coverShortfall(3, KEEPER, 1e6), 0, "paid nothing when empty");
        assertEq(usdc.balanceOf(KEEPER), 250e6, "keeper received");
        assertEq(fund.reserves(), 0, "reserves");
    }

    function test_engineOnly__otherCaller__reverts() public {
        VM.expectRevert(abi.encodeWithSelector(IInsuranceFund.InsuranceFundOnlyEngine.selector, address(this)));
        fund.coverShortfall(1, KEEPER, 1);
        VM.expectRevert(abi.encodeWithSelector(IInsuranceFund.InsuranceFundOnlyEngine.selector, address(this)));
        fund.notifyPenalty(1, 1);
    }

    function test_notifyPenalty__engine__accepted() public {
        usdc.transfer(address(fund), 30e6);
        VM.prank(ENGINE);
        fund.notifyPenalty(9, 30e6);
        assertEq(fund.reserves(), 30e6, "reserves");
    }

    function test_setEngine__zeroOrSame__reverts() public {
        VM.expectRevert(IInsuranceFund.InsuranceFundZeroAddress.selector);
        fund.setEngine(address(0));
        VM.expectRevert(abi.encodeWithSelector(IInsuranceFund.InsuranceFundAlreadySet.selector, ENGINE));
        fund.setEngine(ENGINE);
    }

    function test_depositAndConstructor__zero__reverts() public {
        VM.expectRevert(IInsuranceFund.InsuranceFundZeroAmount.selector);
        fund.deposit(0);
        VM.expectRevert(IInsuranceFund.InsuranceFundZeroAddress.selector);
        new InsuranceFund(IERC20(address(0)), address(this));
    }
}
