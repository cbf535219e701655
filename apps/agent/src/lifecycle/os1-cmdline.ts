// OS1's options take effect only at its next boot: compare what it runs with (/proc/cmdline)
// with what the active profile plans for it, and say plainly what differs.
import type { Os1Report } from "@tessera/core";
import type { ProfileStore } from "../db/profiles";
import type { MachineService } from "../services/machine-service";
import type { FileAccess } from "./file-checks";
import type { LayoutPool } from "./layout-pool";
import { gatherFacts, planOptions } from "./live-facts";
import type { Os1Boot } from "./os1-boot";

export type { Os1Report };

function values(tokens: string[], key: string): string[] {
  return tokens
    .filter((t) => t === key || t.startsWith(`${key}=`))
    .map((t) => (t === key ? "" : t.slice(key.length + 1)));
}

export function compareCmdline(
  running: string,
  planned: string[],
  os1Cores: number,
): Omit<Os1Report, "cmdline"> {
  const tokens = running.trim().split(/\s+/).filter(Boolean);
  const keys = [...new Set(planned.map((o) => o.split("=")[0]!))];
  const differences = [];
  for (const key of keys) {
    const want = values(planned, key).sort();
    const have = values(tokens, key).sort();
    if (JSON.stringify(want) !== JSON.stringify(have))
      differences.push({ option: key, running: have, planned: want });
  }
  const matches = differences.length === 0;
  let message = "OS1 runs with the options the active profile plans for it.";
  if (!matches) {
    const d = differences[0]!;
    const runs = d.running.length
      ? d.running.map((v) => (v ? `${d.option}=${v}` : d.option)).join(" ")
      : `no ${d.option}`;
    const gives =
      d.option === "maxcpus"
        ? `gives it ${os1Cores} core${os1Cores === 1 ? "" : "s"}`
        : `plans ${d.planned.map((v) => (v ? `${d.option}=${v}` : d.option)).join(" ")}`;
    message = `OS1 runs with ${runs}, the profile ${gives}: install OS1's Tessera boot entry and reboot OS1 into it.`;
    if (differences.length > 1) message += ` (${differences.length} options differ.)`;
  }
  return { expected: planned, matches, differences, message };
}

export async function os1Report(t: {
  profiles: ProfileStore;
  machine: MachineService;
  files: FileAccess;
  layout: Pick<LayoutPool, "plan">;
  config: { loader: string };
  os1Boot: () => Promise<Os1Boot>;
}): Promise<Os1Report> {
  const boot = await t.os1Boot();
  const cmdline = boot.cmdline;
  const id = t.profiles.activeId();
  const rec = id ? t.profiles.get(id) : undefined;
  if (!rec)
    return {
      cmdline,
      expected: [],
      matches: null,
      differences: [],
      message: "No profile is active.",
    };
  // On the worker thread: any viewer can ask, and a large profile takes a while to plan.
  const r = (
    await t.layout.plan(
      t.machine.machine,
      rec.profile,
      await gatherFacts(rec.profile, t.files),
      planOptions(t.config.loader, boot),
    )
  ).result;
  if (!r.ok) {
    return {
      cmdline,
      expected: [],
      matches: null,
      differences: [],
      message: "The active profile has errors, so OS1 has no planned options.",
    };
  }
  if (cmdline === null) {
    return {
      cmdline,
      expected: r.plan.os1.options,
      matches: null,
      differences: [],
      message: "OS1's command line (/proc/cmdline) could not be read.",
    };
  }
  return { cmdline, ...compareCmdline(cmdline, r.plan.os1.options, r.plan.os1.cpus.length) };
}
