"""The deployment manifest: `deployments/<network>.json`, what was deployed where and with what config."""

import json
import os
from pathlib import Path
from typing import Any

from synthvault.config import ROOT

# `deployments/`, or the folder SYNTHVAULT_DEPLOYMENTS names (a test's own, so that a script run by
# a test never touches the manifest of the user's `make node`).
DEPLOYMENTS = Path(os.environ.get("SYNTHVAULT_DEPLOYMENTS") or ROOT / "deployments")
LOCAL_NETWORKS = {"local"}


class ManifestExistsError(RuntimeError):
    """A live network's manifest exists and overwriting it was not asked for."""


def manifest_path(network_name: str, folder: Path = DEPLOYMENTS) -> Path:
    return folder / f"{network_name}.json"


def check_writable(network_name: str, force: bool = False, folder: Path = DEPLOYMENTS) -> Path:
    """The manifest's path, if a deployment may write it: a live network's existing manifest is
    kept unless `force`, as the only record of where real contracts live. Asked before the first
    transaction of a deployment, not after the last."""
    path = manifest_path(network_name, folder)
    if path.exists() and network_name not in LOCAL_NETWORKS and not force:
        raise ManifestExistsError(
            f"{path} exists: '{network_name}' is deployed already; nothing was sent "
            "(pass --force to deploy again and overwrite it)"
        )
    return path


def failed_path(network_name: str, folder: Path = DEPLOYMENTS) -> Path:
    """Where a deployment that stopped part-way records what it had deployed."""
    return folder / f"{network_name}.failed.json"


def write_manifest(
    network_name: str, manifest: dict[str, Any], force: bool = False, folder: Path = DEPLOYMENTS
) -> Path:
    """Writes the manifest, unless `check_writable` refuses."""
    path = check_writable(network_name, force, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return path


def load_manifest(network_name: str, folder: Path = DEPLOYMENTS) -> dict[str, Any]:
    path = manifest_path(network_name, folder)
    if not path.exists():
        raise FileNotFoundError(f"no deployment manifest at {path}: deploy first (`make node` runs a local chain "
                                "with the system deployed; `make deploy NETWORK=...` elsewhere)")
    return json.loads(path.read_text())
