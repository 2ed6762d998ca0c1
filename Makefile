# Synthvault: every command installs what it needs on first use (Python venv, npm packages,
# the solc-js compiler registered for py-solc-x), from PyPI and npm only.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
SOLC_VERSION := 0.8.28
FOUNDRY_PLATFORM := linux-$(shell uname -m | sed -e 's/x86_64/amd64/' -e 's/aarch64/arm64/')
FOUNDRY_BIN := $(CURDIR)/node_modules/@foundry-rs

# Project-local state: nothing is written to (or read from) the user's home folders.
export SOLCX_BINARY_PATH := $(CURDIR)/.solcx
export APE_DATA_FOLDER := $(CURDIR)/.ape
export PATH := $(CURDIR)/$(VENV)/bin:$(FOUNDRY_BIN)/anvil-$(FOUNDRY_PLATFORM)/bin:$(FOUNDRY_BIN)/forge-$(FOUNDRY_PLATFORM)/bin:$(FOUNDRY_BIN)/cast-$(FOUNDRY_PLATFORM)/bin:$(PATH)

PY_STAMP := $(VENV)/.installed
SLITHER_VENV := .venv-slither
SLITHER_STAMP := $(SLITHER_VENV)/.installed
NPM_STAMP := node_modules/.installed
SOLC := .solcx/solc-v$(SOLC_VERSION)
NODE_PORT ?= 8545
# `make invariants FUZZ_SEED=` (empty) explores from a random seed; CI keeps this fixed one.
FUZZ_SEED ?= 0x5eed
# Coverage runs the invariant campaign shorter: 64 runs reach what 256 do (docs/assurance.md).
COVERAGE_RUNS ?= 64
# `make test TESTS=tests/oracle ARGS='-k stale -x'` runs a part of the suite.
TESTS ?= tests
ARGS ?=
# `make test` runs the suite on four pytest-xdist workers (on two cores: two workers leave the cores
# half idle, waiting on their Anvils; docs/assurance.md, "The suite's time"), each with an Anvil of
# its own (ape-foundry's `host: auto`), a test file's tests all on one worker (`--dist loadfile`:
# its module fixtures deployed once, its keyfile accounts its own), the slowest files first (in the order
# `tests/conftest.py` collects them, not xdist's most-tests-first). `make test WORKERS=0` runs it
# serially on one Anvil. Any order passes: every deployment is made before the first snapshot, a
# stack per folder (tests/utils/deployments.py; docs/assurance.md, "The suite's time").
WORKERS ?= 4
# The scripts' network and signer: `make keeper NETWORK=ethereum:sepolia:alchemy ACCOUNT=bot`.
# By default the chain of `make node` (ape-foundry reaches it through APE_FOUNDRY_HOST).
NETWORK ?= ethereum:local:foundry
ACCOUNT ?=
LOCAL_NODE := APE_FOUNDRY_HOST=http://127.0.0.1:$(NODE_PORT)
SCRIPT_OPTIONS = --network $(NETWORK) $(if $(ACCOUNT),--account $(ACCOUNT)) $(ARGS)
# A long-running script stopped with Ctrl-C: make dies of any SIGINT it receives (after its child,
# it re-raises the signal on itself: status 130 whatever the child did), so at a terminal the script
# runs as a job of its own (bash job control) in the terminal's foreground, where Ctrl-C reaches it
# alone; it says what it did, exits 0, and so does make. The trailing `exit` keeps bash from
# exec'ing the script in its own place (which would leave it in make's process group).
FOREGROUND = if [ -t 0 ]; then set -m; fi;

.PHONY: help bootstrap compile test check lint sizes bench bench-update slither invariants coverage demo node console deploy keeper position replay stress gas clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':[^#]*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# The shared Python tooling (synthvault/) is a package installed in the venv, editable, so that
# scripts, tests and the console import it wherever they run.
$(PY_STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Slither pins web3/eth-* versions of its own: a venv apart from Ape's.
$(SLITHER_STAMP): requirements-slither.txt
	$(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-slither.txt
	touch $@

$(NPM_STAMP): package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

$(SOLC): tools/solc/solc.js | $(NPM_STAMP)
	mkdir -p $(dir $@)
	ln -sf ../tools/solc/solc.js $@
	@$@ --version | tail -n 1

bootstrap: $(PY_STAMP) $(NPM_STAMP) $(SOLC) ## Install the toolchain (done by every command on first use)

compile: bootstrap ## Compile the contracts with Ape
	ape compile

# Compiled first, once: the workers would otherwise each compile into the same .build/.
test: bootstrap ## Run the whole test suite on local Anvil chains, on four parallel workers (`make test WORKERS=0`: serially)
	ape compile
	ape test $(TESTS) -p no:cacheprovider -n $(WORKERS) --dist loadfile --no-loadscope-reorder --durations=20 $(ARGS)

gas: bootstrap ## Run the tests with Ape's gas table per method
	ape test $(TESTS) -p no:cacheprovider --gas $(ARGS)

check: lint sizes bench slither invariants coverage ## What CI runs besides the tests: lint, code sizes, gas, static analysis, invariant fuzzing, coverage

# Each narrowing cast in contracts/ carries the reason it cannot truncate (forge-lint's annotation);
# the lint builds into folders of its own, so that it cannot leave ABI-only artifacts for `make sizes`.
lint: $(PY_STAMP) $(NPM_STAMP) $(SOLC) ## ruff on the Python; forge fmt --check, and no unannotated narrowing cast in contracts/
	ruff check .
	forge fmt --check contracts interfaces test-forge
	FOUNDRY_OUT=.forge/lint-out FOUNDRY_CACHE_PATH=.forge/lint-cache forge lint contracts --only-lint unsafe-typecast -D warnings

sizes: $(NPM_STAMP) $(SOLC) ## Forge: each contract's runtime size; fail if one in contracts/ is over 22,000 bytes
	$(PYTHON) tools/sizes.py

bench: bootstrap ## Measure gas per operation into docs/gas.md; fail if it grew >5% over the baseline
	ape run gas --check

bench-update: bootstrap ## Measure gas and record it as the new baseline
	ape run gas --update-baseline

slither: $(SLITHER_STAMP) $(NPM_STAMP) $(SOLC) ## Static analysis: fail on any High/Medium finding not accepted in slither.config.json
	$(SLITHER_VENV)/bin/python tools/slither/gate.py

invariants: $(NPM_STAMP) $(SOLC) ## Forge: invariant fuzzing (256 runs of 100 random actions, invariants after each) and unit tests
	forge test $(if $(FUZZ_SEED),--fuzz-seed $(FUZZ_SEED))

coverage: $(NPM_STAMP) $(SOLC) ## Forge coverage of contracts/ by the Forge suites: a summary table, lcov in .forge/lcov.info
	mkdir -p .forge
	FOUNDRY_INVARIANT_RUNS=$(COVERAGE_RUNS) forge coverage $(if $(FUZZ_SEED),--fuzz-seed $(FUZZ_SEED)) --include-libs \
		--no-match-coverage '^(test-forge|node_modules)/' --report summary --report lcov --report-file .forge/lcov.info

demo: bootstrap ## Deploy the system to a fresh local Anvil and tell the story
	ape run demo

node: bootstrap ## A long-running local Anvil (port NODE_PORT, default 8545) with the system deployed
	tools/node.sh $(NODE_PORT)

console: bootstrap ## ape console attached to the chain started by `make node`
	$(LOCAL_NODE) ape console --network ethereum:local:foundry

deploy: bootstrap ## Deploy the system: `make deploy [NETWORK=.. ACCOUNT=..] [ARGS='--dry-run --config ..']`; `ARGS=--resume` goes on from a failed one
	$(LOCAL_NODE) ape run deploy $(SCRIPT_OPTIONS)

keeper: bootstrap ## The liquidation keeper on `make node` (or NETWORK=.. ACCOUNT=..): `make keeper ARGS=--once`
	@$(FOREGROUND) $(LOCAL_NODE) ape run keeper $(SCRIPT_OPTIONS); exit $$?

position: bootstrap ## The vault's positions on `make node` (or NETWORK=..), and acting on one: `make position [ARGS='3 7' | 'show 3' | 'open sUSD' | 'mint 3 5000' ..]`
	$(LOCAL_NODE) ape run position $(SCRIPT_OPTIONS)

replay: bootstrap ## Replay BTC's March 2020 onto the BTC feed of `make node`: `make replay [ARGS='--speedup 7200']`
	$(LOCAL_NODE) ape run replay $(SCRIPT_OPTIONS)

# The price history `make stress` replays (the shared data folder beside the worktrees), and its book.
STRESS_CSV ?= ../shared/data/btc-usd-2020-03-hourly-ohlc.csv
STRESS_POSITIONS ?= 200

stress: bootstrap ## Stress test on a fresh local chain: a seeded book through March 2020 with the keeper; report in out/stress/: `make stress [ARGS='--latency 0 --latency 3 --size-fund']`
	ape run stress --csv $(STRESS_CSV) --positions $(STRESS_POSITIONS) $(ARGS)

clean: ## Remove build outputs (keeps the installed toolchain)
	rm -rf .build .forge contracts/.cache
