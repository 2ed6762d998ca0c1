"""Price series and their replay onto the mock feeds."""

from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import click
import pytest

from synthvault.cli import friendly_errors
from synthvault.prices import (
    PricePoint,
    btc_monthly_csv,
    cap_steps,
    has_ohlc,
    merge_repeats,
    parse_time,
    read_series,
    rebase,
    walk_ohlc,
)
from synthvault.replay import SeriesWindowError, load_series, replay
from synthvault.units import asset_id, wad

MARCH_2020 = (parse_time("2020-03-01"), parse_time("2020-03-31"))
README = Path(__file__).parents[2] / "README.md"


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


def test_replay__keeper_moves_the_chain_between_rounds__each_round_lands_after_it(chain, feeds, oracle, owner):
    # Hourly points at 3600x are one chain second apart; a keeper acting after each round mines
    # blocks of its own, later than the round's, before the next round is scheduled.
    points = [PricePoint(3600 * i, Decimal(60_000 - 1000 * i)) for i in range(4)]
    after_keeper: list[int] = []

    def keeper_acts(i: int, point: PricePoint) -> None:
        chain.mine(timestamp=chain.blocks.head.timestamp + 5)
        after_keeper.append(chain.blocks.head.timestamp)

    rounds = replay(chain, feeds["BTC"], points, owner, speedup=3600, on_step=keeper_acts)

    assert rounds == 4
    assert oracle.priceWad(asset_id("BTC")) == wad(57_000)
    # Each round after the first was mined after what the keeper did in the one before.
    _, _, _, updated_at, _ = feeds["BTC"].latestRoundData()
    assert updated_at > after_keeper[-2]


def test_load_series__own_csv_without_a_window__its_whole_window(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("time,price\n2021-05-01T00:00:00,50000\n2021-05-01T01:00:00,40000\n")

    path, points = load_series(csv)

    assert path == csv
    assert points == [PricePoint(parse_time("2021-05-01T00:00:00"), Decimal(50000)),
                      PricePoint(parse_time("2021-05-01T01:00:00"), Decimal(40000))]


def test_load_series__no_csv__the_built_in_march_2020_window():
    path, points = load_series(None)

    assert path == btc_monthly_csv()
    assert points == walk_ohlc(btc_monthly_csv(), parse_time("2020-02-01"), parse_time("2020-04-30"))


def test_load_series__window_outside_the_file__one_line_error_naming_the_options(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("time,price\n2021-05-01T00:00:00,50000\n2021-05-01T01:00:00,40000\n")

    with pytest.raises(SeriesWindowError) as raised:
        load_series(csv, start="2020-02-01", end="2020-04-30")

    message = str(raised.value)
    assert "\n" not in message
    assert "--start 2020-02-01" in message and "--end 2020-04-30" in message
    assert "2021-05-01 00:00" in message and "2021-05-01 01:00" in message  # what the file holds
    with pytest.raises(click.ClickException, match="--start"):  # said by the scripts as one line
        friendly_errors(lambda: load_series(csv, start="2020-02-01", end="2020-04-30"))()


def test_replay_cli__absolute__help_says_it_walks_from_the_deployed_price_first():
    from scripts.replay import cli

    absolute = next(p for p in cli.params if p.name == "absolute")

    assert "walks" in absolute.help and "first price" in absolute.help
    assert "walks BTC from the deployed price to the series' first price" in README.read_text()


def test_walk_ohlc__open_labelled_bars__a_down_bar_high_first_an_up_bar_low_first(tmp_path):
    csv = tmp_path / "ohlc.csv"
    csv.write_text("time,open,high,low,close\n"
                   "2020-03-12T00:00:00,7900,8000,7000,7100\n"    # down: open, high, low, close
                   "2020-03-12T01:00:00,7100,7600,6900,7500\n")   # up: open, low, high, close
    t0 = parse_time("2020-03-12T00:00:00")

    points = walk_ohlc(csv, label="open")

    assert points == [PricePoint(t0, Decimal(7900)), PricePoint(t0 + 1200, Decimal(8000)),
                      PricePoint(t0 + 2400, Decimal(7000)), PricePoint(t0 + 3600, Decimal(7100)),
                      PricePoint(t0 + 3600, Decimal(7100)), PricePoint(t0 + 4800, Decimal(6900)),
                      PricePoint(t0 + 6000, Decimal(7600)), PricePoint(t0 + 7200, Decimal(7500))]


def test_merge_repeats__close_then_the_same_open__one_round():
    one, two, repeat, back = (PricePoint(t, Decimal(p)) for t, p in ((0, 1), (1, 2), (2, 2), (3, 1)))

    assert merge_repeats([one, two, repeat, back]) == [one, two, back]


def test_has_ohlc__ohlc_and_closes_files(tmp_path):
    ohlc, closes = tmp_path / "a.csv", tmp_path / "b.csv"
    ohlc.write_text("time,Open,HIGH,low,close\n")
    closes.write_text("time,price\n")

    assert (has_ohlc(ohlc), has_ohlc(closes)) == (True, False)
