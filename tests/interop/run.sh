#!/usr/bin/env bash
# Starts quotematch-server on an ephemeral loopback port and runs the Node
# grpc-js client against it. usage: run.sh QUOTEMATCH_SERVER SOURCE_DIR
set -uo pipefail
SERVER=$1 SRC=$2
if [ ! -d "$SRC/tests/interop/node_modules/@grpc/grpc-js" ]; then
  echo "interop: npm packages missing; run scripts/setup" >&2
  exit 1
fi
tmp=$(mktemp -d)
"$SERVER" --listen=127.0.0.1:0 --port_file="$tmp/port" 2>"$tmp/server.log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/port" ] && break; sleep 0.1; done
[ -s "$tmp/port" ] || { echo "server did not start"; cat "$tmp/server.log"; exit 1; }
QM_ADDRESS="127.0.0.1:$(cat "$tmp/port")" QM_SOURCE_DIR="$SRC" node --test "$SRC/tests/interop/interop.test.js"
