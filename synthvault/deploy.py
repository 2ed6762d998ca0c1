"""Deploying the system, piece by piece. Used by `scripts/deploy.py`, the demo and the tests.

Every step can be run again: a contract comes from `Reuse` (what a deployment that stopped part-way
had deployed) before a new one is deployed, and every call reads the chain first and is skipped when
its effect is there already, so that `make deploy ARGS=--resume` sends only what is missing."""

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from synthvault.market_hours import minute_of_week
from synthvault.units import FEED_DECIMALS, asset_id, bps, scaled, wad


class Reuse:
    """The contracts a deployment that stopped part-way had deployed (`name`, `address`), in its
    order, which is the plan's: `deploy` hands each back once, where a fresh deployment would
    deploy it, and deploys once none is left."""

    def __init__(self, deployed: Iterable[dict[str, Any]] = ()):
        self._left = deque(deployed)

    def deploy(self, owner: Any, container: Any, *args: Any) -> Any:
        if not self._left:
            return owner.deploy(container, *args)
        entry = self._left.popleft()
        if entry["name"] != container.contract_type.name:  # checked against the plan before: a bug if seen
            raise ValueError(f"{entry['name']} at {entry['address']} where {container.contract_type.name} is deployed")
        return container.at(entry["address"])


def _grant(token: Any, role: bytes, account: Any, owner: Any) -> None:
    """`token.grantRole(role, account)`, unless `account` holds it already."""
    if not token.hasRole(role, account):
        token.grantRole(role, account, sender=owner)


def _seed(token: Any, owner: Any, into: Any, amount: int, deposit: Callable[[], Any]) -> None:
    """The owner's seed deposit of a test token: mint what the owner lacks, approve `into` if not
    approved, `deposit()`; the caller skips it once the deposit is there."""
    balance = token.balanceOf(owner)
    if balance < amount:
        token.mint(owner, amount - balance, sender=owner)
    if token.allowance(owner, into) < amount:
        token.approve(into, amount, sender=owner)
    deposit()


@dataclass
class OracleLayer:
    """The deployed oracle: the hub, one feed per asset ticker, and the fallback feeds of the
    assets that have one."""

    hub: Any
    feeds: dict[str, Any] = field(default_factory=dict)
    fallbacks: dict[str, Any] = field(default_factory=dict)


def deploy_oracle(
    project: Any, owner: Any, feeds_config: dict[str, dict[str, Any]], reuse: Reuse | None = None
) -> OracleLayer:
    """Deploys an `OracleHub` owned by `owner` and a `MockAggregator` per feed in the config,
    each opened at its configured price and registered with its heartbeat and deviation bound;
    then each asset's market session and fallback feed, when the config gives them."""
    reuse = reuse or Reuse()
    hub = reuse.deploy(owner, project.OracleHub, owner)
    layer = OracleLayer(hub=hub)
    for name, cfg in feeds_config.items():
        asset = asset_id(name)
        feed = _source(project, owner, cfg, reuse)
        aggregator, heartbeat, _, max_deviation, _ = hub.feeds(asset)
        if (aggregator, heartbeat, max_deviation) != (feed.address, cfg["heartbeat_s"], cfg["max_deviation_bps"]):
            hub.setFeed(asset, feed, cfg["heartbeat_s"], cfg["max_deviation_bps"], sender=owner)
        layer.feeds[name] = feed
        if "session" in cfg:
            minutes = session_minutes(cfg["session"])
            if tuple(hub.session(asset)[:2]) != minutes:
                hub.setSession(asset, *minutes, sender=owner)
        if "fallback" in cfg:
            fb = cfg["fallback"]
            second = _source(project, owner, fb, reuse)
            wanted = (second.address, fb["heartbeat_s"], fb["max_deviation_bps"], fb["max_disagreement_bps"])
            current = hub.fallbacks(asset)
            if (current[0], current[1], current[3], current[4]) != wanted:
                hub.setFallback(asset, *wanted, sender=owner)
            layer.fallbacks[name] = second
    return layer


def session_minutes(session: dict[str, str]) -> tuple[int, int]:
    """A config session (`{opens: "Mon 00:00", closes: "Fri 22:00"}`) as the hub's minutes."""
    return minute_of_week(session["opens"]), minute_of_week(session["closes"])


def _source(project: Any, owner: Any, cfg: dict[str, Any], reuse: Reuse) -> Any:
    """The aggregator a feed's config names (a live network's), or a mock deployed at its price."""
    if "address" in cfg:
        return project.MockAggregator.at(cfg["address"])
    decimals = cfg.get("decimals", FEED_DECIMALS)
    return reuse.deploy(owner, project.MockAggregator, decimals, cfg["description"], scaled(cfg["price"], decimals))


@dataclass
class ExchangeLayer:
    """The deployed futures venue: the exchange, the pool and the account registry it created
    (`FuturesAccounts`: the accounts' ERC-721), the test tokens, and the market ids by the names
    the config gives them."""

    exchange: Any
    pool: Any
    accounts: Any
    usdc: Any
    wbtc: Any
    markets: dict[str, int] = field(default_factory=dict)


def deploy_token(project: Any, owner: Any, token_config: dict[str, Any], reuse: Reuse | None = None) -> Any:
    """Deploys a `TestToken` owned by `owner` as the config describes it (name, symbol, decimals),
    or attaches to the existing token the config names by `address`."""
    if "address" in token_config:
        return project.TestToken.at(token_config["address"])
    return (reuse or Reuse()).deploy(owner, project.TestToken, token_config["name"], token_config["symbol"],
                                     token_config["decimals"], owner)


def market_params(market_config: dict[str, Any]) -> tuple[int, int, int, int]:
    """A market's `MarketParams` (WAD fractions) from its config entry (basis points)."""
    return (
        bps(market_config["initial_margin_bps"]),
        bps(market_config["maintenance_margin_bps"]),
        bps(market_config["taker_fee_bps"]),
        bps(market_config["impact_bps_per_million_usd"]),
    )


def add_markets(exchange: Any, owner: Any, markets_config: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Lists the configured markets on `exchange` in order (a dated market expires `expiry_days`
    after now), each with its minimum position (`min_position_usd`) if any; their ids by name."""
    from ape import chain

    ids = {}
    for name, cfg in markets_config.items():
        days = cfg.get("expiry_days")
        expiry = chain.pending_timestamp + days * 86_400 if days else 0
        exchange.addMarket(asset_id(cfg["asset"]), expiry, market_params(cfg), sender=owner)
        ids[name] = exchange.marketCount()
        if min_position := cfg.get("min_position_usd", 0):
            exchange.setMinPositionNotional(ids[name], wad(min_position), sender=owner)
    return ids


def deploy_exchange(
    project: Any, owner: Any, oracle: Any, exchange_config: dict[str, Any], reuse: Reuse | None = None
) -> ExchangeLayer:
    """Deploys the test tokens and a `FuturesExchange` (which creates its `LiquidityPool` and its
    `FuturesAccounts` registry) owned by
    `owner` and priced by `oracle`, sets the minimum liquidation reward, lists the configured
    markets in order (a dated market expires `expiry_days` after now), seeds the pool with the
    configured deposit from `owner`, then sets the pool's cooldown on new LP shares."""
    reuse = reuse or Reuse()
    usdc = deploy_token(project, owner, exchange_config["margin_token"], reuse)
    wbtc = deploy_token(project, owner, exchange_config["spot_token"], reuse)
    exchange = reuse.deploy(
        owner, project.FuturesExchange, owner, oracle, usdc, bps(exchange_config["liquidation_reward_bps"])
    )
    layer = ExchangeLayer(exchange=exchange, pool=project.LiquidityPool.at(exchange.pool()),
                          accounts=project.FuturesAccounts.at(exchange.accounts()), usdc=usdc, wbtc=wbtc)
    min_reward = wad(exchange_config.get("min_liquidation_reward_usd", 0))
    if min_reward and exchange.minLiquidationRewardWad() != min_reward:
        exchange.setMinLiquidationReward(min_reward, sender=owner)

    # A resumed exchange has the config's first markets listed already, in order.
    names = list(exchange_config["markets"])
    listed = exchange.marketCount()
    layer.markets = {name: market_id for market_id, name in enumerate(names[:listed], start=1)}
    for name, market_id in layer.markets.items():  # their minimum positions, unless set
        minimum = wad(exchange_config["markets"][name].get("min_position_usd", 0))
        if minimum and exchange.minPositionNotionalWad(market_id) != minimum:
            exchange.setMinPositionNotional(market_id, minimum, sender=owner)
    layer.markets |= add_markets(exchange, owner, {name: exchange_config["markets"][name] for name in names[listed:]})

    deposit = scaled(exchange_config.get("pool_deposit_usd", 0), usdc.decimals())
    if deposit and not layer.pool.balanceOf(owner):
        _seed(usdc, owner, layer.pool, deposit, lambda: layer.pool.deposit(deposit, owner, sender=owner))
    # After the seed: the owner's deposit stays free to leave; every later one waits.
    cooldown_s = int(exchange_config.get("pool_cooldown_hours", 0) * 3600)
    if cooldown_s and layer.pool.cooldown() != cooldown_s:
        layer.pool.setCooldown(cooldown_s, sender=owner)
    return layer


@dataclass
class VaultLayer:
    """The deployed vault, its read-only lens (`VaultLens`: positions' health), its futures adapter
    (`FuturesCollateral`: the locked accounts) and its synths by symbol (`"sXAU"`)."""

    vault: Any
    lens: Any
    futures: Any
    synths: dict[str, Any] = field(default_factory=dict)


SYNTH_PARAM_KEYS = (
    "minting_ratio_pct", "liquidation_ratio_pct", "liquidation_penalty_pct", "stability_fee_pct_per_year",
)


def synth_params(defaults: dict[str, Any], cfg: dict[str, Any]) -> tuple[int, int, int, int, int, int]:
    """A synth's `IVault.SynthParams` from its config entry over the vault's defaults:
    percentages become WAD fractions, debt limits 18-decimal synth units."""
    merged = {key: cfg.get(key, defaults[key]) for key in SYNTH_PARAM_KEYS}
    minting, liquidation, penalty, fee = (scaled(merged[key], 16) for key in SYNTH_PARAM_KEYS)
    return (minting, liquidation, penalty, fee, scaled(cfg["debt_ceiling"], 18), scaled(cfg["min_debt"], 18))


def shocks(vault_config: dict[str, Any]) -> dict[str, int]:
    """The minting check's shocks to set (`Vault.setShock`), WAD fractions by asset ticker: those
    of `shock_pct` that are not 0 (the vault's default)."""
    return {asset: scaled(pct, 16) for asset, pct in vault_config.get("shock_pct", {}).items() if pct}


def deploy_vault(
    project: Any, owner: Any, oracle: Any, exchange: Any, wbtc: Any, config: dict[str, Any], exchange_owner: Any = None,
    reuse: Reuse | None = None,
) -> VaultLayer:
    """Deploys the `Vault` (owned by `owner`, fees to `owner`; it deploys its own futures adapter)
    and sets its minting check's shocks, its `VaultLens`, and one `SyntheticToken` per configured
    synth, lists each with its parameters and grants the vault minting and burning. The
    exchange's owner (`exchange_owner`, by default `owner`) trusts the vault's adapter as one of
    its mark relays: one exchange serves as many vaults as it trusts adapters. `owner` stays the
    synths' admin until `deploy_liquidation` grants the global settlement its role and renounces
    it."""
    reuse = reuse or Reuse()
    vault_cfg = config["vault"]
    vault = reuse.deploy(owner, project.Vault, owner, oracle, exchange, wbtc, asset_id(vault_cfg["spot_asset"]), owner)
    futures = project.FuturesCollateral.at(vault.futuresCollateral())
    # The adapter passes back the marks the exchange reported earlier in the same liquidation.
    if not exchange.isMarkRelay(futures):
        exchange.setMarkRelay(futures, True, sender=exchange_owner or owner)
    for asset, shock_wad in shocks(vault_cfg).items():
        if vault.shockWad(asset_id(asset)) != shock_wad:
            vault.setShock(asset_id(asset), shock_wad, sender=owner)
    layer = VaultLayer(vault=vault, lens=reuse.deploy(owner, project.VaultLens, vault), futures=futures)
    listed = set(vault.synths())
    for symbol, cfg in config["synths"].items():
        synth = reuse.deploy(owner, project.SyntheticToken, cfg["name"], symbol, asset_id(cfg["asset"]), owner)
        _grant(synth, synth.MINTER_ROLE(), vault, owner)
        _grant(synth, synth.BURNER_ROLE(), vault, owner)
        if synth.address not in listed:
            vault.listSynth(synth, synth_params(vault_cfg, cfg), sender=owner)
        layer.synths[symbol] = synth
    return layer


@dataclass
class LiquidationLayer:
    """The deployed liquidation engine, the insurance fund behind it, the global settlement, and
    one stability pool per synth (by symbol)."""

    engine: Any
    fund: Any
    settlement: Any
    stability_pools: dict[str, Any] = field(default_factory=dict)


def deploy_liquidation(
    project: Any, owner: Any, vault: VaultLayer, usdc: Any, config: dict[str, Any], reuse: Reuse | None = None
) -> LiquidationLayer:
    """Deploys the `InsuranceFund` (in the exchange's stablecoin), the `LiquidationEngine` and the
    `GlobalSettlement`, all owned by `owner`, and wires them: the vault and the fund name the
    engine, the vault names the settlement, the settlement may burn every synth (for
    redemptions after a shutdown), the owner renounces its admin role over every synth (so that
    nobody can grant minting or burning any more), sets the keeper's least bonus, deploys one
    `StabilityPool` per synth and names it to the engine with the keepers' gas compensation, and the
    owner seeds the fund as configured."""
    reuse = reuse or Reuse()
    cfg = config["liquidation"]
    fund = reuse.deploy(owner, project.InsuranceFund, usdc, owner)
    engine = reuse.deploy(
        owner, project.LiquidationEngine, owner, vault.vault, fund, scaled(cfg["keeper_share_pct"], 16),
        scaled(cfg["close_factor_pct"], 16),
    )
    if (min_bonus := wad(cfg.get("min_keeper_bonus_usd", 0))) != engine.minKeeperBonusUsdWad():
        engine.setMinKeeperBonus(min_bonus, sender=owner)
    settlement = reuse.deploy(owner, project.GlobalSettlement, owner, vault.vault)
    if fund.engine() != engine.address:
        fund.setEngine(engine, sender=owner)
    if vault.vault.liquidationEngine() != engine.address:
        vault.vault.setLiquidationEngine(engine, sender=owner)
    if vault.vault.globalSettlement() != settlement.address:
        vault.vault.setGlobalSettlement(settlement, sender=owner)
    for synth in vault.synths.values():
        _grant(synth, synth.BURNER_ROLE(), settlement, owner)
        # The protocol is wired: no role outside it may ever mint or burn a synth.
        if synth.hasRole(synth.DEFAULT_ADMIN_ROLE(), owner):
            synth.renounceRole(synth.DEFAULT_ADMIN_ROLE(), owner, sender=owner)
    pools = {}
    for symbol, synth in vault.synths.items():
        pools[symbol] = reuse.deploy(owner, project.StabilityPool, engine, synth)
        if engine.stabilityPools(synth) != pools[symbol].address:
            engine.setStabilityPool(synth, pools[symbol], sender=owner)
    if (compensation := wad(cfg.get("gas_compensation_usd", 0))) != engine.gasCompensationUsdWad():
        engine.setGasCompensation(compensation, sender=owner)

    deposit = scaled(cfg.get("insurance_fund_deposit_usd", 0), usdc.decimals())
    if deposit and fund.reserves() < deposit:
        _seed(usdc, owner, fund, deposit, lambda: fund.deposit(deposit, sender=owner))
    return LiquidationLayer(engine=engine, fund=fund, settlement=settlement, stability_pools=pools)
