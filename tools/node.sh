#!/usr/bin/env bash
# `make node`: a long-running local Anvil on $1 (default 8545) with the system deployed on it,
# for `make console` and the scripts (`make keeper`, `make replay`: they reach it on NODE_PORT).
set -euo pipefail
port="${1:-8545}"
anvil --port "$port" --silent &
anvil_pid=$!
trap 'kill "$anvil_pid" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  cast block-number --rpc-url "http://127.0.0.1:$port" >/dev/null 2>&1 && break
  sleep 0.2
done
APE_FOUNDRY_HOST="http://127.0.0.1:$port" ape run deploy --network ethereum:local:foundry
echo "Anvil is running on http://127.0.0.1:$port with Synthvault deployed; run \`make console\` in another terminal. Ctrl-C stops it."
wait "$anvil_pid"
