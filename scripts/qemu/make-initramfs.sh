#!/bin/sh
# Pack a directory as a gzip'd newc cpio, the format the kernel unpacks as its initramfs.
# Usage: scripts/qemu/make-initramfs.sh DIR OUT.cpio.gz
# DIR must hold an executable /init. Owners are written as root (--owner 0:0) so the
# archive does not depend on who built it.
set -eu
DIR=${1:?usage: make-initramfs.sh DIR OUT}
OUT=${2:?usage: make-initramfs.sh DIR OUT}
[ -x "$DIR/init" ] || { echo "make-initramfs: $DIR/init is missing or not executable" >&2; exit 1; }
case "$OUT" in /*) ;; *) OUT="$(pwd)/$OUT" ;; esac
( cd "$DIR" && find . -print | LC_ALL=C sort | cpio -o -H newc --owner 0:0 --quiet ) | gzip -1 > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
