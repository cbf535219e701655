#!/bin/sh
# Capture the files Tessera's discovery reads into a .tar.gz, on a target machine that
# has no Node.js (POSIX sh; busybox is enough: cat, cp, find, readlink, tar, gzip).
# `tessera discover --root DIR` on the unpacked tree gives the same machine as
# `tessera discover` on the live host. The list below must stay in step with
# apps/agent/src/discovery (a test there reads a capture made by this script).
#
# Usage: capture.sh -o FILE.tar.gz [-r ROOT]     (-o - writes the archive to stdout)
# Run it as root: without root /proc/iomem reads as zeros and PCI config space is cut to
# 64 bytes (discovery says so, but the capture is poorer for it).
set -u

OUT=""
ROOT=""
while [ $# -gt 0 ]; do
  case "$1" in
    -o) OUT=${2:-}; shift 2 || break ;;
    -r) ROOT=${2:-}; shift 2 || break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "capture.sh: unknown argument $1 (usage: capture.sh -o FILE.tar.gz [-r ROOT])" >&2; exit 2 ;;
  esac
done
[ -n "$OUT" ] || { echo "capture.sh: -o FILE.tar.gz is required" >&2; exit 2; }
ROOT=${ROOT%/}

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/tessera-capture.XXXXXX") || exit 1
chmod 755 "$STAGE" # mktemp makes it 0700; the archive root should unpack readable
trap 'rm -rf "$STAGE"' EXIT INT TERM
MISSED=0

# grab REL: copy one file (content) or symlink (as a symlink) from ROOT/REL into the stage.
grab() {
  src="$ROOT/$1"
  dst="$STAGE/$1"
  if [ -L "$src" ]; then
    mkdir -p "${dst%/*}"
    ln -s "$(readlink "$src")" "$dst" 2>/dev/null
  elif [ -f "$src" ]; then
    mkdir -p "${dst%/*}"
    # cat, not cp: sysfs files claim 4096 bytes whatever they hold.
    if ! cat "$src" > "$dst" 2>/dev/null; then
      rm -f "$dst"
      MISSED=$((MISSED + 1))
    fi
  fi
}

# each PATTERN...: grab every path a glob matches (relative to ROOT).
each() {
  for pat in "$@"; do
    for p in $ROOT/$pat; do
      [ -e "$p" ] || [ -L "$p" ] || continue
      grab "${p#"$ROOT"/}"
    done
  done
}

each proc/cpuinfo proc/cmdline proc/interrupts proc/iomem proc/ioports proc/tty/driver/serial \
  proc/sys/kernel/hostname proc/sys/kernel/osrelease \
  sys/class/dmi/id/sys_vendor sys/class/dmi/id/product_name \
  sys/devices/system/cpu/online sys/devices/system/cpu/possible sys/devices/system/cpu/present \
  'sys/devices/system/cpu/cpu[0-9]*/online' \
  'sys/devices/system/cpu/cpu[0-9]*/topology/physical_package_id' \
  'sys/devices/system/cpu/cpu[0-9]*/topology/die_id' \
  'sys/devices/system/cpu/cpu[0-9]*/topology/core_id' \
  'sys/devices/system/cpu/cpu[0-9]*/topology/thread_siblings_list' \
  sys/devices/cpu_core/cpus sys/devices/cpu_atom/cpus \
  'sys/devices/system/node/node[0-9]*/cpulist' \
  'sys/devices/system/node/node[0-9]*/memory[0-9]*' \
  sys/devices/system/memory/block_size_bytes sys/firmware/acpi/tables/APIC sys/firmware/acpi/tables/SRAT \
  'sys/firmware/memmap/[0-9]*/start' 'sys/firmware/memmap/[0-9]*/end' 'sys/firmware/memmap/[0-9]*/type'

# The kernel log (OS1's TSC frequency): discovery reads /dev/kmsg, which cat would wait on
# forever; dmesg prints the same records and stops. Under -r, a captured tree's dev/kmsg is
# a plain file and grab copies it (grab skips the character device).
each dev/kmsg
if [ -z "$ROOT" ] && mkdir -p "$STAGE/dev" && ! dmesg > "$STAGE/dev/kmsg" 2>/dev/null; then
  rm -f "$STAGE/dev/kmsg"
  MISSED=$((MISSED + 1))
fi

# Serial ports: the class links and the port/irq/type attributes behind them.
for link in $ROOT/sys/class/tty/ttyS[0-9]*; do
  [ -L "$link" ] || continue
  rel=${link#"$ROOT"/}
  grab "$rel"
  dir=$(readlink -f "$link") || continue
  dir=${dir#"$ROOT"/}
  for a in port irq type; do grab "$dir/$a"; done
done

# PCI: the bus links, then each device directory they point to.
for link in $ROOT/sys/bus/pci/devices/*; do
  [ -L "$link" ] || continue
  grab "${link#"$ROOT"/}"
  dir=$(readlink -f "$link") || continue
  dir=${dir#"$ROOT"/}
  for a in vendor device subsystem_vendor subsystem_device class irq numa_node resource config boot_vga driver iommu_group; do
    grab "$dir/$a"
  done
  each "$dir/msi_irqs/*"
done

if [ "$MISSED" -gt 0 ]; then
  echo "capture.sh: $MISSED file(s) could not be read (not root?)" >&2
fi
if [ "$OUT" = "-" ]; then
  tar -czf - -C "$STAGE" .
else
  tar -czf "$OUT" -C "$STAGE" .
fi
