"""Who signs a script's transactions: a named keyfile account, prompting for each one unless
`--yes` (for a keeper left running), or a test account on a local chain."""

from types import SimpleNamespace

import pytest
from ape.exceptions import SignatureError
from ape_accounts import import_account_from_private_key

from synthvault.cli import signer

LOCAL = SimpleNamespace(name="local")
ALIAS = "synthvault-autosign-test"
PASSPHRASE = "not-a-secret"
# A throwaway key, not one of the test mnemonic's accounts.
KEY = "0x" + "5e" * 32


@pytest.fixture
def keyfile_account(accounts, monkeypatch):
    account = import_account_from_private_key(ALIAS, PASSPHRASE, KEY)
    monkeypatch.setenv(f"APE_ACCOUNTS_{ALIAS}_PASSPHRASE", PASSPHRASE)
    accounts[0].transfer(account, 10**18)
    yield account
    signer(LOCAL, ALIAS).set_autosign(False)  # Ape keeps loaded accounts: lock it for the next test
    account.keyfile_path.unlink()


def test_signer__yes__keyfile_account_signs_without_a_prompt(keyfile_account, accounts, monkeypatch):
    monkeypatch.setattr("click.prompt", lambda *a, **k: pytest.fail("prompted"))
    monkeypatch.setattr("click.confirm", lambda *a, **k: pytest.fail("asked to confirm"))
    bot = signer(LOCAL, ALIAS, autosign=True)
    before = accounts[8].balance

    bot.transfer(accounts[8], 1234)

    assert accounts[8].balance == before + 1234


def test_signer__without_yes__keyfile_account_asks_before_signing(keyfile_account, accounts, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr("click.confirm", lambda text, *a, **k: asked.append(text) or False)
    bot = signer(LOCAL, ALIAS)
    before = accounts[8].balance

    with pytest.raises(SignatureError):
        bot.transfer(accounts[8], 1234)

    assert asked and accounts[8].balance == before


def test_signer__local_chain_without_account__test_account_by_role(accounts):
    assert signer(LOCAL, None, index=3) == accounts[3]
