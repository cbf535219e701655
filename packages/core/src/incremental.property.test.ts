// The incremental checker answers exactly what validate() answers, after every step of a
// random edit sequence (drags of cores, devices and ranges, renames, command lines, kernel
// paths, instances added and removed, edits in place), and it skips the rules a step
// cannot touch.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createChecker } from "./incremental";
import { RULES, validate } from "./validate";
import type { Device, Facts, Instance, Profile } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";
import { GiB, MiB, KiB } from "./units";

const devices: Device[] = [
  // Pairs of one vendor:device (DEV-STOCK-AMBIGUOUS), INTx lines (DEV-INTX, DEV-IRQ-SHARED),
  // one IOMMU group (DEV-IOMMU-SPLIT), a bridge, and legacy devices.
  pci("0000:00:02.0", { device: 0x10d3, irq: { msi: false, msix: false, pin: "A", line: 16 } }),
  pci("0000:00:03.0", { device: 0x10d3, irq: { msi: false, msix: false, pin: "A", line: 16 } }),
  pci("0000:00:04.0", { iommuGroup: 7 }),
  pci("0000:00:05.0", { iommuGroup: 7, device: 0x1533 }),
  pci("0000:00:1c.0", { class: 0x060400 }),
  pci("0000:01:00.0", { node: 1 }),
  { id: "serial@0x3f8", bus: "legacy", kind: "serial", ioPort: 0x3f8, irq: 4 },
  { id: "ps2-keyboard", bus: "legacy", kind: "ps2-keyboard", irq: 1 },
];
const machine = makeMachine({ sockets: 2, coresPerSocket: 6, threads: 2, devices });
const apicIds = machine.cpus.map((c) => c.apicId);
const deviceIds = [...devices.map((d) => d.id), "00:02.0", "0000:99:00.0"];
const facts: Facts = {
  onlineCpus: apicIds.slice(0, 8),
  kernels: {
    "/boot/small": {
      initSize: 64n * MiB,
      kernelAlignment: 2n * MiB,
      cmdlineSize: 120,
      relocatable: true,
      protocol: 0x020f,
    },
  },
  fileSizes: { "/boot/initrd": 900n * MiB },
  kernelProblems: { "/boot/old": "boot protocol 2.06 is older than 2.10" },
  missingFiles: ["/boot/gone"],
};

const start: Profile = profile(
  inst("os1", apicIds.slice(0, 6), [["0x0", "2G"]], { devices: ["ps2-keyboard"] }),
  inst("os2", apicIds.slice(6, 12), [["4G", "2G"]], { devices: ["0000:00:02.0"] }),
  inst("os3", apicIds.slice(12, 18), [["8G", "2G"]], { devices: ["0000:00:04.0"] }),
);

type Step = (p: Profile) => Profile;
const pick = <T>(xs: readonly T[]) => fc.integer({ min: 0, max: xs.length - 1 }).map((k) => xs[k]!);
const at = fc.nat({ max: 5 });
/** The instance `i` of a copy of the profile, edited by `f` (the other instances are kept). */
const edit =
  (i: number, f: (x: Instance) => Instance): Step =>
  (p) => {
    if (p.instances.length === 0) return p;
    const k = i % p.instances.length;
    return { ...p, instances: p.instances.map((x, j) => (j === k ? f(x) : x)) };
  };

const step: fc.Arbitrary<Step> = fc.oneof(
  // A core dragged from one instance to another (or onto one that already has it).
  fc.tuple(at, at, pick(apicIds)).map(
    ([a, b, core]): Step =>
      (p) =>
        edit(b, (x) => ({ ...x, cpus: [...x.cpus, core] }))(
          edit(a, (x) => ({ ...x, cpus: x.cpus.filter((c) => c !== core) }))(p),
        ),
  ),
  fc
    .tuple(at, fc.array(pick(apicIds), { maxLength: 8 }))
    .map(([i, cpus]) => edit(i, (x) => ({ ...x, cpus }))),
  // A device dragged, dropped twice, or a bad id typed.
  fc.tuple(at, at, pick(deviceIds)).map(
    ([a, b, id]): Step =>
      (p) =>
        edit(b, (x) => ({ ...x, devices: [...x.devices, id] }))(
          edit(a, (x) => ({ ...x, devices: x.devices.filter((d) => d !== id) }))(p),
        ),
  ),
  // A range moved or resized, in 2 MiB steps or not, over holes and other instances.
  fc
    .tuple(at, fc.bigInt({ min: 0n, max: 16n * GiB }), fc.bigInt({ min: 0n, max: 4n * GiB }))
    .map(([i, s, z]) =>
      edit(i, (x) => ({ ...x, memory: [{ start: (s / MiB) * MiB, size: (z / KiB) * KiB }] })),
    ),
  fc.tuple(at, fc.option(fc.nat({ max: 40 }))).map(([i, slot]) =>
    edit(i, (x) => {
      const { lowMemory: _, ...rest } = x;
      return slot === null
        ? rest
        : { ...rest, lowMemory: { start: 0x10000n + BigInt(slot) * 0x4000n, size: 0x8000n } };
    }),
  ),
  // Strings: names (duplicates, invalid), command lines (reserved, long), files.
  fc
    .tuple(at, fc.constantFrom("os1", "os2", "os9", "bad name", ""))
    .map(([i, name]) => edit(i, (x) => ({ ...x, name }))),
  fc
    .tuple(at, fc.constantFrom(undefined, "quiet", "maxcpus=3", "x".repeat(200)))
    .map(([i, cmdline]) => edit(i, (x) => ({ ...x, cmdline }))),
  fc
    .tuple(at, fc.constantFrom(undefined, "/boot/small", "/boot/old", "/boot/gone"))
    .map(([i, kernel]) => edit(i, (x) => ({ ...x, kernel, initrd: "/boot/initrd" }))),
  // Instances added and removed, the profile renamed.
  fc.constant<Step>((p) => ({
    ...p,
    instances: [...p.instances, inst(`os${p.instances.length + 1}`, [], [["12G", "1G"]])],
  })),
  at.map((i): Step => (p) => ({ ...p, instances: p.instances.filter((_, j) => j !== i) })),
  fc.constantFrom("a", "b").map((name): Step => (p) => ({ ...p, name })),
  // An edit in place: the same objects, changed (a careless caller).
  fc.tuple(at, pick(apicIds)).map(([i, core]): Step => (p) => {
    const x = p.instances[i % Math.max(1, p.instances.length)];
    if (x) x.cpus.push(core);
    return p;
  }),
);

describe("createChecker", () => {
  it("equals a full validation after every step of a random edit sequence", () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 25 }),
        fc.boolean(),
        (steps, withFacts) => {
          const f = withFacts ? facts : {};
          const checker = createChecker(machine, f);
          let p: Profile = structuredClone(start);
          expect(checker.check(p).diagnostics).toEqual(validate(machine, p, f));
          for (const s of steps) {
            p = s(p);
            const got = checker.check(p).diagnostics;
            expect(got).toEqual(validate(machine, structuredClone(p), f));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("runs again only the rules a core drag can touch", () => {
    const checker = createChecker(machine);
    const p = structuredClone(start);
    expect(checker.check(p).ran).toEqual(RULES.map((r) => r.name));
    const moved: Profile = {
      ...p,
      instances: p.instances.map((x, i) =>
        i === 1
          ? { ...x, cpus: x.cpus.slice(0, -1) }
          : i === 2
            ? { ...x, cpus: [x.cpus[0]! - 1, ...x.cpus] }
            : x,
      ),
    };
    const r = checker.check(moved);
    expect(r.ran).toEqual(["profile", "cpus", "direct"]);
    expect(r.diagnostics).toEqual(validate(machine, moved));
    // Nothing changed: nothing runs, the findings stay.
    expect(checker.check(structuredClone(moved))).toEqual({ diagnostics: r.diagnostics, ran: [] });
  });

  it("runs a rule that declares nothing on every check", () => {
    let calls = 0;
    const unsure = { name: "unsure", check: () => void calls++ };
    const checker = createChecker(machine, {}, {}, [...RULES, unsure]);
    const p = structuredClone(start);
    checker.check(p);
    checker.check(structuredClone(p));
    expect(calls).toBe(2);
  });
});
