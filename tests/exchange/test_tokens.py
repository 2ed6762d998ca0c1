"""The test tokens: OpenZeppelin ERC-20s with the decimals of USDC and WBTC and a local faucet."""

from synthvault.units import scaled


def test_tokens__decimals_and_names(usdc, wbtc):
    assert (usdc.symbol(), usdc.decimals()) == ("USDC", 6)
    assert (wbtc.symbol(), wbtc.decimals()) == ("WBTC", 8)


def test_mint__anyone_on_local_chain(chain, wbtc, attacker):
    assert chain.chain_id == 31337

    wbtc.mint(attacker, scaled("0.5", 8), sender=attacker)

    assert wbtc.balanceOf(attacker) == scaled("0.5", 8)
    assert wbtc.totalSupply() == scaled("0.5", 8)


def test_mint__owner(usdc, owner, trader):
    tx = usdc.mint(trader, scaled(7, 6), sender=owner)

    transfer = tx.events.filter(usdc.Transfer)[0]
    assert (transfer.value, usdc.balanceOf(trader)) == (scaled(7, 6), scaled(7, 6))
