#!/usr/bin/env bash
# npm test: every test level in order of cost. Provisions the local stack itself (and stops it again if it started it).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

# Lint and the type-check are one process each: side by side on two cores, each with its own output.
step "lint + type-check"
mkdir -p test-artifacts
npm run --silent typecheck >test-artifacts/typecheck.log 2>&1 &
typecheck_pid=$!
lint=0
npm run --silent lint || lint=$?
typecheck=0
wait "$typecheck_pid" || typecheck=$?
cat test-artifacts/typecheck.log
if [ "$lint" != 0 ] || [ "$typecheck" != 0 ]; then
  echo "lint exited with $lint, the type-check with $typecheck" >&2
  exit 1
fi
step "unit";        npx jest -c jest.unit.config.js --ci

started_stack=0
if ! npm run --silent stack:status >/dev/null 2>&1; then started_stack=1; fi
step "local stack"; npm run --silent stack:up
if [ "$started_stack" = 1 ] && [ -z "${DCO_KEEP_STACK:-}" ]; then
  trap 'npm run --silent stack:down >/dev/null 2>&1 || true' EXIT
fi

step "integration"; npx jest -c jest.int.config.js --ci
step "end-to-end";  npx jest -c jest.e2e.config.js --ci
step "done"
