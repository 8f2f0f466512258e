#!/usr/bin/env bash
# Checks the unit files with `systemd-analyze verify` (offline; needs systemd-analyze and the dotnet
# executable at /usr/bin/dotnet, which ExecStart names). Any warning counts as a failure: systemd
# only warns about unknown keys and unparsable values, then ignores them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v systemd-analyze >/dev/null || { echo "verify.sh: systemd-analyze is not installed; units not verified" >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cp "$here"/*.service "$work"/
# A template is verified through an instance of it.
out=$(cd "$work" && systemd-analyze verify --man=no "$work/pulsepoint-silo@1.service" "$work/pulsepoint-migrate.service" 2>&1) || { echo "$out" >&2; exit 1; }
if [ -n "$out" ]; then echo "$out" >&2; exit 1; fi
echo "ok: systemd-analyze verify pulsepoint-silo@1.service pulsepoint-migrate.service (no warnings)"
