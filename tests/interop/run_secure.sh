#!/usr/bin/env bash
# Secure interop (Node @grpc/grpc-js): TLS, mutual TLS, bearer tokens, error
# details, cancellation and x-request-id against several quotematch-server
# processes started by secure_setup.sh. usage: run_secure.sh QUOTEMATCH_SERVER SOURCE_DIR
set -uo pipefail
SERVER=$1 SRC=$2
if [ ! -d "$SRC/tests/interop/node_modules/@grpc/grpc-js" ]; then
  echo "interop: npm packages missing; run scripts/setup" >&2
  exit 1
fi
command -v openssl >/dev/null || { echo "interop: openssl missing" >&2; exit 1; }
# shellcheck source=secure_setup.sh
source "$SRC/tests/interop/secure_setup.sh"
tmp=$(mktemp -d)
trap 'qm_teardown; rm -rf "$tmp"' EXIT
trap 'exit 143' INT TERM
qm_setup "$SERVER" "$tmp" || exit 1
QMI_SOURCE_DIR="$SRC" node --test "$SRC/tests/interop/secure.test.js"
