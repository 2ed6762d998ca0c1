"""Reverts as a user reads them in the console, the keeper's log and the scripts' output: the
custom error by name with its inputs, never "custom error 0x...: ..."."""

import logging

import click
import pytest
from ape.exceptions import ContractLogicError, ProviderError

from synthvault.actions import ActionError
from synthvault.cli import friendly_errors
from synthvault.console import load_ipython_extension
from synthvault.errors import describe_error
from synthvault.keeper import run_forever
from synthvault.manifest import write_manifest
from synthvault.stress.chain import FastChain
from synthvault.units import asset_id
from tests.utils.chain import advance
from tests.utils.scripts import run_make


def _revert(call) -> ContractLogicError:
    with pytest.raises(ContractLogicError) as caught:
        call()
    return caught.value


def test_describe_error__view_reverts__custom_error_with_inputs(chain, system):
    oracle = system.contracts["oracle"]
    unknown = _revert(lambda: oracle.priceWad(asset_id("DOGE")))
    assert describe_error(unknown) == "OracleUnknownAsset(asset='DOGE')"

    updated = system.feeds["BTC"].latestTimestamp()
    advance(chain, 3601)
    stale = _revert(lambda: oracle.priceWad(asset_id("BTC")))
    assert describe_error(stale) == (
        f"OracleStalePrice(asset='BTC', updatedAt={updated}, heartbeat=3600, "
        f"nowTimestamp={chain.blocks.head.timestamp})")


def test_describe_error__transaction_reverts__custom_error_with_inputs(system, trader):
    vault = system.contracts["vault"]
    err = _revert(lambda: vault.mint(99, 1, sender=trader))
    assert describe_error(err) == "VaultUnknownPosition(positionId=99)"


class FakeShell:
    """What `load_ipython_extension` needs of IPython: where the handler goes."""

    def set_custom_exc(self, types, handler):
        self.types, self.handler = types, handler


def test_console_extension__revert_in_the_console__printed_decoded(system, capsys):
    shell = FakeShell()
    load_ipython_extension(shell)
    err = _revert(lambda: system.contracts["oracle"].priceWad(asset_id("DOGE")))

    shell.handler(shell, type(err), err, None)

    assert capsys.readouterr().out == "reverted: OracleUnknownAsset(asset='DOGE')\n"


def test_make_console__view_call_reverts__one_decoded_line_and_no_call_tree(chain, system, tmp_path):
    write_manifest("local", {"chain_id": chain.chain_id, "contracts": system.addresses()}, folder=tmp_path)

    result = run_make(chain, "console", folder=tmp_path, stdin='oracle.priceWad(asset_id("DOGE"))\n')

    assert "reverted: OracleUnknownAsset(asset='DOGE')" in result.stdout, result.stdout + result.stderr
    # ape-foundry's call tree, printed before the error reached the console: "reverted without
    # message" (it has one) and the call, `OracleHub.priceWad(asset="DOGE") -> <?> [24216 gas]`.
    assert "reverted without message" not in result.stdout
    assert "OracleHub.priceWad(" not in result.stdout


def test_console_extension__helper_refusal_in_the_console__printed_as_one_line(capsys):
    shell = FakeShell()
    load_ipython_extension(shell)
    err = ActionError("unknown synth 'sDOGE': one of sETH, sRE, sSPX, sUSD, sXAU")

    shell.handler(shell, type(err), err, None)

    assert ActionError in shell.types
    assert capsys.readouterr().out == "refused: unknown synth 'sDOGE': one of sETH, sRE, sSPX, sUSD, sXAU\n"


def test_run_forever__failing_pass__logged_decoded(system, caplog):
    oracle, calls = system.contracts["oracle"], []

    def step() -> list:
        calls.append(1)
        if len(calls) == 1:
            oracle.priceWad(asset_id("DOGE"))
        return []

    with caplog.at_level(logging.WARNING, logger="synthvault.keeper"):
        errors = run_forever(step, interval_s=1, sleep=lambda _: None, passes=1)

    assert errors == 1
    assert caplog.messages == ["pass failed (OracleUnknownAsset(asset='DOGE')); retrying in 1 s"]


def test_friendly_errors__revert_in_a_script__one_decoded_line(system):
    @friendly_errors
    def script() -> None:
        system.contracts["oracle"].priceWad(asset_id("DOGE"))

    with pytest.raises(click.ClickException) as caught:
        script()
    assert caught.value.format_message() == "reverted: OracleUnknownAsset(asset='DOGE')"


def test_describe_error__revert_inside_a_provider_error__custom_error_with_inputs(chain, system):
    # How Anvil answers a reverted `eth_call` sent as plain JSON-RPC through Ape's provider: the
    # revert data as lossy text in a ProviderError, not a ContractLogicError (a keeper once logged
    # such a transient oracle error as undecoded hex).
    data = system.contracts["oracle"].priceWad.encode_input(asset_id("DOGE"))
    call = {"to": str(system.contracts["oracle"].address), "data": "0x" + bytes(data).hex()}
    with pytest.raises(ProviderError) as caught:
        chain.provider.make_request("eth_call", [call, "latest"])

    assert describe_error(caught.value) == "reverted: OracleUnknownAsset(asset='DOGE')"


def test_fast_chain_call__view_reverts__contract_logic_error_decoded(chain, system):
    with pytest.raises(ContractLogicError) as caught:
        FastChain(chain.provider).call(system.contracts["oracle"].priceWad, asset_id("DOGE"))

    assert describe_error(caught.value) == "OracleUnknownAsset(asset='DOGE')"
