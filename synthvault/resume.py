"""Resuming a deployment that stopped part-way (`make deploy ARGS=--resume`): its record,
`deployments/<network>.failed.json` (written by `synthvault.system.deploy_and_record`), is checked
against the chain, the signer and the plan before anything is sent; the deployment then re-uses
the contracts it lists (`synthvault.deploy.Reuse`) and sends only the steps not on chain."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthvault.config import DeployConfig
from synthvault.manifest import DEPLOYMENTS, failed_path
from synthvault.plan import Plan

_ABSENT = object()


class ResumeError(RuntimeError):
    """A failed deployment's record that cannot be resumed here; nothing was sent."""


def load_failed(network_name: str, folder: Path = DEPLOYMENTS) -> tuple[Path, dict[str, Any]]:
    """The record of the deployment to `network_name` that stopped part-way, and its path."""
    path = failed_path(network_name, folder)
    if not path.exists():
        raise FileNotFoundError(f"no failed deployment recorded at {path}: nothing to resume (deploy without --resume)")
    return path, json.loads(path.read_text())


def _say(value: Any) -> str:
    return "absent" if value is _ABSENT else json.dumps(value)


def first_difference(there: Any, here: Any, path: str = "") -> str | None:
    """Where two configs (as the manifest writes them) first differ: `key.path: 50 there, 40 here`."""
    if isinstance(there, dict) and isinstance(here, dict):
        for key in [*there, *(key for key in here if key not in there)]:
            found = first_difference(there.get(key, _ABSENT), here.get(key, _ABSENT), f"{path}.{key}" if path else key)
            if found:
                return found
        return None
    return None if there == here else f"{path}: {_say(there)} there, {_say(here)} here"


def check_resumable(
    record: dict[str, Any], config: DeployConfig, plan: Plan, chain_id: int, signer: str,
    has_code: Callable[[str], bool], source: str,
) -> list[dict[str, Any]]:
    """The contracts of `record` to re-use, in order, if the deployment it records can go on here:
    on the same chain, signed by the owner of its contracts, with the same config, each contract the
    plan's at its place (same type, in order) and still there. Otherwise `ResumeError`, one line."""

    def refuse(why: str) -> ResumeError:
        return ResumeError(f"{source} cannot be resumed: {why}; nothing was sent")

    if record.get("chain_id") != chain_id:
        raise refuse(f"its contracts are on chain {record.get('chain_id')}, this node is chain {chain_id}")
    if str(record.get("deployer", "")).lower() != signer.lower():
        raise refuse(f"its contracts are owned by {record.get('deployer')}, the signer is {signer}")
    if "config" not in record:
        raise refuse("it records no config (written before --resume existed): deploy from the start")
    if difference := first_difference(record["config"], config.to_json_dict()):
        raise refuse(f"it was deployed with another config ({difference}): resume with that config, or deploy "
                     "from the start")
    deployed, planned = record.get("deployed", []), [step.deploys for step in plan.contracts]
    if len(deployed) > len(planned):
        raise refuse(f"it lists {len(deployed)} contracts, the plan deploys {len(planned)}")
    for number, (entry, name) in enumerate(zip(deployed, planned, strict=False), start=1):
        if entry["name"] != name:
            raise refuse(f"contract {number} ({entry['name']} at {entry['address']}) is not the plan's ({name})")
        if not has_code(entry["address"]):
            raise refuse(f"no contract at {entry['address']} (contract {number}, {name})")
    return deployed
