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
 * sees, then runs Tessera's guest script, which returns only when it cannot do its work (it
 * says why on stderr; init then says so on the log and idles, since init must not exit).
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
sh /tessera-guest.sh
say "guest-script-exited $?"
while :; do sleep 3600; done
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

const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * OS1's /init: the NIC (QEMU's e1000, user networking) so the host reaches the agent through
 * a forwarded port, a pulse line every 2 s (uptime, MemTotal, online CPUs) that proves OS1
 * keeps running while successors start and stop, then `body`, then power off.
 */
export function os1Init(body: string): string {
  return `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /data
insmod /lib/modules/e1000.ko
insmod /lib/modules/msr.ko
insmod /lib/modules/cpuid.ko
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
( while :; do
    echo "@@OS1-PULSE $(cut -d' ' -f1 /proc/uptime) $(sed -n 's/^MemTotal: *\\([0-9]*\\) kB/\\1/p' /proc/meminfo) $(cat /sys/devices/system/cpu/online)"
    sleep 2
  done ) &
cd /tessera
${body}
poweroff -f
`;
}

/**
 * First boot: discover this machine and plan the lab profile for the direct loader, as an
 * operator would with the CLI. The plan goes out on the second serial port (no kernel
 * messages there), the machine after it.
 */
export function planBody(): string {
  return `node /tessera/dist/tessera.js discover --json > /tmp/machine.json || echo "@@OS1-DISCOVER-FAILED $?"
node /tessera/dist/tessera.js plan --machine /tmp/machine.json --profile /lab/profile.json --loader direct --format json > /tmp/plan.json || echo "@@OS1-PLAN-FAILED $?"
{ echo "@@PLAN-BEGIN"; cat /tmp/plan.json; echo "@@PLAN-END"; echo "@@MACHINE-BEGIN"; cat /tmp/machine.json; echo "@@MACHINE-END"; } > /dev/ttyS1
echo "@@OS1-PLANNED"`;
}

/** Second boot: the agent itself (`tessera serve ARGS`), with the environment given. */
export function serveBody(serveArgs: string[], env: Record<string, string> = {}): string {
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shq(v)}`);
  return `${exports.join("\n")}
echo "@@OS1-AGENT-STARTING"
node /tessera/dist/tessera.js serve ${serveArgs.map(shq).join(" ")}
echo "@@OS1-AGENT-EXITED $?"`;
}

export interface Os1Image {
  /** Shell lines /init runs after the common set-up (planBody or serveBody). */
  body: string;
  /** The lab profile, at /lab/profile.json. */
  profileJson: string;
  /** Extra files: path in the guest -> path on the host. */
  files?: Record<string, string>;
  name: string;
}

export function buildOs1Initramfs(
  debian: DebianFiles,
  agent: AgentBundle,
  successorImage: string,
  o: Os1Image,
): string {
  const root = join(LAB_CACHE, "os1-root");
  busyboxRoot(root, debian.busybox);
  copyNode(root);
  cpSync(agent.dir, join(root, "tessera"), { recursive: true });
  mkdirSync(join(root, "lib", "modules"), { recursive: true });
  for (const m of ["e1000.ko", "msr.ko", "cpuid.ko"])
    copyFileSync(join(debian.modules, m), join(root, "lib", "modules", m));
  copyFileSync(debian.vmlinuz, join(root, "boot", "vmlinuz"));
  copyFileSync(successorImage, join(root, "boot", "successor.img"));
  mkdirSync(join(root, "lab"), { recursive: true });
  writeFileSync(join(root, "lab", "profile.json"), o.profileJson);
  for (const [to, from] of Object.entries(o.files ?? {})) {
    mkdirSync(join(root, dirname(to)), { recursive: true });
    copyFileSync(from, join(root, to));
    chmodSync(join(root, to), 0o755);
  }
  writeExecutable(join(root, "init"), os1Init(o.body));
  const out = join(LAB_CACHE, `${o.name}.img`);
  execFileSync(PACK, [root, out]);
  return out;
}
