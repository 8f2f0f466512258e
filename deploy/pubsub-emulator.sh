#!/usr/bin/env bash
# The Google Pub/Sub emulator for PulsePoint's tests and local runs, on a loopback port, with its pid
# and log under .local/ (git-ignored). Idempotent: start on a running emulator is a no-op. The emulator
# keeps topics and subscriptions in memory only: a restart forgets them.
#
#   deploy/pubsub-emulator.sh start    start it and wait until it serves (prints "Server started")
#   deploy/pubsub-emulator.sh stop     stop it
#   deploy/pubsub-emulator.sh status   say whether it runs (exit 3 when not)
#   deploy/pubsub-emulator.sh env      print the PUBSUB_EMULATOR_HOST export line
#
# Settings (environment): PULSEPOINT_PUBSUB_PORT (8681), PULSEPOINT_PUBSUB_DIR (<repo>/.local/pubsub),
# PULSEPOINT_PUBSUB_EMULATOR (the emulator's launcher; default: the Google Cloud SDK's).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
port=${PULSEPOINT_PUBSUB_PORT:-8681}
dir=${PULSEPOINT_PUBSUB_DIR:-$root/.local/pubsub}
emulator=${PULSEPOINT_PUBSUB_EMULATOR:-/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator}
pidfile=$dir/emulator-$port.pid
log=$dir/emulator-$port.log

say() { printf 'pubsub-emulator.sh: %s\n' "$*" >&2; }

running() {
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

start() {
    if running; then
        say "already running on 127.0.0.1:$port"
        return 0
    fi
    if [ ! -x "$emulator" ]; then
        say "the Pub/Sub emulator is not installed at $emulator (apt-get install google-cloud-cli-pubsub-emulator, or set PULSEPOINT_PUBSUB_EMULATOR)"
        exit 1
    fi
    if port_open; then
        say "port $port is already in use by another program; set PULSEPOINT_PUBSUB_PORT to a free port"
        exit 1
    fi
    mkdir -p "$dir"
    # Its own session, so stop can end the launcher script and its JVM together.
    setsid "$emulator" --host=127.0.0.1 --port="$port" >"$log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    for _ in $(seq 1 120); do
        if grep -q 'Server started' "$log" 2>/dev/null; then
            say "running on 127.0.0.1:$port (log: $log)"
            return 0
        fi
        if ! running; then break; fi
        sleep 0.5
    done
    say "the emulator did not start within 60 s; last lines of $log:"
    tail -n 20 "$log" >&2 || true
    stop >/dev/null 2>&1 || true
    exit 1
}

stop() {
    if ! running; then
        rm -f "$pidfile"
        say "not running"
        return 0
    fi
    local pid; pid=$(cat "$pidfile")
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$pidfile"
    say "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) if running; then echo "running on 127.0.0.1:$port (pid $(cat "$pidfile"))"; else echo "not running"; exit 3; fi ;;
    env) echo "export PUBSUB_EMULATOR_HOST=127.0.0.1:$port" ;;
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
