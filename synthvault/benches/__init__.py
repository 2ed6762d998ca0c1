"""Gas benches by layer; importing this package registers them all, in the order listed."""

from synthvault.benches import exchange, oracle, vault  # noqa: F401
