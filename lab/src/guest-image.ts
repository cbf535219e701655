// The two initramfs images of the lab: OS1's (busybox, Node with the libraries it links,
// the agent bundle, Debian's kernel and the successors' initramfs under /boot) and the
// successors' (busybox and Tessera's mailbox script, nothing else).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AgentBundle } from "./agent-bundle";
import { LAB_CACHE, REPO, type DebianFiles } from "./paths";

const PACK = join(REPO, "scripts", "qemu", "make-initramfs.sh");

function writeExecutable(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function busyboxRoot(dir: string, busybox: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const d of ["bin", "proc", "sys", "dev", "tmp", "boot"])
    mkdirSync(join(dir, d), { recursive: true });
  copyFileSync(busybox, join(dir, "bin", "busybox"));
  chmodSync(join(dir, "bin", "busybox"), 0o755);
}

/** Node and every shared library it links, at the same paths (Node links glibc and libstdc++). */
function copyNode(root: string): void {
  const node = process.execPath;
  mkdirSync(join(root, "usr", "bin"), { recursive: true });
  copyFileSync(node, join(root, "usr", "bin", "node"));
  const ldd = execFileSync("ldd", [node], { encoding: "utf8" });
  for (const lib of ldd.match(/\/\S+/g) ?? []) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(lib, join(root, lib));
  }
}

/**
 * The successor's /init: mounts what the mailbox script needs, says on the kernel log (the
 * polled console keeps working once another successor takes the PIC's interrupts) what it
 * sees, then becomes Tessera's guest script, which never returns.
 */
export function successorInit(guestScript: string): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
say() { echo "@@GUEST $*" > /dev/kmsg; }
say "init-reached"
say "cpus-online $(cat /sys/devices/system/cpu/online)"
say "memtotal-kb $(sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo)"
cat > /tessera-guest.sh <<'TESSERA_GUEST'
${guestScript}
TESSERA_GUEST
exec sh /tessera-guest.sh
`;
}

export function buildSuccessorInitramfs(debian: DebianFiles, guestScript: string): string {
  const root = join(LAB_CACHE, "successor-root");
  busyboxRoot(root, debian.busybox);
  writeExecutable(join(root, "init"), successorInit(guestScript));
  const out = join(LAB_CACHE, "successor.img");
  execFileSync(PACK, [root, out]);
  return out;
}

export interface Os1Options {
  /** `tessera serve` arguments after `serve`. */
  serveArgs: string[];
  /** Environment for the agent (TESSERA_*). */
  env?: Record<string, string>;
}

/**
 * OS1's /init: the NIC (QEMU's e1000, user networking) so the host reaches the agent through
 * a forwarded port, a pulse line every 2 s (uptime, MemTotal, online CPUs) that proves OS1
 * keeps running while successors start and stop, then the agent itself.
 */
export function os1Init(o: Os1Options): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(o.env ?? {})
    .map(([k, v]) => `export ${k}=${q(v)}`)
    .join("\n");
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /data
insmod /lib/modules/e1000.ko
insmod /lib/modules/msr.ko
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
( while :; do
    echo "@@OS1-PULSE $(cut -d' ' -f1 /proc/uptime) $(sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo) $(cat /sys/devices/system/cpu/online)"
    sleep 2
  done ) &
${env}
cd /tessera
echo "@@OS1-AGENT-STARTING"
node /tessera/tessera.mjs serve ${o.serveArgs.map(q).join(" ")}
echo "@@OS1-AGENT-EXITED $?"
poweroff -f
`;
}

export function buildOs1Initramfs(
  debian: DebianFiles,
  agent: AgentBundle,
  successorImage: string,
  o: Os1Options,
): string {
  const root = join(LAB_CACHE, "os1-root");
  busyboxRoot(root, debian.busybox);
  copyNode(root);
  cpSync(agent.dir, join(root, "tessera"), { recursive: true });
  mkdirSync(join(root, "lib", "modules"), { recursive: true });
  for (const m of ["e1000.ko", "msr.ko"])
    copyFileSync(join(debian.modules, m), join(root, "lib", "modules", m));
  copyFileSync(debian.vmlinuz, join(root, "boot", "vmlinuz"));
  copyFileSync(successorImage, join(root, "boot", "successor.img"));
  writeExecutable(join(root, "init"), os1Init(o));
  const out = join(LAB_CACHE, "os1.img");
  execFileSync(PACK, [root, out]);
  return out;
}
