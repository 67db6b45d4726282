# shellcheck shell=bash
# Shared setup of the secure interop runners (run_secure.sh for Node,
# run_python.sh for Python): creates test certificates with openssl, writes
# token files and starts quotematch-server processes with different
# settings, each on an ephemeral loopback port. Source it, then call
#
#   qm_setup QUOTEMATCH_SERVER TMPDIR   # exports the QMI_* variables below
#   trap qm_teardown EXIT              # kills the servers it started
#
# Certificates in $QMI_CERTS (EC P-256, valid 2 days, created per run):
#   ca.pem                       the test CA
#   server.pem server.key        CN=localhost, SAN DNS:localhost,IP:127.0.0.1
#   client.pem client.key        a client certificate signed by ca.pem
#   rogue_ca.pem                 a second CA that the server does not trust
#   rogue_client.pem/.key        a client certificate signed by rogue_ca.pem
#
# Servers (address HOST:PORT in QMI_<NAME>_ADDR, pid in QMI_<NAME>_PID, log
# in QMI_<NAME>_LOG):
#   TLS     TLS with server.pem; no feed
#   MTLS    TLS and --tls_client_ca=ca.pem; no feed
#   AUTH    plaintext, --auth_tokens=$QMI_AUTH_TOKENS (QMI_READ_TOKEN has
#           `read`, QMI_INGEST_TOKEN has `read,ingest`), a feed database
#   LIMITS  plaintext, no auth, a feed, --max_document_bytes=$QMI_LIMITS_MAX_DOCUMENT_BYTES,
#           --max_watchers=1, Prometheus metrics on $QMI_LIMITS_METRICS (HOST:PORT)
#   RATE    plaintext, --auth_tokens with QMI_RATE_TOKEN (`read`),
#           --rate_limit_rps=1 --rate_limit_burst=2; no feed

# The variables are QMI_* and not QM_*: the server reads QM_* environment
# variables as configuration (QM_AUTH_TOKENS would turn on authentication
# in every server), so qm_setup also unsets any QM_* it inherits.

QMI_SERVER_PIDS=()

# qm_make_certs DIR: writes the certificates listed above into DIR.
qm_make_certs() {
  local dir=$1
  mkdir -p "$dir"
  (
    cd "$dir" || exit 1
    set -e
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    for ca in ca rogue_ca; do
      openssl req -x509 "${ec[@]}" -keyout "$ca.key" -out "$ca.pem" -days 2 \
        -subj "/CN=quotematch interop $ca" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    done
    # leaf NAME CA CN EXTENSIONS
    leaf() {
      openssl req "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "/CN=$3"
      printf '%b' "$4" >"$1.ext"
      openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -set_serial "0x$(openssl rand -hex 8)" \
        -days 2 -extfile "$1.ext" -out "$1.pem"
    }
    leaf server ca localhost \
      'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'
    leaf client ca interop-client 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n'
    leaf rogue_client rogue_ca interop-rogue-client 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n'
    rm -f ./*.csr ./*.ext
  ) >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; return 1; }
}

# qm_spawn NAME ARGS...: starts the server on 127.0.0.1:0 with ARGS, in the
# background; qm_wait_all waits for every spawned server's port file.
qm_spawn() {
  local name=$1
  shift
  local port_file="$QMI_TMP/$name.port" log="$QMI_TMP/$name.log"
  "$QMI_SERVER_BINARY" --listen=127.0.0.1:0 --port_file="$port_file" --drain_seconds=1 "$@" 2>"$log" &
  local pid=$!
  QMI_SERVER_PIDS+=("$pid")
  export "QMI_${name}_PID=$pid" "QMI_${name}_LOG=$log"
  QMI_SPAWNED+=("$name")
}

qm_wait_all() {
  local name port_file pid_var
  for name in "${QMI_SPAWNED[@]}"; do
    port_file="$QMI_TMP/$name.port"
    pid_var="QMI_${name}_PID"
    for _ in $(seq 150); do
      [ -s "$port_file" ] && break
      kill -0 "${!pid_var}" 2>/dev/null || break
      sleep 0.1
    done
    if [ ! -s "$port_file" ]; then
      echo "interop: server $name did not start:" >&2
      cat "$QMI_TMP/$name.log" >&2
      return 1
    fi
    export "QMI_${name}_ADDR=127.0.0.1:$(sed -n 1p "$port_file")"
    # A second line is the plaintext health port (health_listen).
    local health_port
    health_port=$(sed -n 2p "$port_file")
    if [ -n "$health_port" ]; then export "QMI_${name}_HEALTH_ADDR=127.0.0.1:$health_port"; fi
  done
}

qm_setup() {
  QMI_SERVER_BINARY=$1
  QMI_TMP=$2
  QMI_SPAWNED=()
  local v
  for v in $(compgen -e); do [[ $v == QM_* ]] && unset "$v"; done
  export QMI_CERTS="$QMI_TMP/certs"
  qm_make_certs "$QMI_CERTS" || return 1

  export QMI_READ_TOKEN=read-token-0123456789abcdef
  export QMI_INGEST_TOKEN=ingest-token-0123456789abcdef
  export QMI_RATE_TOKEN=rate-token-0123456789abcdef
  export QMI_AUTH_TOKENS="$QMI_TMP/auth_tokens"
  cat >"$QMI_AUTH_TOKENS" <<EOF
# TOKEN                        SCOPES       NAME
$QMI_READ_TOKEN    read         dashboard
$QMI_INGEST_TOKEN  read,ingest  feed-writer
EOF
  echo "$QMI_RATE_TOKEN read rater" >"$QMI_TMP/rate_tokens"

  local c=$QMI_CERTS
  qm_spawn TLS --db= --tls_cert="$c/server.pem" --tls_key="$c/server.key"
  qm_spawn MTLS --db= --tls_cert="$c/server.pem" --tls_key="$c/server.key" --tls_client_ca="$c/ca.pem" \
    --health_listen=127.0.0.1:0
  qm_spawn AUTH --db="$QMI_TMP/auth.db" --auth_tokens="$QMI_AUTH_TOKENS"
  export QMI_LIMITS_MAX_DOCUMENT_BYTES=2048
  # (Servers before commit 4572574 refuse a metrics_listen equal to listen,
  # even for port 0; use --metrics_listen=localhost:0 with those.)
  qm_spawn LIMITS --db="$QMI_TMP/limits.db" --max_document_bytes=$QMI_LIMITS_MAX_DOCUMENT_BYTES \
    --max_watchers=1 --metrics_listen=127.0.0.1:0
  qm_spawn RATE --db= --auth_tokens="$QMI_TMP/rate_tokens" --rate_limit_rps=1 --rate_limit_burst=2
  qm_wait_all || return 1

  local metrics_port
  metrics_port=$(grep '"event":"metrics"' "$QMI_LIMITS_LOG" | grep -o 'port [0-9]*' | head -1 | cut -d' ' -f2)
  [ -n "$metrics_port" ] || { echo "interop: no metrics port in $QMI_LIMITS_LOG" >&2; cat "$QMI_LIMITS_LOG" >&2; return 1; }
  export QMI_LIMITS_METRICS="127.0.0.1:$metrics_port"
}

# qm_teardown: kills the servers qm_setup started (by pid) and waits for them.
qm_teardown() {
  local pid
  for pid in "${QMI_SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${QMI_SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
}
