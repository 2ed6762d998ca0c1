"""The deployment manifest: `deployments/<network>.json`, what was deployed where and with what config."""

import json
from pathlib import Path
from typing import Any

from synthvault.config import ROOT

DEPLOYMENTS = ROOT / "deployments"
LOCAL_NETWORKS = {"local"}


class ManifestExistsError(RuntimeError):
    """A live network's manifest exists and overwriting it was not asked for."""


def manifest_path(network_name: str, folder: Path = DEPLOYMENTS) -> Path:
    return folder / f"{network_name}.json"


def write_manifest(
    network_name: str, manifest: dict[str, Any], force: bool = False, folder: Path = DEPLOYMENTS
) -> Path:
    """Writes the manifest. A live network's existing manifest is kept unless `force`: it is the
    only record of where real contracts live."""
    path = manifest_path(network_name, folder)
    if path.exists() and network_name not in LOCAL_NETWORKS and not force:
        raise ManifestExistsError(f"{path} exists; pass --force to overwrite the manifest of '{network_name}'")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return path


def load_manifest(network_name: str, folder: Path = DEPLOYMENTS) -> dict[str, Any]:
    path = manifest_path(network_name, folder)
    if not path.exists():
        raise FileNotFoundError(f"no deployment manifest at {path}: run `ape run deploy` on this network first")
    return json.loads(path.read_text())
