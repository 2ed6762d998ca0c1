"""InsuranceFund: inflows from anyone, penalties and shortfall draws by the engine only."""

import pytest

from tests.utils.custom_errors import reverts

USDC = 10**6


# Module-scoped: what they deploy and mint (a million stablecoins to the LP) is undone when the
# module ends, instead of staying in the session's chain for every later test of the worker.
@pytest.fixture(scope="module")
def engine_account(accounts):
    """An account standing in for the liquidation engine."""
    return accounts[7]


@pytest.fixture(scope="module")
def fund_alone(project, owner, usdc, engine_account, lp):
    fund_alone = owner.deploy(project.InsuranceFund, usdc, owner)
    fund_alone.setEngine(engine_account, sender=owner)
    usdc.mint(lp, 1_000_000 * USDC, sender=owner)
    usdc.approve(fund_alone, 2**256 - 1, sender=lp)
    return fund_alone


def test_deposit__amount__pulled_and_event(fund_alone, usdc, lp):
    tx = fund_alone.deposit(500 * USDC, sender=lp)
    assert fund_alone.reserves() == usdc.balanceOf(fund_alone) == 500 * USDC
    assert tx.events.filter(fund_alone.Deposited) == [
        fund_alone.Deposited(**{"from": lp}, amount=500 * USDC, balanceAfter=500 * USDC)]


def test_deposit__zero__reverts(fund_alone, lp):
    with reverts(fund_alone.InsuranceFundZeroAmount):
        fund_alone.deposit(0, sender=lp)


def test_cover_shortfall__balance_enough__pays_all(fund_alone, usdc, lp, engine_account, keeper):
    fund_alone.deposit(1_000 * USDC, sender=lp)
    tx = fund_alone.coverShortfall(7, keeper, 400 * USDC, sender=engine_account)
    assert usdc.balanceOf(keeper) == 400 * USDC
    assert fund_alone.reserves() == 600 * USDC
    assert tx.return_value == 400 * USDC
    event = tx.events.filter(fund_alone.ShortfallPaid)[0]
    assert (event.positionId, event.to, event.requested, event.paid, event.balanceAfter) == (
        7, keeper.address, 400 * USDC, 400 * USDC, 600 * USDC)


def test_cover_shortfall__balance_short__pays_what_it_has(fund_alone, usdc, lp, engine_account, keeper):
    fund_alone.deposit(250 * USDC, sender=lp)
    tx = fund_alone.coverShortfall(3, keeper, 400 * USDC, sender=engine_account)
    assert usdc.balanceOf(keeper) == 250 * USDC
    assert fund_alone.reserves() == 0
    event = tx.events.filter(fund_alone.ShortfallPaid)[0]
    assert (event.requested, event.paid, event.balanceAfter) == (400 * USDC, 250 * USDC, 0)


def test_cover_shortfall__empty_fund__pays_nothing(fund_alone, usdc, engine_account, keeper):
    tx = fund_alone.coverShortfall(3, keeper, 400 * USDC, sender=engine_account)
    assert usdc.balanceOf(keeper) == 0
    assert tx.events.filter(fund_alone.ShortfallPaid)[0].paid == 0


@pytest.mark.parametrize("caller_name", ["owner", "keeper", "attacker"])
def test_cover_shortfall__not_engine__reverts(fund_alone, usdc, lp, caller_name, request):
    caller = request.getfixturevalue(caller_name)
    fund_alone.deposit(1_000 * USDC, sender=lp)
    with reverts(fund_alone.InsuranceFundOnlyEngine, caller=caller):
        fund_alone.coverShortfall(1, caller, 1_000 * USDC, sender=caller)


def test_notify_penalty__engine__event_with_balance(fund_alone, usdc, engine_account, owner):
    usdc.mint(fund_alone, 30 * USDC, sender=owner)  # the engine transfers first, then notifies
    tx = fund_alone.notifyPenalty(9, 30 * USDC, sender=engine_account)
    assert tx.events.filter(fund_alone.PenaltyReceived) == [
        fund_alone.PenaltyReceived(positionId=9, amount=30 * USDC, balanceAfter=30 * USDC)]


def test_notify_penalty__not_engine__reverts(fund_alone, attacker):
    with reverts(fund_alone.InsuranceFundOnlyEngine, caller=attacker):
        fund_alone.notifyPenalty(9, 30 * USDC, sender=attacker)


def test_set_engine__owner__changes_and_event(fund_alone, owner, keeper):
    tx = fund_alone.setEngine(keeper, sender=owner)
    assert fund_alone.engine() == keeper.address
    assert tx.events.filter(fund_alone.EngineSet) == [fund_alone.EngineSet(engine=keeper)]


def test_set_engine__same_or_zero__reverts(fund_alone, owner, engine_account):
    with reverts(fund_alone.InsuranceFundAlreadySet, engine=engine_account):
        fund_alone.setEngine(engine_account, sender=owner)
    with reverts(fund_alone.InsuranceFundZeroAddress):
        fund_alone.setEngine("0x0000000000000000000000000000000000000000", sender=owner)


def test_set_engine__not_owner__reverts(fund_alone, attacker):
    with reverts(fund_alone.OwnableUnauthorizedAccount, account=attacker):
        fund_alone.setEngine(attacker, sender=attacker)


def test_notify_penalties__engine__one_event_each_with_the_running_balance(fund_alone, usdc, engine_account, owner):
    usdc.mint(fund_alone, 100 * USDC, sender=owner)
    usdc.mint(fund_alone, 30 * USDC + 12 * USDC, sender=owner)  # the engine transfers the batch first

    tx = fund_alone.notifyPenalties([4, 9], [30 * USDC, 12 * USDC], sender=engine_account)

    assert [dict(log.event_arguments) for log in tx.events] == [
        {"positionId": 4, "amount": 30 * USDC, "balanceAfter": 130 * USDC},
        {"positionId": 9, "amount": 12 * USDC, "balanceAfter": 142 * USDC},
    ]


def test_notify_penalties__lengths_differ__reverts(fund_alone, engine_account):
    with reverts(fund_alone.InsuranceFundLengthMismatch, positionIds=2, amounts=1):
        fund_alone.notifyPenalties([4, 9], [30 * USDC], sender=engine_account)


def test_notify_penalties__not_engine__reverts(fund_alone, attacker):
    with reverts(fund_alone.InsuranceFundOnlyEngine, caller=attacker):
        fund_alone.notifyPenalties([1], [1], sender=attacker)
