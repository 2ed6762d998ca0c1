// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The exchange's liquidation price and a second source (issue 14): a market whose primary feed is
 * stale while its fallback is trusted is valued for liquidation at the fallback's price, as any
 * trusted price, not at the liquidation rule's (the last trusted price moved against the holder).
 */

import {AggregatorV3Interface} from "../../interfaces/chainlink/AggregatorV3Interface.sol";
import {MockAggregator} from "../../contracts/mocks/MockAggregator.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract ExchangeFallbackPriceTest is SystemFixture {
    function test_liquidationValue__btcPrimaryStaleFallbackTrusted__atTheFallbacksPrice() public {
        uint256 accountId = _account(ALICE, 10_000e6);
        VM.prank(ALICE);
        exchange.trade(accountId, BTC_PERP, 1e18, type(uint256).max);
        MockAggregator second = new MockAggregator(8, "BTC / USD (second)", 60_000e8);
        oracle.setFallback("BTC", AggregatorV3Interface(address(second)), 3600, 5000, 200);
        (bool trusted, uint256 atPrimary,) = vault.futuresCollateral().tryLiquidationValueUsdWad(accountId);
        assertTrue(trusted, "valued at the primary");

        // An hour and a second later the primary is stale; the fallback reports the same $60,000.
        VM.warp(block.timestamp + 3601);
        second.submit(60_000e8);
        (bool ok, uint256 atFallback,) = vault.futuresCollateral().tryLiquidationValueUsdWad(accountId);

        // The same price, so the same value (no funding rate is set): the rule's price (60,000 x
        // 95%) took 2,998.15 USD off the long before (9,932.80 then 6,934.65).
        assertTrue(ok, "valued at the fallback");
        assertEq(atFallback, atPrimary, "value at the fallback's price");
    }
}
