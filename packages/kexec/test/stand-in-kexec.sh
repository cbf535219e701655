#!/bin/sh
# TEST DOUBLE for a site's Mint-style kexec (no public build exists). It records its argv
# and fails on request; the real-kernel proof is src/qemu-proof.test.ts.
#   STANDIN_DIR     each call writes STANDIN_DIR/call-<n> with its argv, NUL-separated
#   STANDIN_FAIL    fail when this option is in argv (e.g. "-e"): exit STANDIN_EXIT (default 1)
#   STANDIN_HANG    hang (sleep) when this option is in argv
#   STANDIN_SIGNAL  kill itself with SIGKILL when this option is in argv
set -u
dir=${STANDIN_DIR:?STANDIN_DIR not set}
n=$(ls "$dir" | grep -c '^call-' || true)
for a in "$@"; do printf '%s\0' "$a"; done > "$dir/call-$n"
echo "stand-in-kexec: called with $# arguments"
for a in "$@"; do
  if [ "$a" = "${STANDIN_FAIL:-}" ]; then
    echo "stand-in-kexec: failing on $a as asked: Invalid argument" >&2
    exit "${STANDIN_EXIT:-1}"
  fi
  if [ "$a" = "${STANDIN_HANG:-}" ]; then
    exec sleep 600
  fi
  if [ "$a" = "${STANDIN_SIGNAL:-}" ]; then
    kill -9 $$
  fi
done
exit 0
