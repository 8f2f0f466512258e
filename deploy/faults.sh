#!/usr/bin/env bash
# The fault suite: a real 3-silo cluster (deploy/cluster.sh) with Pub/Sub as its real-time
# destination, a steady load of event appends and tenant checks, and one fault at a time — kill -9 of a
# silo, PostgreSQL restart, Pub/Sub unreachable for 30 s, rolling restart. After each it checks that every
# acknowledged event is in PostgreSQL exactly once and was delivered to Pub/Sub, that the tenant status
# is right, that a reconcile of the suite's tenants finds no drift (ledger against the event store and
# the live counters; the load's AI answers are billed), and how long recovery took; prints a table and
# exits 1 if any check failed. Too slow for CI (about 2-3 minutes a scenario).
#
#   deploy/faults.sh [SCENARIO ...] [options]   scenarios: kill-silo postgres-restart pubsub-outage rolling-restart
#   deploy/faults.sh --help                     options (durations, concurrency, --markdown FILE)
#
# Uses the cluster.sh ports (silo 11111-11113, gateway 30000-30002, web 8080-8082), a PostgreSQL of its
# own (PULSEPOINT_PG_PORT, default 55472; data PULSEPOINT_PG_DIR, default .local/pg-faults) and the
# emulator on PULSEPOINT_PUBSUB_PORT (default 8692). Stops everything it started, also on failure or Ctrl+C.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 PULSEPOINT_ROOT=$root
export PULSEPOINT_PG_PORT=${PULSEPOINT_PG_PORT:-55472}
export PULSEPOINT_PG_DIR=${PULSEPOINT_PG_DIR:-$root/.local/pg-faults}
export PULSEPOINT_PUBSUB_PORT=${PULSEPOINT_PUBSUB_PORT:-8692}
dll=$root/tests/PulsePoint.LoadTest/bin/Release/net10.0/PulsePoint.LoadTest.dll

say() { printf 'faults.sh: %s\n' "$*" >&2; }

for arg in "$@"; do
    if [ "$arg" = --help ] || [ "$arg" = -h ]; then
        sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
        [ -f "$dll" ] && dotnet "$dll" faults --help
        exit 0
    fi
done

if deploy/cluster.sh status 2>/dev/null | grep -q running; then
    say "a cluster from deploy/cluster.sh is already running here; stop it first (deploy/cluster.sh stop)"
    exit 2
fi

cleanup() {
    say "stopping the cluster, the Pub/Sub emulator and PostgreSQL"
    deploy/cluster.sh stop || true
    deploy/pubsub-emulator.sh stop || true
    deploy/postgres.sh stop || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building the load-test driver (Release)"
dotnet build tests/PulsePoint.LoadTest -c Release -v quiet -nologo >/dev/null || { say "build failed"; exit 1; }
deploy/postgres.sh start || { say "PostgreSQL did not start"; exit 1; }
deploy/pubsub-emulator.sh start || { say "the Pub/Sub emulator did not start"; exit 1; }
eval "$(deploy/postgres.sh env)"
eval "$(deploy/cluster.sh env)"

dotnet "$dll" faults "$@"
