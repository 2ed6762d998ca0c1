"""The deployment config: a readable YAML file of feeds, markets, synths and parameters, parsed into
typed models that refuse what the contracts would refuse, before anything is sent.

Every key is known (a typo is an error naming it, not a default silently deployed), every required
key is there, and every rule a constructor or setter checks on chain is checked here first, with the
same unit conversion the deployment uses (`synthvault.units`), so that a bad config fails in the
shell and never halfway through a deployment. Each rule names the contract error it mirrors."""

import difflib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import yaml
from eth_utils import is_address, to_checksum_address
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, ValidationError, model_validator

from synthvault.market_hours import minute_of_week
from synthvault.units import BPS, WAD, bps, scaled

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "local.yaml"

# The contracts' bounds (contracts/core/Vault.sol, venue/FuturesExchange.sol, venue/LiquidityPool.sol,
# oracle/OracleHub.sol, liquidation/LiquidationEngine.sol), in the units the contracts compare.
MAX_MINTING_RATIO_WAD = 10 * WAD
MAX_LIQUIDATION_PENALTY_WAD = WAD // 2
MAX_STABILITY_FEE_WAD = WAD
MAX_SHOCK_WAD = WAD // 2
MAX_DEBT = 2**96 - 1
MAX_SYNTHS = 255
MAX_TAKER_FEE_WAD = WAD // 100
MAX_LIQUIDATION_REWARD_WAD = WAD // 20
MAX_MIN_LIQUIDATION_REWARD_WAD = 1_000 * WAD
MAX_MIN_POSITION_NOTIONAL_WAD = 1_000_000 * WAD
MAX_COOLDOWN_S = 7 * 86_400
MAX_HEARTBEAT_S = 2**32 - 1
MAX_DECIMALS = 18


class ConfigError(ValueError):
    """A config the deployment refuses, with one line per problem (`path.to.key: what is wrong`)."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        super().__init__(f"{source}: {count}, nothing was sent:\n  " + "\n  ".join(problems))


def _exact(value: Decimal) -> int | Decimal:
    """Whole numbers stay `int` (as YAML wrote them); fractions stay exact `Decimal`s."""
    return int(value) if value == value.to_integral_value() else value


def _plain(value: int | Decimal) -> int | float | Decimal:
    return value


# A number as the config writes it: `60000`, `0.05`; never a float, never NaN.
Amount = Annotated[Decimal, Field(allow_inf_nan=False), AfterValidator(_exact), PlainSerializer(_plain)]
Ticker = Annotated[str, Field(min_length=1, max_length=32)]


def _checksummed(value: str) -> str:
    if not is_address(value):
        raise ValueError(f"{value!r} is not an address")
    return to_checksum_address(value)


# A contract that exists already on the target network (a live feed, a live token).
Address = Annotated[str, AfterValidator(_checksummed)]


class Section(BaseModel):
    """Every config section: unknown keys are errors, and a parsed config does not change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _either_existing_or_new(section: Any, new_keys: tuple[str, ...]) -> None:
    """An existing contract (`address`) or one to deploy (`new_keys`), never both, never neither:
    a key that would be ignored is an error, as everywhere in the config."""
    given = [key for key in new_keys if getattr(section, key) is not None]
    if section.address is not None and given:
        raise ValueError(f"{', '.join(given)} must be left out with address (the contract at address has its own)")
    missing = [key for key in new_keys if getattr(section, key) is None]
    if section.address is None and missing:
        raise ValueError(f"give address (an existing contract) or {', '.join(missing)} (to deploy one)")


class SourceConfig(Section):
    """A price source: an existing Chainlink-style aggregator (`address`), or a mock to deploy at
    `price` (local chains), with `decimals` (8 by default) and a `description`."""

    address: Address | None = None
    description: str | None = None
    price: Amount | None = Field(default=None, gt=0)  # OracleHub refuses non-positive rounds (OracleNonPositivePrice)
    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)  # OracleUnsupportedDecimals
    heartbeat_s: int = Field(gt=0, le=MAX_HEARTBEAT_S)  # OracleInvalidHeartbeat; a uint32
    max_deviation_bps: int = Field(ge=0, le=BPS)  # OracleInvalidMaxDeviation

    @model_validator(mode="after")
    def _existing_or_mock(self) -> "SourceConfig":
        if self.address is not None and self.decimals is not None:
            raise ValueError("decimals must be left out with address (the oracle reads the feed's own)")
        _either_existing_or_new(self, ("description", "price"))
        return self


def _weekly_moment(value: str) -> str:
    minute_of_week(value)  # a ValueError naming the expected form
    return value


# A moment of the week, UTC, as `"Fri 22:00"`.
WeeklyMoment = Annotated[str, AfterValidator(_weekly_moment)]


class SessionConfig(Section):
    """A market's weekly session, UTC: open from `opens` to `closes` (`"Mon 00:00"`, `"Fri 22:00"`;
    across the week's end when `opens` comes later in the week). OracleHub.setSession."""

    opens: WeeklyMoment
    closes: WeeklyMoment

    @model_validator(mode="after")
    def _two_moments(self) -> "SessionConfig":
        if minute_of_week(self.opens) == minute_of_week(self.closes):  # OracleInvalidSession
            raise ValueError("opens and closes must differ (leave the session out for a market always open)")
        return self

    def minutes(self) -> tuple[int, int]:
        """(opens, closes) in minutes since Monday 00:00 UTC, as the hub stores them."""
        return minute_of_week(self.opens), minute_of_week(self.closes)


class FallbackConfig(SourceConfig):
    """A second source for the asset, and how far its price may differ from the primary's (bps of
    the primary's; 0: no cross-check) before minting stops. OracleHub.setFallback."""

    max_disagreement_bps: int = Field(ge=0, le=BPS)  # OracleInvalidMaxDeviation


class FeedConfig(SourceConfig):
    """An asset's feed, with its market's `session` (left out: always open, as crypto) and an
    optional `fallback` feed."""

    session: SessionConfig | None = None
    fallback: FallbackConfig | None = None


class OracleConfig(Section):
    feeds: dict[Ticker, FeedConfig] = Field(min_length=1)


class TokenConfig(Section):
    """A token: an existing one (`address`), or a test token to deploy."""

    address: Address | None = None
    name: str | None = None
    symbol: str | None = None
    decimals: int | None = Field(default=None, ge=0, le=MAX_DECIMALS)  # the exchange and vault scale to 18

    @model_validator(mode="after")
    def _existing_or_test(self) -> "TokenConfig":
        _either_existing_or_new(self, ("name", "symbol", "decimals"))
        return self


class MarketConfig(Section):
    asset: Ticker
    expiry_days: int | None = Field(default=None, gt=0)  # ExchangeInvalidExpiry: after deployment
    initial_margin_bps: Amount
    maintenance_margin_bps: Amount
    taker_fee_bps: Amount = Field(ge=0)
    impact_bps_per_million_usd: Amount = Field(ge=0)
    min_position_usd: Amount = Field(default=0, ge=0)  # ExchangeInvalidMinPositionNotional: at most 1,000,000

    @model_validator(mode="after")
    def _market_params(self) -> "MarketConfig":
        """`FuturesExchange._checkParams` (ExchangeInvalidMarketParams), on the WAD values sent."""
        initial, maintenance = bps(self.initial_margin_bps), bps(self.maintenance_margin_bps)
        problems = []
        if maintenance <= 0:
            problems.append(f"maintenance_margin_bps ({self.maintenance_margin_bps}) must be above 0")
        if maintenance >= initial:
            problems.append(f"maintenance_margin_bps ({self.maintenance_margin_bps}) must be below "
                            f"initial_margin_bps ({self.initial_margin_bps})")
        if initial > WAD:
            problems.append(f"initial_margin_bps ({self.initial_margin_bps}) must be at most {BPS}")
        if bps(self.taker_fee_bps) > MAX_TAKER_FEE_WAD:
            problems.append(f"taker_fee_bps ({self.taker_fee_bps}) must be at most 100")
        if bps(self.impact_bps_per_million_usd) > WAD:
            problems.append(f"impact_bps_per_million_usd ({self.impact_bps_per_million_usd}) must be at most {BPS}")
        if problems:
            raise ValueError("; ".join(problems) + " (the exchange reverts ExchangeInvalidMarketParams)")
        if scaled(self.min_position_usd, 18) > MAX_MIN_POSITION_NOTIONAL_WAD:
            raise ValueError(f"min_position_usd ({self.min_position_usd}) must be at most 1000000 "
                             "(ExchangeInvalidMinPositionNotional)")
        return self


class ExchangeConfig(Section):
    margin_token: TokenConfig
    spot_token: TokenConfig
    liquidation_reward_bps: Amount = Field(ge=0)
    min_liquidation_reward_usd: Amount = Field(default=0, ge=0)
    # Seeded only with a test margin token (the deployment mints it); left out with an existing one.
    pool_deposit_usd: Amount | None = Field(default=None, ge=0)
    pool_cooldown_hours: Amount = Field(default=0, ge=0)
    markets: dict[str, MarketConfig]

    @model_validator(mode="after")
    def _bounds(self) -> "ExchangeConfig":
        problems = []
        if bps(self.liquidation_reward_bps) > MAX_LIQUIDATION_REWARD_WAD:
            problems.append(f"liquidation_reward_bps ({self.liquidation_reward_bps}) must be at most 500 "
                            "(ExchangeInvalidLiquidationReward)")
        if scaled(self.min_liquidation_reward_usd, 18) > MAX_MIN_LIQUIDATION_REWARD_WAD:
            problems.append(f"min_liquidation_reward_usd ({self.min_liquidation_reward_usd}) must be at most 1000 "
                            "(ExchangeInvalidMinLiquidationReward)")
        for name, market in self.markets.items():
            # The smallest position's maintenance margin must pay the minimum reward, or the pool
            # pays it for an owner liquidating its own dust (`setMinPositionNotional`).
            covered = scaled(market.min_position_usd, 18) * bps(market.maintenance_margin_bps) // WAD
            if covered < scaled(self.min_liquidation_reward_usd, 18):
                problems.append(f"markets.{name}.min_position_usd ({market.min_position_usd}) x maintenance_margin_bps "
                                f"({market.maintenance_margin_bps}) must cover min_liquidation_reward_usd "
                                f"({self.min_liquidation_reward_usd}), or the pool pays the minimum reward for dust")
        if int(self.pool_cooldown_hours * 3600) > MAX_COOLDOWN_S:
            problems.append(f"pool_cooldown_hours ({self.pool_cooldown_hours}) must be at most 168, 7 days "
                            "(LiquidityPoolInvalidCooldown)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class RiskParams(Section):
    """A synth's risk parameters, in percent. The vault's section sets them for every synth; a
    synth's entry may override any of them."""

    minting_ratio_pct: Amount | None = None
    liquidation_ratio_pct: Amount | None = None
    liquidation_penalty_pct: Amount | None = None
    stability_fee_pct_per_year: Amount | None = None


RISK_KEYS = tuple(RiskParams.model_fields)


class SynthConfig(RiskParams):
    name: str
    asset: Ticker
    debt_ceiling: Amount = Field(ge=0)  # whole synth units; 0: no ceiling
    min_debt: Amount = Field(ge=0)


class VaultConfig(RiskParams):
    spot_asset: Ticker
    minting_ratio_pct: Amount
    liquidation_ratio_pct: Amount
    liquidation_penalty_pct: Amount
    stability_fee_pct_per_year: Amount
    shock_pct: dict[Ticker, Amount]  # the minting check's one-round move per oracle asset

    @model_validator(mode="after")
    def _shocks(self) -> "VaultConfig":
        """`Vault.setShock` (VaultInvalidShock), on the WAD values sent."""
        problems = [f"shock_pct.{asset} ({pct}) must be between 0 and 50 (VaultInvalidShock)"
                    for asset, pct in self.shock_pct.items() if not 0 <= scaled(pct, 16) <= MAX_SHOCK_WAD]
        if problems:
            raise ValueError("; ".join(problems))
        return self


class LiquidationConfig(Section):
    keeper_share_pct: Amount = Field(ge=0, le=100)  # LiquidationEngineInvalidKeeperShare
    close_factor_pct: Amount = Field(gt=0, le=100)  # LiquidationEngineInvalidCloseFactor
    insurance_fund_deposit_usd: Amount | None = Field(default=None, ge=0)  # as exchange.pool_deposit_usd
    # LiquidationEngineInvalidMinKeeperBonus: at most 1,000
    min_keeper_bonus_usd: Amount = Field(default=0, ge=0, le=1000)
    # LiquidationEngineInvalidGasCompensation: at most 1,000
    gas_compensation_usd: Amount = Field(default=0, ge=0, le=1000)


class GovernanceConfig(Section):
    """Who owns the protocol once deployed (`synthvault/governance.py`): a `ProtocolTimelock`
    (OpenZeppelin's `TimelockController`) whose `proposers` schedule owner calls that wait
    `timelock_delay_hours` (anyone may then run them, or only `executors`), behind a
    `ProtocolOwner` that also lets a `guardian` tighten at once. Left out (local chains), the
    deployer keeps every owner role."""

    timelock_delay_hours: Amount = Field(gt=0)
    proposers: list[Address] = Field(min_length=1)
    executors: list[Address] = Field(default_factory=list)  # empty: anyone runs a ready call
    guardian: Address | None = None


def _risk_problems(params: dict[str, Any], synth: SynthConfig) -> list[str]:
    """`Vault._validate` on one synth's parameters as `deploy.synth_params` sends them."""
    minting, liquidation, penalty, fee = (scaled(params[key], 16) for key in RISK_KEYS)
    ceiling, min_debt = scaled(synth.debt_ceiling, 18), scaled(synth.min_debt, 18)
    m, lr, p, f = (params[key] for key in RISK_KEYS)
    problems = []
    if penalty > MAX_LIQUIDATION_PENALTY_WAD:
        problems.append(f"liquidation_penalty_pct ({p}) must be at most 50 (VaultInvalidLiquidationPenalty)")
    if liquidation < WAD + penalty:
        problems.append(f"liquidation_ratio_pct ({lr}) must be at least 100 + liquidation_penalty_pct ({100 + p}) "
                        "(VaultInvalidLiquidationRatio)")
    if minting <= liquidation:
        problems.append(
            f"minting_ratio_pct ({m}) must be above liquidation_ratio_pct ({lr}) (VaultInvalidMintingRatio)")
    if minting > MAX_MINTING_RATIO_WAD:
        problems.append(f"minting_ratio_pct ({m}) must be at most 1000 (VaultInvalidMintingRatio)")
    if fee > MAX_STABILITY_FEE_WAD:
        problems.append(f"stability_fee_pct_per_year ({f}) must be at most 100 (VaultInvalidStabilityFee)")
    if ceiling > MAX_DEBT or min_debt > MAX_DEBT:
        problems.append(
            f"debt_ceiling and min_debt must be at most {MAX_DEBT / 10**18:.6g} (uint96; VaultInvalidDebtLimits)")
    if ceiling != 0 and min_debt > ceiling:
        problems.append(f"min_debt ({synth.min_debt}) must be at most debt_ceiling ({synth.debt_ceiling}) "
                        "(VaultInvalidDebtLimits)")
    return problems


class DeployConfig(Section):
    """A whole deployment, checked: what `deploy_system` deploys."""

    oracle: OracleConfig
    exchange: ExchangeConfig
    synths: dict[str, SynthConfig] = Field(min_length=1, max_length=MAX_SYNTHS)
    vault: VaultConfig
    liquidation: LiquidationConfig
    governance: GovernanceConfig | None = None

    def risk_params(self, symbol: str) -> dict[str, Any]:
        """A synth's risk parameters: its own entry over the vault's defaults."""
        synth = self.synths[symbol]
        return {key: getattr(synth, key) if getattr(synth, key) is not None else getattr(self.vault, key)
                for key in RISK_KEYS}

    @model_validator(mode="after")
    def _across_sections(self) -> "DeployConfig":
        feeds = self.oracle.feeds
        problems = []
        unknown = "is not a feed in oracle.feeds"
        problems += self._seed_problems()
        if self.vault.spot_asset not in feeds:
            problems.append(f"vault.spot_asset: {self.vault.spot_asset!r} {unknown}")
        problems += [f"vault.shock_pct.{asset}: {asset!r} {unknown}" for asset in self.vault.shock_pct
                     if asset not in feeds]
        no_shock = "has no shock in vault.shock_pct (its leverage would carry no haircut; give 0 for none)"
        if self.vault.spot_asset not in self.vault.shock_pct:
            problems.append(f"vault.spot_asset: {self.vault.spot_asset!r} {no_shock}")
        for name, market in self.exchange.markets.items():
            if market.asset not in feeds:
                problems.append(f"exchange.markets.{name}.asset: {market.asset!r} {unknown} (ExchangeUnknownAsset)")
            elif market.asset not in self.vault.shock_pct:
                problems.append(f"exchange.markets.{name}.asset: {market.asset!r} {no_shock}")
        for symbol, synth in self.synths.items():
            if synth.asset not in feeds:
                problems.append(f"synths.{symbol}.asset: {synth.asset!r} {unknown}")
            problems += [f"synths.{symbol}: {p}" for p in _risk_problems(self.risk_params(symbol), synth)]
        if problems:
            raise ValueError("\n  ".join(problems))
        return self

    def _seed_problems(self) -> list[str]:
        """The seed deposits mint the margin token: each is required with a test token (0 for none)
        and refused with an existing one, which the deployment cannot mint."""
        seeds = {"exchange.pool_deposit_usd": self.exchange.pool_deposit_usd,
                 "liquidation.insurance_fund_deposit_usd": self.liquidation.insurance_fund_deposit_usd}
        if self.exchange.margin_token.address is None:
            return [f"{key}: missing (the deployment's seed deposit of its test margin token; 0 for none)"
                    for key, amount in seeds.items() if amount is None]
        return [f"{key}: a seed deposit needs a test margin token, and exchange.margin_token is an existing one "
                "(leave the key out, or 0; deposit from the owner's balance once deployed)"
                for key, amount in seeds.items() if amount]

    def existing_addresses(self) -> dict[str, str]:
        """The contracts the config names as already deployed, by key path."""
        named = {f"oracle.feeds.{name}.address": feed.address for name, feed in self.oracle.feeds.items()}
        named |= {f"exchange.{key}.address": getattr(self.exchange, key).address
                  for key in ("margin_token", "spot_token")}
        return {path: address for path, address in named.items() if address is not None}

    def to_dict(self) -> dict[str, Any]:
        """The config as the deployment layers read it: plain dicts, defaults filled in, absent
        optional keys left out. Also what the manifest records (only what was applied)."""
        return self.model_dump(exclude_none=True)

    def to_json_dict(self) -> dict[str, Any]:
        """`to_dict` with fractions as JSON numbers, for the manifest."""
        return _jsonable(self.to_dict())


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return float(value) if isinstance(value, Decimal) else value


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc)


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed where `loc` points, for a "did you mean" hint."""
    model: Any = DeployConfig
    for part in loc[:-1]:
        field = model.model_fields.get(str(part)) if isinstance(model, type) else None
        if field is None:
            continue  # a dict's key (a feed, market or synth name): same model below
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        model = args[-1] if args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel) else annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _describe(error: dict[str, Any]) -> str:
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=1)
        return f"{_where(loc)}: unknown key" + (f" (did you mean {close[0]}?)" if close else "")
    if error["type"] == "missing":
        return f"{_where(loc)}: missing"
    message = error["msg"].removeprefix("Value error, ")
    if not loc:
        return message
    if error["type"] == "value_error":
        return f"{_where(loc)}: {message}"
    return f"{_where(loc)}: {message} (got {error['input']!r})"


def parse_config(raw: Any, source: str = "config") -> DeployConfig:
    """The checked model of a config already read (`raw`, a dict); `ConfigError` lists every problem."""
    if not isinstance(raw, dict):
        raise ConfigError(source, [f"expected a mapping of sections, got {type(raw).__name__}"])
    try:
        return DeployConfig.model_validate(raw)
    except ValidationError as err:
        lines = [line for e in err.errors(include_url=False) for line in _describe(e).split("\n  ")]
        raise ConfigError(source, lines) from None


def read_config(path: Path = DEFAULT_CONFIG) -> DeployConfig:
    """Reads and checks a deployment config file."""
    with open(path) as handle:
        raw = yaml.safe_load(handle)
    try:
        source = str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        source = str(path)
    return parse_config(raw, source)


def load_config(path: Path = DEFAULT_CONFIG) -> dict[str, Any]:
    """Reads and checks a deployment config file; the checked config as plain dicts (`to_dict`)."""
    return read_config(path).to_dict()
