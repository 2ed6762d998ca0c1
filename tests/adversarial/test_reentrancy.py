"""Reentrancy through a spot token that calls out on transfer (`HookToken`, armed by the attacker:
the next transfer calls a target of its choosing). Whatever the hook calls back into, the vault or
the engine, while either is mid-call, reverts with OpenZeppelin's `ReentrancyGuardReentrantCall()`,
the whole transaction with it. A harmless hook shows the hook does fire.
(A vault and engine of their own over the hooked token; BTC $60,000, USD $1, no stability fee.)"""

import pytest

from synthvault.units import wad
from tests.utils.chain import set_price
from tests.utils.constants import MAX_UINT
from tests.utils.custom_errors import reverts
from tests.utils.events import logs

BTC = 10**8


@pytest.fixture
def hooked(hook_system, trader):
    """The hooked vault, engine and token, and a position of 1 BTC owing 30,000 sUSD."""
    vault, engine = hook_system.vault.vault, hook_system.liquidation.engine
    token, susd = hook_system.token, hook_system.vault.synths["sUSD"]
    token.mint(trader, 2 * BTC, sender=trader)
    token.approve(vault, MAX_UINT, sender=trader)
    position_id = vault.open(susd, sender=trader).events.filter(vault.PositionOpened)[0].positionId
    vault.addSpot(position_id, BTC, sender=trader)
    vault.mint(position_id, wad(30_000), sender=trader)
    return vault, engine, token, susd, position_id


def test_hook__harmless_callback__fires_and_the_call_passes(hooked, trader, attacker):
    vault, _, token, _, position_id = hooked
    data = vault.nextPositionId.encode_input()
    token.arm(vault, data, sender=attacker)

    tx = vault.addSpot(position_id, BTC, sender=trader)

    assert logs(tx, token.HookCalled) == [{"target": vault.address, "data": data}]
    assert vault.position(position_id).spotAmount == 2 * BTC


# (the call the hook makes, the call that moves the token), as functions of the fixtures.
REENTRIES = {
    "addSpot_into_removeSpot": (
        lambda v, e, p, attacker: (v, v.removeSpot.encode_input(p, BTC, attacker)),
        lambda v, e, p, trader, keeper: v.addSpot(p, BTC, sender=trader),
    ),
    "removeSpot_into_mint": (
        lambda v, e, p, attacker: (v, v.mint.encode_input(p, wad(1_000))),
        lambda v, e, p, trader, keeper: v.removeSpot(p, BTC // 10, trader, sender=trader),
    ),
    "close_into_addSpot": (
        lambda v, e, p, attacker: (v, v.addSpot.encode_input(p, 1)),
        lambda v, e, p, trader, keeper: v.close(p, sender=trader),
    ),
    "liquidate_seizing_spot_into_the_engine": (
        lambda v, e, p, attacker: (e, e.liquidate.encode_input(p, MAX_UINT, 0)),
        lambda v, e, p, trader, keeper: e.liquidate(p, MAX_UINT, 0, sender=keeper),
    ),
    "liquidate_seizing_spot_into_the_vault": (
        lambda v, e, p, attacker: (v, v.burn.encode_input(p, wad(1))),
        lambda v, e, p, trader, keeper: e.liquidate(p, MAX_UINT, 0, sender=keeper),
    ),
}


@pytest.mark.parametrize("name", REENTRIES)
def test_reentry__through_the_spot_tokens_hook__reverts(hooked, feeds, owner, trader, keeper, attacker, name):
    vault, engine, token, susd, position_id = hooked
    if name.startswith("liquidate"):
        susd.transfer(keeper, wad(30_000), sender=trader)  # the keeper's synth
        set_price(feeds["BTC"], 35_000, owner)  # CR 116.7%: liquidatable
    hook, act = REENTRIES[name]
    target, data = hook(vault, engine, position_id, attacker)
    token.arm(target, data, sender=attacker)

    with reverts(vault.ReentrancyGuardReentrantCall):
        act(vault, engine, position_id, trader, keeper)
