"""Deploying the system, piece by piece. Used by `scripts/deploy.py`, the demo and the tests."""

from dataclasses import dataclass, field
from typing import Any

from synthvault.units import FEED_DECIMALS, asset_id, scaled


@dataclass
class OracleLayer:
    """The deployed oracle: the hub and one mock feed per asset ticker."""

    hub: Any
    feeds: dict[str, Any] = field(default_factory=dict)


def deploy_oracle(project: Any, owner: Any, feeds_config: dict[str, dict[str, Any]]) -> OracleLayer:
    """Deploys an `OracleHub` owned by `owner` and a `MockAggregator` per feed in the config,
    each opened at its configured price and registered with its heartbeat and deviation bound."""
    hub = owner.deploy(project.OracleHub, owner)
    layer = OracleLayer(hub=hub)
    for name, cfg in feeds_config.items():
        decimals = cfg.get("decimals", FEED_DECIMALS)
        feed = owner.deploy(project.MockAggregator, decimals, cfg["description"], scaled(cfg["price"], decimals))
        hub.setFeed(asset_id(name), feed, cfg["heartbeat_s"], cfg["max_deviation_bps"], sender=owner)
        layer.feeds[name] = feed
    return layer
