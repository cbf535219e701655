// One QEMU q35 machine under software emulation: OS1 boots from -kernel/-initrd with the
// plan's OS1 command line; each of three ISA serial ports writes to its own file (OS1's
// console on the first, each successor's on the one it owns); the agent's port is forwarded
// to the host's loopback.
//
// Why COM3 is on ISA line 5: on a PC the four COM ports share two lines (COM1/COM3 on 4,
// COM2/COM4 on 3), so three instances cannot each own a port on a line of its own, which
// Tessera's validator rightly requires (DEV-IRQ-SHARED, DEV-OS1-LINE). The lab machine wires
// COM3 to line 5, the way a board with a configurable Super I/O can. OS1 learns the line
// from the firmware (ACPI); a successor booted with acpi=off assumes the standard line, which
// does not matter here: successors only write their console, polled, and never take the
// port's interrupt.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { qemuBinary } from "./paths";

export const SERIAL_PORTS = [0x3f8, 0x2f8, 0x3e8] as const;

export interface MachineOptions {
  kernel: string;
  initrd: string;
  cmdline: string;
  cpus: number;
  memoryMiB: number;
  /** Folder for the serial logs (serial-0x3f8.log, ...). */
  logDir: string;
  /** Host port forwarded to the guest's 7443; 0 picks a free one. */
  hostPort?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

export class QemuMachine {
  readonly child: ChildProcess;
  readonly port: number;
  readonly logDir: string;
  private exited: Promise<number | null>;
  stderr = "";

  private constructor(child: ChildProcess, port: number, logDir: string) {
    this.child = child;
    this.port = port;
    this.logDir = logDir;
    child.stderr?.on("data", (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((r) => child.once("exit", (code) => r(code)));
  }

  static async boot(o: MachineOptions): Promise<QemuMachine> {
    const port = o.hostPort || (await freePort());
    mkdirSync(o.logDir, { recursive: true });
    const log = (p: number) => {
      const f = join(o.logDir, `serial-0x${p.toString(16)}.log`);
      writeFileSync(f, "");
      return f;
    };
    const serials = [
      ...["-serial", `file:${log(0x3f8)}`, "-serial", `file:${log(0x2f8)}`],
      ...["-chardev", `file,id=com3,path=${log(0x3e8)}`],
      ...["-device", "isa-serial,chardev=com3,iobase=0x3e8,irq=5"],
    ];
    const args = [
      "-accel",
      "tcg",
      "-machine",
      "q35",
      "-m",
      `${o.memoryMiB}M`,
      "-smp",
      String(o.cpus),
      "-display",
      "none",
      "-vga",
      "none",
      "-monitor",
      "none",
      "-parallel",
      "none",
      "-no-reboot",
      ...serials,
      "-nic",
      `user,model=e1000,hostfwd=tcp:127.0.0.1:${port}-:7443`,
      "-kernel",
      o.kernel,
      "-initrd",
      o.initrd,
      "-append",
      o.cmdline,
    ];
    const child = spawn(qemuBinary(), args, { stdio: ["ignore", "ignore", "pipe"] });
    return new QemuMachine(child, port, o.logDir);
  }

  serialPath(port: number): string {
    return join(this.logDir, `serial-0x${port.toString(16)}.log`);
  }

  serial(port: number): string {
    const f = this.serialPath(port);
    return existsSync(f) ? readFileSync(f, "utf8") : "";
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until `re` matches the serial log of `port`; fails when QEMU exits or time runs out. */
  async waitForSerial(port: number, re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.serial(port).match(re);
      if (m) return m;
      if (!this.running)
        throw new Error(
          `QEMU exited before ${re} appeared on 0x${port.toString(16)}: ${this.stderr.trim()}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `${re} did not appear on serial 0x${port.toString(16)} within ${timeoutMs} ms`,
        );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(): Promise<void> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }
}
