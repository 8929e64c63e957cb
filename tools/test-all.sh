#!/usr/bin/env bash
# npm test: every test level in order of cost. Provisions the local stack itself (and stops it again if it started it).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

step "lint";        npm run --silent lint
step "type-check";  npm run --silent typecheck
step "unit";        npx jest -c jest.unit.config.js --ci

started_stack=0
if ! npm run --silent stack:status >/dev/null 2>&1; then started_stack=1; fi
step "local stack"; npm run --silent stack:up
if [ "$started_stack" = 1 ] && [ -z "${DCO_KEEP_STACK:-}" ]; then
  trap 'npm run --silent stack:down >/dev/null 2>&1 || true' EXIT
fi

step "integration"; npx jest -c jest.int.config.js --ci
step "end-to-end"
# The day scenarios (two lanes of their own, mostly waiting on JVM and process starts) run beside the other e2e specs,
# which run one at a time: the level's wall time is the longer of the two instead of their sum. Each side keeps its
# retry-once; the scenarios' output is printed when both have finished.
mkdir -p test-artifacts
scenarios_log=test-artifacts/e2e-day-scenarios.log
npx jest -c jest.e2e.config.js --ci test/scenarios/day-scenarios >"$scenarios_log" 2>&1 &
scenarios_pid=$!
others=0
npx jest -c jest.e2e.config.js --ci --testPathIgnorePatterns /node_modules/ /test/scenarios/day-scenarios || others=$?
scenarios=0
wait "$scenarios_pid" || scenarios=$?
printf '\n--- the day scenarios (%s) ---\n' "$scenarios_log"
cat "$scenarios_log"
if [ "$others" != 0 ] || [ "$scenarios" != 0 ]; then
  echo "end-to-end failed: the other specs exited with $others, the day scenarios with $scenarios" >&2
  exit 1
fi
step "done"
