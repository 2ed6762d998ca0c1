// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IOracleHub} from "../oracle/IOracleHub.sol";
import {ISyntheticToken} from "../core/ISyntheticToken.sol";
import {IVault} from "../core/IVault.sol";

/// @title IGlobalSettlement
/// @notice The protocol's emergency shutdown (global settlement): the owner shuts the vault down
///         once, anyone settles each position's debt into a reserve per synth, and the synth's
///         holders redeem it from that reserve.
/// @dev Units. USD amounts and prices are WAD; synth amounts 18 decimals; spot BTC and the
///      stablecoin in their own decimals at the edges (`IVault.spotToken`, `marginToken`).
///
///      Shutdown, the owner's once: every synth's and BTC's price freezes at its last good value,
///      as the hub itself answers it (`IOracleHub.lastTrustedPriceWad`: the latest round if
///      trusted now or merely stale since, else the most recent earlier round the hub would have
///      trusted as the latest, up to 32 rounds back). The vault stops minting, trading, opening,
///      locking and every withdrawal against debt; the liquidation engine, which asks the vault
///      (`IVault.isShutdown`), stops liquidating. Anyone may then `settle` a position: its
///      futures are closed (at the exchange's live price: the venue is not ours to freeze), its
///      debt's value at the frozen price is set aside for the synth's holders, stablecoin first
///      and then spot BTC at the frozen BTC price, and the rest stays in the position for its
///      owner to take with `IVault.close`. Once a synth owes no debt (every position settled or
///      closed), or `SETTLEMENT_PERIOD` after shutdown, its holders `redeem` it: each claim gets
///      the same share of each asset set aside for that synth (stablecoin and spot BTC alike:
///      amount over the supply the reserve backs, i.e. not still owed by an unsettled position),
///      never worth more than its frozen value, so that claims are paid alike in any order and
///      whatever a later settlement adds goes to later claims.
///
///      The vault must name this contract (`IVault.setGlobalSettlement`): it alone may shut the
///      vault down and settle debt, and it may close a position's futures and take its margin
///      and spot as the engine may. It holds every synth's `BURNER_ROLE` (redemptions burn) and
///      the reserves themselves.
interface IGlobalSettlement {
    /* EVENTS */

    /// @notice The owner shut the protocol down at `timestamp`.
    event ShutDown(uint256 timestamp);

    /// @notice `asset`'s price froze at `priceWad` for settlement and redemption.
    event PriceFrozen(bytes32 indexed asset, uint256 priceWad);

    /// @notice Position `positionId`'s `debt` of `synth` was settled: `stableSetAside` stablecoin
    ///         and `spotSetAside` spot BTC were set aside for the synth's holders, `shortUsdWad`
    ///         of its value could not be.
    event Settled(
        uint256 indexed positionId,
        ISyntheticToken indexed synth,
        uint256 debt,
        uint256 stableSetAside,
        uint256 spotSetAside,
        uint256 shortUsdWad
    );

    /// @notice `holder` redeemed `amount` of `synth` for `stableOut` stablecoin and `spotOut` spot BTC.
    event Redeemed(
        ISyntheticToken indexed synth, address indexed holder, uint256 amount, uint256 stableOut, uint256 spotOut
    );

    /* ERRORS */

    /// @notice The zero address was given where one is required.
    error GlobalSettlementZeroAddress();

    /// @notice An amount of zero was given.
    error GlobalSettlementZeroAmount();

    /// @notice The protocol is shut down (since `shutdownAt`).
    error GlobalSettlementShutDown(uint256 shutdownAt);

    /// @notice The protocol is not shut down.
    error GlobalSettlementNotShutDown();

    /// @notice `asset` has no last good price to freeze (no feed, or no trusted round among the
    ///         last 32): its latest round is `status`.
    error GlobalSettlementNoTrustedPrice(bytes32 asset, IOracleHub.PriceStatus status);

    /// @notice Position `positionId` owes nothing to settle.
    error GlobalSettlementNothingToSettle(uint256 positionId);

    /// @notice `synth` still has unsettled debt: its redemption opens at `opensAt`.
    error GlobalSettlementRedemptionNotOpen(ISyntheticToken synth, uint256 opensAt);

    /// @notice Only `backed` units of `synth` share its reserve now (the rest of its supply is
    ///         still owed by unsettled positions), under the `amount` asked: settle them first.
    error GlobalSettlementRedemptionExceedsBacked(ISyntheticToken synth, uint256 amount, uint256 backed);

    /* SETTLEMENT */

    /// @notice Shuts the protocol down: freezes the prices and shuts the vault (which stops
    ///         liquidations). Only the owner, once.
    function shutdown() external;

    /// @notice Settles position `positionId` after shutdown: closes its futures, and sets its
    ///         debt's value at the frozen price aside for the synth's holders (stablecoin
    ///         first, rounded up to whole units, then spot BTC at the frozen BTC price, rounded
    ///         up), as far as its collateral goes. Anyone may call.
    /// @return debt The synth units settled.
    function settle(uint256 positionId) external returns (uint256 debt);

    /// @notice Burns `amount` of the caller's `synth` and pays its share of the synth's reserve:
    ///         amount / the backed supply of each of the stablecoin and spot BTC set aside (rounded
    ///         down), both scaled alike to the amount's frozen value if they are worth more. The
    ///         backed supply is the synth's supply less the debt still owed by unsettled
    ///         positions; `amount` may not exceed it (`GlobalSettlementRedemptionExceedsBacked`).
    /// @return stableOut The stablecoin paid (its decimals).
    /// @return spotOut The spot BTC paid (its decimals).
    function redeem(ISyntheticToken synth, uint256 amount) external returns (uint256 stableOut, uint256 spotOut);

    /* VIEWS */

    /// @notice The vault this contract shuts down and settles.
    function vault() external view returns (IVault);

    /// @notice The stablecoin set aside: the exchange's margin token.
    function marginToken() external view returns (IERC20);

    /// @notice When the protocol was shut down; 0 while it runs.
    function shutdownAt() external view returns (uint256);

    /// @notice How long after shutdown a synth's holders may redeem even if some of its
    ///         positions are still unsettled.
    function SETTLEMENT_PERIOD() external view returns (uint256);

    /// @notice `asset`'s frozen price (USD per unit, WAD); 0 before shutdown.
    function frozenPriceWad(bytes32 asset) external view returns (uint256);

    /// @notice What is set aside for `synth`'s holders: stablecoin and spot BTC (their
    ///         decimals), and the synth units of debt settled into it.
    function reserves(ISyntheticToken synth)
        external
        view
        returns (uint256 stableAmount, uint256 spotAmount, uint256 settledDebt);
}
