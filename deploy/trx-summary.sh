#!/usr/bin/env bash
# Adds up the <Counters> of every TRX file under a folder and prints "N passed, N failed[, N skipped]".
# Exits 1 when no test ran at all, so an empty run can never pass for a green one.
set -euo pipefail
dir=${1:?usage: trx-summary.sh RESULTS_DIR}
files=$(find "$dir" -name '*.trx' 2>/dev/null || true)
if [ -z "$files" ]; then
    echo "0 passed, 0 failed"
    echo "trx-summary.sh: no test results (TRX) under $dir" >&2
    exit 1
fi
# Name each failed test with the first line of its message, so a log's tail says what failed.
# shellcheck disable=SC2086
awk '
    /<UnitTestResult / && /outcome="(Failed|Error|Timeout|Aborted)"/ {
        name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
        failing = 1; next
    }
    failing && /<Message>/ {
        message = $0; sub(/.*<Message>/, "", message); sub(/<\/Message>.*/, "", message)
        printf "FAILED %s\n    %s\n", name, substr(message, 1, 400)
        failing = 0
    }
    failing && /<\/UnitTestResult>/ { printf "FAILED %s\n", name; failing = 0 }
' $files | sed -e 's/&quot;/"/g' -e "s/&apos;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
# shellcheck disable=SC2086
grep -ho '<Counters [^>]*>' $files | awk '
    {
        for (i = 1; i <= NF; i++) {
            split($i, kv, "=")
            gsub(/"|\/|>/, "", kv[2])
            if (kv[1] == "total") total += kv[2]
            if (kv[1] == "passed") passed += kv[2]
            if (kv[1] == "failed") failed += kv[2]
            if (kv[1] == "error") failed += kv[2]
            if (kv[1] == "timeout") failed += kv[2]
            if (kv[1] == "aborted") failed += kv[2]
            if (kv[1] == "notExecuted") skipped += kv[2]
        }
    }
    END {
        line = sprintf("%d passed, %d failed", passed, failed)
        if (skipped > 0) line = line sprintf(", %d skipped", skipped)
        print line
        exit (passed + failed == 0) ? 1 : 0
    }'
