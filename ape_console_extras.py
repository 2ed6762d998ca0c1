"""`ape console` extras: the deployed Synthvault of the connected network, by name.

Run `make node` in one terminal and `make console` in another; then e.g. `price("BTC")`,
`set_price("BTC", 42000)`, `oracle.priceWad(asset_id("ETH"))`, `feeds["BTC"].latestRoundData()`,
`settlement.shutdownAt()` (the `GlobalSettlement`).
"""

from synthvault.units import asset_id, from_wad, wad  # noqa: F401  (at hand in the console)


def ape_init_extras(project, networks, accounts):
    from synthvault.console import console_namespace
    from synthvault.preflight import PreflightError, attach_checked

    network = networks.provider.network
    owner = accounts.test_accounts[0] if network.name == "local" else None
    try:
        manifest, _ = attach_checked(project, networks.provider, network.name)
        return console_namespace(project, manifest, owner)
    except (FileNotFoundError, PreflightError) as err:
        print(f"synthvault: {err}")
        return {}
