"""Governance with a delay: hands the owner role of every protocol contract to a
`ProtocolOwner` behind a `ProtocolTimelock` (OpenZeppelin's `TimelockController`), so that every
owner call waits out the timelock's delay, in public, while the guardian may only tighten at once
(pause a synth's minting, raise a minting ratio or a shock, shut down). See
`interfaces/governance/IProtocolOwner.sol`."""

from dataclasses import dataclass
from typing import Any

from synthvault.deploy import Reuse

# The contracts `Ownable2Step` makes ownable, by their name in `System.contracts`. (The pool takes
# its orders from the exchange's owner; the tokens and feeds of a test deployment stay the
# deployer's: a live network names existing ones.)
OWNED = ("oracle", "exchange", "vault", "engine", "fund", "settlement")
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


@dataclass
class GovernanceLayer:
    timelock: Any
    owner: Any


def install_governance(project: Any, deployer: Any, contracts: dict[str, Any], cfg: dict[str, Any],
                       reuse: Reuse | None = None) -> GovernanceLayer:
    """Deploys the timelock (`cfg["timelock_delay_hours"]`, its proposers, its executors or anyone)
    and the `ProtocolOwner` (the timelock, the guardian or none), then moves the ownership of
    every contract of `OWNED` from `deployer` to it, in two steps (`transferOwnership`, then
    `acceptOwnerships`). The deployer keeps no role. Resumable (`reuse`): a step whose effect is
    on the chain is skipped."""
    reuse = reuse or Reuse()
    delay = int(cfg["timelock_delay_hours"] * 3600)
    executors = cfg.get("executors") or [ZERO_ADDRESS]
    timelock = reuse.deploy(deployer, project.ProtocolTimelock, delay, cfg["proposers"], executors)
    owner = reuse.deploy(deployer, project.ProtocolOwner, timelock, cfg.get("guardian") or ZERO_ADDRESS,
                         contracts["vault"], contracts["settlement"])
    owned = [contracts[name] for name in OWNED]
    for contract in owned:
        if contract.owner() == deployer.address and contract.pendingOwner() != owner.address:
            contract.transferOwnership(owner, sender=deployer)
    if any(contract.pendingOwner() == owner.address for contract in owned):
        owner.acceptOwnerships(owned, sender=deployer)
    return GovernanceLayer(timelock=timelock, owner=owner)
