#!/usr/bin/env bash
# Python interop (Debian python3-grpcio): the same checks as run_secure.sh,
# with an independent client. usage: run_python.sh QUOTEMATCH_SERVER SOURCE_DIR
set -uo pipefail
SERVER=$1 SRC=$2
PYTHON=${QMI_PYTHON:-/usr/bin/python3}
"$PYTHON" -c 'import grpc, google.protobuf' 2>/dev/null ||
  { echo "interop: $PYTHON lacks grpc or protobuf (apt-get install python3-grpcio python3-protobuf)" >&2; exit 1; }
command -v protoc >/dev/null || { echo "interop: protoc missing" >&2; exit 1; }
command -v openssl >/dev/null || { echo "interop: openssl missing" >&2; exit 1; }
# shellcheck source=secure_setup.sh
source "$SRC/tests/interop/secure_setup.sh"
tmp=$(mktemp -d)
trap 'qm_teardown; rm -rf "$tmp"' EXIT
trap 'exit 143' INT TERM
qm_setup "$SERVER" "$tmp" || exit 1
QMI_SOURCE_DIR="$SRC" "$PYTHON" "$SRC/tests/interop/python_interop.py" -v
