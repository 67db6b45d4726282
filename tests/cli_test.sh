#!/usr/bin/env bash
# CLI end to end: identical output in-process and through a server, the
# documented exit codes, one JSON log line per RPC, graceful shutdown.
# usage: cli_test.sh QUOTEMATCH QUOTEMATCH_SERVER SOURCE_DIR
set -uo pipefail
QM=$1 SERVER=$2 SRC=$3
EN=$SRC/examples/border_talks.en.txt
FA=$SRC/examples/border_talks.fa.txt
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
source "$(dirname "$0")/check.sh"

"$SERVER" --listen=127.0.0.1:0 --port_file="$tmp/port" --drain_seconds=2 --db="$tmp/server.db" 2>"$tmp/server.log" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
check "server wrote its port" test -n "$port"
REMOTE="--server 127.0.0.1:$port"

for fmt in json table; do
  "$QM" align "$EN" "$FA" --format $fmt >"$tmp/local.align.$fmt"
  "$QM" align "$EN" "$FA" --format $fmt $REMOTE >"$tmp/remote.align.$fmt"
  check "align $fmt identical in-process and remote" cmp -s "$tmp/local.align.$fmt" "$tmp/remote.align.$fmt"
  "$QM" extract "$FA" --format $fmt >"$tmp/local.extract.$fmt"
  "$QM" extract "$FA" --format $fmt $REMOTE >"$tmp/remote.extract.$fmt"
  check "extract $fmt identical" cmp -s "$tmp/local.extract.$fmt" "$tmp/remote.extract.$fmt"
  "$QM" normalize "$EN" --format $fmt >"$tmp/local.norm.$fmt"
  "$QM" normalize "$EN" --format $fmt $REMOTE >"$tmp/remote.norm.$fmt"
  check "normalize $fmt identical" cmp -s "$tmp/local.norm.$fmt" "$tmp/remote.norm.$fmt"
done
check "align prints 6 pairs and a summary" test "$(grep -c '"pair"' "$tmp/local.align.json")" -eq 6 -a \
  "$(grep -c '"summary"' "$tmp/local.align.json")" -eq 1
check "stdin input" test "$("$QM" extract - --lang fa <"$FA" | wc -l)" -eq 8

: >"$tmp/empty.txt"
check "no arguments → 2" test "$(exit_code "$QM")" -eq 2
check "unknown command → 2" test "$(exit_code "$QM" frobnicate x)" -eq 2
check "wrong file count → 2" test "$(exit_code "$QM" align "$EN")" -eq 2
check "bad option → 2" test "$(exit_code "$QM" align "$EN" "$FA" --format xml)" -eq 2
check "help → 0" test "$(exit_code "$QM" --help)" -eq 0
check "missing file → 3" test "$(exit_code "$QM" extract "$tmp/nope.txt")" -eq 3
check "empty file → 3" test "$(exit_code "$QM" extract "$tmp/empty.txt")" -eq 3
check "empty file remote → 3" test "$(exit_code "$QM" extract "$tmp/empty.txt" $REMOTE)" -eq 3
check "error names the field" grep -q "document.text: must not be empty" <("$QM" extract "$tmp/empty.txt" 2>&1)
check "unreachable server → 4" test "$(exit_code "$QM" extract "$FA" --server 127.0.0.1:1 --timeout 2)" -eq 4

# The live feed: ingest and watch, through the server and in-process.
"$QM" ingest "$EN" "$FA" $REMOTE >"$tmp/ingest.json"
check "ingest answers each document" test "$(grep -c '"stored"' "$tmp/ingest.json")" -eq 2
check "ingest again is a no-op" grep -q INGEST_OUTCOME_UNCHANGED <("$QM" ingest "$FA" $REMOTE)
check "ingest of an empty file → 3" test "$(exit_code "$QM" ingest "$tmp/empty.txt" $REMOTE)" -eq 3
"$QM" watch --limit 6 $REMOTE >"$tmp/watch.json"
check "watch replays the pairs" test "$(grep -c MATCH_EVENT_TYPE_ADDED "$tmp/watch.json")" -eq 6
check "watch --from resumes" test "$("$QM" watch --from 5 --limit 1 $REMOTE | grep -c '"sequence":"6"')" -eq 1
"$QM" ingest "$EN" "$FA" --db "$tmp/local.db" >/dev/null
"$QM" watch --limit 6 --db "$tmp/local.db" >"$tmp/watch.local.json"
check "watch in-process gives the same pairs" cmp -s <(grep -o '"englishStatementId":"[^"]*","persianStatementId":"[^"]*"' "$tmp/watch.json") \
  <(grep -o '"englishStatementId":"[^"]*","persianStatementId":"[^"]*"' "$tmp/watch.local.json")
check "watch bad --from → 2" test "$(exit_code "$QM" watch --from -1)" -eq 2

kill -TERM "$pid"
wait "$pid"; code=$?
pid=""
check "server exits 0 on SIGTERM" test "$code" -eq 0
check "one JSON line per RPC" test "$(grep -c '"method":"AlignDocuments"' "$tmp/server.log")" -eq 2
check "shutdown logged" grep -q '"event":"stopped"' "$tmp/server.log"

check_summary cli
