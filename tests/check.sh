# tests/check.sh — sourced by the shell tests: named checks and a tally.
#   check NAME COMMAND...   runs COMMAND; counts it passed or failed (and says which)
#   exit_code COMMAND...    prints COMMAND's exit code, its output discarded
#   check_summary LABEL     prints the tally; returns non-zero if any check failed
passed=0 failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $name"; fi
}
exit_code() { "$@" >/dev/null 2>&1; echo $?; }
check_summary() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
