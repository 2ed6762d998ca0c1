"""Synthvault's Python tooling: what the scripts, the console and the tests share."""
