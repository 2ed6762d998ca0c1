"""What `ape console` puts at hand: the deployed contracts by name and a few helpers (prices, a
position's health, and `make position`'s actions: `open_position`, `deposit`, `mint`, ..., `show`);
and, as an IPython extension (`console: plugins` in ape-config.yaml), reverts shown as their decoded
custom error instead of "custom error 0x7c6298f2: ..."."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ape.exceptions import ApeException, ContractLogicError

from synthvault import actions
from synthvault.actions import ActionError
from synthvault.errors import describe_error
from synthvault.positions import print_position
from synthvault.system import System, attach_system
from synthvault.units import Number, asset_id, from_wad, scaled


def _whole(value: Any) -> Any:
    """A float typed in the console (`0.1`) as the Decimal it reads as, not its binary neighbour."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def position_helpers(system: System, trader: Any, echo: Callable[[str], Any] = print) -> dict[str, Callable[..., Any]]:
    """`make position`'s actions (synthvault/actions.py), signed by `trader` (the test trader on a
    local chain) or by `sender=` (e.g. `deposit(1, 0.5, sender=accounts.load("me"))`): each prints
    its line; `open_position("sUSD")` returns the new position's id, `open_account(20000)` the new
    futures account's (with 20,000 USDC margin, for `lock`). Amounts are whole units, a
    float taken as written (0.1 is 0.1). `show(ID)` prints the position in detail."""

    def bind(do: Callable[..., Any]) -> Callable[..., Any]:
        def helper(*args: Any, sender: Any = None) -> int | None:
            signer = trader if sender is None else sender
            if signer is None:
                raise ActionError(f"{do.__name__}: no test trader on this network; "
                                  "pass sender=accounts.load('<alias>')")
            done = actions.perform(do, system, signer, *map(_whole, args))
            echo(done.line)
            return done[0] if do in (actions.open_position, actions.open_account) else None

        helper.__name__ = helper.__qualname__ = do.__name__
        helper.__doc__ = do.__doc__
        return helper

    def show(position_id: int) -> None:
        """The position in detail: basket, CR, liquidation price, what BTC falling would do."""
        print_position(system, position_id)

    return {**{do.__name__: bind(do) for do in actions.ACTIONS}, "show": show}


def console_namespace(project: Any, manifest: dict[str, Any], owner: Any, trader: Any = None) -> dict[str, Any]:
    """Contracts from a deployment manifest (`oracle`, `feeds`, `exchange`, `futures_accounts` (the
    exchange's account tokens, `FuturesAccounts`: `ownerOf`, `approve`, transfers), `vault`,
    `engine`, `settlement` (the `GlobalSettlement`: shutdown, settle, redeem), `stability_pools`
    (one `StabilityPool` per synth symbol: deposit, withdraw, depositOf, gainsOf), ...) and helpers
    bound to them (not named `accounts`, which stays Ape's account manager):
    `price("BTC")` reads the trusted price in USD; `set_price("BTC", 42000)` submits a round
    to the mock feed, signed by `owner` (the deployer on a local chain); `health(1)` gives a vault
    position's collateral, debt and CR (through the `lens`, `VaultLens`); `open_position("sUSD")`,
    `deposit(1, 0.5)`, `mint(1, 10000)`, `burn`, `withdraw`, `lock`, `trade(1, "BTC-PERP", 0.1)`,
    `close` and `show(1)` act as `make position` does, signed by `trader` (`position_helpers`)."""
    system = attach_system(project, manifest["contracts"])
    oracle = system.contracts["oracle"]

    def price(ticker: str) -> Any:
        return from_wad(oracle.priceWad(asset_id(ticker)))

    def set_price(ticker: str, usd: Number) -> Any:
        feed = system.feeds[ticker]
        return feed.submit(scaled(usd, feed.decimals()), sender=owner)

    def health(position_id: int) -> dict[str, Decimal]:
        """A vault position's collateral and debt in USD and its CR, as `VaultLens.health` reports them."""
        collateral, debt, cr = system.contracts["lens"].health(position_id)
        return {"collateral_usd": from_wad(collateral), "debt_usd": from_wad(debt),
                "cr": from_wad(cr) if cr < 2**256 - 1 else Decimal("Infinity")}

    helpers: dict[str, Callable[..., Any]] = {"price": price, "set_price": set_price, "health": health,
                                              **position_helpers(system, trader)}
    return {**system.contracts, **system.synths, "feeds": system.feeds, "synths": system.synths,
            "stability_pools": system.stability_pools, "markets": system.markets, "manifest": manifest, **helpers}


def show_revert(err: ContractLogicError) -> str:
    """The console's line for a revert: `reverted: OracleStalePrice(asset='BTC', ...)`."""
    return f"reverted: {describe_error(err)}"


def load_ipython_extension(ipython: Any) -> None:
    """Loaded after Ape's own console plugin: reverts are printed decoded and a position helper's
    refusal (`unknown synth 'sDOGE': ...`) as its message; any other Ape error still goes to Ape's
    handler."""
    from ape_console.plugin import custom_exception_handler

    def handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> None:
        if isinstance(value, ContractLogicError):
            print(show_revert(value))
        elif isinstance(value, ActionError):
            print(f"refused: {value}")
        else:
            custom_exception_handler(shell, etype, value, tb, tb_offset)

    ipython.set_custom_exc((ApeException, ActionError), handler)
