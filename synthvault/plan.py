"""A deployment as a plan: every contract and transaction `deploy_system` will send for a checked
config, counted before any is sent (`ape run deploy --dry-run` prints it).

The steps mirror `synthvault/deploy.py` layer by layer; `tests/tooling/test_plan.py` deploys the
plan's config and checks that the deployer's nonce moved by exactly `Plan.transactions`, so that a
step added to a layer without its line here fails there, not in front of a user."""

from dataclasses import dataclass, field

from synthvault.config import DeployConfig
from synthvault.deploy import shocks
from synthvault.economics import (
    ETH_USD,
    GAS_PRICE_GWEI,
    LIQUIDATIONS,
    MAX_MARKETS,
    bonus_shortfall,
    min_debt_shortfalls,
)
from synthvault.gas import load_baseline
from synthvault.governance import OWNED


@dataclass(frozen=True)
class Step:
    """One transaction: a contract deployed (`deploys` names its type) or a call."""

    layer: str
    what: str
    deploys: str = ""


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    parameters: list[tuple[str, str]] = field(default_factory=list)

    @property
    def transactions(self) -> int:
        return len(self.steps)

    @property
    def contracts(self) -> list[Step]:
        return [step for step in self.steps if step.deploys]

    def add(self, layer: str, what: str, deploys: str = "") -> None:
        self.steps.append(Step(layer, what, deploys))


def _deposit(plan: Plan, layer: str, into: str) -> None:
    """Mint the stablecoin to the owner, approve, deposit (`deploy.py`'s seed deposits)."""
    for what in ("USDC.mint(owner)", f"USDC.approve({into})", f"{into}.deposit"):
        plan.add(layer, what)


def _oracle(plan: Plan, config: DeployConfig) -> None:
    plan.add("oracle", "OracleHub", "OracleHub")
    for name, feed in config.oracle.feeds.items():
        if feed.address is None:
            plan.add("oracle", f"MockAggregator {name} at {feed.price}", "MockAggregator")
        source = f"existing feed {feed.address}" if feed.address else "mock"
        plan.add("oracle", f"OracleHub.setFeed({name}: {source}, heartbeat {feed.heartbeat_s}s, "
                           f"max move {feed.max_deviation_bps} bps)")
        if feed.session is not None:
            plan.add("oracle", f"OracleHub.setSession({name}: {feed.session.opens} to {feed.session.closes} UTC)")
        fallback = feed.fallback
        if fallback is not None:
            if fallback.address is None:
                plan.add("oracle", f"MockAggregator {name} fallback at {fallback.price}", "MockAggregator")
            source = f"existing feed {fallback.address}" if fallback.address else "mock"
            plan.add("oracle", f"OracleHub.setFallback({name}: {source}, heartbeat {fallback.heartbeat_s}s, "
                               f"max move {fallback.max_deviation_bps} bps, "
                               f"max disagreement {fallback.max_disagreement_bps} bps)")


def _exchange(plan: Plan, config: DeployConfig) -> None:
    cfg = config.exchange
    for token in (cfg.margin_token, cfg.spot_token):
        if token.address is None:
            plan.add("exchange", f"TestToken {token.symbol} ({token.decimals} decimals)", "TestToken")
    plan.add("exchange", f"FuturesExchange (+ its LiquidityPool and FuturesAccounts), "
             f"reward {cfg.liquidation_reward_bps} bps",
             "FuturesExchange")
    if cfg.min_liquidation_reward_usd:
        plan.add("exchange", f"FuturesExchange.setMinLiquidationReward(${cfg.min_liquidation_reward_usd})")
    for name, market in cfg.markets.items():
        expiry = f", expires after {market.expiry_days} days" if market.expiry_days else ""
        plan.add("exchange", f"FuturesExchange.addMarket({name}: {market.asset}, IM {market.initial_margin_bps} bps, "
                             f"MM {market.maintenance_margin_bps} bps{expiry})")
        if market.min_position_usd:
            plan.add("exchange", f"FuturesExchange.setMinPositionNotional({name}: ${market.min_position_usd})")
    if cfg.pool_deposit_usd:
        _deposit(plan, "exchange", "LiquidityPool")
    if cfg.pool_cooldown_hours:
        plan.add("exchange", f"LiquidityPool.setCooldown({cfg.pool_cooldown_hours} h)")


def _vault(plan: Plan, config: DeployConfig) -> None:
    plan.add("vault", f"Vault (+ its FuturesCollateral), spot priced as {config.vault.spot_asset}", "Vault")
    plan.add("vault", "FuturesExchange.setMarkRelay(FuturesCollateral)")
    for asset in shocks(config.to_dict()["vault"]):
        plan.add("vault", f"Vault.setShock({asset}: {config.vault.shock_pct[asset]}%)")
    plan.add("vault", "VaultLens", "VaultLens")
    for symbol, synth in config.synths.items():
        plan.add("vault", f"SyntheticToken {symbol} ({synth.asset})", "SyntheticToken")
        plan.add("vault", f"{symbol}.grantRole(MINTER, Vault)")
        plan.add("vault", f"{symbol}.grantRole(BURNER, Vault)")
        plan.add("vault", f"Vault.listSynth({symbol})")


def _liquidation(plan: Plan, config: DeployConfig) -> None:
    cfg = config.liquidation
    plan.add("liquidation", "InsuranceFund", "InsuranceFund")
    plan.add("liquidation",
             f"LiquidationEngine, keeper share {cfg.keeper_share_pct}%, close factor {cfg.close_factor_pct}%",
             "LiquidationEngine")
    if cfg.min_keeper_bonus_usd:
        plan.add("liquidation", f"LiquidationEngine.setMinKeeperBonus(${cfg.min_keeper_bonus_usd})")
    plan.add("liquidation", "GlobalSettlement", "GlobalSettlement")
    plan.add("liquidation", "InsuranceFund.setEngine")
    plan.add("liquidation", "Vault.setLiquidationEngine")
    plan.add("liquidation", "Vault.setGlobalSettlement")
    for symbol in config.synths:
        plan.add("liquidation", f"{symbol}.grantRole(BURNER, GlobalSettlement)")
        plan.add("liquidation", f"{symbol}.renounceRole(ADMIN, owner)")
    for symbol in config.synths:
        plan.add("liquidation", f"StabilityPool {symbol}", "StabilityPool")
        plan.add("liquidation", f"LiquidationEngine.setStabilityPool({symbol})")
    if cfg.gas_compensation_usd:
        plan.add("liquidation", f"LiquidationEngine.setGasCompensation(${cfg.gas_compensation_usd})")
    if cfg.insurance_fund_deposit_usd:
        _deposit(plan, "liquidation", "InsuranceFund")


def _governance(plan: Plan, config: DeployConfig) -> None:
    """`synthvault/governance.py`: the timelock and the protocol owner, then each owned contract
    handed over (one `transferOwnership` each, one `acceptOwnerships` for all)."""
    cfg = config.governance
    if cfg is None:
        return
    plan.add("governance", f"ProtocolTimelock, delay {cfg.timelock_delay_hours} h, "
                           f"{len(cfg.proposers)} proposer(s)", "ProtocolTimelock")
    plan.add("governance", f"ProtocolOwner, guardian {cfg.guardian or 'none'}", "ProtocolOwner")
    for name in OWNED:
        plan.add("governance", f"{name}.transferOwnership(ProtocolOwner)")
    plan.add("governance", "ProtocolOwner.acceptOwnerships")


def keeper_floor_warnings(config: DeployConfig, gas: dict[str, int] | None = None) -> list[str]:
    """One line per synth whose minimum debt, at its configured price, would not pay a keeper the
    gas of liquidating an 8-market account at the reference gas and ETH prices
    (`synthvault/economics.py`), from the gas the bench measured (`docs/gas-baseline.json` by
    default). A warning, not a refusal: where gas is cheaper than the reference (an L2) a lower
    minimum pays a keeper, and a synth priced by a live feed has no price here to check."""
    gas = load_baseline() if gas is None else gas
    if not all(operation in gas for operation in LIQUIDATIONS[MAX_MARKETS]):
        return []
    raw = config.to_dict()
    return [f"{line}; at {GAS_PRICE_GWEI} gwei and ETH ${ETH_USD:,} (docs/gas.md), no keeper is paid to liquidate a "
            "position that small" for line in min_debt_shortfalls(gas, raw)] + bonus_shortfall(gas, raw)


def plan_deployment(config: DeployConfig, local_funding: dict[str, dict[str, int]] | None = None) -> Plan:
    """What `deploy_system(config)` sends, in order, then (on a local chain) the test-token mints
    of `fund_local_accounts(local_funding)`; with the key parameters of each synth."""
    plan = Plan()
    for layer in (_oracle, _exchange, _vault, _liquidation, _governance):
        layer(plan, config)
    for role, amounts in (local_funding or {}).items():
        for token in amounts:
            plan.add("local funding", f"{token.upper()}.mint({role})")
    shock_list = ", ".join(f"{asset} {pct}%" for asset, pct in config.vault.shock_pct.items())
    plan.parameters.append(("every synth", f"mints only what survives a one-round move of {shock_list} at 100% CR"))
    for symbol in config.synths:
        risk = config.risk_params(symbol)
        plan.parameters.append((
            symbol,
            f"mint at {risk['minting_ratio_pct']}%, liquidated under {risk['liquidation_ratio_pct']}%, "
            f"penalty {risk['liquidation_penalty_pct']}%, fee {risk['stability_fee_pct_per_year']}%/yr, "
            f"min debt {config.synths[symbol].min_debt}, ceiling {config.synths[symbol].debt_ceiling}",
        ))
    return plan
