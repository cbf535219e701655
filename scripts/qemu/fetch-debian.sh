#!/bin/sh
# Fetch what a QEMU proof boot needs, from Debian packages only, into OUTDIR:
#   OUTDIR/vmlinuz        Debian's stock kernel (linux-image-<ver>-amd64), a relocatable bzImage
#   OUTDIR/busybox        busybox-static's binary (for the initramfs /init)
#   OUTDIR/kexec-root/    Debian's stock kexec-tools binary (sbin/kexec) plus the shared
#                         libraries `ldd` lists for it, laid out as an initramfs subtree
#   OUTDIR/modules/       the few modules of that kernel a lab OS1 loads (e1000 for its NIC,
#                         msr for x2APIC machines, cpuid for the APIC ID layout), flat: OUTDIR/modules/NAME.ko
#   OUTDIR/VERSION        the kernel package version, for cache checks
# Usage: scripts/qemu/fetch-debian.sh OUTDIR
# Idempotent: a second run with the files present does nothing. Needs apt-get, dpkg-deb,
# ldd; run `apt-get update` first on a fresh machine (done here when apt-cache knows nothing).
set -eu

OUT=${1:?usage: fetch-debian.sh OUTDIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

complete() {
  [ -s "$OUT/vmlinuz" ] && [ -x "$OUT/busybox" ] && [ -x "$OUT/kexec-root/sbin/kexec" ] && [ -s "$OUT/VERSION" ] && [ -s "$OUT/modules/e1000.ko" ] && [ -s "$OUT/modules/cpuid.ko" ]
}
complete && exit 0

# Test files run in parallel and may all ask at once: one fetch, the others wait for it.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$OUT/.lock"
  flock 9
  complete && exit 0
fi

resolve_kernel_pkg() {
  apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1
}

PKG=$(resolve_kernel_pkg)
if [ -z "$PKG" ]; then
  echo "fetch-debian: apt-cache knows no linux-image-amd64; running apt-get update" >&2
  apt-get update -qq >&2
  PKG=$(resolve_kernel_pkg)
fi
if [ -z "$PKG" ]; then
  echo "fetch-debian: cannot resolve linux-image-amd64 to a kernel package" >&2
  exit 1
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$WORK"

# apt-get download as root warns that the _apt user cannot write here; harmless.
apt-get download -q "$PKG" busybox-static kexec-tools >&2

mkdir x
for deb in ./*.deb; do dpkg-deb -x "$deb" x; done

VMLINUZ=$(ls x/boot/vmlinuz-* | head -n 1)
[ -s "$VMLINUZ" ] || { echo "fetch-debian: no vmlinuz in $PKG" >&2; exit 1; }
cp "$VMLINUZ" "$OUT/vmlinuz.tmp" && mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"

# The lab's OS1 needs a NIC driver (QEMU's e1000) and the MSR device; both are modules in
# Debian's kernel and depend on nothing but the kernel itself.
rm -rf "$OUT/modules" && mkdir -p "$OUT/modules"
for m in drivers/net/ethernet/intel/e1000/e1000 arch/x86/kernel/msr arch/x86/kernel/cpuid; do
  cp x/lib/modules/*/kernel/$m.ko "$OUT/modules/"
done

BB=x/bin/busybox
[ -x "$BB" ] || BB=x/usr/bin/busybox
cp "$BB" "$OUT/busybox.tmp" && chmod 755 "$OUT/busybox.tmp" && mv "$OUT/busybox.tmp" "$OUT/busybox"

# Stock kexec is dynamically linked: copy it with every library ldd names, at the same paths.
rm -rf "$OUT/kexec-root" "$OUT/VERSION"
mkdir -p "$OUT/kexec-root/sbin"
cp x/sbin/kexec "$OUT/kexec-root/sbin/kexec"
chmod 755 "$OUT/kexec-root/sbin/kexec"
ldd x/sbin/kexec | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }' | while read -r lib; do
  mkdir -p "$OUT/kexec-root$(dirname "$lib")"
  cp -L "$lib" "$OUT/kexec-root$lib"
done

dpkg-deb -f "$(ls ./linux-image-*.deb | head -n 1)" Package Version | tr '\n' ' ' > "$OUT/VERSION"
echo >> "$OUT/VERSION"
echo "fetch-debian: $(cat "$OUT/VERSION")" >&2
