"""Fixtures of the tooling tests. The keeper's tests wire the liquidation engine into a vault:
importing the root's vault and liquidation fixtures here registers them again for this folder,
with a cache of their own (the same deployment, a second instance), so that the vault the vault's
own tests share stays unwired."""

from tests.conftest import engine, insurance_fund, liquidation_layer, synths, vault, vault_layer  # noqa: F401
