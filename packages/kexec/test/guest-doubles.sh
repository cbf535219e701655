# TEST DOUBLES for the mailbox guest script, sourced before it by guest-script.test.ts.
# They are shell functions because busybox sh runs its own applets (devmem, halt, ...)
# before anything in PATH. Physical memory is one file per address under $TESSERA_TEST_MEM
# (the value in decimal); every call is appended to $TESSERA_TEST_MEM/calls.
devmem() {
  echo "devmem $*" >> "$TESSERA_TEST_MEM/calls"
  [ "$2" = 32 ] || { echo "devmem double: only 32-bit accesses, got $2" >&2; return 1; }
  _f="$TESSERA_TEST_MEM/$(printf '%x' $(($1)))"
  if [ $# -ge 3 ]; then
    printf '%s\n' $(($3)) > "$_f"
  else
    _v=0
    [ -f "$_f" ] && _v=$(cat "$_f")
    printf '0x%08X\n' "$_v"
  fi
}
# Records the CPU mask and runs the command here, unpinned.
taskset() { echo "taskset $1" >> "$TESSERA_TEST_MEM/calls"; shift; "$@"; }
# `sh -c CODE` runs CODE in this shell, where the doubles are defined.
sh() { [ "$1" = -c ] || return 99; eval "$2"; }
sleep() { echo "sleep $*" >> "$TESSERA_TEST_MEM/calls"; command sleep 0.02; }
sync() { echo "sync" >> "$TESSERA_TEST_MEM/calls"; }
# The script must never halt or reboot: these doubles only record a call, for the test to see.
halt() { echo "halt $*" >> "$TESSERA_TEST_MEM/calls"; }
reboot() { echo "reboot $*" >> "$TESSERA_TEST_MEM/calls"; }
# The kernel log: $TESSERA_TEST_MEM/dmesg when a test writes one, else empty.
dmesg() { [ -f "$TESSERA_TEST_MEM/dmesg" ] && cat "$TESSERA_TEST_MEM/dmesg"; return 0; }
