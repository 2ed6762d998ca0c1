"""Market hours as OracleHub counts them: a weekly session in minutes since Monday 00:00 UTC,
written in the config as `"Fri 22:00"`, and the chain moments a test or the demo moves to."""

import re

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_WEEK = 7 * 24 * 60
WEEK_S = 7 * 86_400
# The Unix epoch fell on a Thursday: Monday 00:00 UTC was 3 days earlier (OracleHub's constant).
EPOCH_AFTER_MONDAY_S = 3 * 86_400
_MOMENT = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([01]\d|2[0-3]):([0-5]\d)$")


def minute_of_week(moment: str) -> int:
    """`"Fri 22:00"` as minutes since Monday 00:00 UTC (7,080); a ValueError for anything else."""
    match = _MOMENT.match(moment)
    if match is None:
        raise ValueError(f"{moment!r} is not a weekly moment like 'Fri 22:00' (UTC)")
    day, hour, minute = match.groups()
    return DAYS.index(day) * 1440 + int(hour) * 60 + int(minute)


def week_start(timestamp: int) -> int:
    """The Monday 00:00 UTC at or before `timestamp`."""
    return timestamp - (timestamp + EPOCH_AFTER_MONDAY_S) % WEEK_S


def next_moment(timestamp: int, moment: str) -> int:
    """The first time at or after `timestamp` that is `moment` (e.g. the next "Sat 12:00")."""
    at = week_start(timestamp) + minute_of_week(moment) * 60
    return at if at >= timestamp else at + WEEK_S
