#!/usr/bin/env bash
# A throwaway PostgreSQL for PulsePoint on this machine: installs PostgreSQL with apt if missing, runs
# its own cluster as the postgres user on a loopback port with its data under .local/ (git-ignored),
# and creates the four roles and the database. Idempotent: start on a running cluster is a no-op.
# Run as root, the server runs as the postgres user; when that user cannot reach the data folder (a
# clone under a private home such as /root, mode 0700), the cluster lives in
# /var/lib/postgresql/pulsepoint/<folder name>-<hash of the folder's path> instead: one per clone and
# per configured folder, found again by every verb; `start` says so in one line on stderr.
#
#   deploy/postgres.sh start    install if needed, init if needed, start, ensure roles + database
#   deploy/postgres.sh stop     stop the cluster (data kept)
#   deploy/postgres.sh status   say whether it runs
#   deploy/postgres.sh env      print the PulsePoint connection settings and this cluster's tenant context key
#                               (made once, kept beside the data, registered by `PulsePoint.Silo migrate`)
#   deploy/postgres.sh destroy  stop and delete the data folder
#
# Settings (environment): PULSEPOINT_PG_PORT (55432), PULSEPOINT_PG_DIR (<repo>/.local/postgres),
# PULSEPOINT_PG_DATABASE (pulsepoint), PULSEPOINT_PG_{OWNER,APP,PIPELINE,ORLEANS}_PASSWORD (local defaults).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${PULSEPOINT_PG_PORT:-55432}
# Absolute and canonical: the tools run from /, and the fallback folder is named after this path.
configured_dir=$(realpath -m -- "${PULSEPOINT_PG_DIR:-$root/.local/postgres}")
fallback_root=/var/lib/postgresql/pulsepoint
database=${PULSEPOINT_PG_DATABASE:-pulsepoint}
owner_pw=${PULSEPOINT_PG_OWNER_PASSWORD:-pulsepoint-owner-local}
app_pw=${PULSEPOINT_PG_APP_PASSWORD:-pulsepoint-app-local}
pipeline_pw=${PULSEPOINT_PG_PIPELINE_PASSWORD:-pulsepoint-pipeline-local}
orleans_pw=${PULSEPOINT_PG_ORLEANS_PASSWORD:-pulsepoint-orleans-local}

say() { printf 'postgres.sh: %s\n' "$*" >&2; }

# Sets dir (the cluster's folder), data and sock. Root runs the server as the postgres user, which
# must traverse every parent of the folder; when a parent is private (a home of mode 0700), the
# cluster goes to a folder under $fallback_root named after the configured path, so each clone and
# each configured folder keeps its own and every verb finds the same one.
resolve_dir() {
    dir=$configured_dir
    if [ "$(id -u)" = 0 ] && id -u postgres >/dev/null 2>&1; then
        local parent
        parent=$(dirname "$configured_dir")
        while [ ! -d "$parent" ]; do parent=$(dirname "$parent"); done
        if ! runuser -u postgres -- test -x "$parent" 2>/dev/null; then
            local hash
            hash=$(printf '%s' "$configured_dir" | sha256sum | cut -c 1-12)
            dir=$fallback_root/$(basename "$configured_dir")-$hash
        fi
    fi
    data=$dir/data
    sock=$dir/run
}

bindir() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# Run a PostgreSQL server binary as the postgres user when we are root (initdb refuses root), from /
# since the postgres user may not be able to enter the current folder.
as_pg() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

install_if_missing() {
    [ -n "$(bindir)" ] && return 0
    say "PostgreSQL is not installed; installing it with apt-get"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    [ -n "$(bindir)" ] || { say "apt-get finished but no initdb was found under /usr/lib/postgresql"; exit 1; }
}

running() {
    local bin; bin=$(bindir) || return 1
    [ -f "$data/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

psql_admin() {
    as_pg "$(bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"
}

init_cluster() {
    local bin; bin=$(bindir)
    if [ "$dir" != "$configured_dir" ]; then
        say "the postgres user cannot reach $configured_dir (a parent folder is private); using $dir"
    fi
    # Parent folders created here must stay traversable for the postgres user whatever the umask.
    (umask 022 && mkdir -p "$dir" "$sock")
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir" "$sock"
        if ! runuser -u postgres -- test -w "$dir"; then
            say "the postgres user cannot write $dir; set PULSEPOINT_PG_DIR to a folder it can reach (all its parent folders traversable)"
            exit 1
        fi
    fi
    chmod 700 "$sock"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "initialising a cluster in $data"
        as_pg "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
}

ensure_roles() {
    # Passwords are passed as psql variables and quoted by psql (:'name'), never spliced into SQL text.
    psql_admin -d postgres -v owner_pw="$owner_pw" -v app_pw="$app_pw" -v pipeline_pw="$pipeline_pw" -v orleans_pw="$orleans_pw" <<'SQL'
select format('create role pulsepoint_owner login createdb password %L', :'owner_pw')
 where not exists (select 1 from pg_roles where rolname = 'pulsepoint_owner') \gexec
select format('create role pulsepoint_app login nosuperuser nobypassrls nocreatedb nocreaterole noinherit password %L', :'app_pw')
 where not exists (select 1 from pg_roles where rolname = 'pulsepoint_app') \gexec
select format('create role pulsepoint_pipeline login nosuperuser bypassrls nocreatedb nocreaterole noinherit password %L', :'pipeline_pw')
 where not exists (select 1 from pg_roles where rolname = 'pulsepoint_pipeline') \gexec
select format('create role pulsepoint_orleans login nosuperuser nobypassrls nocreatedb nocreaterole noinherit password %L', :'orleans_pw')
 where not exists (select 1 from pg_roles where rolname = 'pulsepoint_orleans') \gexec
select format('alter role pulsepoint_owner password %L', :'owner_pw') \gexec
select format('alter role pulsepoint_app password %L', :'app_pw') \gexec
select format('alter role pulsepoint_pipeline password %L', :'pipeline_pw') \gexec
select format('alter role pulsepoint_orleans password %L', :'orleans_pw') \gexec
SQL
    psql_admin -d postgres -v db="$database" <<'SQL'
select format('create database %I owner pulsepoint_owner', :'db')
 where not exists (select 1 from pg_database where datname = :'db') \gexec
SQL
    # No role but a superuser creates large objects: in template1 (so databases the owner creates later, such
    # as the tests', inherit it) and in the database. Only a superuser can revoke these.
    local d
    for d in template1 "$database"; do
        psql_admin -d "$d" <<'SQL'
revoke execute on function pg_catalog.lo_creat(integer), pg_catalog.lo_create(oid),
    pg_catalog.lo_from_bytea(oid, bytea), pg_catalog.lo_import(text), pg_catalog.lo_import(text, oid) from public;
SQL
    done
}

start() {
    install_if_missing
    resolve_dir   # after the install, which creates the postgres user
    init_cluster
    if running; then
        say "already running on 127.0.0.1:$port"
    else
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            say "port $port is already in use by another program; set PULSEPOINT_PG_PORT to a free port"
            exit 1
        fi
        say "starting on 127.0.0.1:$port (log: $dir/postgres.log)"
        as_pg "$(bindir)/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c max_connections=300 -c shared_buffers=256MB" start >/dev/null \
            || { tail -n 20 "$dir/postgres.log" >&2; exit 1; }
    fi
    ensure_roles
}

stop() {
    if running; then
        as_pg "$(bindir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        say "stopped"
    else
        say "not running"
    fi
}

conn() { echo "Host=127.0.0.1;Port=$port;Database=$database;Username=$1;Password=$2"; }

# The local-development tenant context key: 32 random bytes, made once per cluster folder, readable by its maker only.
tenant_context_key() {
    local file=$dir/tenant-context-key
    if [ ! -s "$file" ]; then
        (umask 022 && mkdir -p "$dir")
        (umask 077 && head -c 32 /dev/urandom | base64 > "$file")
    fi
    cat "$file"
}

[ "${1:-}" = start ] || resolve_dir
case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "running on 127.0.0.1:$port ($data)"; else echo "not running"; exit 3; fi ;;
    env)
        echo "export PulsePoint__Database__Owner='$(conn pulsepoint_owner "$owner_pw")'"
        echo "export PulsePoint__Database__Application='$(conn pulsepoint_app "$app_pw")'"
        echo "export PulsePoint__Database__Pipeline='$(conn pulsepoint_pipeline "$pipeline_pw")'"
        echo "export PulsePoint__Database__Orleans='$(conn pulsepoint_orleans "$orleans_pw")'"
        echo "export PulsePoint__Database__TenantContextKey='$(tenant_context_key)'"
        ;;
    destroy) stop; rm -rf "$dir"; say "deleted $dir" ;;
    *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
