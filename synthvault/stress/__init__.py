"""Stress testing: a seeded book of positions replayed through a price history on a local chain,
with the real keeper, and what it did to the fund, the synths and the LP pool (`ape run stress`).

`book` draws the positions, `chain` sends and reads fast on Anvil, `setup` deploys and opens the
book, `runner` replays the prices round by round with the keeper, `sizing` finds the smallest
insurance fund, `report` writes tables, charts and markdown."""
