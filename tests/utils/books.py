"""A reading of everything a call can move, for any deployment (the shared vault, a vault of a
test's own): the positions' stored state and their futures accounts, every synth's debt book, and
the balances of the given holders in every token. No price is read, so the books read as well when
the prices are stale, zero or frozen. Read around a call that goes through (a batch must leave the
positions it passes over as they were); a reverted call changes nothing, so none is read around one."""

from collections.abc import Callable, Iterable
from typing import Any

from ape import project
from ape.exceptions import ContractLogicError


def books_of(vault: Any, synths: Iterable[Any], tokens: Iterable[Any], holders: Iterable[Any],
             exchange: Any = None) -> Callable[..., tuple]:
    """`read(*position_ids)`, for `before == after`: each position (stored state, `None` once
    closed) with its account's owner, margin and size and entry in every market; each synth's
    index, accrual time, shares, supply and bad debt; and each holder's balance of every token
    (synths included)."""
    synths, holders = list(synths), list(holders)
    tokens = [*tokens, *synths]

    def read(*position_ids: int) -> tuple:
        positions = []
        for position_id in position_ids:
            try:
                p = vault.position(position_id)
            except ContractLogicError:  # unknown or closed
                positions.append(None)
                continue
            account = ()
            if p.hasAccount and exchange is not None:
                markets = range(1, exchange.marketCount() + 1)
                registry = project.FuturesAccounts.at(exchange.accounts())
                account = (registry.ownerOf(p.accountId), exchange.signedMarginOf(p.accountId),
                           tuple(tuple(exchange.position(p.accountId, m)) for m in markets))
            positions.append((tuple(p)[:-1], account))
        debt_books = tuple((tuple(vault.synthDebt(s))[:3], s.totalSupply(), vault.badDebt(s)) for s in synths)
        balances = tuple(tuple(token.balanceOf(h) for token in tokens) for h in holders)
        return tuple(positions), debt_books, balances, vault.isShutdown()

    return read
