// Invariants of the planner, over generated machines and layouts (fast-check).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { plan } from "./plan";
import { validate, hasErrors } from "./validate";
import type { BootPlan, Machine, PlanOptions, Profile, Range } from "./model";
import { PLAN_LOADERS } from "./model";
import { inst, makeMachine, profile } from "./test-support";
import { MiB, GiB } from "./units";
import { notUsableParts, indexMachine } from "./machine-index";

const arbMachine = fc
  .record({
    sockets: fc.integer({ min: 1, max: 4 }),
    cores: fc.integer({ min: 2, max: 12 }),
    threads: fc.integer({ min: 1, max: 2 }),
    stride: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ sockets, cores, threads, stride }) =>
    makeMachine({
      sockets,
      coresPerSocket: cores,
      threads,
      apic: (s, c, t) => (s * 64 + c * threads + t) * stride,
    }),
  );

/** A layout built to be valid: consecutive runs of cores, 2 MiB aligned ranges above 4 GiB. */
function arbValidLayout(m: Machine): fc.Arbitrary<Profile> {
  const n = m.cpus.length;
  return fc
    .record({
      count: fc.integer({ min: 1, max: Math.min(7, n) }),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 6 }),
      sizes: fc.array(fc.integer({ min: 64, max: 1024 }), { minLength: 7, maxLength: 7 }),
      gaps: fc.array(fc.integer({ min: 0, max: 64 }), { minLength: 7, maxLength: 7 }),
    })
    .map(({ count, cuts, sizes, gaps }) => {
      const ids = indexMachine(m).apicIds;
      const bounds = [0, ...cuts.sort((a, b) => a - b).slice(0, count - 1), n];
      const runs = bounds.slice(1).map((end, k) => ids.slice(bounds[k], end));
      const instances = [inst("os1", runs[0]!, [["0x0", "2G"]])];
      let cursor = 4n * GiB;
      for (let k = 1; k < runs.length; k++) {
        cursor += BigInt(gaps[k]!) * 2n * MiB;
        const size = BigInt(sizes[k]!) * 2n * MiB;
        instances.push({
          name: `os${k + 1}`,
          cpus: runs[k]!,
          memory: [{ start: cursor, size }],
          devices: [],
        });
        cursor += size;
      }
      return profile(...instances);
    });
}

/** Any layout at all: random cores and ranges, mostly invalid. */
const arbAnyLayout = fc
  .array(
    fc.record({
      cpus: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 6 }),
      ranges: fc.array(
        fc.record({
          start: fc.bigInt({ min: 0n, max: 20n * GiB }),
          size: fc.bigInt({ min: 0n, max: 8n * GiB }),
        }),
        { maxLength: 2 },
      ),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((xs) =>
    profile(
      ...xs.map((x, i) => ({
        name: `os${i + 1}`,
        cpus: x.cpus,
        memory: x.ranges as Range[],
        devices: [],
      })),
    ),
  );

/** Plan options: no loader (the stock options) or any loader the planner knows. */
const arbOptions: fc.Arbitrary<PlanOptions> = fc
  .option(fc.constantFrom(...PLAN_LOADERS), {
    nil: undefined,
  })
  .map((loader) => (loader ? { loader } : {}));

/** What discovery may know of the platform: nothing, or a TSC frequency and an x2APIC flag. */
const arbPlatform = fc.option(
  fc.record({
    tscKhz: fc.option(fc.integer({ min: 1, max: 6_000_000 }), { nil: null }),
    x2apic: fc.option(fc.boolean(), { nil: null }),
  }),
  { nil: undefined },
);

/** Under direct: every mailbox page lies in OS1's usable RAM, reserved, and is the successor's alone. */
function assertDirect(m: Machine, p: BootPlan): void {
  const idx = indexMachine(m);
  const pages = p.successors.map((s) => s.direct!.mailbox);
  expect(new Set(pages).size).toBe(pages.length);
  for (const s of p.successors) {
    const page = { start: s.direct!.mailbox, size: 4096n };
    expect(page.start + page.size <= p.os1.memEnd).toBe(true);
    expect(notUsableParts(idx, page)).toEqual([]);
    expect(p.os1.reservations).toContainEqual(page);
    expect(s.cmdline).toContain(`tessera.mailbox=0x${page.start.toString(16)} `);
    for (const r of [s.lowMemory, ...s.memory])
      expect(r.start < page.start + page.size && page.start < r.start + r.size).toBe(false);
    expect(s.direct!.tscKhz).toBeGreaterThan(0);
  }
}

function assertDisjoint(m: Machine, p: BootPlan): void {
  const cores = [p.os1.cpus, ...p.successors.map((s) => s.cpus)].flat();
  expect(new Set(cores).size).toBe(cores.length);
  const idx = indexMachine(m);
  const held: Range[] = [{ start: 0n, size: p.os1.memEnd }];
  for (const s of p.successors) {
    for (const r of [...s.memory, s.lowMemory]) {
      expect(notUsableParts(idx, r)).toEqual([]);
    }
    held.push(...s.memory);
  }
  // Low slices are carved out of OS1 by its memmap=$ reservations, so they are checked
  // against each other and the successors' ranges; main ranges against everything.
  const slices = p.successors.map((s) => s.lowMemory);
  const all = [
    ...held.map((r, k) => ({ r, k, low: false })),
    ...slices.map((r) => ({ r, k: -1, low: true })),
  ];
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) {
      const x = all[a]!;
      const y = all[b]!;
      if (x.k === 0 && y.low) {
        expect(p.os1.reservations).toContainEqual(y.r);
        continue;
      }
      const overlap = x.r.start < y.r.start + y.r.size && y.r.start < x.r.start + x.r.size;
      expect(overlap, `${x.r.start}+${x.r.size} vs ${y.r.start}+${y.r.size}`).toBe(false);
    }
  }
}

describe("plan invariants", () => {
  it("a valid generated layout always plans, and never gives two instances one byte or one core", () => {
    fc.assert(
      fc.property(
        arbMachine.chain((m) => fc.tuple(fc.constant(m), arbValidLayout(m))),
        fc.option(fc.integer({ min: 1, max: 6_000_000 }), { nil: undefined }),
        ([m0, p], tscKhz) => {
          // With a known TSC frequency and xAPIC-sized LAPIC IDs (DIRECT-APIC-ID), the direct
          // loader plans every valid layout as well.
          const direct = tscKhz !== undefined && m0.cpus.every((c) => c.apicId <= 254);
          const m: Machine = direct ? { ...m0, platform: { tscKhz, x2apic: true } } : m0;
          const r = plan(m, p, {}, direct ? { loader: "direct" } : {});
          if (!r.ok)
            throw new Error(JSON.stringify(r.diagnostics.filter((d) => d.severity === "error")));
          assertDisjoint(m, r.plan);
          if (direct) assertDirect(m, r.plan);
          expect(
            r.plan.successors.every((s) => s.cpus.length === s.cpuCount && s.bsp === s.cpus[0]),
          ).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("any layout: a plan exists exactly when validation finds no error, and then it is sound", () => {
    const m0 = makeMachine({ sockets: 2, coresPerSocket: 8 });
    fc.assert(
      fc.property(arbAnyLayout, arbOptions, arbPlatform, (p, opts, platform) => {
        const m: Machine = platform ? { ...m0, platform } : m0;
        const r = plan(m, p, {}, opts);
        expect(r.ok).toBe(!hasErrors(validate(m, p, {}, opts)));
        if (r.ok) assertDisjoint(m, r.plan);
        if (r.ok && opts.loader === "direct") assertDirect(m, r.plan);
      }),
      { numRuns: 500 },
    );
  });

  it("valid layouts under any loader and platform: a plan exists exactly when validation finds no error", () => {
    // Layouts that plan with the stock options, then what the direct loader adds to decide:
    // known or unknown TSC, the user's own tsc_early_khz= (good or bad), x2APIC or not.
    const userTsc = fc.constantFrom(undefined, "tsc_early_khz=2000000", "tsc_early_khz=fast");
    fc.assert(
      fc.property(
        arbMachine.chain((m) => fc.tuple(fc.constant(m), arbValidLayout(m))),
        arbOptions,
        arbPlatform,
        fc.array(userTsc, { minLength: 7, maxLength: 7 }),
        ([m0, p0], opts, platform, tsc) => {
          const m: Machine = platform ? { ...m0, platform } : m0;
          const p: Profile = {
            ...p0,
            instances: p0.instances.map((x, i) => (tsc[i] ? { ...x, cmdline: tsc[i] } : x)),
          };
          const r = plan(m, p, {}, opts);
          expect(r.ok).toBe(!hasErrors(validate(m, p, {}, opts)));
          if (r.ok) assertDisjoint(m, r.plan);
          if (r.ok && opts.loader === "direct") assertDirect(m, r.plan);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the boot core always stays with OS1", () => {
    fc.assert(
      fc.property(
        arbMachine.chain((m) => fc.tuple(fc.constant(m), arbValidLayout(m))),
        ([m, p]) => {
          const r = plan(m, p);
          expect(r.ok && r.plan.os1.cpus[0]).toBe(indexMachine(m).apicIds[0]);
        },
      ),
      { numRuns: 50 },
    );
  });
});
