"""Governance with a delay (issue 14): deployed with a `governance` section, every protocol
contract is owned by a `ProtocolOwner` behind a `ProtocolTimelock`. A loosening change waits out
the delay; the guardian's tightening takes effect at once, and it can tighten only."""

from typing import Any

import pytest

from synthvault.config import ConfigError, load_config, parse_config
from synthvault.governance import OWNED, ZERO_ADDRESS
from synthvault.plan import plan_deployment
from synthvault.system import deploy_system
from synthvault.units import asset_id, wad
from tests.utils.chain import advance
from tests.utils.custom_errors import reverts

DELAY_HOURS = 48
ZERO = b"\x00" * 32


# The governors: the timelock's one proposer (a multisig, on a live network) and the guardian.
@pytest.fixture(scope="module")
def proposer(accounts):
    return accounts[7]


guardian = pytest.fixture(scope="module", name="guardian")(lambda accounts: accounts[8])


@pytest.fixture(scope="module")
def governed(project, owner, proposer, guardian) -> dict[str, Any]:
    """The system deployed with governance: a 48-hour timelock, `proposer`, `guardian`.
    Module-scoped: a deployment made inside one module's snapshot does not outlive it."""
    raw = load_config()
    raw["governance"] = {"timelock_delay_hours": DELAY_HOURS, "proposers": [str(proposer.address)],
                         "guardian": str(guardian.address)}
    nonce = owner.nonce
    system = deploy_system(project, owner, raw)
    assert owner.nonce - nonce == plan_deployment(parse_config(raw)).transactions
    return system.contracts | {"sUSD": system.synths["sUSD"]}


def _lower_minting_ratio(governed: dict[str, Any], to_wad: int) -> bytes:
    """The timelock's call to the protocol owner: `execute(vault, setSynthParams(sUSD, ...))`."""
    vault, susd = governed["vault"], governed["sUSD"]
    params = list(vault.synthParams(susd))
    params[0] = to_wad
    inner = vault.setSynthParams.as_transaction(susd, params).data
    return governed["protocol_owner"].execute.as_transaction(vault, inner).data


def test_deploy__governance__every_owned_contract_handed_to_the_protocol_owner(governed, owner, guardian):
    protocol_owner, timelock = governed["protocol_owner"], governed["timelock"]
    assert [governed[name].owner() for name in OWNED] == [protocol_owner.address] * len(OWNED)
    assert {governed[name].pendingOwner() for name in OWNED} == {ZERO_ADDRESS}
    assert (protocol_owner.timelock(), protocol_owner.guardian()) == (timelock.address, guardian.address)
    assert timelock.getMinDelay() == DELAY_HOURS * 3600
    # The deployer kept nothing: its owner call is refused.
    vault = governed["vault"]
    with reverts(vault.OwnableUnauthorizedAccount, account=owner):
        vault.setShock(asset_id("BTC"), wad("0.2"), sender=owner)


def test_timelock__loosening__waits_out_the_delay(governed, chain, proposer, guardian):
    vault, susd, timelock = governed["vault"], governed["sUSD"], governed["timelock"]
    data = _lower_minting_ratio(governed, wad("1.4"))
    target = governed["protocol_owner"]
    timelock.schedule(target, 0, data, ZERO, ZERO, DELAY_HOURS * 3600, sender=proposer)
    operation = timelock.hashOperation(target, 0, data, ZERO, ZERO)

    advance(chain, DELAY_HOURS * 3600 - 60)
    with reverts(timelock.TimelockUnexpectedOperationState, operationId=operation):
        timelock.execute(target, 0, data, ZERO, ZERO, sender=guardian)
    assert vault.synthParams(susd).mintingRatioWad == wad("1.5")

    advance(chain, 60)
    tx = timelock.execute(target, 0, data, ZERO, ZERO, sender=guardian)  # anyone may run a ready call

    assert vault.synthParams(susd).mintingRatioWad == wad("1.4")
    assert [e.target for e in tx.events.filter(target.Executed)] == [vault.address]


def test_timelock__a_stranger_proposes__refused(governed, guardian):
    timelock = governed["timelock"]
    data = _lower_minting_ratio(governed, wad("1.4"))
    with reverts(timelock.AccessControlUnauthorizedAccount, account=guardian):
        timelock.schedule(governed["protocol_owner"], 0, data, ZERO, ZERO, DELAY_HOURS * 3600, sender=guardian)


def test_execute__not_the_timelock__refused(governed, guardian, proposer):
    protocol_owner, vault = governed["protocol_owner"], governed["vault"]
    inner = vault.setShock.as_transaction(asset_id("BTC"), 0).data
    for caller in (guardian, proposer):
        with reverts(protocol_owner.ProtocolOwnerNotTimelock, caller=caller):
            protocol_owner.execute(vault, inner, sender=caller)
    with reverts(protocol_owner.ProtocolOwnerNotTimelock, caller=guardian):
        protocol_owner.setGuardian(guardian, sender=guardian)


def test_guardian__raises_the_minting_ratio__at_once(governed, guardian):
    protocol_owner, vault, susd = governed["protocol_owner"], governed["vault"], governed["sUSD"]

    tx = protocol_owner.raiseMintingRatio(susd, wad("1.75"), sender=guardian)

    assert vault.synthParams(susd).mintingRatioWad == wad("1.75")
    (event,) = tx.events.filter(protocol_owner.MintingRatioRaised)
    assert (event.synth, event.guardian, event.fromWad, event.toWad) == (susd.address, guardian.address, wad("1.5"),
                                                                       wad("1.75"))


@pytest.mark.parametrize("ratio", ["1.5", "1.4"], ids=["same", "lower"])
def test_guardian__a_ratio_not_raised__refused(governed, guardian, ratio):
    protocol_owner = governed["protocol_owner"]
    with reverts(protocol_owner.ProtocolOwnerNotTighter, current=wad("1.5"), proposed=wad(ratio)):
        protocol_owner.raiseMintingRatio(governed["sUSD"], wad(ratio), sender=guardian)


def test_guardian__raises_a_shock__at_once_and_never_lowers_one(governed, guardian):
    protocol_owner, vault = governed["protocol_owner"], governed["vault"]
    with reverts(protocol_owner.ProtocolOwnerNotTighter, current=wad("0.1"), proposed=wad("0.05")):
        protocol_owner.raiseShock(asset_id("BTC"), wad("0.05"), sender=guardian)

    protocol_owner.raiseShock(asset_id("BTC"), wad("0.2"), sender=guardian)

    assert vault.shockWad(asset_id("BTC")) == wad("0.2")


def test_guardian__pauses_minting__mints_refused(governed, guardian, trader):
    protocol_owner, vault, susd = governed["protocol_owner"], governed["vault"], governed["sUSD"]
    wbtc = governed["wbtc"]

    tx = protocol_owner.pauseMinting(susd, sender=guardian)

    assert vault.synthParams(susd).debtCeiling == 0
    assert [e.synth for e in tx.events.filter(protocol_owner.MintingPaused)] == [susd.address]
    wbtc.mint(trader, 10**8, sender=trader)
    wbtc.approve(vault, 10**8, sender=trader)
    position = vault.open(susd, sender=trader).return_value
    vault.addSpot(position, 10**8, sender=trader)
    with reverts(vault.VaultDebtCeilingExceeded, debtCeiling=0):
        vault.mint(position, wad(3_000), sender=trader)


def test_guardian__shuts_down__at_once(governed, guardian):
    protocol_owner, vault = governed["protocol_owner"], governed["vault"]

    tx = protocol_owner.shutdown(sender=guardian)

    assert vault.isShutdown()
    assert [e.guardian for e in tx.events.filter(protocol_owner.ShutdownTriggered)] == [guardian.address]


def test_guardian_powers__a_stranger__refused(governed, trader):
    protocol_owner = governed["protocol_owner"]
    with reverts(protocol_owner.ProtocolOwnerNotGuardian, caller=trader):
        protocol_owner.shutdown(sender=trader)
    with reverts(protocol_owner.ProtocolOwnerNotGuardian, caller=trader):
        protocol_owner.pauseMinting(governed["sUSD"], sender=trader)


@pytest.mark.parametrize("edit, expected", [
    ({"proposers": []}, "governance.proposers: List should have at least 1 item"),
    ({"timelock_delay_hours": 0}, "governance.timelock_delay_hours: Input should be greater than 0"),
    ({"guardian": "0x1234"}, "governance.guardian: '0x1234' is not an address"),
    ({"delay": 48}, "governance.delay"),
], ids=["no proposer", "no delay", "bad guardian", "unknown key"])
def test_parse_config__bad_governance__named(edit, expected):
    raw = load_config()
    raw["governance"] = {"timelock_delay_hours": 48, "proposers": ["0x" + "11" * 20]} | edit
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    (problem,) = caught.value.problems
    assert problem.startswith(expected), problem


# The venue (the vault's futures adapter): the guardian tightens at once, the timelock loosens.
ACTIVE, FROZEN, WINDING_DOWN = 0, 1, 2


def _venue(project, governed):
    return project.FuturesCollateral.at(governed["vault"].futuresCollateral())


def test_guardian__freezes_winds_down_and_raises_the_haircut__at_once(project, governed, guardian):
    protocol_owner, venue = governed["protocol_owner"], _venue(project, governed)

    frozen = protocol_owner.freezeVenue(sender=guardian)
    wound = protocol_owner.windDownVenue(2_000, sender=guardian)
    raised = protocol_owner.raiseHaircut(5_000, sender=guardian)

    assert venue.venueState() == (WINDING_DOWN, 5_000)
    assert [(e.fromState, e.fromHaircutBps, e.toState, e.toHaircutBps)
            for tx in (frozen, wound, raised) for e in tx.events.filter(protocol_owner.VenueTightened)] == [
        (ACTIVE, 0, FROZEN, 0), (FROZEN, 0, WINDING_DOWN, 2_000), (WINDING_DOWN, 2_000, WINDING_DOWN, 5_000)]
    assert [(e.fromBps, e.toBps) for e in raised.events.filter(venue.HaircutRaised)] == [(2_000, 5_000)]


def test_guardian__venue_loosening__refused(project, governed, guardian):
    protocol_owner, venue = governed["protocol_owner"], _venue(project, governed)
    protocol_owner.windDownVenue(5_000, sender=guardian)

    with reverts(protocol_owner.ProtocolOwnerVenueNotTighter, venue=venue.address, state=WINDING_DOWN,
                 haircutBps=5_000, proposedState=WINDING_DOWN, proposedHaircutBps=4_000):
        protocol_owner.raiseHaircut(4_000, sender=guardian)
    with reverts(protocol_owner.ProtocolOwnerVenueNotTighter, venue=venue.address, state=WINDING_DOWN,
                 haircutBps=5_000, proposedState=FROZEN, proposedHaircutBps=0):
        protocol_owner.freezeVenue(sender=guardian)
    # Straight to the venue: only the vault's owner (the protocol owner, for the timelock).
    with reverts(venue.CollateralVenueNotOwner, caller=guardian):
        venue.setVenueState(ACTIVE, 0, sender=guardian)
    with reverts(venue.CollateralVenueHaircutTooHigh, haircutBps=10_001, maxHaircutBps=10_000):
        protocol_owner.raiseHaircut(10_001, sender=guardian)


def test_timelock__venue_back_to_active__waits_out_the_delay(project, governed, chain, proposer, guardian):
    protocol_owner, venue, timelock = governed["protocol_owner"], _venue(project, governed), governed["timelock"]
    protocol_owner.freezeVenue(sender=guardian)
    inner = venue.setVenueState.as_transaction(ACTIVE, 0).data
    data = protocol_owner.execute.as_transaction(venue, inner).data
    timelock.schedule(protocol_owner, 0, data, ZERO, ZERO, DELAY_HOURS * 3600, sender=proposer)

    advance(chain, DELAY_HOURS * 3600 - 60)
    with reverts(timelock.TimelockUnexpectedOperationState):
        timelock.execute(protocol_owner, 0, data, ZERO, ZERO, sender=guardian)
    assert venue.venueState() == (FROZEN, 0)

    advance(chain, 60)
    tx = timelock.execute(protocol_owner, 0, data, ZERO, ZERO, sender=guardian)

    assert venue.venueState() == (ACTIVE, 0)
    assert [(e.previous, e.state) for e in tx.events.filter(venue.VenueStateSet)] == [(FROZEN, ACTIVE)]
