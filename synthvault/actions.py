"""What a position's owner does without code (`make position ARGS='open sUSD'`, `deposit 3 0.5`, ...,
and the console's `open_position("sUSD")`, `deposit(3, 0.5)`, ...): each action sends its
transactions and says in one line what happened. Amounts are whole units (Decimal), converted here;
the vault and the exchange check the rest and revert with their errors."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

from synthvault.errors import without_call_traces
from synthvault.system import System
from synthvault.units import from_wad, scaled, wad

SLIPPAGE = Decimal("0.02")  # a trade's price limit: 2% worse than the exchange's quote


class Done(NamedTuple):
    """What an action did: the position it acted on, and the line saying so."""

    position_id: int
    line: str


class AccountOpened(NamedTuple):
    """A futures account opened on the exchange for the sender (no position yet: `lock` puts it in one)."""

    account_id: int
    line: str


class ActionError(ValueError):
    """An argument no contract could take (an unknown synth or market): said before sending anything."""


def _named(kind: str, name: str, known: dict[str, Any]) -> Any:
    if name not in known:
        raise ActionError(f"unknown {kind} {name!r}: one of {', '.join(sorted(known))}")
    return known[name]


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise ActionError(f"the amount must be positive, not {amount}")
    return amount


def _spot_units(system: System, amount: Decimal) -> int:
    return scaled(_positive(amount), system.contracts["wbtc"].decimals())


def open_position(system: System, sender: Any, synth: str) -> Done:
    """Open an empty position owing SYNTH (sUSD, sXAU, ...)."""
    token = _named("synth", synth, system.synths)
    position_id = system.contracts["vault"].open(token, sender=sender).return_value
    return Done(position_id, f"opened position {position_id} owing {synth}")


def deposit(system: System, sender: Any, position_id: int, amount: Decimal) -> Done:
    """Add AMOUNT spot WBTC to the position, approving the vault first when its allowance is short."""
    vault, wbtc = system.contracts["vault"], system.contracts["wbtc"]
    units = _spot_units(system, amount)
    approved = ""
    if wbtc.allowance(sender, vault) < units:
        wbtc.approve(vault, units, sender=sender)
        approved = f" (approved the vault for {amount} WBTC first)"
    vault.addSpot(position_id, units, sender=sender)
    return Done(position_id, f"deposited {amount} WBTC into position {position_id}{approved}")


def withdraw(system: System, sender: Any, position_id: int, amount: Decimal) -> Done:
    """Take AMOUNT spot WBTC out of the position, to its owner."""
    system.contracts["vault"].removeSpot(position_id, _spot_units(system, amount), sender, sender=sender)
    return Done(position_id, f"withdrew {amount} WBTC from position {position_id} to {sender.address}")


def open_account(system: System, sender: Any, margin: Decimal) -> AccountOpened:
    """Open a futures account on the exchange with MARGIN USDC, approving the exchange first when its
    allowance is short; `lock` puts it into a position."""
    exchange, usdc = system.contracts["exchange"], system.contracts["usdc"]
    units = scaled(_positive(margin), usdc.decimals())
    approved = ""
    if usdc.allowance(sender, exchange) < units:
        usdc.approve(exchange, units, sender=sender)
        approved = f" (approved the exchange for {margin} USDC first)"
    account_id = exchange.openAccount(sender=sender).return_value
    exchange.depositMargin(account_id, units, sender=sender)
    return AccountOpened(account_id, f"opened futures account {account_id} with {margin} USDC margin{approved}")


def lock(system: System, sender: Any, position_id: int, account_id: int) -> Done:
    """Approve the vault for futures account ACCOUNT_ID and lock it into the position."""
    vault = system.contracts["vault"]
    system.contracts["futures_accounts"].approve(vault, account_id, sender=sender)
    vault.lock(position_id, account_id, sender=sender)
    return Done(position_id, f"locked futures account {account_id} into position {position_id}")


def price_limit(quote_wad: int, buying: bool, slippage: Decimal = SLIPPAGE) -> int:
    """The worst fill accepted: `slippage` above the quote for a buy, below it for a sell."""
    return int(Decimal(quote_wad) * (1 + slippage if buying else 1 - slippage))


def trade(system: System, sender: Any, position_id: int, market: str, size: Decimal,
          slippage: Decimal = SLIPPAGE) -> Done:
    """Trade SIZE (in the market's asset, e.g. BTC for BTC-PERP; negative sells) on MARKET with the
    position's locked account, through the vault, at most 2% worse than the exchange's quote."""
    market_id = _named("market", market, system.markets)
    if not size:
        raise ActionError("the size must not be 0")
    size_wad = wad(size)
    quote, _ = system.contracts["exchange"].quote(market_id, size_wad)
    limit = price_limit(quote, size > 0, slippage)
    fill = system.contracts["vault"].trade(position_id, market_id, size_wad, limit, sender=sender).return_value
    side = "bought" if size > 0 else "sold"
    return Done(position_id, f"{side} {abs(size)} {market} for position {position_id} at ${from_wad(fill):,.2f} "
                f"(quoted ${from_wad(quote):,.2f}, limit ${from_wad(limit):,.2f})")


def mint(system: System, sender: Any, position_id: int, amount: Decimal) -> Done:
    """Mint AMOUNT synth against the position."""
    system.contracts["vault"].mint(position_id, wad(_positive(amount)), sender=sender)
    return Done(position_id, f"minted {amount} {_symbol(system, position_id)} against position {position_id}")


def burn(system: System, sender: Any, position_id: int, amount: Decimal) -> Done:
    """Repay up to AMOUNT synth of the position's debt (at or over the debt: all of it)."""
    symbol = _symbol(system, position_id)
    burned = system.contracts["vault"].burn(position_id, wad(_positive(amount)), sender=sender).return_value
    return Done(position_id, f"burned {from_wad(burned)} {symbol} against position {position_id}")


def close(system: System, sender: Any, position_id: int) -> Done:
    """Repay the whole debt from the sender's synth and take the spot and the account back."""
    system.contracts["vault"].close(position_id, sender=sender)
    return Done(position_id,
                f"closed position {position_id}: debt repaid, spot and account returned to {sender.address}")


def _symbol(system: System, position_id: int) -> str:
    synth = str(system.contracts["vault"].position(position_id).synth)
    return next((symbol for symbol, token in system.synths.items() if str(token.address) == synth), synth)


# Every action, by the name the console gives it (`make position` names them open, account, deposit, ...).
ACTIONS: tuple[Callable[..., Done | AccountOpened], ...] = (
    open_position, open_account, deposit, withdraw, lock, trade, mint, burn, close)


def perform(do: Callable[..., Any], system: System, sender: Any, *args: Any, **kwargs: Any) -> Any:
    """`do(system, sender, *args, **kwargs)` as `make position` and the console run it: a revert is raised
    (for the caller to say decoded, in one line) without ape-foundry printing its call tree first."""
    with without_call_traces():
        return do(system, sender, *args, **kwargs)
