"""The whole system: deploy every layer from a config, and find it again from a manifest."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthvault.config import DeployConfig, parse_config
from synthvault.deploy import Reuse, deploy_exchange, deploy_liquidation, deploy_oracle, deploy_vault
from synthvault.errors import describe_error
from synthvault.governance import install_governance
from synthvault.manifest import DEPLOYMENTS, check_writable, failed_path, write_manifest


@dataclass
class System:
    """Every deployed contract, by role. Layers not yet deployed are absent from `contracts`."""

    contracts: dict[str, Any] = field(default_factory=dict)
    feeds: dict[str, Any] = field(default_factory=dict)
    markets: dict[str, int] = field(default_factory=dict)
    synths: dict[str, Any] = field(default_factory=dict)
    stability_pools: dict[str, Any] = field(default_factory=dict)

    def addresses(self) -> dict[str, Any]:
        """Addresses by name, for the manifest: `{"oracle": "0x..", "feeds": {"BTC": "0x.."},
        "markets": {"BTC-PERP": 1}}` (market ids, not addresses, under `markets`)."""
        out: dict[str, Any] = {name: str(c.address) for name, c in self.contracts.items()}
        out["feeds"] = {name: str(c.address) for name, c in self.feeds.items()}
        out["markets"] = dict(self.markets)
        out["synths"] = {symbol: str(c.address) for symbol, c in self.synths.items()}
        out["stability_pools"] = {symbol: str(c.address) for symbol, c in self.stability_pools.items()}
        return out


def deploy_system(
    project: Any, deployer: Any, config: DeployConfig | dict[str, Any], reuse: Reuse | None = None
) -> System:
    """Deploys and wires every layer in dependency order, owned by `deployer`. A config given as
    plain dicts is checked first (`parse_config`): nothing is sent for one the contracts refuse.
    With `reuse` (a stopped deployment's contracts), goes on from where that one stopped."""
    model = config if isinstance(config, DeployConfig) else parse_config(config)
    config = model.to_dict()
    reuse = reuse or Reuse()
    oracle = deploy_oracle(project, deployer, config["oracle"]["feeds"], reuse)
    venue = deploy_exchange(project, deployer, oracle.hub, config["exchange"], reuse)
    vault = deploy_vault(project, deployer, oracle.hub, venue.exchange, venue.wbtc, config, reuse=reuse)
    liquidation = deploy_liquidation(project, deployer, vault, venue.usdc, config, reuse)
    contracts = {"oracle": oracle.hub, "exchange": venue.exchange, "pool": venue.pool,
                 "futures_accounts": venue.accounts, "usdc": venue.usdc,
                 "wbtc": venue.wbtc, "vault": vault.vault, "futures": vault.futures, "lens": vault.lens,
                 "engine": liquidation.engine, "fund": liquidation.fund, "settlement": liquidation.settlement}
    if governance := config.get("governance"):
        layer = install_governance(project, deployer, contracts, governance, reuse)
        contracts |= {"timelock": layer.timelock, "protocol_owner": layer.owner}
    return System(contracts=contracts, feeds=oracle.feeds, markets=venue.markets, synths=vault.synths,
                  stability_pools=liquidation.stability_pools)


def attach_system(project: Any, addresses: dict[str, Any]) -> System:
    """The deployed system at the manifest's addresses."""
    kinds = {"oracle": project.OracleHub, "exchange": project.FuturesExchange, "pool": project.LiquidityPool,
             "futures_accounts": project.FuturesAccounts,
             "usdc": project.TestToken, "wbtc": project.TestToken, "vault": project.Vault,
             "futures": project.FuturesCollateral, "lens": project.VaultLens, "engine": project.LiquidationEngine,
             "fund": project.InsuranceFund, "settlement": project.GlobalSettlement,
             "timelock": project.ProtocolTimelock, "protocol_owner": project.ProtocolOwner}
    contracts = {name: kinds[name].at(addr) for name, addr in addresses.items() if name in kinds}
    feeds = {name: project.MockAggregator.at(addr) for name, addr in addresses.get("feeds", {}).items()}
    synths = {symbol: project.SyntheticToken.at(addr) for symbol, addr in addresses.get("synths", {}).items()}
    pools = {symbol: project.StabilityPool.at(addr) for symbol, addr in addresses.get("stability_pools", {}).items()}
    return System(contracts=contracts, feeds=feeds, markets=dict(addresses.get("markets", {})), synths=synths,
                  stability_pools=pools)


LOCAL_FUNDING = {"lp": {"usdc": 1_000_000}, "trader": {"usdc": 100_000, "wbtc": 2}}


def fund_local_accounts(system: System, owner: Any, accounts: dict[str, Any]) -> None:
    """On a local chain: mints test tokens to the LP and the trader up to `LOCAL_FUNDING` (whole
    units), so that they can deposit, trade and lock collateral from the console at once; an
    account holding that much already is left alone (a resumed deployment mints nothing twice)."""
    for role, amounts in LOCAL_FUNDING.items():
        for token_name, units in amounts.items():
            token = system.contracts[token_name]
            missing = units * 10 ** token.decimals() - token.balanceOf(accounts[role])
            if missing > 0:
                token.mint(accounts[role], missing, sender=owner)


class DeployFailedError(RuntimeError):
    """A deployment stopped part-way; what it had deployed is recorded in `<network>.failed.json`."""


def deployed_since(chain: Any, deployer: Any, start_block: int) -> list[dict[str, Any]]:
    """The contracts `deployer` created from `start_block` to the head, read from the chain's own
    blocks: each one's name (when this process deployed it, so Ape knows its type), address, block
    and transaction. Contracts created inside another contract's constructor are not listed."""
    out: list[dict[str, Any]] = []
    if start_block > chain.blocks.height:  # no block since: Ape's range refuses an empty span
        return out
    for block in chain.blocks.range(start_block, chain.blocks.height + 1):
        for tx in block.transactions:
            if tx.receiver or str(tx.sender) != str(deployer.address):
                continue
            receipt = chain.provider.get_receipt(tx.txn_hash.hex() if isinstance(tx.txn_hash, bytes) else tx.txn_hash)
            if not receipt.contract_address:
                continue
            contract_type = chain.contracts.get(receipt.contract_address)
            out.append({"name": contract_type.name if contract_type else None, "address": str(receipt.contract_address),
                        "block": block.number, "transaction": str(receipt.txn_hash)})
    return out


def _record_failure(
    chain: Any, network: Any, deployer: Any, config: DeployConfig, start_block: int, deployed: list[dict[str, Any]],
    reason: str, folder: Path,
) -> Path:
    """Writes what a failed deployment had deployed (`deployed`, in order), with the config it
    deployed and why it stopped (`reason`), beside the manifest: what `--resume` goes on from."""
    record = {
        "network": network.choice,
        "chain_id": chain.chain_id,
        "deployer": str(deployer.address),
        "start_block": start_block,
        "block": chain.blocks.height,
        "error": reason,
        "config": config.to_json_dict(),
        "deployed": deployed,
    }
    path = failed_path(network.name, folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def deploy_and_record(
    project: Any, chain: Any, network: Any, deployer: Any, config: DeployConfig, force: bool = False,
    local_accounts: dict[str, Any] | None = None, folder: Path = DEPLOYMENTS, resume: dict[str, Any] | None = None,
) -> tuple[System, Path]:
    """Deploys the whole system from a checked `config` and writes `deployments/<network>.json`.
    A live network's existing manifest is refused (unless `force`) before the first transaction.
    With `local_accounts` (roles to test accounts, on a local chain), funds the LP and the trader too.
    A deployment that stops part-way (a revert, a node gone, a signer refusing) writes what it had
    deployed to `deployments/<network>.failed.json` and raises `DeployFailedError` naming it.
    With `resume` (that record, checked by `synthvault.resume.check_resumable`), re-uses its
    contracts and sends only the missing steps; on success the record is removed."""
    check_writable(network.name, force, folder)
    earlier = list(resume["deployed"]) if resume else []
    since = chain.blocks.height + 1
    start_block = resume["start_block"] if resume else since
    try:
        system = deploy_system(project, deployer, config, Reuse(earlier))
        if local_accounts:
            fund_local_accounts(system, deployer, local_accounts)
    except Exception as err:  # noqa: BLE001 - whatever stopped it, what was deployed is recorded
        reason = describe_error(err)  # once: decoding a revert may ask the node again
        deployed = earlier + deployed_since(chain, deployer, since)
        path = _record_failure(chain, network, deployer, config, start_block, deployed, reason, folder)
        raise DeployFailedError(f"the deployment stopped ({reason}); the contracts it had deployed "
                                f"are listed in {path}") from err
    manifest = {
        "start_block": start_block,
        "network": network.choice,
        "chain_id": chain.chain_id,
        "block": chain.blocks.height,
        "deployer": str(deployer.address),
        "contracts": system.addresses(),
        # What was applied: the checked config, defaults filled in.
        "config": config.to_json_dict(),
    }
    path = write_manifest(network.name, manifest, force=force, folder=folder)
    if resume:
        failed_path(network.name, folder).unlink(missing_ok=True)  # the system is whole: nothing left to resume
    return system, path
