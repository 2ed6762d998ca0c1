"""The vault's positions as a reader wants them: who owns each, what it locks and owes, its CR
against its synth's ratios, read through the vault and its lens (`make position`, `ape run position`)."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Optional

from synthvault.keeper import HEALTH_OK, HEALTH_UNPRICEABLE
from synthvault.system import System
from synthvault.units import from_wad


@dataclass(frozen=True)
class PositionRow:
    position_id: int
    owner: str
    synth: str
    spot: Decimal  # spot BTC locked, whole tokens
    account: Optional[int]  # the futures account locked, if any
    debt: Decimal  # whole synth units, fee included
    collateral_usd: Decimal
    debt_usd: Decimal
    cr: Optional[Decimal]  # None: no debt or no trusted price
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
    for position_id, health in zip(ids, lens.healthOf(ids) if ids else []):
        position = vault.position(position_id)
        params = vault.synthParams(position.synth)
        minting, liquidation = from_wad(params.mintingRatioWad), from_wad(params.liquidationRatioWad)
        cr = from_wad(health.crWad) if health.status == HEALTH_OK and health.debtUsdWad else None
        rows.append(PositionRow(
            position_id=position_id, owner=str(position.owner), synth=symbols.get(str(position.synth), str(position.synth)),
            spot=Decimal(position.spotAmount) / spot_unit, account=position.accountId if position.hasAccount else None,
            debt=from_wad(position.debt), collateral_usd=from_wad(health.collateralUsdWad),
            debt_usd=from_wad(health.debtUsdWad), cr=cr, minting_ratio=minting, liquidation_ratio=liquidation,
            status=_status(health, cr or Decimal(0), minting, liquidation),
        ))
    return rows
