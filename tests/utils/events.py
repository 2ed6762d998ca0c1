"""Events of a receipt, as plain dicts that compare exactly."""

from typing import Any


def logs(tx: Any, event: Any) -> list[dict[str, Any]]:
    """The arguments of every `event` (e.g. `vault.Minted`) the receipt holds, in order."""
    return [dict(log.event_arguments) for log in tx.events.filter(event)]
