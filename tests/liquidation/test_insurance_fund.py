"""InsuranceFund: inflows from anyone, penalties and shortfall draws by the engine only."""

import pytest

from tests.utils.custom_errors import reverts

USDC = 10**6


# Module-scoped: what they deploy and mint (a million stablecoins to the LP) is undone when the
# module ends, instead of staying in the session's chain for every later test of the worker.
@pytest.fixture(scope="module")
def engine(accounts):
    """An account standing in for the liquidation engine."""
    return accounts[7]


@pytest.fixture(scope="module")
def fund(project, owner, usdc, engine, lp):
    fund = owner.deploy(project.InsuranceFund, usdc, owner)
    fund.setEngine(engine, sender=owner)
    usdc.mint(lp, 1_000_000 * USDC, sender=owner)
    usdc.approve(fund, 2**256 - 1, sender=lp)
    return fund


def test_deposit__amount__pulled_and_event(fund, usdc, lp):
    tx = fund.deposit(500 * USDC, sender=lp)
    assert fund.reserves() == usdc.balanceOf(fund) == 500 * USDC
    assert tx.events.filter(fund.Deposited) == [
        fund.Deposited(**{"from": lp}, amount=500 * USDC, balanceAfter=500 * USDC)]


def test_deposit__zero__reverts(fund, lp):
    with reverts(fund.InsuranceFundZeroAmount):
        fund.deposit(0, sender=lp)


def test_cover_shortfall__balance_enough__pays_all(fund, usdc, lp, engine, keeper):
    fund.deposit(1_000 * USDC, sender=lp)
    tx = fund.coverShortfall(7, keeper, 400 * USDC, sender=engine)
    assert usdc.balanceOf(keeper) == 400 * USDC
    assert fund.reserves() == 600 * USDC
    assert tx.return_value == 400 * USDC
    event = tx.events.filter(fund.ShortfallPaid)[0]
    assert (event.positionId, event.to, event.requested, event.paid, event.balanceAfter) == (
        7, keeper.address, 400 * USDC, 400 * USDC, 600 * USDC)


def test_cover_shortfall__balance_short__pays_what_it_has(fund, usdc, lp, engine, keeper):
    fund.deposit(250 * USDC, sender=lp)
    tx = fund.coverShortfall(3, keeper, 400 * USDC, sender=engine)
    assert usdc.balanceOf(keeper) == 250 * USDC
    assert fund.reserves() == 0
    event = tx.events.filter(fund.ShortfallPaid)[0]
    assert (event.requested, event.paid, event.balanceAfter) == (400 * USDC, 250 * USDC, 0)


def test_cover_shortfall__empty_fund__pays_nothing(fund, usdc, engine, keeper):
    tx = fund.coverShortfall(3, keeper, 400 * USDC, sender=engine)
    assert usdc.balanceOf(keeper) == 0
    assert tx.events.filter(fund.ShortfallPaid)[0].paid == 0


@pytest.mark.parametrize("caller_name", ["owner", "keeper", "attacker"])
def test_cover_shortfall__not_engine__reverts(fund, usdc, lp, caller_name, request):
    caller = request.getfixturevalue(caller_name)
    fund.deposit(1_000 * USDC, sender=lp)
    with reverts(fund.InsuranceFundOnlyEngine, caller=caller):
        fund.coverShortfall(1, caller, 1_000 * USDC, sender=caller)


def test_notify_penalty__engine__event_with_balance(fund, usdc, engine, owner):
    usdc.mint(fund, 30 * USDC, sender=owner)  # the engine transfers first, then notifies
    tx = fund.notifyPenalty(9, 30 * USDC, sender=engine)
    assert tx.events.filter(fund.PenaltyReceived) == [
        fund.PenaltyReceived(positionId=9, amount=30 * USDC, balanceAfter=30 * USDC)]


def test_notify_penalty__not_engine__reverts(fund, attacker):
    with reverts(fund.InsuranceFundOnlyEngine, caller=attacker):
        fund.notifyPenalty(9, 30 * USDC, sender=attacker)


def test_set_engine__owner__changes_and_event(fund, owner, keeper):
    tx = fund.setEngine(keeper, sender=owner)
    assert fund.engine() == keeper.address
    assert tx.events.filter(fund.EngineSet) == [fund.EngineSet(engine=keeper)]


def test_set_engine__same_or_zero__reverts(fund, owner, engine):
    with reverts(fund.InsuranceFundAlreadySet, engine=engine):
        fund.setEngine(engine, sender=owner)
    with reverts(fund.InsuranceFundZeroAddress):
        fund.setEngine("0x0000000000000000000000000000000000000000", sender=owner)


def test_set_engine__not_owner__reverts(fund, attacker):
    with reverts(fund.OwnableUnauthorizedAccount, account=attacker):
        fund.setEngine(attacker, sender=attacker)


def test_notify_penalties__engine__one_event_each_with_the_running_balance(fund, usdc, engine, owner):
    usdc.mint(fund, 100 * USDC, sender=owner)
    usdc.mint(fund, 30 * USDC + 12 * USDC, sender=owner)  # the engine transfers the batch first

    tx = fund.notifyPenalties([4, 9], [30 * USDC, 12 * USDC], sender=engine)

    assert [dict(log.event_arguments) for log in tx.events] == [
        {"positionId": 4, "amount": 30 * USDC, "balanceAfter": 130 * USDC},
        {"positionId": 9, "amount": 12 * USDC, "balanceAfter": 142 * USDC},
    ]


def test_notify_penalties__lengths_differ__reverts(fund, engine):
    with reverts(fund.InsuranceFundLengthMismatch, positionIds=2, amounts=1):
        fund.notifyPenalties([4, 9], [30 * USDC], sender=engine)


def test_notify_penalties__not_engine__reverts(fund, attacker):
    with reverts(fund.InsuranceFundOnlyEngine, caller=attacker):
        fund.notifyPenalties([1], [1], sender=attacker)
