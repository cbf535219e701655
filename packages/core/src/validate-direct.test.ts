// The rules about OS1's console (every loader) and the direct loader's own (DIRECT-*), one
// describe per code as in validate.test.ts; spec.test.ts reads both files.
import { describe, expect, it } from "vitest";
import { validate, hasErrors } from "./validate";
import type { Diagnostic, LegacyDevice, Machine, Profile } from "./model";
import { inst, makeMachine, pci, profile } from "./test-support";
import { consolePorts } from "./serial";

function serial(port: number, irq: number, tty: string): LegacyDevice {
  return {
    id: `serial@0x${port.toString(16)}`,
    bus: "legacy",
    kind: "serial",
    ioPort: port,
    irq,
    name: tty,
  };
}

/** A PC with its four UARTs as Linux numbers them (ttyS2 shares IRQ 4 with ttyS0). */
const machine: Machine = makeMachine({
  coresPerSocket: 8,
  devices: [
    serial(0x3f8, 4, "ttyS0"),
    serial(0x2f8, 3, "ttyS1"),
    serial(0x3e8, 4, "ttyS2"),
    serial(0x2e8, 3, "ttyS3"),
    { id: "ps2-keyboard", bus: "legacy", kind: "ps2-keyboard", irq: 1 },
    pci("0000:01:00.0"),
  ],
});
const withTsc: Machine = { ...machine, platform: { tscKhz: 2300000, x2apic: false } };

function base(os2Devices: string[] = [], os1Cmdline?: string): Profile {
  return profile(
    inst("os1", [0, 1], [["0x0", "2G"]], os1Cmdline ? { cmdline: os1Cmdline } : {}),
    inst("os2", [2, 3], [["4G", "4G"]], { devices: os2Devices }),
    inst("os3", [4, 5, 6, 7], [["8G", "4G"]]),
  );
}

function codes(d: Diagnostic[], code: string): Diagnostic[] {
  return d.filter((x) => x.code === code);
}

const direct = { loader: "direct" } as const;

describe("DEV-OS1-CONSOLE", () => {
  it("reports a successor owning the port of OS1's running console", () => {
    const d = codes(
      validate(machine, base(["serial@0x3f8"]), { os1Cmdline: "ro console=ttyS0,115200n8" }),
      "DEV-OS1-CONSOLE",
    );
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: "error",
      instance: "os2",
      path: "instances[1].devices[0]",
      subject: { devices: ["serial@0x3f8"] },
    });
    expect(d[0]!.message).toContain("console=ttyS0,115200n8 on its running command line");
  });
  it("reads the console from OS1's planned command line too, under every loader", () => {
    for (const opts of [{}, direct]) {
      const d = validate(
        withTsc,
        base(["serial@0x2f8"], "console=uart8250,io,0x2f8,115200"),
        {},
        opts,
      );
      expect(codes(d, "DEV-OS1-CONSOLE").map((x) => x.path)).toEqual(["instances[1].devices[0]"]);
    }
  });
  it("is silent when OS1's console is elsewhere or no command line names one", () => {
    const p = base(["serial@0x2f8"]);
    expect(codes(validate(machine, p, { os1Cmdline: "console=ttyS0" }), "DEV-OS1-CONSOLE")).toEqual(
      [],
    );
    expect(
      codes(validate(machine, p, { os1Cmdline: "console=tty0 quiet" }), "DEV-OS1-CONSOLE"),
    ).toEqual([]);
    expect(codes(validate(machine, p), "DEV-OS1-CONSOLE")).toEqual([]);
  });
  it("knows where earlyprintk really writes: ttyS2 by name is ttyS0 for the early parser", () => {
    const d = validate(machine, base(["serial@0x3f8"]), {
      os1Cmdline: "earlyprintk=serial,ttyS2,115200",
    });
    expect(codes(d, "DEV-OS1-CONSOLE")).toHaveLength(1);
    expect(consolePorts(machine, "earlyprintk=serial,0x2e8,9600 earlycon=uart,io,0x3e8")).toEqual([
      { port: 0x2e8, option: "earlyprintk=serial,0x2e8,9600" },
      { port: 0x3e8, option: "earlycon=uart,io,0x3e8" },
    ]);
    expect(consolePorts(machine, "console=ttyS9 console=hvc0 earlyprintk=vga")).toEqual([]);
    // After "--" the words are init's: not a console of the kernel.
    expect(consolePorts(machine, "quiet -- console=ttyS1")).toEqual([]);
  });
});

describe("DEV-OS1-LINE", () => {
  it("reports a successor's UART on the ISA line of OS1's console port", () => {
    const d = codes(
      validate(machine, base(["serial@0x3e8"]), { os1Cmdline: "console=ttyS0,115200" }),
      "DEV-OS1-LINE",
    );
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: "error",
      instance: "os2",
      path: "instances[1].devices[0]",
      subject: { devices: ["serial@0x3e8", "serial@0x3f8"] },
    });
    expect(d[0]!.message).toContain("ISA line 4");
  });
  it("is silent for a port on another line, and leaves a line OS1 owns to DEV-IRQ-SHARED", () => {
    const other = validate(machine, base(["serial@0x2f8"]), { os1Cmdline: "console=ttyS0" });
    expect(hasErrors(other)).toBe(false);
    const owned = base(["serial@0x3e8"]);
    owned.instances[0]!.devices = ["serial@0x3f8"];
    const d = validate(machine, owned, { os1Cmdline: "console=ttyS0" });
    expect(codes(d, "DEV-OS1-LINE")).toEqual([]);
    expect(codes(d, "DEV-IRQ-SHARED")).toHaveLength(1);
  });
});

describe("DIRECT-TSC-UNKNOWN", () => {
  it("reports every successor when OS1's TSC frequency is unknown, under direct only", () => {
    const d = codes(validate(machine, base(), {}, direct), "DIRECT-TSC-UNKNOWN");
    expect(d.map((x) => [x.instance, x.path, x.severity])).toEqual([
      ["os2", "instances[1].cmdline", "error"],
      ["os3", "instances[2].cmdline", "error"],
    ]);
    expect(d[0]!.hint).toContain("tsc_early_khz=");
    expect(codes(validate(machine, base()), "DIRECT-TSC-UNKNOWN")).toEqual([]);
    expect(codes(validate(withTsc, base(), {}, direct), "DIRECT-TSC-UNKNOWN")).toEqual([]);
  });
  it("accepts the user's own tsc_early_khz=, and names one that is not a number", () => {
    const p = base();
    p.instances[1]!.cmdline = "tsc_early_khz=2300000";
    p.instances[2]!.cmdline = "quiet tsc_early_khz=2.3GHz";
    const d = codes(validate(machine, p, {}, direct), "DIRECT-TSC-UNKNOWN");
    expect(d.map((x) => x.instance)).toEqual(["os3"]);
    expect(d[0]!.message).toContain("tsc_early_khz=2.3GHz, which is not a frequency in kHz");
  });
});

describe("DIRECT-APIC-ID", () => {
  it("reports cores above LAPIC ID 254 under direct (MP table, xAPIC), not under other loaders", () => {
    // LAPIC IDs 0, 64, ... 448: sparse numbering as on large multi-socket parts.
    const wide: Machine = {
      ...makeMachine({ coresPerSocket: 8, apic: (_s, c) => c * 64 }),
      platform: { tscKhz: 2300000, x2apic: true },
    };
    const p = profile(
      inst("os1", [0, 64], [["0x0", "2G"]]),
      inst("os2", [128, 192], [["4G", "4G"]]),
      inst("os3", [256, 320, 384, 448], [["8G", "4G"]]),
    );
    const d = codes(validate(wide, p, {}, direct), "DIRECT-APIC-ID");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: "error",
      instance: "os3",
      path: "instances[2].cpus[0]",
      subject: { cpus: [256, 320, 384, 448] },
    });
    expect(d[0]!.message).toContain("MP table");
    expect(codes(validate(wide, p), "DIRECT-APIC-ID")).toEqual([]);
    expect(hasErrors(validate(wide, p))).toBe(false);
  });
});

describe("DIRECT-PCI", () => {
  it("warns about a successor owning a PCI device under direct, not under other loaders", () => {
    const p = base(["serial@0x2f8", "0000:01:00.0"]);
    const d = codes(validate(withTsc, p, {}, direct), "DIRECT-PCI");
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({
      severity: "warning",
      instance: "os2",
      path: "instances[1].devices[1]",
      subject: { devices: ["0000:01:00.0"] },
    });
    expect(d[0]!.message).toContain("pci=off");
    expect(codes(validate(withTsc, p, {}, { loader: "mint" }), "DIRECT-PCI")).toEqual([]);
    expect(hasErrors(validate(withTsc, p, {}, direct))).toBe(false);
  });
});

describe("CMDLINE-RESERVED under the direct loader", () => {
  it("refuses a user tessera.mailbox=, which would point the guest script at another page", () => {
    const p = base();
    p.instances[1]!.cmdline = "quiet tessera.mailbox=0x1000";
    const d = codes(validate(withTsc, p, {}, direct), "CMDLINE-RESERVED");
    expect(d.map((x) => [x.instance, x.path])).toEqual([["os2", "instances[1].cmdline"]]);
    expect(d[0]!.message).toContain("tessera.mailbox=0x1000");
  });
});

describe("CMDLINE-TOO-LONG under the direct loader", () => {
  it("measures the direct options: a line that fits the stock options can overflow with them", () => {
    const p = base();
    // 2047 bytes is the limit; the stock successor options are about 90, the direct ones 300.
    p.instances[1]!.cmdline = "x".repeat(1900);
    expect(codes(validate(withTsc, p), "CMDLINE-TOO-LONG")).toEqual([]);
    const d = codes(validate(withTsc, p, {}, direct), "CMDLINE-TOO-LONG");
    expect(d.map((x) => x.instance)).toEqual(["os2"]);
  });
});
