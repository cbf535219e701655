#!/bin/sh
# TEST DOUBLE for the multikernel `kerf` tool. It records its argv like stand-in-kexec.sh
# and plays the kernel's sysfs under KERF_SYSFS/instances/<id>/{name,status}.
#   KERF_FAIL  "SUBCOMMAND:ERRNO" (e.g. "load:EBUSY"): print the kernel's words and exit 1
set -u
dir=${STANDIN_DIR:?STANDIN_DIR not set}
root=${KERF_SYSFS:?KERF_SYSFS not set}
n=$(ls "$dir" | grep -c '^call-' || true)
for a in "$@"; do printf '%s\0' "$a"; done > "$dir/call-$n"
cmd=${1:-}
case "${KERF_FAIL:-}" in
  "$cmd":*)
    case "${KERF_FAIL#*:}" in
      EPERM) msg="Operation not permitted" ;;
      EINVAL) msg="Invalid argument" ;;
      ENOENT) msg="No such file or directory" ;;
      EBUSY) msg="Device or resource busy" ;;
      *) msg="${KERF_FAIL#*:}" ;;
    esac
    echo "kerf: $cmd: $msg" >&2
    exit 1
    ;;
esac
id_arg() {
  while [ $# -gt 0 ]; do
    if [ "$1" = "--id" ]; then echo "$2"; return; fi
    shift
  done
}
mkdir -p "$root/instances"
case "$cmd" in
  create)
    id=$(ls "$root/instances" | wc -l)
    id=$((id + 1))
    mkdir -p "$root/instances/$id"
    echo "$2" > "$root/instances/$id/name"
    echo empty > "$root/instances/$id/status"
    echo "created instance $2 with id $id"
    ;;
  load) echo ready > "$root/instances/$(id_arg "$@")/status" ;;
  exec) echo active > "$root/instances/$(id_arg "$@")/status" ;;
  kill) echo ready > "$root/instances/$(id_arg "$@")/status" ;;
  *) echo "kerf: unknown command $cmd" >&2; exit 1 ;;
esac
