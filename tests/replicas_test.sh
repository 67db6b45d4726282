#!/usr/bin/env bash
# Two quotematch-server replicas on one PostgreSQL database: the English
# sample is ingested through replica A and the Persian one through replica B,
# so B must catch up with A's document to match. Watchers on both replicas,
# started before the ingest, must receive the same events as one process on
# SQLite would record, identical on A and B, with sequences 1..N.
#
#   replicas_test.sh CLIENT SERVER SOURCE_DIR
# The database server is QM_TEST_POSTGRES (a libpq URL); unset, the test is
# skipped (exit 77) unless QM_REQUIRE_POSTGRES=1.
set -euo pipefail
CLIENT=$1 SERVER=$2 SRC=$3
if [ -z "${QM_TEST_POSTGRES:-}" ]; then
  if [ "${QM_REQUIRE_POSTGRES:-0}" = 1 ]; then echo "FAIL: QM_REQUIRE_POSTGRES=1 but QM_TEST_POSTGRES is not set"; exit 1; fi
  echo "SKIP: QM_TEST_POSTGRES is not set (see scripts/pg-throwaway)"
  exit 77
fi
tmp=$(mktemp -d)
db=qm_replicas_$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$QM_TEST_POSTGRES" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*"
  for f in "$tmp"/*.log; do echo "--- $f"; tail -20 "$f"; done
  exit 1
}

psql -q "$QM_TEST_POSTGRES" -c "CREATE DATABASE $db" >/dev/null
# The same server and user, database $db.
url=$(printf '%s' "$QM_TEST_POSTGRES" | sed -E "s#^(postgres(ql)?://[^/]*)(/[^?]*)?#\1/$db#")

# What one process on SQLite records for the two documents.
"$CLIENT" --db "$tmp/single.db" ingest "$SRC/examples/border_talks.en.txt" >/dev/null
"$CLIENT" --db "$tmp/single.db" ingest "$SRC/examples/border_talks.fa.txt" >/dev/null
timeout 3 "$CLIENT" --db "$tmp/single.db" watch >"$tmp/single.jsonl" || true
n=$(wc -l <"$tmp/single.jsonl")
[ "$n" -gt 0 ] || fail "the samples give no events in one process"

start() {   # NAME: starts a replica; its port goes to $tmp/NAME.port
  "$SERVER" --listen=127.0.0.1:0 --port_file="$tmp/$1.port" --store="$url" --workers=2 --drain_seconds=1 \
    2>"$tmp/$1.log" &
  pids+=($!)
}
start a
start b
for _ in $(seq 300); do [ -s "$tmp/a.port" ] && [ -s "$tmp/b.port" ] && break; sleep 0.1; done
[ -s "$tmp/a.port" ] && [ -s "$tmp/b.port" ] || fail "the replicas did not start"
A=127.0.0.1:$(cat "$tmp/a.port")
B=127.0.0.1:$(cat "$tmp/b.port")

for r in a b; do
  addr=$A; [ $r = b ] && addr=$B
  timeout 60 "$CLIENT" --server "$addr" --timeout 60 watch --limit "$n" >"$tmp/watch_$r.jsonl" 2>"$tmp/watch_$r.log" &
  pids+=($!)
  eval "watch_$r=$!"
done
sleep 1   # the watchers are live (replay of nothing) before the ingest
"$CLIENT" --server "$A" ingest "$SRC/examples/border_talks.en.txt" >"$tmp/ingest_a.out" || fail "ingest through A"
"$CLIENT" --server "$B" ingest "$SRC/examples/border_talks.fa.txt" >"$tmp/ingest_b.out" || fail "ingest through B"
wait "$watch_a" || fail "the watcher on A did not receive $n events"
wait "$watch_b" || fail "the watcher on B did not receive $n events"

cmp -s "$tmp/watch_a.jsonl" "$tmp/watch_b.jsonl" || fail "A and B watchers differ: $(diff "$tmp/watch_a.jsonl" "$tmp/watch_b.jsonl")"
seqs=$(grep -o '"sequence":"[0-9]*"' "$tmp/watch_b.jsonl" | grep -o '[0-9]*' | tr '\n' ' ')
[ "$seqs" = "$(seq -s ' ' 1 "$n") " ] || fail "sequences are not 1..$n: $seqs"
# The same pairs as one process, up to the recording times.
strip() { sed -E 's/,"recordedUnixMicros":"[0-9]+"//' "$1"; }
[ "$(strip "$tmp/watch_b.jsonl")" = "$(strip "$tmp/single.jsonl")" ] ||
  fail "replicas' events differ from one process's: $(diff <(strip "$tmp/single.jsonl") <(strip "$tmp/watch_b.jsonl"))"
echo "PASS: $n events, identical on both replicas, sequences 1..$n"
