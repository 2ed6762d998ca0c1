"""Replays a price series onto mock feeds, moving the chain's clock with it."""

from collections.abc import Callable, Iterable
from typing import Any

from synthvault.prices import PricePoint
from synthvault.units import scaled

Step = Callable[[int, PricePoint], None]


def replay(
    chain: Any,
    feed: Any,
    points: list[PricePoint],
    sender: Any,
    keep_fresh: Iterable[Any] = (),
    speedup: float = 1.0,
    on_step: Step | None = None,
) -> int:
    """Submits each point's price to `feed` at a chain time that keeps the series' spacing
    (divided by `speedup`, at least one second per step), starting from the chain's next block.
    Feeds in `keep_fresh` get their latest answer again at each step, as live feeds publish at
    least once a heartbeat, so a long replay does not leave them stale. Calls `on_step(i, point)`
    after each round. Returns the number of rounds submitted."""
    decimals = feed.decimals()
    others = [(f, f.latestAnswer()) for f in keep_fresh]
    start_chain = chain.pending_timestamp
    start_series = points[0].timestamp
    last = start_chain - 1
    for i, point in enumerate(points):
        when = max(last + 1, start_chain + int((point.timestamp - start_series) / speedup))
        chain.mine(timestamp=when)
        feed.submit(scaled(point.price, decimals), sender=sender)
        for other, answer in others:
            other.submit(answer, sender=sender)
        last = chain.blocks.head.timestamp
        if on_step:
            on_step(i, point)
    return len(points)
