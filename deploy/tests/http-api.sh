#!/usr/bin/env bash
# Drives the HTTP API with curl, as a backend in any language would: posts an event batch and posts it
# again (stored, then already stored), posts an OTLP/JSON GenAI span (200, empty response), and checks
# that a wrong key gets 401 and a body that is not JSON gets 400 with problem details. Ends with
# "http-api.sh: passed" (exit 0) or names the failed check (exit 1). deploy/test.sh runs it through
# tests/PulsePoint.Tests/HttpApi/CurlShellTests.cs against the test silo.
#
#   PULSEPOINT_URL=http://127.0.0.1:8080 PULSEPOINT_KEY=pp_live_... deploy/tests/http-api.sh
set -euo pipefail

url=${PULSEPOINT_URL:?set PULSEPOINT_URL to the silo web address, e.g. http://127.0.0.1:8080}
key=${PULSEPOINT_KEY:?set PULSEPOINT_KEY to a tenant key with the ingest scope}

say() { printf 'http-api.sh: %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# post PATH CONTENT-TYPE BODY [KEY] -> prints the status code; the body goes to $out
post() {
    curl -sS -o "$out" -w '%{http_code}' -X POST "$url$1" \
        -H "Authorization: Bearer ${4:-$key}" -H "Content-Type: $2" --data-binary "$3"
}

event_id=$(cat /proc/sys/kernel/random/uuid)
now=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
batch='{"events":[{"event_id":"'$event_id'","category":"ai.operations","event_type":"ai.answer_generated","timestamp":"'$now'","ai_model":"claude-3-sonnet","tokens_input":1200,"tokens_output":300,"duration_ms":812}]}'

code=$(post /v1/events application/json "$batch")
[ "$code" = 200 ] || fail "POST /v1/events answered $code: $(cat "$out")"
grep -q '"outcome":"stored"' "$out" || fail "the event was not stored: $(cat "$out")"
say "POST /v1/events: 200, stored"

code=$(post /v1/events application/json "$batch")
[ "$code" = 200 ] || fail "the retried batch answered $code: $(cat "$out")"
grep -q '"outcome":"already_stored"' "$out" || fail "the retry was not already_stored: $(cat "$out")"
say "POST /v1/events again: 200, already_stored"

trace=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
span=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
end=$(( $(date +%s) * 1000000000 ))
start=$(( end - 900000000 ))
otlp='{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"curl"}}]},"scopeSpans":[{"scope":{"name":"curl"},"spans":[{"traceId":"'$trace'","spanId":"'$span'","name":"chat gpt-4o","kind":3,"startTimeUnixNano":"'$start'","endTimeUnixNano":"'$end'","attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},{"key":"gen_ai.usage.input_tokens","value":{"intValue":"900"}},{"key":"gen_ai.usage.cache_read.input_tokens","value":{"intValue":"400"}},{"key":"gen_ai.usage.output_tokens","value":{"intValue":"120"}}]}]}]}]}'
code=$(post /v1/traces application/json "$otlp")
[ "$code" = 200 ] || fail "POST /v1/traces answered $code: $(cat "$out")"
grep -q 'partialSuccess' "$out" && fail "the span was rejected: $(cat "$out")"
say "POST /v1/traces (OTLP/JSON): 200, $(tr -d '\n ' < "$out")"

code=$(post /v1/events application/json "$batch" "pp_live_aaaaaaaaaaaa_$(printf 'b%.0s' {1..52})")
[ "$code" = 401 ] || fail "a wrong key answered $code, not 401"
say "wrong key: 401"

code=$(post /v1/events application/json '{"events": [')
[ "$code" = 400 ] || fail "malformed JSON answered $code, not 400"
grep -q '"title":"Malformed JSON"' "$out" || fail "no problem details for malformed JSON: $(cat "$out")"
say "malformed JSON: 400 with problem details"

say passed
