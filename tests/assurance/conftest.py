"""The assurance suite runs on the adversarial suite's deployment: a vault of its own wired to a
liquidation engine and an insurance fund (registered again here, with a cache of their own)."""

from tests.adversarial import conftest as _adversarial

vault_layer, vault, lens, synths = (
    _adversarial.vault_layer, _adversarial.vault, _adversarial.lens, _adversarial.synths)
liquidation_layer, engine, insurance_fund = (
    _adversarial.liquidation_layer, _adversarial.engine, _adversarial.insurance_fund)
set_params = _adversarial.set_params
