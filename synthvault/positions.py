"""The vault's positions as a reader wants them: who owns each, what it locks and owes, its CR
against its synth's ratios and, in detail, against the minting check's shock, read through the
vault and its lens (`make position`, `ape run position`, the console's `show(ID)`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from synthvault.keeper import HEALTH_OK, HEALTH_UNPRICEABLE
from synthvault.report import console, table
from synthvault.system import System
from synthvault.units import asset_id, from_wad


@dataclass(frozen=True)
class PositionRow:
    position_id: int
    owner: str
    synth: str
    spot: Decimal  # spot BTC locked, whole tokens
    account: int | None  # the futures account locked, if any
    debt: Decimal  # whole synth units, fee included
    collateral_usd: Decimal
    debt_usd: Decimal
    cr: Decimal | None  # None: no debt or no trusted price
    minting_ratio: Decimal
    liquidation_ratio: Decimal
    status: str  # "no debt", "healthy", "mintable", "under water", "unpriceable"

    def cells(self) -> tuple[str, ...]:
        cr = "-" if self.cr is None else f"{self.cr * 100:.1f}%"
        return (str(self.position_id), self.owner, self.synth, f"{self.spot:f}", "-" if self.account is None else
                str(self.account), f"{self.debt:,.4f}", f"${self.collateral_usd:,.2f}", cr,
                f"{(self.liquidation_ratio * 100).normalize():f}%", self.status)


COLUMNS = ("id", "owner", "synth", "spot", "account", "debt", "collateral", "CR", "liquidated under", "status")


def _status(health: Any, cr: Decimal, minting: Decimal, liquidation: Decimal) -> str:
    if health.status == HEALTH_UNPRICEABLE:
        return "unpriceable"
    if health.status != HEALTH_OK or not health.debtUsdWad:
        return "no debt"
    if cr < liquidation:
        return "under water"
    return "healthy" if cr < minting else "mintable"


def position_rows(system: System, ids: Iterable[int]) -> list[PositionRow]:
    """Each position of `ids`, read through the vault and the lens (`VaultLens.healthOf`)."""
    vault, lens = system.contracts["vault"], system.contracts["lens"]
    symbols = {str(token.address): symbol for symbol, token in system.synths.items()}
    spot_unit = Decimal(10) ** system.contracts["wbtc"].decimals()
    ids = sorted(ids)
    rows = []
    for position_id, health in zip(ids, lens.healthOf(ids) if ids else [], strict=True):
        position = vault.position(position_id)
        params = vault.synthParams(position.synth)
        minting, liquidation = from_wad(params.mintingRatioWad), from_wad(params.liquidationRatioWad)
        cr = from_wad(health.crWad) if health.status == HEALTH_OK and health.debtUsdWad else None
        rows.append(PositionRow(
            position_id=position_id, owner=str(position.owner),
            synth=symbols.get(str(position.synth), str(position.synth)),
            spot=Decimal(position.spotAmount) / spot_unit, account=position.accountId if position.hasAccount else None,
            debt=from_wad(position.debt), collateral_usd=from_wad(health.collateralUsdWad),
            debt_usd=from_wad(health.debtUsdWad), cr=cr, minting_ratio=minting, liquidation_ratio=liquidation,
            status=_status(health, cr or Decimal(0), minting, liquidation),
        ))
    return rows


# --- One position in detail: its basket, and what BTC moving would do to it (`position show ID`).

SHOCKS = (Decimal("0.10"), Decimal("0.20"), Decimal("0.30"), Decimal("0.50"))  # BTC falls shown


@dataclass(frozen=True)
class Holding:
    """One open futures position of a locked account, as the exchange reports it."""

    market: str
    size: Decimal  # in the market's asset, signed (long > 0)
    entry: Decimal
    mark: Decimal
    pnl: Decimal  # unrealized, USD
    btc: bool  # its market's asset is BTC


@dataclass(frozen=True)
class Basket:
    """A locked futures account: its margin, open positions and what closing it would fetch."""

    account_id: int
    margin: Decimal  # USD
    close_value: Decimal  # `exchange.closeValue`: what the vault's collateral counts
    holdings: tuple[Holding, ...]

    @property
    def btc_exposure(self) -> Decimal:
        """The account's BTC size over its BTC markets (perpetual and dated)."""
        return sum((h.size for h in self.holdings if h.btc), Decimal(0))


@dataclass(frozen=True)
class CollateralModel:
    """The collateral's USD value as a line in the BTC price p: C(p) = base + delta × p.

    Spot-only, exact: base = 0, delta = the spot BTC. With a futures account, an approximation:
    the account's close value moves by its BTC exposure × the move (every BTC market at the same
    price move, the other markets, funding, fees and price impact held where they are now)."""

    btc_price: Decimal
    base: Decimal
    delta: Decimal
    exact: bool

    def collateral_at(self, price: Decimal) -> Decimal:
        return self.base + self.delta * price


def collateral_model(spot: Decimal, btc_price: Decimal, basket: Basket | None) -> CollateralModel:
    if basket is None:
        return CollateralModel(btc_price, Decimal(0), spot, exact=True)
    exposure = basket.btc_exposure
    return CollateralModel(btc_price, basket.close_value - exposure * btc_price, spot + exposure, exact=False)


def liquidation_price(model: CollateralModel, debt_usd: Decimal, liquidation_ratio: Decimal) -> Decimal | None:
    """The BTC price at which the CR reaches the liquidation ratio: C(p) = LR × D. None when no
    BTC price does (no debt, no BTC exposure, or the collateral covers it at any price)."""
    if not debt_usd or not model.delta:
        return None
    price = (liquidation_ratio * debt_usd - model.base) / model.delta
    return price if price > 0 else None


@dataclass(frozen=True)
class LiquidationRule:
    """The engine's sizing rule (`ILiquidationEngine`, step 1) and the penalty's split (step 2)."""

    minting_ratio: Decimal
    liquidation_ratio: Decimal
    penalty: Decimal
    close_factor: Decimal
    keeper_share: Decimal
    min_debt_usd: Decimal

    def repay(self, collateral: Decimal, debt: Decimal) -> Decimal:
        """R in USD: 0 above the liquidation ratio; the whole debt when the position cannot be
        restored (C < D × (1 + penalty)) or would keep less than the minimum debt; else
        R = (MR·D − C) / (MR − 1 − penalty), capped by the close factor."""
        if not debt or collateral >= self.liquidation_ratio * debt:
            return Decimal(0)
        if collateral < debt * (1 + self.penalty):
            return debt
        repay = min((self.minting_ratio * debt - collateral) / (self.minting_ratio - 1 - self.penalty),
                    self.close_factor * debt)
        return debt if debt - repay < self.min_debt_usd else repay

    def seized(self, repay: Decimal, collateral: Decimal, has_account: bool) -> Decimal:
        """What leaves the position for R repaid: R × (1 + penalty), all of it when it has a
        futures account; a spot-only position pays only the keeper's share of the penalty (the
        fund is paid in the stablecoin). Never more than the collateral."""
        share = 1 if has_account else self.keeper_share
        return min(repay * (1 + self.penalty * share), collateral)


@dataclass(frozen=True)
class Shock:
    """The position at a lower BTC price."""

    fall: Decimal  # 0.2: BTC 20% lower
    btc_price: Decimal
    collateral_usd: Decimal
    cr: Decimal | None
    repay_usd: Decimal
    seized_usd: Decimal

    def cells(self) -> tuple[str, ...]:
        return (f"-{self.fall * 100:.0f}%", f"${self.btc_price:,.2f}", f"${self.collateral_usd:,.2f}",
                "-" if self.cr is None else f"{self.cr * 100:.1f}%",
                f"${self.repay_usd:,.2f}" if self.repay_usd else "-",
                f"${self.seized_usd:,.2f}" if self.repay_usd else "-")


SHOCK_COLUMNS = ("BTC", "price", "collateral", "CR", "liquidation repays", "and takes")


def downside(model: CollateralModel, debt_usd: Decimal, rule: LiquidationRule, has_account: bool,
             falls: Iterable[Decimal] = SHOCKS) -> list[Shock]:
    """The CR and what a liquidation would repay and take at each BTC fall (the debt's USD value held)."""
    out = []
    for fall in falls:
        price = model.btc_price * (1 - fall)
        collateral = model.collateral_at(price)
        repay = rule.repay(collateral, debt_usd)
        out.append(Shock(fall, price, collateral, collateral / debt_usd if debt_usd else None, repay,
                         rule.seized(repay, collateral, has_account) if repay else Decimal(0)))
    return out


@dataclass(frozen=True)
class MintRoom:
    """The position against the vault's minting check (`VaultLens.mintRoom`): what its collateral
    could lose in one oracle round of every asset moving against it by the vault's shock for it,
    the CR that would leave (at least 100% to mint), and what it may still mint."""

    shock_loss: Decimal  # USD
    shocked_cr: Decimal | None  # None: no debt
    max_mint: Decimal  # synth units, before the debt ceiling and minimum debt

    def lines(self, synth: str) -> list[str]:
        after = "-" if self.shocked_cr is None else f"{self.shocked_cr * 100:.2f}%"
        return [f"  after the shock: CR {after} (at least 100% to mint; it costs ${self.shock_loss:,.2f})",
                f"  may mint {self.max_mint:,.6f} {synth} more (the minting ratio and the shock kept)"]


def mint_room(system: System, position_id: int) -> MintRoom:
    room = system.contracts["lens"].mintRoom(position_id)
    shocked = from_wad(room.shockedCrWad) if room.debtUsdWad else None
    return MintRoom(from_wad(room.shockLossUsdWad), shocked, from_wad(room.maxMint))


@dataclass(frozen=True)
class PositionDetail:
    row: PositionRow
    basket: Basket | None
    model: CollateralModel
    liquidation_price: Decimal | None
    shocks: list[Shock]
    room: MintRoom


def basket_of(system: System, account_id: int) -> Basket:
    """A futures account as the exchange reports it; market names from the manifest."""
    exchange = system.contracts["exchange"]
    names = {market_id: name for name, market_id in system.markets.items()}
    btc = asset_id("BTC")
    holdings = tuple(
        Holding(names.get(p.marketId, str(p.marketId)), from_wad(p.sizeWad), from_wad(p.entryPriceWad),
                from_wad(p.markPriceWad), from_wad(p.unrealizedPnlWad), bytes(exchange.market(p.marketId).asset) == btc)
        for p in exchange.positions(account_id) if p.sizeWad
    )
    return Basket(account_id, from_wad(exchange.marginOf(account_id)), from_wad(exchange.closeValue(account_id)),
                  holdings)


def liquidation_rule(system: System, synth: Any, debt: Decimal, debt_usd: Decimal) -> LiquidationRule:
    vault, engine = system.contracts["vault"], system.contracts["engine"]
    params = vault.synthParams(synth)
    synth_price = debt_usd / debt if debt else Decimal(0)
    return LiquidationRule(
        minting_ratio=from_wad(params.mintingRatioWad), liquidation_ratio=from_wad(params.liquidationRatioWad),
        penalty=from_wad(params.liquidationPenaltyWad), close_factor=from_wad(engine.closeFactorWad()),
        keeper_share=from_wad(engine.keeperShareWad()), min_debt_usd=from_wad(params.minDebt) * synth_price,
    )


def position_detail(system: System, position_id: int) -> PositionDetail:
    """Position `position_id`: its row, its locked account, and BTC's downside for it."""
    (row,) = position_rows(system, [position_id])
    basket = None if row.account is None else basket_of(system, row.account)
    btc_price = from_wad(system.contracts["oracle"].priceWad(asset_id("BTC")))
    model = collateral_model(row.spot, btc_price, basket)
    rule = liquidation_rule(system, system.contracts["vault"].position(position_id).synth, row.debt, row.debt_usd)
    return PositionDetail(row, basket, model, liquidation_price(model, row.debt_usd, row.liquidation_ratio),
                          downside(model, row.debt_usd, rule, basket is not None), mint_room(system, position_id))


def detail_lines(detail: PositionDetail) -> list[str]:
    """The detail's prose: basket, CR, the liquidation price and how it was found."""
    row, model = detail.row, detail.model
    lines = [f"position {row.position_id} of {row.owner}: owes {row.debt:,.6f} {row.synth} (${row.debt_usd:,.2f}), "
             f"{row.status}",
             f"  spot: {row.spot:f} WBTC (${row.spot * model.btc_price:,.2f} at BTC ${model.btc_price:,.2f})"]
    if detail.basket is None:
        lines.append("  futures account: none")
    else:
        b = detail.basket
        lines.append(f"  futures account {b.account_id}: margin ${b.margin:,.2f}, close value ${b.close_value:,.2f}, "
                     f"BTC exposure {b.btc_exposure:f}")
        lines += [f"    {h.market}: {h.size:f} at ${h.entry:,.2f} (mark ${h.mark:,.2f}, PnL ${h.pnl:,.2f})"
                  for h in b.holdings] or ["    no open positions"]
    cr = "-" if row.cr is None else f"{row.cr * 100:.2f}%"
    lines.append(f"  collateral ${row.collateral_usd:,.2f}, CR {cr} (mint to {row.minting_ratio * 100:.0f}%, "
                 f"liquidated under {row.liquidation_ratio * 100:.0f}%)")
    lines += detail.room.lines(row.synth)
    how = ("exact: spot × price / debt" if model.exact else
           "approximate: the account's close value moved by its BTC exposure × the move, other markets, funding "
           "and closing costs held")
    price = detail.liquidation_price
    if price is None:
        lines.append("  liquidation price: none (no debt, or no BTC price reaches the liquidation ratio)")
    else:
        move = (price / model.btc_price - 1) * 100
        lines.append(f"  liquidated at BTC ${price:,.2f} ({move:+.1f}%; {how})")
    return lines


def print_position(system: System, position_id: int, out: Any = console) -> PositionDetail:
    """Prints one position in detail (`make position ARGS='show ID'`, the console's `show(ID)`): its
    `detail_lines`, and with debt, the table of what BTC falling would do to it. Returns the detail."""
    detail = position_detail(system, position_id)
    for line in detail_lines(detail):
        out.print(line, highlight=False)
    if detail.row.debt_usd:
        how = "exact" if detail.model.exact else "approximate, as above"
        out.print(table(f"If BTC falls ({how}; the debt's value held; a liquidation per the engine's rule)",
                        SHOCK_COLUMNS, [shock.cells() for shock in detail.shocks]))
    return detail
