"""The keeper's tests wire a liquidation engine into their vault; importing the root's vault and
liquidation fixtures here registers them again for this folder with a cache of their own (the same
deployment, a second instance), so the vault the other suites share stays unwired."""

from tests.conftest import engine, insurance_fund, liquidation_layer, synths, vault, vault_layer  # noqa: F401
