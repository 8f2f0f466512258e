#!/usr/bin/env bash
# Runs the whole test suite against real services, doing its own set-up and tear-down:
# starts PostgreSQL (installing it with apt if missing) on loopback port 55433 under .local/ and the
# Pub/Sub emulator on loopback port 8681 (PULSEPOINT_PUBSUB_PORT; tests read PUBSUB_EMULATOR_HOST),
# runs `dotnet test` (the fixtures create and migrate a fresh pulsepoint_test database, and one more
# for each test cluster that writes events beside the main one: one cluster per database),
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

export PULSEPOINT_PUBSUB_PORT=${PULSEPOINT_PUBSUB_PORT:-8681}

started_pg=0
if ! deploy/postgres.sh status >/dev/null 2>&1; then started_pg=1; fi
started_pubsub=0
if ! deploy/pubsub-emulator.sh status >/dev/null 2>&1; then started_pubsub=1; fi
cleanup() {
    if [ "$started_pg" = 1 ]; then deploy/postgres.sh stop || true; fi
    if [ "$started_pubsub" = 1 ]; then deploy/pubsub-emulator.sh stop || true; fi
}
trap cleanup EXIT

# The insights page is tested in headless Chromium (Debian's package, driven by Playwright for .NET).
ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then return 0; fi
    echo "test.sh: installing chromium with apt (the insights page tests need it)" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
        || echo "test.sh: chromium did not install; the insights page test will fail" >&2
}
ensure_chromium

deploy/postgres.sh start || { echo "0 passed, 0 failed"; echo "test.sh: PostgreSQL did not start" >&2; exit 1; }
# Without the emulator the other tests still run; the Pub/Sub tests then fail, saying why.
if deploy/pubsub-emulator.sh start; then
    export PUBSUB_EMULATOR_HOST=127.0.0.1:$PULSEPOINT_PUBSUB_PORT
else
    echo "test.sh: the Pub/Sub emulator did not start; the Pub/Sub tests will fail" >&2
fi

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
