#!/usr/bin/env bash
# tests/deploy_test.sh SERVER CLI SOURCE_DIR — offline checks of deploy/:
#   1. yamllint (deploy/k8s/.yamllint, warnings fail) over deploy/k8s;
#   2. the server accepts the ConfigMap's config file and the Deployment's
#      QM_* environment (`quotematch-server --print-config`);
#   3. tests/deploy/validate.js: every manifest against the Kubernetes API
#      models, our own rules (probes, resources, shutdown timing, the Job's
#      failure policy, ...) and the Dockerfile's structure;
#   4. deploy/runtime-packages.txt is exactly the Debian packages of the
#      shared libraries that `ldd` lists for the two binaries.
# No Docker engine or cluster is needed (nor used).
set -euo pipefail
SERVER=$1 CLI=$2 ROOT=$3
cd "$ROOT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "deploy_test: $*" >&2; exit 1; }

echo "== yamllint"
yamllint --strict -c deploy/k8s/.yamllint deploy/k8s || fail "yamllint found problems"

echo "== server config (ConfigMap + Deployment env)"
node tests/deploy/validate.js extract . "$WORK"
echo "-----BEGIN STAND-IN-----" >"$WORK/stand-in.pem"
mapfile -t env_vars <"$WORK/env"
mapfile -t flags <"$WORK/flags"
env -i "${env_vars[@]}" "$SERVER" --config="$WORK/server.conf" "${flags[@]}" --print-config \
  >"$WORK/effective.conf" || fail "quotematch-server refuses the config of deploy/k8s/configmap.yaml"
grep -v '# default$' "$WORK/effective.conf"

echo "== manifests and Dockerfile"
node tests/deploy/validate.js check . "$WORK/effective.conf" || fail "validate.js found problems"

echo "== runtime packages"
for binary in "$SERVER" "$CLI"; do
  ldd "$binary" >"$WORK/ldd" || fail "ldd $binary failed"
  awk '$2 == "=>" && $3 ~ /^\// { print $3 }' "$WORK/ldd"
done >"$WORK/libs"
# Each library under the names dpkg may know it by: as ldd gives it, its real
# path, and both with /usr added or removed (usrmerge). One dpkg call: it
# reads its database once.
declare -A owner=()
mapfile -t libs < <(sort -u "$WORK/libs")
candidates() {
  local p
  for p in "$1" "$(readlink -f "$1")"; do
    echo "$p"
    case "$p" in /usr/*) echo "${p#/usr}" ;; *) echo "/usr$p" ;; esac
  done
}
while IFS= read -r line; do
  [[ $line == diversion* ]] && continue
  owner[${line#*: }]=${line%%:*}
done < <(for lib in "${libs[@]}"; do candidates "$lib"; done | sort -u | xargs dpkg -S 2>/dev/null || true)
for lib in "${libs[@]}"; do
  package=""
  while read -r c; do package=${owner[$c]:-$package}; done < <(candidates "$lib")
  echo "${package:-no-package-owns-$lib}"
done | sort -u >"$WORK/needed"
grep -v '^#' deploy/runtime-packages.txt | sed '/^$/d' | sort -u >"$WORK/listed"
if ! diff -u --label deploy/runtime-packages.txt --label "ldd of the binaries" "$WORK/listed" "$WORK/needed"; then
  fail "deploy/runtime-packages.txt differs from what the binaries load (- listed, + needed)"
fi
echo "deploy_test: ok ($(wc -l <"$WORK/listed") runtime packages)"
