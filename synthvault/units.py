"""Units at the edge: the protocol is WAD inside, feeds and tokens have their own decimals."""

from decimal import Decimal

Number = int | float | str | Decimal

# The contracts' `libraries/Units.sol`, mirrored once for the tooling.
WAD = 10**18
RAY = 10**27
BPS = 10_000
ONE_PERCENT_WAD = WAD // 100
SECONDS_PER_YEAR = 365 * 86_400
FEED_DECIMALS = 8


def asset_id(ticker: str) -> bytes:
    """The `bytes32` id of an asset, as the contracts spell it: `bytes32("BTC")`."""
    raw = ticker.encode()
    if len(raw) > 32:
        raise ValueError(f"asset ticker longer than 32 bytes: {ticker!r}")
    return raw.ljust(32, b"\0")


def ticker(asset: bytes) -> str:
    """The inverse of `asset_id`."""
    return bytes(asset).rstrip(b"\0").decode()


def scaled(value: Number, decimals: int) -> int:
    """`value` whole units with `decimals` decimals, exactly (via Decimal, never through a float)."""
    return int(Decimal(str(value)) * (Decimal(10) ** decimals))


def wad(value: Number) -> int:
    """`value` as an 18-decimal fixed-point integer."""
    return scaled(value, 18)


def from_wad(value: int) -> Decimal:
    """A WAD integer as a Decimal."""
    return Decimal(value) / Decimal(WAD)


def bps(value: Number) -> int:
    """`value` basis points as a WAD fraction (50 bps is 0.005e18)."""
    return wad(Decimal(str(value)) / BPS)
