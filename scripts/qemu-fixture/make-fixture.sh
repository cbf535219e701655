#!/bin/sh
# Regenerate the QEMU discovery fixture: boot Debian's stock kernel under
# qemu-system-x86_64 -machine q35 with 2 sockets x 2 cores x 2 threads, two NUMA nodes,
# an e1000e, the q35 AHCI controller, an Intel IOMMU, a serial port and VGA; run
# scripts/capture.sh from a busybox initramfs; bring the tar.gz back over the serial
# console (base64 between marker lines) and unpack it into the fixture directory.
#
# Usage: scripts/qemu-fixture/make-fixture.sh [OUTDIR] [CACHEDIR]
#   OUTDIR    default apps/agent/test/fixtures/qemu-q35-2s-8cpu
#   CACHEDIR  default ${TMPDIR:-/tmp}/tessera-qemu-debian (kernel + busybox, see scripts/qemu/fetch-debian.sh)
#   TESSERA_QEMU_APPEND  extra kernel options, e.g. "maxcpus=6" for the fixture with offline cores
# Needs qemu-system-x86, cpio, gzip, base64, tar; uses KVM when /dev/kvm is writable.
# Not run in CI: CI tests the committed fixture.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUTDIR=${1:-$REPO/apps/agent/test/fixtures/qemu-q35-2s-8cpu}
CACHE=${2:-${TMPDIR:-/tmp}/tessera-qemu-debian}

sh "$REPO/scripts/qemu/fetch-debian.sh" "$CACHE"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/root/bin"
cp "$CACHE/busybox" "$WORK/root/bin/busybox"
cp "$REPO/scripts/capture.sh" "$WORK/root/capture.sh"
cat > "$WORK/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
hostname tessera-q35
sh /capture.sh -o /tmp/capture.tar.gz
echo "===TESSERA-CAPTURE-BEGIN==="
base64 /tmp/capture.tar.gz
echo "===TESSERA-CAPTURE-END==="
poweroff -f
INIT
chmod 755 "$WORK/root/init"
sh "$REPO/scripts/qemu/make-initramfs.sh" "$WORK/root" "$WORK/initrd.gz"

# TESSERA_QEMU_ACCEL=kvm|tcg overrides the choice; under nested virtualisation with few
# host cores, KVM with 8 vCPUs can stall where TCG is slow but steady.
ACCEL=${TESSERA_QEMU_ACCEL:-}
if [ -z "$ACCEL" ]; then
  ACCEL=tcg
  if [ -w /dev/kvm ]; then ACCEL=kvm; fi
fi

# kernel-irqchip=split is what the Intel IOMMU's interrupt remapping needs under KVM.
timeout "${TESSERA_QEMU_TIMEOUT:-900}" qemu-system-x86_64 \
  -machine q35,accel=$ACCEL,kernel-irqchip=split -cpu max,vendor=GenuineIntel \
  -smp 8,sockets=2,cores=2,threads=2 \
  -m 2G \
  -object memory-backend-ram,id=m0,size=1G -object memory-backend-ram,id=m1,size=1G \
  -numa node,nodeid=0,cpus=0-3,memdev=m0 -numa node,nodeid=1,cpus=4-7,memdev=m1 \
  -device intel-iommu,intremap=on \
  -device e1000e,netdev=n0 -netdev user,id=n0,restrict=on \
  -vga std \
  -display none -no-reboot \
  -serial file:"$WORK/console.log" \
  -kernel "$CACHE/vmlinuz" -initrd "$WORK/initrd.gz" \
  -append "console=ttyS0 quiet loglevel=1 intel_iommu=on panic=-1 ${TESSERA_QEMU_APPEND:-}" || true
cp "$WORK/console.log" "$CACHE/last-console.log"

sed -n '/===TESSERA-CAPTURE-BEGIN===/,/===TESSERA-CAPTURE-END===/p' "$WORK/console.log" \
  | sed '1d;$d' | tr -d '\r' | base64 -d > "$WORK/capture.tar.gz"
[ -s "$WORK/capture.tar.gz" ] || { echo "make-fixture: no capture in the console log" >&2; tail -20 "$WORK/console.log" >&2; exit 1; }

rm -rf "$OUTDIR/tree"
mkdir -p "$OUTDIR/tree"
tar -xzf "$WORK/capture.tar.gz" -C "$OUTDIR/tree"
{
  echo "kernel: $(cat "$CACHE/VERSION")"
  echo "accel: $ACCEL"
  echo "extra kernel options: ${TESSERA_QEMU_APPEND:-none}"
  echo "qemu: $(qemu-system-x86_64 --version | head -n 1)"
} > "$OUTDIR/generated-with.txt"
echo "make-fixture: wrote $OUTDIR/tree ($(find "$OUTDIR/tree" -type f | wc -l) files)" >&2
