#!/usr/bin/env bash
# Checks deploy/postgres.sh run as root from a clone under a private home folder (mode 0700, as /root
# is), where the postgres user cannot reach <clone>/.local: clones the repository's committed HEAD
# into a fresh 0700 folder, then checks that `start` runs PostgreSQL in a folder the postgres user can
# reach and says which, that `status` and `env` find it, that pulsepoint_app can connect, that `stop`
# and `destroy` find it too, and removes the clone. Ends with "private-home.sh: passed" (exit 0) or
# names the failed check (exit 1). deploy/test.sh runs it through
# tests/PulsePoint.Tests/Deployment/PrivateHomeTests.cs.
#
#   deploy/tests/private-home.sh
#
# Needs root. Port: PULSEPOINT_PRIVATE_HOME_PG_PORT, default PULSEPOINT_PG_PORT + 1000 (56432; 56433
# under deploy/test.sh), so test runs on distinct PostgreSQL ports never share it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

say() { printf 'private-home.sh: %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }
show() { printf '%s\n' "$1" | sed 's/^/    | /'; }

[ "$(id -u)" = 0 ] || fail "run it as root: only root runs the server as the postgres user"
base=${PULSEPOINT_PG_PORT:-55432}
[[ "$base" =~ ^[0-9]{1,5}$ ]] || fail "PULSEPOINT_PG_PORT is not a port number: $base"
port=${PULSEPOINT_PRIVATE_HOME_PG_PORT:-$((base + 1000))}
[[ "$port" =~ ^[0-9]{1,5}$ ]] || fail "PULSEPOINT_PRIVATE_HOME_PG_PORT is not a port number: $port"
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use; set PULSEPOINT_PRIVATE_HOME_PG_PORT to a free port"
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/pulsepoint-private-home.XXXXXX")
chmod 700 "$home"
clone=$home/PulsePoint
pg=$clone/deploy/postgres.sh
cleanup() {
    if [ -x "$pg" ]; then "$pg" destroy >/dev/null 2>&1 || true; fi
    rm -rf "$home"
}
trap cleanup EXIT

# The clone's own default data folder, on the test's port.
unset PULSEPOINT_PG_DIR
export PULSEPOINT_PG_PORT=$port

git clone --quiet "$root" "$clone" || fail "git clone $root $clone"
if runuser -u postgres -- test -x "$home" 2>/dev/null; then fail "the postgres user can enter $home: nothing to check"; fi
say "cloned $(git -C "$clone" rev-parse --short HEAD) into $home (mode $(stat -c %a "$home")); PostgreSQL port $port"

out=$("$pg" start 2>&1) || { rc=$?; show "$out"; fail "postgres.sh start exited $rc"; }
show "$out"
fallback=$(printf '%s\n' "$out" | sed -n "s/^postgres\.sh: the postgres user cannot reach .*; using //p")
[ "$(printf '%s\n' "$out" | grep -cF "cannot reach $clone/.local/postgres ")" = 1 ] \
    || fail "start did not say once which folder it uses instead of $clone/.local/postgres"
case "$fallback" in
    /*) ;;
    *) fail "start named no fallback folder" ;;
esac
case "$fallback" in "$home"/*) fail "the fallback $fallback is inside the private folder" ;; esac
[ -f "$fallback/data/PG_VERSION" ] || fail "no cluster in $fallback/data"
[ ! -e "$clone/.local/postgres" ] || fail "start also created $clone/.local/postgres"

out=$("$pg" status 2>&1) || { rc=$?; show "$out"; fail "postgres.sh status exited $rc"; }
[ "$out" = "running on 127.0.0.1:$port ($fallback/data)" ] || { show "$out"; fail "status did not find the cluster in $fallback"; }

out=$("$pg" env 2>&1) || { rc=$?; show "$out"; fail "postgres.sh env exited $rc"; }
app=$(printf '%s\n' "$out" | sed -n "s/^export PulsePoint__Database__Application='\(.*\)'$/\1/p")
[ -n "$app" ] || { show "$out"; fail "env printed no PulsePoint__Database__Application"; }
host="" db_port="" database="" user="" password=""
IFS=';' read -r -a settings <<<"$app"
for setting in "${settings[@]}"; do
    case "${setting%%=*}" in
        Host) host=${setting#*=} ;;
        Port) db_port=${setting#*=} ;;
        Database) database=${setting#*=} ;;
        Username) user=${setting#*=} ;;
        Password) password=${setting#*=} ;;
    esac
done
[ "$db_port" = "$port" ] || fail "env printed port '$db_port', expected $port"

psql=$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$psql" ] || fail "no psql under /usr/lib/postgresql"
out=$(PGPASSWORD=$password PGCONNECT_TIMEOUT=10 "$psql" -X -w -At -h "$host" -p "$db_port" -U "$user" -d "$database" \
    -c 'select current_user' 2>&1) || { rc=$?; show "$out"; fail "psql as $user exited $rc"; }
[ "$out" = pulsepoint_app ] || { show "$out"; fail "psql connected as '$out', expected pulsepoint_app"; }
say "status, env and a psql connection as pulsepoint_app work"

out=$("$pg" stop 2>&1) || { rc=$?; show "$out"; fail "postgres.sh stop exited $rc"; }
[ "$out" = "postgres.sh: stopped" ] || { show "$out"; fail "stop did not find the running cluster"; }
rc=0; out=$("$pg" status 2>&1) || rc=$?
[ "$rc" = 3 ] && [ "$out" = "not running" ] || { show "$out"; fail "status after stop exited $rc"; }

out=$("$pg" destroy 2>&1) || { rc=$?; show "$out"; fail "postgres.sh destroy exited $rc"; }
[ ! -e "$fallback" ] || { show "$out"; fail "destroy left $fallback"; }
say "stop, status and destroy find the same folder"
say "passed"
