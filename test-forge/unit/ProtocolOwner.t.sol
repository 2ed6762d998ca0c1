// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/*
 * The protocol owner's rule: the timelock (this test contract) may make any owner call; the
 * guardian only tightens, at once; anyone else nothing. Ownership is handed over in two steps.
 */

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

import {ICollateralVenue} from "../../interfaces/collateral/ICollateralVenue.sol";
import {IVault} from "../../interfaces/core/IVault.sol";
import {IProtocolOwner} from "../../interfaces/governance/IProtocolOwner.sol";
import {ProtocolOwner} from "../../contracts/governance/ProtocolOwner.sol";
import {SystemFixture} from "../utils/SystemFixture.sol";
import {VM} from "../utils/Vm.sol";

contract ProtocolOwnerTest is SystemFixture {
    address internal constant GUARDIAN = address(0x6A4D);
    ProtocolOwner internal owner;

    function setUp() public override {
        super.setUp();
        owner = new ProtocolOwner(address(this), GUARDIAN, vault, settlement);
        vault.transferOwnership(address(owner));
        settlement.transferOwnership(address(owner));
        address[] memory targets = new address[](3);
        (targets[0], targets[1], targets[2]) = (address(vault), address(settlement), address(engine));
        // The engine named no pending owner: passed over.
        owner.acceptOwnerships(targets);
    }

    function test_constructor__zeroAddresses__revert() public {
        VM.expectRevert(IProtocolOwner.ProtocolOwnerZeroAddress.selector);
        new ProtocolOwner(address(0), GUARDIAN, vault, settlement);
        VM.expectRevert(IProtocolOwner.ProtocolOwnerZeroAddress.selector);
        new ProtocolOwner(address(this), GUARDIAN, IVault(address(0)), settlement);
    }

    function test_acceptOwnerships__offered__acceptedOnly() public view {
        assertEq(vault.owner(), address(owner), "vault");
        assertEq(settlement.owner(), address(owner), "settlement");
        assertEq(engine.owner(), address(this), "the engine, never offered, untouched");
    }

    function test_execute__timelockOnly__bubblesTheTargetsError() public {
        bytes memory setShock = abi.encodeCall(IVault.setShock, ("BTC", 0.2e18));
        VM.prank(GUARDIAN);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotTimelock.selector, GUARDIAN));
        owner.execute(address(vault), setShock);

        owner.execute(address(vault), setShock);
        assertEq(vault.shockWad("BTC"), 0.2e18, "the timelock's call made");
        VM.expectRevert(abi.encodeWithSelector(IVault.VaultInvalidShock.selector, bytes32("BTC"), 0.6e18, 0.5e18));
        owner.execute(address(vault), abi.encodeCall(IVault.setShock, ("BTC", 0.6e18)));
        // And the former owner has no power left.
        VM.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        vault.setShock("BTC", 0.3e18);
    }

    function test_setGuardian__timelockOnly() public {
        VM.prank(GUARDIAN);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotTimelock.selector, GUARDIAN));
        owner.setGuardian(ALICE);
        owner.setGuardian(address(0));
        assertEq(owner.guardian(), address(0), "no guardian");
        VM.prank(GUARDIAN);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotGuardian.selector, GUARDIAN));
        owner.shutdown();
    }

    function test_guardian__tightensOnly() public {
        VM.startPrank(GUARDIAN);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotTighter.selector, 1.5e18, 1.5e18));
        owner.raiseMintingRatio(sUSD, 1.5e18);
        owner.raiseMintingRatio(sUSD, 1.6e18);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotTighter.selector, 0.1e18, 0.1e18));
        owner.raiseShock("BTC", 0.1e18);
        owner.raiseShock("BTC", 0.15e18);
        owner.pauseMinting(sUSD);
        VM.stopPrank();

        IVault.SynthParams memory params = vault.synthParams(sUSD);
        assertEq(params.mintingRatioWad, 1.6e18, "ratio raised");
        assertEq(params.debtCeiling, 0, "minting paused");
        assertEq(vault.shockWad("BTC"), 0.15e18, "shock raised");
    }

    function test_guardian__strangersRefused_shutdownAtOnce() public {
        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotGuardian.selector, ALICE));
        owner.raiseShock("BTC", 0.2e18);
        VM.prank(GUARDIAN);
        owner.shutdown();
        assertTrue(vault.isShutdown(), "shut down");
    }

    /* THE VENUE */

    function _venueState() internal view returns (ICollateralVenue.VenueState state, uint256 haircutBps) {
        return vault.futuresCollateral().venueState();
    }

    /// @dev The next call must revert `ProtocolOwnerVenueNotTighter` for the vault's venue, from
    ///      `state` at `haircutBps` to `proposed` at `proposedHaircutBps`.
    function _expectNotTighter(
        ICollateralVenue.VenueState state,
        uint256 haircutBps,
        ICollateralVenue.VenueState proposed,
        uint256 proposedHaircutBps
    ) internal {
        VM.expectRevert(
            abi.encodeWithSelector(
                IProtocolOwner.ProtocolOwnerVenueNotTighter.selector,
                vault.futuresCollateral(),
                state,
                haircutBps,
                proposed,
                proposedHaircutBps
            )
        );
    }

    /// @dev The guardian freezes, starts the wind-down and raises the haircut at once, each
    ///      with its event; the venue emits its own.
    function test_guardian__venue__tightensAtOnce() public {
        ICollateralVenue venue = vault.futuresCollateral();
        VM.startPrank(GUARDIAN);
        VM.expectEmit();
        emit IProtocolOwner.VenueTightened(
            venue, GUARDIAN, ICollateralVenue.VenueState.Active, 0, ICollateralVenue.VenueState.Frozen, 0
        );
        VM.expectEmit();
        emit ICollateralVenue.VenueStateSet(ICollateralVenue.VenueState.Active, ICollateralVenue.VenueState.Frozen);
        owner.freezeVenue();

        VM.expectEmit();
        emit IProtocolOwner.VenueTightened(
            venue, GUARDIAN, ICollateralVenue.VenueState.Frozen, 0, ICollateralVenue.VenueState.WindingDown, 1_000
        );
        owner.windDownVenue(1_000);

        VM.expectEmit();
        emit IProtocolOwner.VenueTightened(
            venue,
            GUARDIAN,
            ICollateralVenue.VenueState.WindingDown,
            1_000,
            ICollateralVenue.VenueState.WindingDown,
            10_000
        );
        VM.expectEmit();
        emit ICollateralVenue.HaircutRaised(1_000, 10_000);
        owner.raiseHaircut(10_000);
        VM.stopPrank();

        (ICollateralVenue.VenueState state, uint256 haircutBps) = _venueState();
        assertEq(uint256(state), uint256(ICollateralVenue.VenueState.WindingDown), "winding down");
        assertEq(haircutBps, 10_000, "the whole value");
    }

    /// @dev Every loosening the guardian could try, refused with what the venue is and what was
    ///      asked; and the venue itself refuses the guardian, who is not the vault's owner.
    function test_guardian__venueLoosening__refused() public {
        ICollateralVenue venue = vault.futuresCollateral();
        VM.startPrank(GUARDIAN);
        owner.windDownVenue(2_000);

        _expectNotTighter(
            ICollateralVenue.VenueState.WindingDown, 2_000, ICollateralVenue.VenueState.WindingDown, 1_999
        );
        owner.raiseHaircut(1_999);
        _expectNotTighter(
            ICollateralVenue.VenueState.WindingDown, 2_000, ICollateralVenue.VenueState.WindingDown, 2_000
        );
        owner.raiseHaircut(2_000);
        _expectNotTighter(ICollateralVenue.VenueState.WindingDown, 2_000, ICollateralVenue.VenueState.Frozen, 0);
        owner.freezeVenue();
        // Starting a wind-down again is not raising the haircut: a lower one would loosen.
        _expectNotTighter(ICollateralVenue.VenueState.WindingDown, 2_000, ICollateralVenue.VenueState.WindingDown, 500);
        owner.windDownVenue(500);
        VM.expectRevert(abi.encodeWithSelector(ICollateralVenue.CollateralVenueNotOwner.selector, GUARDIAN));
        venue.setVenueState(ICollateralVenue.VenueState.Active, 0);
        VM.expectRevert(abi.encodeWithSelector(ICollateralVenue.CollateralVenueHaircutTooHigh.selector, 10_001, 10_000));
        owner.raiseHaircut(10_001);
        VM.stopPrank();

        VM.prank(ALICE);
        VM.expectRevert(abi.encodeWithSelector(IProtocolOwner.ProtocolOwnerNotGuardian.selector, ALICE));
        owner.freezeVenue();
    }

    /// @dev A haircut cannot be raised on an active or frozen venue (start the wind-down).
    function test_guardian__raiseHaircutNotWindingDown__refused() public {
        _expectNotTighter(ICollateralVenue.VenueState.Active, 0, ICollateralVenue.VenueState.WindingDown, 100);
        VM.prank(GUARDIAN);
        owner.raiseHaircut(100);
    }

    /// @dev Loosening is the timelock's (this contract): the haircut lowered, the venue unfrozen.
    function test_timelock__venue__loosens() public {
        VM.prank(GUARDIAN);
        owner.windDownVenue(5_000);
        ICollateralVenue venue = vault.futuresCollateral();
        owner.execute(
            address(venue),
            abi.encodeCall(ICollateralVenue.setVenueState, (ICollateralVenue.VenueState.WindingDown, 10))
        );
        (, uint256 haircutBps) = _venueState();
        assertEq(haircutBps, 10, "lowered");
        owner.execute(
            address(venue), abi.encodeCall(ICollateralVenue.setVenueState, (ICollateralVenue.VenueState.Active, 0))
        );
        (ICollateralVenue.VenueState state,) = _venueState();
        assertEq(uint256(state), uint256(ICollateralVenue.VenueState.Active), "active again");
    }
}
