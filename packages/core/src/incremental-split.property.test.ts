// The rules split by instance (Rule.perInstance: profile, cpus) keep an unchanged instance's
// findings only while they are still true. Drags here are the ones that change an unchanged
// instance's findings from afar: a core whose SMT sibling another instance holds, a core
// listed twice, the boot core, and devices whose vendor:device pair changes every other
// instance's pci-stub.ids= (and so its CMDLINE-TOO-LONG against a tight command line buffer).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createChecker } from "./incremental";
import { validate } from "./validate";
import type { Device, Facts, Profile } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";
import { MiB } from "./units";

// Four vendor:device pairs of three devices each: whoever owns them changes everyone's stub
// list, and an instance holding two of a pair can reorder them under a third owner's eyes.
const devices: Device[] = [0x10d3, 0x1533, 0x15b8, 0x1572].flatMap((device, n) =>
  [0, 1, 2].map((f) => pci(`0000:0${n + 1}:00.${f}`, { device })),
);
// 8 cores of 2 threads: LAPIC IDs 0-15, siblings 2k and 2k+1.
const machine = makeMachine({ sockets: 1, coresPerSocket: 8, threads: 2, devices });
const apicIds = machine.cpus.map((c) => c.apicId);
const deviceIds = devices.map((d) => d.id);
const kernel = (cmdlineSize: number) => ({
  initSize: 64n * MiB,
  kernelAlignment: 2n * MiB,
  cmdlineSize,
  relocatable: true,
  protocol: 0x020f,
});
// Buffers around the length of the options (about 170 bytes, 10 per stubbed pair), so a
// change to another instance's devices tips them over.
const sizes = [140, 150, 160, 170, 180, 190, 200, 2048];
const facts: Facts = {
  kernels: Object.fromEntries(sizes.map((s) => [`/boot/k${s}`, kernel(s)])),
};

const start = (kernels: number[]): Profile =>
  profile(
    ...[0, 1, 2, 3].map((i) =>
      inst(
        `os${i + 1}`,
        apicIds.slice(i * 4, i * 4 + 4),
        i === 0 ? [["0x0", "2G"]] : [[`${4 + 2 * i}G`, "1G"]],
        { devices: deviceIds.slice(i * 3, i * 3 + 3), kernel: `/boot/k${kernels[i]}` },
      ),
    ),
  );

type Step = (p: Profile) => Profile;
const at = fc.nat({ max: 3 });
const step: fc.Arbitrary<Step> = fc.oneof(
  // A core moved to instance b at position k (runs, gaps, SMT splits, the boot core).
  fc
    .tuple(fc.constantFrom(...apicIds), at, fc.nat({ max: 5 }))
    .map(([core, b, k]): Step => (p) => ({
      ...p,
      instances: p.instances.map((x, j) => {
        const cpus = x.cpus.filter((c) => c !== core);
        if (j === b) cpus.splice(Math.min(k, cpus.length), 0, core);
        return { ...x, cpus };
      }),
    })),
  // A core listed by one more instance (CPU-SHARED), or removed from one.
  fc.tuple(fc.constantFrom(...apicIds), at).map(([core, b]): Step => (p) => ({
    ...p,
    instances: p.instances.map((x, j) => (j === b ? { ...x, cpus: [...x.cpus, core] } : x)),
  })),
  fc.tuple(fc.constantFrom(...apicIds), at).map(([core, b]): Step => (p) => ({
    ...p,
    instances: p.instances.map((x, j) =>
      j === b ? { ...x, cpus: x.cpus.filter((c) => c !== core) } : x,
    ),
  })),
  // A device taken out of instance b (the last owner of its pair: every stub list shrinks).
  fc.tuple(fc.constantFrom(...deviceIds), at).map(([id, b]): Step => (p) => ({
    ...p,
    instances: p.instances.map((x, j) =>
      j === b ? { ...x, devices: x.devices.filter((d) => d !== id) } : x,
    ),
  })),
  // Instance b's devices reordered (its first to the end): the same devices, other ids order.
  at.map((b): Step => (p) => ({
    ...p,
    instances: p.instances.map((x, j) =>
      j === b ? { ...x, devices: [...x.devices.slice(1), ...x.devices.slice(0, 1)] } : x,
    ),
  })),
  // A device moved to instance b, or given to a second one.
  fc.tuple(fc.constantFrom(...deviceIds), at, fc.boolean()).map(([id, b, keep]): Step => (p) => ({
    ...p,
    instances: p.instances.map((x, j) => {
      const devices = keep ? x.devices : x.devices.filter((d) => d !== id);
      return j === b ? { ...x, devices: [...devices, id] } : { ...x, devices };
    }),
  })),
);

describe("createChecker, rules split by instance", () => {
  it("equals a full validation when drags change unchanged instances' findings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...sizes), { minLength: 4, maxLength: 4 }),
        fc.array(step, { minLength: 1, maxLength: 30 }),
        (kernels, steps) => {
          const checker = createChecker(machine, facts);
          let p = start(kernels);
          expect(checker.check(p).diagnostics).toEqual(validate(machine, p, facts));
          for (const s of steps) {
            p = s(p);
            expect(checker.check(p).diagnostics).toEqual(validate(machine, p, facts));
          }
        },
      ),
      { numRuns: 200 },
    );
    // 200 random sequences of up to 30 checks: seconds on a loaded machine.
  }, 60_000);

  it("runs the split rules again only for the instances a core or device drag touches", () => {
    const checker = createChecker(machine, facts);
    const p = start([2048, 2048, 2048, 2048]);
    checker.check(p);
    // os2's last core (LAPIC 7) to the front of os3: os2 and os3 change, os1 and os4 keep theirs.
    const moved: Profile = {
      ...p,
      instances: p.instances.map((x, i) =>
        i === 1
          ? { ...x, cpus: x.cpus.slice(0, -1) }
          : i === 2
            ? { ...x, cpus: [7, ...x.cpus] }
            : x,
      ),
    };
    const r = checker.check(moved);
    expect(r.diagnostics).toEqual(validate(machine, moved, facts));
    expect(r.diagnostics.map((d) => d.code)).toContain("CPU-SMT-SPLIT");
    expect(r.ranFor).toEqual({ profile: [1, 2], cpus: [1, 2] });
    // os2's first device to os3: the device rules run again for those two only.
    const dragged: Profile = {
      ...moved,
      instances: moved.instances.map((x, i) =>
        i === 1
          ? { ...x, devices: x.devices.slice(1) }
          : i === 2
            ? { ...x, devices: [...x.devices, moved.instances[1]!.devices[0]!] }
            : x,
      ),
    };
    const d = checker.check(dragged);
    expect(d.diagnostics).toEqual(validate(machine, dragged, facts));
    expect(d.ranFor).toEqual({ profile: [1, 2], devices: [1, 2] });
  });
});
