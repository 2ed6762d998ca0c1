"""Price series and their replay onto the mock feeds."""

from decimal import Decimal
from itertools import pairwise

import pytest

from synthvault.prices import PricePoint, btc_monthly_csv, cap_steps, parse_time, read_series, rebase, walk_ohlc
from synthvault.replay import replay
from synthvault.units import asset_id, wad

MARCH_2020 = (parse_time("2020-03-01"), parse_time("2020-03-31"))


def test_read_series__unix_and_iso_times__sorted_points(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("timestamp,price\n1584057600,4970.5\n2020-03-12T00:00:00,7900\n")
    assert read_series(csv) == [
        PricePoint(1583971200, Decimal("7900")),
        PricePoint(1584057600, Decimal("4970.5")),
    ]


def test_read_series__no_price_column__raises(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("timestamp,volume\n1,2\n")
    with pytest.raises(ValueError, match="no price column"):
        read_series(csv)


def test_walk_ohlc__march_2020_bar__open_high_low_close_over_the_month():
    points = walk_ohlc(btc_monthly_csv(), *MARCH_2020)
    start, end = parse_time("2020-02-29"), parse_time("2020-03-31")
    length = end - start
    assert points == [
        PricePoint(start, Decimal("8668.38")),
        PricePoint(start + length // 3, Decimal("9219.13")),
        PricePoint(start + 2 * length // 3, Decimal("3850.0")),
        PricePoint(end, Decimal("6474.59")),
    ]


def test_cap_steps__crash__no_round_moves_more_than_the_bound():
    points = [PricePoint(0, Decimal("9219.13")), PricePoint(900, Decimal("3850"))]
    capped = cap_steps(points, 1000)
    moves = [abs(b.price / a.price - 1) for a, b in pairwise(capped)]
    assert max(moves) <= Decimal("0.1")
    assert len(capped) == 10  # ln(3850/9219.13) / ln(0.9) = 8.29 -> 9 steps after the start
    assert capped[-1] == points[-1]
    assert [p.timestamp for p in capped] == sorted(p.timestamp for p in capped)


def test_rebase__path__same_moves_from_new_level():
    points = [PricePoint(0, Decimal("8000")), PricePoint(1, Decimal("4000"))]
    assert rebase(points, Decimal("60000")) == [PricePoint(0, Decimal("60000")), PricePoint(1, Decimal("30000"))]


def test_replay__crash_path__feed_follows_and_others_stay_fresh(chain, feeds, oracle, owner):
    points = cap_steps(rebase(walk_ohlc(btc_monthly_csv(), *MARCH_2020), Decimal(60000)), 1000)
    start = chain.pending_timestamp
    seen: list[int] = []

    rounds = replay(chain, feeds["BTC"], points, owner, keep_fresh=[feeds["ETH"]], speedup=3600,
                    on_step=lambda i, p: seen.append(oracle.priceWad(asset_id("BTC"))))

    assert rounds == len(points)
    assert seen == [wad(p.price) for p in points]
    # A month of series time at 3600x is about 12 minutes of chain time.
    series_seconds = points[-1].timestamp - points[0].timestamp
    assert chain.blocks.head.timestamp - start == pytest.approx(series_seconds / 3600, abs=len(points))
    assert oracle.priceWad(asset_id("ETH")) == wad(3000)
