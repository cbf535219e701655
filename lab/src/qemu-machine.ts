// One QEMU q35 machine under software emulation: OS1 boots from -kernel/-initrd with the
// plan's OS1 command line; each of the four ISA serial ports writes to its own file (OS1's
// console on the first, each successor's on the one it owns); the agent's port is forwarded
// to the host's loopback.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { qemuBinary } from "./paths";

export const SERIAL_PORTS = [0x3f8, 0x2f8, 0x3e8, 0x2e8] as const;

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
    const serials = SERIAL_PORTS.flatMap((p) => {
      const f = join(o.logDir, `serial-0x${p.toString(16)}.log`);
      writeFileSync(f, "");
      return ["-serial", `file:${f}`];
    });
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
