// What a drop takes from other instances. Giving a resource to one slot takes it from every
// other, so a drop can quietly shrink another instance: the verdict names each move, and a
// move out of a running instance is refused at the drop (the agent would refuse the save).
import type { Instance, Profile } from "@tessera/core";
import { formatIds } from "./topology";
import { sizeLabel } from "./memory";

export interface Move {
  /** The instance that loses something. */
  from: string;
  /** What it loses, in words: "cores 4-5", "4 GiB of memory", "device 0000:01:00.0". */
  what: string;
}

const held = (i: Instance) =>
  i.memory.reduce((a, r) => a + r.size, 0n) + (i.lowMemory ? i.lowMemory.size : 0n);

/** What each other instance loses between `before` and `after` (instances matched by name). */
export function movesOf(before: Profile, after: Profile, index: number): Move[] {
  const target = after.instances[index]?.name;
  const out: Move[] = [];
  for (const was of before.instances) {
    if (was.name === target) continue;
    const now = after.instances.find((i) => i.name === was.name);
    if (!now) continue;
    const cpus = was.cpus.filter((c) => !now.cpus.includes(c));
    const devices = was.devices.filter((d) => !now.devices.includes(d));
    const bytes = held(was) - held(now);
    const parts: string[] = [];
    if (cpus.length) parts.push(`${cpus.length === 1 ? "core" : "cores"} ${formatIds(cpus)}`);
    if (bytes > 0n) parts.push(`${sizeLabel(bytes)} of memory`);
    if (devices.length)
      parts.push(`${devices.length === 1 ? "device" : "devices"} ${devices.join(", ")}`);
    if (parts.length) out.push({ from: was.name, what: parts.join(", ") });
  }
  return out;
}

export function describeMove(m: Move): string {
  return `moves ${m.what} from ${m.from}`;
}

/** The refusal for moves out of instances that are running now; null when none is. */
export function lockedMoveRefusal(moves: readonly Move[], running: readonly string[]): string[] {
  return moves
    .filter((m) => running.includes(m.from))
    .map(
      (m) =>
        `${m.from} is running: it keeps its ${m.what} until it is stopped. Stop ${m.from} first.`,
    );
}
