"""The wrong caller, where being trusted elsewhere might pass for being allowed: the vault's own
owner calling the engine's or the global settlement's hooks, the synths' admin and a position's owner minting or burning
synth directly, the vault's owner drawing on the insurance fund; and a locked account's old owner
trying to take the account token back or hand it to someone else. Each is refused with its error.
(The same by an outsider: tests/liquidation/test_vault_hooks.py,
tests/synth, tests/liquidation/test_insurance_fund.py, tests/vault/test_futures_accounts.py.)"""

from synthvault.units import wad
from tests.utils.constants import ZERO_ADDRESS
from tests.utils.custom_errors import reverts


def test_hooks__the_vaults_owner__not_the_engine_nor_the_settlement__revert(vault, owner, open_position,
                                                                            no_fee):
    position_id = open_position("sXAU", spot_btc=1, mint=10)
    engine_hooks = {
        vault.seizeSpot: (position_id, 1, owner), vault.closeFutures: (position_id, wad(1), [], 0, 0, owner),
        vault.seizeMargin: (position_id, 1, owner), vault.repayFor: (position_id, owner, 1, ZERO_ADDRESS, 0),
        vault.writeOff: (position_id,),
    }
    settlement_hooks = {vault.shutdown: (), vault.settleDebt: (position_id,)}

    for hook, args in engine_hooks.items():
        with reverts(vault.VaultNotLiquidationEngine, caller=owner):
            hook(*args, sender=owner)
    for hook, args in settlement_hooks.items():
        with reverts(vault.VaultNotGlobalSettlement, caller=owner):
            hook(*args, sender=owner)


def test_synth_supply__admin_or_holder_without_the_role__reverts(synths, owner, trader, open_position, no_fee):
    open_position("sXAU", spot_btc=1, mint=10)
    sxau = synths["sXAU"]

    # The admin may grant the roles but holds neither; the holder may not burn its way out of debt.
    for who, call, role in ((owner, sxau.mint, sxau.MINTER_ROLE()), (owner, sxau.burn, sxau.BURNER_ROLE()),
                            (trader, sxau.burn, sxau.BURNER_ROLE())):
        with reverts(sxau.AccessControlUnauthorizedAccount, account=who, neededRole=role):
            call(trader, wad(1), sender=who)


def test_cover_shortfall__the_vault_owner__reverts(insurance_fund, owner):
    with reverts(insurance_fund.InsuranceFundOnlyEngine, caller=owner):
        insurance_fund.coverShortfall(1, owner, 10**6, sender=owner)


def test_locked_account__old_owner_cannot_take_or_hand_over_the_token(vault, futures_accounts, trader, attacker,
                                                                     futures_position, no_fee):
    _, account_id = futures_position("sUSD", margin=10_000, btc_size=-1, mint=3_000)

    with reverts(futures_accounts.ERC721InsufficientApproval, operator=trader, tokenId=account_id):
        futures_accounts.transferFrom(vault, trader, account_id, sender=trader)
    with reverts(futures_accounts.ERC721InsufficientApproval, operator=trader, tokenId=account_id):
        futures_accounts.safeTransferFrom(vault, attacker, account_id, sender=trader)
    with reverts(futures_accounts.ERC721InvalidApprover, approver=trader):
        futures_accounts.approve(attacker, account_id, sender=trader)
