#!/usr/bin/env bash
# quotematch batch end to end: kill -9 at random points and --resume gives
# byte-identical output to an uninterrupted run; SIGTERM stops cleanly;
# the documented exit codes; progress lines in logs.
# usage: batch_cli_test.sh QUOTEMATCH SOURCE_DIR
set -uo pipefail
QM=$1 SRC=$2
tmp=$(mktemp -d)
bg=""
cleanup() { [ -n "$bg" ] && kill -9 "$bg" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
source "$(dirname "$0")/check.sh"

mkdir -p "$tmp/archive/docs"
cp "$SRC"/examples/border_talks.{en,fa}.txt "$SRC"/examples/extract/*.txt "$tmp/archive/docs/"
en=("$tmp"/archive/docs/*.en.txt) fa=("$tmp"/archive/docs/*.fa.txt)
rows=600
{
  for ((i = 0; i < rows; i++)); do
    if ((i % 2 == 0)); then e=border_talks.en.txt f=border_talks.fa.txt
    else e=$(basename "${en[i % ${#en[@]}]}") f=$(basename "${fa[i % ${#fa[@]}]}"); fi
    printf '{"id":"a%04d","english":{"path":"docs/%s"},"persian":{"path":"docs/%s","source":"IRNA"}}\n' "$i" "$e" "$f"
  done
  echo '{"id":"escape","english":{"path":"../../etc/passwd"},"persian":{"path":"docs/border_talks.fa.txt"}}'
} >"$tmp/archive/manifest.jsonl"
M="--manifest $tmp/archive/manifest.jsonl --threads 2"

# The reference: one uninterrupted run. One row escapes the base directory: exit 3.
"$QM" batch $M --out "$tmp/ref" 2>"$tmp/ref.log"
check "a run with a failed row exits 3" test $? -eq 3
check "reference has pairs" test "$(wc -l <"$tmp/ref/pairs.jsonl")" -ge $((rows / 2 * 6))
check "the escaping row is in the errors file" grep -q '"rowId":"escape".*leads outside the base directory' "$tmp/ref/errors.jsonl"
check "progress lines when stderr is not a terminal" grep -q "^batch: 601/601 rows (100.0%)" "$tmp/ref.log"

# kill -9 mid-run, three times, resuming each time; then finish.
kills=0
for round in 1 2 3; do
  resume=""; [ "$round" -gt 1 ] && resume="--resume"
  "$QM" batch $M --out "$tmp/killed" --checkpoint-every 0.02 --progress none $resume 2>>"$tmp/killed.log" &
  bg=$!
  # Kill somewhere after this round's first checkpoint beyond the last one.
  target=$((round * rows / 4))
  for _ in $(seq 600); do
    done_rows=$(grep -o '"rows_done":[0-9]*' "$tmp/killed/checkpoint.json" 2>/dev/null | cut -d: -f2)
    [ -n "$done_rows" ] && [ "$done_rows" -ge "$target" ] && break
    sleep 0.01
  done
  sleep "0.0$((RANDOM % 10))"
  if kill -9 "$bg" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$bg" 2>/dev/null
  bg=""
done
done_rows=$(grep -o '"rows_done":[0-9]*' "$tmp/killed/checkpoint.json" | cut -d: -f2)
check "three kills landed mid-run (rows done $done_rows)" test "$kills" -eq 3 -a "$done_rows" -lt 601
"$QM" batch $M --out "$tmp/killed" --resume --progress none 2>"$tmp/resume.log"
check "the final resume exits 3 (the failed row)" test $? -eq 3
check "resume says rows were done earlier" grep -q "([1-9][0-9]* done earlier)" "$tmp/resume.log"
check "pairs after kill -9 and --resume are identical" cmp -s "$tmp/ref/pairs.jsonl" "$tmp/killed/pairs.jsonl"
check "errors after kill -9 and --resume are identical" cmp -s "$tmp/ref/errors.jsonl" "$tmp/killed/errors.jsonl"

# SIGTERM: in-flight rows finish, the checkpoint is written, exit 4; resume completes.
"$QM" batch $M --out "$tmp/term" --progress none 2>/dev/null &
bg=$!
for _ in $(seq 300); do [ -s "$tmp/term/pairs.jsonl" ] && break; sleep 0.01; done
kill -TERM "$bg"
wait "$bg"
code=$?
bg=""
check "SIGTERM exits 4 (got $code)" test "$code" -eq 4
"$QM" batch $M --out "$tmp/term" --resume --progress none 2>/dev/null
check "SIGTERM then --resume: identical" cmp -s "$tmp/ref/pairs.jsonl" "$tmp/term/pairs.jsonl"

# Exit codes.
check "existing output without --resume: 2" test "$(exit_code "$QM" batch $M --out "$tmp/ref")" -eq 2
printf '{"id":"x","english":{"text":"a"},"persian":{"text":"b"}}\nnot json\n' >"$tmp/bad.jsonl"
check "bad manifest: 2" test "$(exit_code "$QM" batch --manifest "$tmp/bad.jsonl" --out "$tmp/bad")" -eq 2
check "bad manifest writes nothing" test ! -e "$tmp/bad"
check "missing --out: 2" test "$(exit_code "$QM" batch --manifest "$tmp/bad.jsonl")" -eq 2
check "bad --shard: 2" test "$(exit_code "$QM" batch $M --out "$tmp/s" --shard 2/2)" -eq 2
head -4 "$tmp/archive/manifest.jsonl" >"$tmp/archive/small.jsonl"
check "all rows aligned: 0" test "$(exit_code "$QM" batch --manifest "$tmp/archive/small.jsonl" --out "$tmp/small")" -eq 0
"$QM" batch --manifest "$tmp/archive/small.jsonl" --out "$tmp/shards" --shard 1/2 --progress none 2>/dev/null
check "a shard's files are named after it" test -s "$tmp/shards/shard-00001-of-00002.pairs.jsonl"
check "--help: 0" test "$(exit_code "$QM" batch --help)" -eq 0

check_summary "batch CLI"
