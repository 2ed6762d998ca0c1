"""The deployment config: a readable YAML file of feeds, markets, synths and parameters."""

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "local.yaml"


def load_config(path: Path = DEFAULT_CONFIG) -> dict[str, Any]:
    """Reads a deployment config file."""
    with open(path) as handle:
        return yaml.safe_load(handle)
