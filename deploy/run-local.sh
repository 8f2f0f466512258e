#!/usr/bin/env bash
# Runs PulsePoint on this machine for a newcomer: starts PostgreSQL (installing it with apt if
# missing), applies the migrations, seeds demo brands/orders once, and hosts one silo with demo tenants and demo traffic.
# The dashboard is at http://127.0.0.1:8080/dashboard. Ctrl+C stops the silo; PostgreSQL keeps
# running for the next start (deploy/postgres.sh stop stops it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

deploy/postgres.sh start
eval "$(deploy/postgres.sh env)"
# The key that seals alert channels' secrets: made once for this clone, kept under .local/ (git-ignored).
# The channels verb needs it too: export PulsePoint__Alerts__SecretKey="$(cat .local/alert-secret-key)".
if [ ! -s .local/alert-secret-key ]; then
    mkdir -p .local && (umask 077 && head -c 32 /dev/urandom | base64 > .local/alert-secret-key)
fi
export PulsePoint__Alerts__SecretKey="$(cat .local/alert-secret-key)"

echo "run-local.sh: building the silo (first build takes a minute)"
dotnet build PulsePoint.Silo -c Release -v quiet -nologo -o "$root/.local/silo" >/dev/null
silo=("$root/.local/silo/PulsePoint.Silo")

"${silo[@]}" migrate
# A small brand dataset for the demo tenants; skipped when they already have brands.
"${silo[@]}" seed-demo --demo-tenants --brands 5 --orders 20000 --days 90 --seed 42
echo "run-local.sh: starting the silo with demo tenants and traffic; dashboard: http://127.0.0.1:8080/dashboard"
exec "${silo[@]}" run --PulsePoint:Demo:Enabled=true "$@"
