"""Before a script acts on a deployed system: the node answers, it is the chain the manifest was
written on, and the manifest's contracts are there. Otherwise one line saying what to start.

Without this, `ape run keeper` against a port where no node listens has ape-foundry start an empty
Anvil there, and the keeper reports "0 positions watched, 0 under water", an all-clear about a
chain that holds nothing."""

from pathlib import Path
from typing import Any

from synthvault.manifest import DEPLOYMENTS, LOCAL_NETWORKS, load_manifest, manifest_path
from synthvault.system import System, attach_system


class PreflightError(RuntimeError):
    """The chain is not the one the manifest describes; the message says what to start."""


def _hint(network_name: str) -> str:
    if network_name in LOCAL_NETWORKS:
        return "start one with `make node` (it deploys the system)"
    return f"check the node behind --network and that deployments/{network_name}.json is this network's"


def _addresses(contracts: dict[str, Any]) -> dict[str, str]:
    """Every contract address of a manifest's `contracts`, by a readable name (`feeds.BTC`)."""
    out: dict[str, str] = {}
    for name, value in contracts.items():
        if name == "markets":
            continue  # market ids, not addresses
        if isinstance(value, dict):
            out.update({f"{name}.{key}": address for key, address in value.items()})
        else:
            out[name] = value
    return out


def check_node(provider: Any, network_name: str) -> str:
    """The node's URI, once it answers. A node the provider had to start itself (ape-foundry does
    when nothing listens on its host) is an empty chain, not the one the user meant."""
    uri = getattr(provider, "uri", None) or getattr(provider, "http_uri", None) or network_name
    if getattr(provider, "process", None) is not None:
        raise PreflightError(f"no node at {uri}: {_hint(network_name)}")
    try:
        _ = provider.chain_id
    except Exception as err:  # noqa: BLE001 - whatever the transport says, the node did not answer
        raise PreflightError(f"no node answers at {uri} ({type(err).__name__}): {_hint(network_name)}") from None
    return uri


def check_deployment(provider: Any, network_name: str, manifest: dict[str, Any], source: Path) -> None:
    """The node runs the manifest's chain and holds code at each of its addresses."""
    uri = getattr(provider, "uri", None) or network_name
    expected = manifest.get("chain_id")
    if expected is not None and provider.chain_id != expected:
        raise PreflightError(f"the node at {uri} runs chain {provider.chain_id}, but {source} was written on chain "
                             f"{expected}: {_hint(network_name)}")
    addresses = _addresses(manifest.get("contracts", {}))
    missing = [name for name, address in addresses.items() if not provider.get_code(address)]
    if missing:
        raise PreflightError(
            f"{len(missing)} of the {len(addresses)} contracts of {source} have no code at {uri} (e.g. {missing[0]} at "
            f"{addresses[missing[0]]}): the node was restarted since; {_hint(network_name)}")


def check_existing(provider: Any, network_name: str, named: dict[str, str]) -> None:
    """Before a deployment: each contract the config names as existing (`DeployConfig.existing_addresses`)
    has code on this chain, so that a wrong network or a typo in an address fails before anything is sent."""
    uri = getattr(provider, "uri", None) or network_name
    missing = [path for path, address in named.items() if not provider.get_code(address)]
    if missing:
        more = f" ({len(missing) - 1} more addresses of the config have none)" if len(missing) > 1 else ""
        raise PreflightError(f"no contract at {named[missing[0]]} ({missing[0]}) on {uri}; nothing was sent{more}")


def check_governed(network_name: str, governed: bool) -> None:
    """Before a deployment: on any network but a local one the config must hand the protocol to a
    timelock (its `governance` section); a live system owned by the deployer's key alone would let
    one key change every parameter at once."""
    if governed or network_name in LOCAL_NETWORKS:
        return
    raise PreflightError(
        f"{network_name} is not a local network: the config needs a `governance` section (a timelock's "
        "delay, its proposers, the guardian; see config/local.yaml) so that no key owns the protocol "
        "alone; nothing was sent")


def attach_deployed(
    project: Any, provider: Any, network_name: str, folder: Path = DEPLOYMENTS
) -> tuple[dict[str, Any], System]:
    """The manifest of `network_name` and its system, after checking the chain holds it."""
    manifest = load_manifest(network_name, folder)
    check_deployment(provider, network_name, manifest, manifest_path(network_name, folder))
    return manifest, attach_system(project, manifest["contracts"])


def attach_checked(
    project: Any, provider: Any, network_name: str, folder: Path = DEPLOYMENTS
) -> tuple[dict[str, Any], System]:
    """What the scripts and the console attach to: `attach_deployed` on a node the user started."""
    check_node(provider, network_name)
    return attach_deployed(project, provider, network_name, folder)
