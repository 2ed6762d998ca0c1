"""`ape console` extras: the deployed Synthvault of the connected network, by name.

Run `make node` in one terminal and `make console` in another; then e.g. `price("BTC")`,
`set_price("BTC", 42000)`, `oracle.priceWad(asset_id("ETH"))`, `feeds["BTC"].latestRoundData()`,
`settlement.shutdownAt()` (the `GlobalSettlement`), and a position as `make position` acts on one,
signed by the test trader (test account 1, funded with 2 WBTC by the deploy):
`p = open_position("sUSD")`, `deposit(p, 0.5)`, `mint(p, 10000)`, `show(p)`, then `burn`, `withdraw`,
`lock`, `trade(p, "BTC-PERP", 0.1)`, `close` (synthvault/console.py).
"""

import contextlib

from synthvault.units import asset_id, from_wad, wad  # noqa: F401  (at hand in the console)

# Held for the console's lifetime: a revert is said in one decoded line (synthvault/console.py's
# handler), not after ape-foundry's call tree ("reverted without message" and the calls).
_QUIET = contextlib.ExitStack()


def ape_init_extras(project, networks, accounts):
    from synthvault.console import console_namespace
    from synthvault.errors import without_call_traces
    from synthvault.preflight import PreflightError, attach_checked

    _QUIET.enter_context(without_call_traces())

    network = networks.provider.network
    local = network.name == "local"
    # The deployer moves the mock feeds; the test trader signs the position helpers.
    owner, trader = (accounts.test_accounts[0], accounts.test_accounts[1]) if local else (None, None)
    try:
        manifest, _ = attach_checked(project, networks.provider, network.name)
        return console_namespace(project, manifest, owner, trader)
    except (FileNotFoundError, PreflightError) as err:
        print(f"synthvault: {err}")
        return {}
