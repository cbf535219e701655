// tessera discover [--root DIR] [--json]: read this machine (or a captured tree) as
// tessera/machine@1. Without --json it prints a summary for people.
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hex, humanSize, machineToJson, type Machine } from "@tessera/core";
import { ArgError, parseArgs } from "./args";
import type { CliIo } from "./io";

const HELP = `usage: tessera discover [--root DIR] [--json] [--no-pci-ids]

Reads cores, NUMA nodes, the firmware memory map, PCI and legacy devices and the
interrupt routing of this machine, as the kernel and firmware describe them.

  --root DIR     read DIR/proc and DIR/sys instead of /proc and /sys (an unpacked capture,
                 or a tree one folder down in DIR as hwloc lays it out); a .tar or .tar.gz
                 (\`tessera capture\`, scripts/capture.sh, hwloc-gather-topology) works too
  --json         print the tessera/machine@1 JSON
  --no-pci-ids   leave vendor and device names out (pci.ids is read from this host)

Exit 0 when everything was read, 1 when some files were missing or malformed (listed
under "problems"; the machine is still printed), 2 on bad usage.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(args, { values: ["root"], flags: ["json", "no-pci-ids"] });
  } catch (err) {
    io.err(`tessera discover: ${(err as ArgError).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.flags.has("help")) {
    io.out(HELP);
    return 0;
  }
  if (parsed.positional.length) {
    io.err(
      `tessera discover: unexpected argument ${JSON.stringify(parsed.positional[0])}\n\n${HELP}`,
    );
    return 2;
  }
  const given = parsed.values.root ?? "/";
  let root = given;
  let unpacked: string | null = null;
  const st = await stat(given).catch(() => null);
  if (!st) {
    io.err(`tessera discover: --root ${given}: no such file or directory`);
    return 2;
  }
  if (st.isFile()) {
    // The archive reader (and zlib) loads only for an archive; `import` shares summary()
    // with this file and loads neither it nor discovery.
    const { unpackCapture } = await import("../capture/index");
    unpacked = await mkdtemp(join(tmpdir(), "tessera-discover-"));
    try {
      await unpackCapture(await readFile(given), unpacked);
    } catch (err) {
      await rm(unpacked, { recursive: true, force: true });
      io.err(
        `tessera discover: --root ${given}: not a capture archive: ${err instanceof Error ? err.message : String(err)}`,
      );
      return 2;
    }
    root = unpacked;
  }
  try {
    if (given !== "/") {
      // The tree may sit one folder down (hwloc's layout): look there before giving up.
      const { findTreeRoot } = await import("../capture/tree-root");
      const found = await findTreeRoot(root);
      if (found.root === null) {
        const shown = found.entries.slice(0, 8).join(", ");
        io.err(
          `tessera discover: --root ${given}: no proc/ or sys/ tree at its top or one folder down (${st.isFile() ? "the archive holds" : "it holds"} ${found.entries.length ? `${shown}${found.entries.length > 8 ? ", ..." : ""}` : "nothing"})`,
        );
        return 2;
      }
      root = found.root;
    }
    return await report(io, parsed.flags, given, root);
  } finally {
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
  }
}

async function report(io: CliIo, flags: Set<string>, given: string, root: string): Promise<number> {
  const { discoverMachine } = await import("../discovery/index");
  const { machine, problems } = await discoverMachine({
    root,
    pciIds: flags.has("no-pci-ids") ? null : undefined,
  });
  if (
    given !== "/" &&
    machine.cpus.length === 0 &&
    machine.devices.length === 0 &&
    machine.memoryMap.length === 0
  ) {
    io.err(
      `tessera discover: --root ${given}: nothing readable in its proc/ and sys/ (no cores, memory map or devices)`,
    );
    return 2;
  }
  if (flags.has("json")) io.out(JSON.stringify(machineToJson(machine), null, 2));
  else io.out(summary(machine));
  if (problems.length && !flags.has("json")) {
    io.err(
      `${problems.length} problem(s):\n` +
        problems.map((p) => `  ${p.path}: ${p.message}`).join("\n"),
    );
  }
  return problems.length ? 1 : 0;
}

export function summary(m: Machine): string {
  const id = m.identity ?? {};
  const out: string[] = [];
  out.push(
    `machine   ${[id.vendor, id.product].filter(Boolean).join(" ") || "(no DMI)"}  host ${id.hostname ?? "?"}  kernel ${id.kernel ?? "?"}`,
  );
  out.push(
    `fingerprint ${id.fingerprint ?? "?"}  source ${m.discovery?.source ?? "?"}  memory map from ${m.discovery?.memorySource ?? "?"}`,
  );
  const packages = new Set(m.cpus.map((c) => c.package)).size;
  const nodes = new Set(m.cpus.map((c) => c.node).filter((n) => n !== null)).size;
  out.push(
    `cores     ${m.cpus.length} (${packages} package(s), ${nodes} NUMA node(s)), online ${m.cpus.filter((c) => c.online).length}`,
  );
  out.push(
    `          LAPIC IDs ${m.cpus
      .map((c) => c.apicId)
      .sort((a, b) => a - b)
      .join(",")}`,
  );
  out.push(
    `memory    ${m.memoryMap.length} range(s), usable ${humanSize(m.memoryMap.filter((r) => r.type === "usable").reduce((s, r) => s + r.size, 0n))}`,
  );
  for (const r of m.memoryMap) {
    out.push(
      `          ${hex(r.start).padEnd(14)} ${humanSize(r.size).padStart(10)}  ${r.type}${r.node != null ? `  node ${r.node}` : ""}`,
    );
  }
  out.push(`devices   ${m.devices.length}`);
  for (const d of m.devices) {
    if (d.bus === "pci") {
      const irq = [
        d.irq.msi && "MSI",
        d.irq.msix && "MSI-X",
        // null: the capability list was not readable (config space read without root).
        d.irq.msi === null && !d.irq.msix && "MSI?",
        d.irq.msix === null && !d.irq.msi && "MSI-X?",
        d.irq.pin && `INT${d.irq.pin}${d.irq.line !== null ? `->${d.irq.line}` : ""}`,
      ]
        .filter(Boolean)
        .join(" ");
      out.push(
        `          ${d.id}  ${d.className ?? ""}: ${d.deviceName ?? hex(d.device)}  [${irq}]${d.iommuGroup !== null ? ` group ${d.iommuGroup}` : ""}${d.driver ? ` (${d.driver})` : ""}`,
      );
    } else {
      out.push(`          ${d.id}${d.irq !== null ? `  irq ${d.irq}` : ""}`);
    }
  }
  for (const u of m.discovery?.unknown ?? []) out.push(`unknown   ${u}`);
  return out.join("\n");
}
