"""SyntheticToken: metadata, supply only through the roles, ERC-2612 permits."""

import pytest
from eth_account.messages import encode_typed_data

from synthvault.system import deploy_system
from synthvault.units import asset_id, wad
from tests.utils.constants import ZERO_ADDRESS as ZERO
from tests.utils.custom_errors import reverts
from tests.utils.events import logs


@pytest.fixture(scope="module")
def sxau(synths):
    return synths["sXAU"]


def permit_signature(token, signer, spender, value, deadline, owner=None):
    """`signer`'s ERC-2612 permit of `owner`'s tokens (its own by default) for `spender`, signed
    over the token's EIP-712 domain."""
    owner = owner or signer
    message = {
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"},
                {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"},
            ],
            "Permit": [
                {"name": "owner", "type": "address"},
                {"name": "spender", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "nonce", "type": "uint256"},
                {"name": "deadline", "type": "uint256"},
            ],
        },
        "primaryType": "Permit",
        "domain": {
            "name": token.name(),
            "version": "1",
            "chainId": token.chain_manager.chain_id,
            "verifyingContract": token.address,
        },
        "message": {
            "owner": owner.address,
            "spender": str(spender),
            "value": value,
            "nonce": token.nonces(owner),
            "deadline": deadline,
        },
    }
    return signer.sign_message(encode_typed_data(full_message=message))


def test_deploy__configured_synths__track_their_assets_with_18_decimals(synths, config):
    assert set(synths) == {"sUSD", "sXAU", "sETH", "sSPX", "sRE"}
    for symbol, cfg in config["synths"].items():
        token = synths[symbol]
        assert (token.name(), token.symbol(), token.decimals()) == (cfg["name"], symbol, 18)
        assert token.asset() == asset_id(cfg["asset"])
        assert token.totalSupply() == 0


@pytest.fixture
def token(project, accounts, owner):
    """A synth of the test's own, not wired into the protocol: `owner` is still its admin. (From
    an account that deploys nothing else, not even in another module: Ape caches types by
    address, and an address reused after a snapshot revert would be decoded with this ABI.)"""
    return accounts[9].deploy(project.SyntheticToken, "Synthvault Gold (test)", "sXAUt", asset_id("XAU"), owner)


@pytest.fixture(scope="module")
def wired(project, owner, config):
    """The whole system as `deploy_system` wires it, engine and global settlement included.
    Module-scoped: it must not outlive this module's snapshot, since the session's vault is tested
    unwired elsewhere."""
    return deploy_system(project, owner, config)


def test_roles__deployed__vault_mints_and_burns_settlement_burns_and_nobody_administers(wired, owner):
    sxau, vault, engine = wired.synths["sXAU"], wired.contracts["vault"], wired.contracts["engine"]
    settlement = wired.contracts["settlement"]
    assert sxau.hasRole(sxau.MINTER_ROLE(), vault)
    assert sxau.hasRole(sxau.BURNER_ROLE(), vault)
    assert sxau.hasRole(sxau.BURNER_ROLE(), settlement)
    assert not sxau.hasRole(sxau.MINTER_ROLE(), settlement)
    assert not sxau.hasRole(sxau.MINTER_ROLE(), engine)
    assert not sxau.hasRole(sxau.BURNER_ROLE(), engine)
    assert not sxau.hasRole(sxau.DEFAULT_ADMIN_ROLE(), owner)
    assert not sxau.hasRole(sxau.MINTER_ROLE(), owner)
    assert not sxau.hasRole(sxau.BURNER_ROLE(), owner)


def test_grant_role__deployer_after_deployment__reverts(wired, owner):
    # The deployer kept the admin role and could grant minting to anyone; the deployment now
    # renounces it once the vault and the global settlement hold their roles.
    for synth in wired.synths.values():
        with reverts(synth.AccessControlUnauthorizedAccount, account=owner.address,
                     neededRole=synth.DEFAULT_ADMIN_ROLE()):
            synth.grantRole(synth.MINTER_ROLE(), owner, sender=owner)


def test_constructor__zero_admin__reverts(project, feeder):
    # From an account no other test deploys from (see test_params: Ape caches types by address).
    with reverts(project.SyntheticToken.SyntheticTokenZeroAddress):
        feeder.deploy(project.SyntheticToken, "Synthvault Gold", "sXAU", asset_id("XAU"), ZERO)


def test_mint__minter__mints(token, owner, trader):
    token.grantRole(token.MINTER_ROLE(), owner, sender=owner)

    tx = token.mint(trader, wad(3), sender=owner)

    assert token.balanceOf(trader) == wad(3)
    assert token.totalSupply() == wad(3)
    assert logs(tx, token.Transfer) == [{"from": ZERO, "to": trader.address, "value": wad(3)}]


def test_burn__burner__burns_without_allowance(token, owner, trader):
    for role in (token.MINTER_ROLE(), token.BURNER_ROLE()):
        token.grantRole(role, owner, sender=owner)
    token.mint(trader, wad(3), sender=owner)

    tx = token.burn(trader, wad(1), sender=owner)

    assert token.balanceOf(trader) == wad(2)
    assert token.totalSupply() == wad(2)
    assert logs(tx, token.Transfer) == [{"from": trader.address, "to": ZERO, "value": wad(1)}]


@pytest.mark.parametrize("action", ["mint", "burn"])
def test_supply__without_role__reverts(token, owner, attacker, action):
    role = token.MINTER_ROLE() if action == "mint" else token.BURNER_ROLE()

    with reverts(token.AccessControlUnauthorizedAccount, account=attacker.address, neededRole=role):
        getattr(token, action)(attacker, wad(1), sender=attacker)

    # Even the admin cannot create supply without granting itself the role first.
    with reverts(token.AccessControlUnauthorizedAccount, account=owner.address, neededRole=role):
        getattr(token, action)(owner, wad(1), sender=owner)


def test_grant_role__not_admin__reverts(token, attacker):
    with reverts(token.AccessControlUnauthorizedAccount, account=attacker.address):
        token.grantRole(token.MINTER_ROLE(), attacker, sender=attacker)


def test_renounce_admin__renounced__nobody_can_grant_roles(token, owner, attacker):
    token.renounceRole(token.DEFAULT_ADMIN_ROLE(), owner, sender=owner)

    assert not token.hasRole(token.DEFAULT_ADMIN_ROLE(), owner)
    with reverts(token.AccessControlUnauthorizedAccount, account=owner.address):
        token.grantRole(token.MINTER_ROLE(), owner, sender=owner)


def test_permit__valid_signature__sets_allowance_and_spends_nonce(sxau, trader, keeper, chain):
    deadline = chain.pending_timestamp + 3600
    sig = permit_signature(sxau, trader, keeper.address, wad(5), deadline)

    tx = sxau.permit(trader, keeper, wad(5), deadline, sig.v, sig.r, sig.s, sender=keeper)

    assert sxau.allowance(trader, keeper) == wad(5)
    assert sxau.nonces(trader) == 1
    assert logs(tx, sxau.Approval) == [{"owner": trader.address, "spender": keeper.address, "value": wad(5)}]


def test_permit__replayed__reverts(sxau, trader, keeper, chain):
    deadline = chain.pending_timestamp + 3600
    sig = permit_signature(sxau, trader, keeper.address, wad(5), deadline)
    sxau.permit(trader, keeper, wad(5), deadline, sig.v, sig.r, sig.s, sender=keeper)

    # The signature was over nonce 0; the token now expects 1, so it recovers another signer.
    with reverts(sxau.ERC2612InvalidSigner, owner=trader.address):
        sxau.permit(trader, keeper, wad(5), deadline, sig.v, sig.r, sig.s, sender=keeper)


def test_permit__expired__reverts(sxau, trader, keeper, chain):
    deadline = chain.pending_timestamp - 1
    sig = permit_signature(sxau, trader, keeper.address, wad(5), deadline)

    with reverts(sxau.ERC2612ExpiredSignature, deadline=deadline):
        sxau.permit(trader, keeper, wad(5), deadline, sig.v, sig.r, sig.s, sender=keeper)


def test_permit__signed_by_someone_else__reverts(sxau, trader, attacker, chain):
    deadline = chain.pending_timestamp + 3600
    sig = permit_signature(sxau, attacker, attacker.address, wad(5), deadline, owner=trader)

    with reverts(sxau.ERC2612InvalidSigner, signer=attacker.address, owner=trader.address):
        sxau.permit(trader, attacker, wad(5), deadline, sig.v, sig.r, sig.s, sender=attacker)
