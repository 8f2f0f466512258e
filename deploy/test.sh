#!/usr/bin/env bash
# Runs the whole test suite against real services, doing its own set-up and tear-down:
# starts PostgreSQL (installing it with apt if missing) on loopback port 55433 under .local/,
# runs `dotnet test` (the test fixture creates and migrates a fresh pulsepoint_test database),
# stops what it started, and ends with one line: "N passed, N failed[, N skipped]".
#
#   deploy/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Tenancy]
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
results=$root/.local/test-results
# A PostgreSQL of the tests' own, apart from the one deploy/run-local.sh uses, so a test run never
# touches a newcomer's demo data and both can run at once.
export PULSEPOINT_PG_PORT=${PULSEPOINT_TEST_PG_PORT:-55433}
export PULSEPOINT_PG_DIR=${PULSEPOINT_TEST_PG_DIR:-$root/.local/postgres-test}

started_pg=0
if ! deploy/postgres.sh status >/dev/null 2>&1; then started_pg=1; fi
cleanup() {
    if [ "$started_pg" = 1 ]; then deploy/postgres.sh stop || true; fi
}
trap cleanup EXIT

deploy/postgres.sh start || { echo "0 passed, 0 failed"; echo "test.sh: PostgreSQL did not start" >&2; exit 1; }

rm -rf "$results"
dotnet test PulsePoint.sln -c Release --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" </dev/null
status=$?

# Stop what we started before the summary, so the summary is the run's last line.
cleanup
trap - EXIT
deploy/trx-summary.sh "$results"
summary_status=$?
[ "$status" = 0 ] || exit "$status"
exit "$summary_status"
