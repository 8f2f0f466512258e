#!/usr/bin/env bash
# A local N-silo PulsePoint cluster: N silo processes on loopback with ADO.NET membership in one
# PostgreSQL (started by deploy/postgres.sh). Silo i (1..N) uses silo port 11110+i, gateway
# 30000+i-1 and web http://127.0.0.1:(8080+i-1) — silo 1 gets the usual 11111 / 30000 / 8080.
#
#   deploy/cluster.sh start [N]   build, migrate, start N silos (default 3), wait until each is ready
#   deploy/cluster.sh stop [I]    SIGTERM every silo, or silo I (graceful: leaves membership), kill after 60 s
#   deploy/cluster.sh status      list the silos and their readiness
#   deploy/cluster.sh env         print the client settings (AdoNet gateway discovery) as export lines
#   deploy/cluster.sh kill I      kill -9 silo I (fault testing)
#   deploy/cluster.sh restart I   start silo I again after a stop or kill
#
# Extra silo settings can be passed as environment variables (PulsePoint__...). Logs and pids are
# under .local/cluster/. To run a second cluster beside the usual one (e.g. benchmarks), override
# PULSEPOINT_CLUSTER_SILO_PORT_BASE (11111), _GATEWAY_PORT_BASE (30000), _WEB_PORT_BASE (8080),
# PULSEPOINT_CLUSTER_STATE (.local/cluster) and PULSEPOINT_CLUSTER_ID, plus deploy/postgres.sh's
# PULSEPOINT_PG_PORT / PULSEPOINT_PG_DIR.
# The DuckDB warehouse is one process's file, so the silos run without a warehouse unless
# PulsePoint__Destinations__Warehouse says otherwise (BigQuery for a real cluster).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
state=${PULSEPOINT_CLUSTER_STATE:-$root/.local/cluster}
silo_base=${PULSEPOINT_CLUSTER_SILO_PORT_BASE:-11111}
gateway_base=${PULSEPOINT_CLUSTER_GATEWAY_PORT_BASE:-30000}
web_base=${PULSEPOINT_CLUSTER_WEB_PORT_BASE:-8080}
bin=$root/.local/cluster-silo
cluster_id=${PULSEPOINT_CLUSTER_ID:-pulsepoint-local-cluster}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

say() { printf 'cluster.sh: %s\n' "$*" >&2; }
web_port() { echo $((web_base + $1 - 1)); }

alive() { [ -f "$state/silo-$1.pid" ] && kill -0 "$(cat "$state/silo-$1.pid")" 2>/dev/null; }

start_one() {
    local i=$1
    if alive "$i"; then say "silo $i already running (pid $(cat "$state/silo-$i.pid"))"; return; fi
    PulsePoint__Silo__Clustering=AdoNet \
    PulsePoint__Silo__ClusterId="$cluster_id" \
    PulsePoint__Silo__SiloPort=$((silo_base + i - 1)) \
    PulsePoint__Silo__GatewayPort=$((gateway_base + i - 1)) \
    PulsePoint__Silo__WebUrl="http://127.0.0.1:$(web_port "$i")" \
    PulsePoint__Destinations__Warehouse="${PulsePoint__Destinations__Warehouse:-None}" \
        nohup "$bin/PulsePoint.Silo" run >"$state/silo-$i.log" 2>&1 </dev/null &
    echo $! >"$state/silo-$i.pid"
    say "silo $i starting (pid $!, web http://127.0.0.1:$(web_port "$i"), log $state/silo-$i.log)"
}

wait_ready() {
    local i=$1 deadline=$((SECONDS + 90))
    until curl -fsS "http://127.0.0.1:$(web_port "$i")/readyz" >/dev/null 2>&1; do
        if ! alive "$i"; then say "silo $i exited; last log lines:"; tail -n 5 "$state/silo-$i.log" >&2; return 1; fi
        if [ $SECONDS -ge $deadline ]; then say "silo $i not ready after 90 s"; return 1; fi
        sleep 0.5
    done
    say "silo $i ready: dashboard http://127.0.0.1:$(web_port "$i")/dashboard"
}

stop_one() {
    local i=$1 pid
    alive "$i" || { rm -f "$state/silo-$i.pid"; return 0; }
    pid=$(cat "$state/silo-$i.pid")
    kill -TERM "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then say "silo $i did not stop in 60 s; killing"; kill -9 "$pid"; fi
    rm -f "$state/silo-$i.pid"
    say "silo $i stopped"
}

silos() { ls "$state"/silo-*.pid 2>/dev/null | sed -E 's/.*silo-([0-9]+)\.pid/\1/' | sort -n; }

case "${1:-}" in
    start)
        n=${2:-3}
        [[ "$n" =~ ^[1-9][0-9]?$ ]] || { say "N must be 1-99"; exit 2; }
        mkdir -p "$state"
        deploy/postgres.sh start
        eval "$(deploy/postgres.sh env)"
        say "building the silo"
        dotnet build PulsePoint.Silo -c Release -v quiet -nologo -o "$bin" >/dev/null
        "$bin/PulsePoint.Silo" migrate
        for i in $(seq 1 "$n"); do start_one "$i"; wait_ready "$i"; done
        ;;
    stop) for i in ${2:-$(silos)}; do stop_one "$i"; done ;;
    kill)
        i=${2:?silo index}; alive "$i" || { say "silo $i is not running"; exit 1; }
        kill -9 "$(cat "$state/silo-$i.pid")"
        # SIGKILL is asynchronous: wait until the process is gone, so an immediate restart starts a new one.
        for _ in $(seq 1 50); do alive "$i" || break; sleep 0.1; done
        say "silo $i killed (-9)" ;;
    restart)
        i=${2:?silo index}; eval "$(deploy/postgres.sh env)"; start_one "$i"; wait_ready "$i" ;;
    status)
        for i in $(silos); do
            if alive "$i"; then
                ready=$(curl -fsS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(web_port "$i")/readyz" 2>/dev/null || true)
                echo "silo $i: running (pid $(cat "$state/silo-$i.pid")), /readyz ${ready:-down}"
            else
                echo "silo $i: not running"
            fi
        done ;;
    env)
        orleans=$(deploy/postgres.sh env | sed -n "s/^export PulsePoint__Database__Orleans='\(.*\)'$/\1/p")
        echo "export PulsePoint__Client__Clustering=AdoNet"
        echo "export PulsePoint__Client__ClusterId=$cluster_id"
        echo "export PulsePoint__Client__MembershipConnectionString='$orleans'"
        ;;
    *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
