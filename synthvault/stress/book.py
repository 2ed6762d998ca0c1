"""A seeded book of positions: what each one holds, owes and at what CR it mints, drawn from a
`random.Random(seed)` so that the same seed gives the same book on every machine.

Kinds (each equally likely): `long` and `short` (a futures account trading BTC-PERP at a leverage,
locked in the vault), `delta-neutral` (spot WBTC plus a short perpetual of the same BTC size, the
short's leverage over its margin drawn) and `spot-only` (WBTC alone). Every synth equally likely.
Leverage is the perpetual's notional over its margin, 1x to `MAX_LEVERAGE`. The CR each position
mints at is drawn from just over the minting ratio up (`MIN_CR_OVER` over it, then an exponential
tail of mean `CR_TAIL_MEAN`, capped at `MAX_CR`); a directional position may mint less (a higher
CR) where the vault's shock haircut allows less: it keeps a CR of 100% after BTC moves by its shock
against the leverage, so a long or short at leverage L mints at a CR of at least 1 / (1 - shock x L).
The collateral is log-uniform in [`min_collateral_usd`, `max_collateral_usd`], raised where needed
so that the debt is at least `MIN_DEBT_MARGIN` times the synth's minimum debt."""

import math
import random
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

KINDS = ("long", "short", "delta-neutral", "spot-only")
# A directional position at 10x cannot mint under a 10% shock haircut (1 - 0.1 x 10 = 0): the
# book stops just under it.
MAX_LEVERAGE = Decimal("9.5")
MIN_CR_OVER = Decimal("0.01")
CR_TAIL_MEAN = 0.6
MAX_CR = Decimal(4)
MIN_DEBT_MARGIN = Decimal("1.1")


@dataclass(frozen=True)
class PositionSpec:
    """One position of the book, in USD at the prices it is opened at."""

    index: int
    kind: str  # one of KINDS
    synth: str  # "sUSD", ...
    leverage: Decimal  # perpetual notional / margin (1 for spot-only)
    target_cr: Decimal  # the CR it mints at (the haircut's floor included)
    collateral_usd: Decimal  # margin + spot at opening

    @property
    def margin_usd(self) -> Decimal:
        """Stablecoin in its futures account (0 for spot-only)."""
        if self.kind == "spot-only":
            return Decimal(0)
        if self.kind == "delta-neutral":
            return (self.collateral_usd / (1 + self.leverage)).quantize(Decimal("0.01"))
        return self.collateral_usd

    @property
    def spot_usd(self) -> Decimal:
        """Spot BTC locked, in USD (0 for long and short)."""
        return self.collateral_usd - self.margin_usd if self.kind in ("delta-neutral", "spot-only") else Decimal(0)

    @property
    def btc_size_usd(self) -> Decimal:
        """The perpetual's signed notional in USD: + long, - short (0 for spot-only)."""
        if self.kind == "long":
            return self.margin_usd * self.leverage
        if self.kind in ("short", "delta-neutral"):
            return -self.margin_usd * self.leverage
        return Decimal(0)

    @property
    def debt_usd(self) -> Decimal:
        return self.collateral_usd / self.target_cr


@dataclass(frozen=True)
class BookParams:
    """What the book is drawn from: the vault's minting ratio and BTC shock, each synth's minimum
    debt in USD, and the collateral range."""

    minting_ratio: Decimal
    shock: Decimal  # the BTC shock of the minting check (fraction)
    min_debt_usd: dict[str, Decimal]  # synth -> its minimum debt in USD
    min_collateral_usd: Decimal = Decimal(5_000)
    max_collateral_usd: Decimal = Decimal(100_000)


def haircut_cr(kind: str, leverage: Decimal, shock: Decimal) -> Decimal:
    """The lowest CR the shock haircut lets a position mint at: 1 / (1 - shock x exposure), with
    exposure its net BTC exposure over its collateral (L for long and short, 1 for spot-only, 0
    for delta-neutral)."""
    exposure = {"long": leverage, "short": leverage, "spot-only": Decimal(1), "delta-neutral": Decimal(0)}[kind]
    return 1 / (1 - shock * exposure)


def _draw(rng: random.Random, index: int, synths: list[str], params: BookParams) -> PositionSpec:
    kind = rng.choice(KINDS)
    synth = rng.choice(synths)
    leverage = Decimal(1) if kind == "spot-only" else Decimal(rng.randint(10, int(MAX_LEVERAGE * 10))) / 10
    drawn_cr = params.minting_ratio + MIN_CR_OVER + Decimal(str(round(rng.expovariate(1 / CR_TAIL_MEAN), 2)))
    # The haircut's floor, a hair over so that the vault's own rounding accepts it.
    floor = (haircut_cr(kind, leverage, params.shock) * Decimal("1.005")).quantize(Decimal("0.01"), ROUND_UP)
    target_cr = max(min(drawn_cr, MAX_CR), floor)
    low, high = math.log(params.min_collateral_usd), math.log(params.max_collateral_usd)
    collateral = Decimal(str(round(math.exp(rng.uniform(low, high)), 2)))
    needed = (params.min_debt_usd[synth] * MIN_DEBT_MARGIN * target_cr).quantize(Decimal("0.01"), ROUND_UP)
    return PositionSpec(index, kind, synth, leverage, target_cr, max(collateral, needed))


def generate_book(count: int, seed: int, synths: list[str], params: BookParams) -> list[PositionSpec]:
    """`count` positions drawn from `random.Random(seed)`: the same arguments, the same book."""
    rng = random.Random(seed)
    return [_draw(rng, i, list(synths), params) for i in range(count)]


def book_params(config: dict, btc_price: Decimal) -> BookParams:
    """The book's parameters from a checked config (`load_config`): the vault's ratios, the BTC
    shock and each synth's minimum debt at its feed's configured price (BTC at `btc_price`)."""
    feeds = config["oracle"]["feeds"]
    prices = {asset: Decimal(str(feed["price"])) for asset, feed in feeds.items()}
    prices["BTC"] = btc_price
    min_debt = {symbol: Decimal(str(s["min_debt"])) * prices[s["asset"]] for symbol, s in config["synths"].items()}
    vault = config["vault"]
    return BookParams(minting_ratio=Decimal(str(vault["minting_ratio_pct"])) / 100,
                      shock=Decimal(str(vault["shock_pct"]["BTC"])) / 100, min_debt_usd=min_debt)
