// OS1's boot entry in GRUB: preview, install, boot it once, make default, uninstall. The
// entry is the active profile's plan, with OS1's kernel, initrd and root from the profile or
// else from the running OS1; GRUB's own failures become registered errors; every change is
// audited here.
import type { FastifyBaseLogger } from "fastify";
import type { AuditLog } from "../db/audit";
import type { ProfileStore } from "../db/profiles";
import { AgentError } from "../errors";
import { GrubError, type BootConfigService, type GrubPreview } from "../grub/service";
import type { Os1Report } from "../lifecycle/os1-cmdline";
import type { Os1Boot } from "../lifecycle/os1-boot";
import type { FileAccess } from "../lifecycle/file-checks";
import type { LayoutPool } from "../lifecycle/layout-pool";
import { gatherFacts, planOptions } from "../lifecycle/live-facts";
import type { MachineService } from "./machine-service";

export interface BootEntryServiceDeps {
  boot: BootConfigService;
  profiles: ProfileStore;
  machine: MachineService;
  audit: AuditLog;
  /** Where kernel and initrd paths may be read. */
  files: FileAccess;
  /** Core's plan on the worker thread. */
  layout: Pick<LayoutPool, "plan">;
  /** The agent's loader kind: it decides OS1's options (planOptions). */
  loader: string;
  /** Where GRUB's failures are logged in full (the client gets the registered error). */
  log: Pick<FastifyBaseLogger, "warn">;
  /** What the running OS1 booted with: fills the entry where the profile is empty. */
  os1Boot: () => Promise<Os1Boot>;
  /** Whether OS1 runs with the planned options now (GET /api/os1). */
  os1Report: () => Promise<Os1Report>;
}

type Installed = Awaited<ReturnType<BootConfigService["install"]>>;
type DefaultSet = Awaited<ReturnType<BootConfigService["setDefault"]>>;
type Uninstalled = Awaited<ReturnType<BootConfigService["uninstall"]>>;

export class BootEntryService {
  constructor(private readonly d: BootEntryServiceDeps) {}

  async preview(): Promise<GrubPreview & { id: string }> {
    const { entry, id } = await this.entry();
    return { ...(await this.d.boot.preview(entry)), id };
  }

  async install(by: string, oneTime: boolean): Promise<Installed & { installed: true }> {
    const { entry, id } = await this.entry();
    try {
      const r = await this.d.boot.install(entry, id, { oneTime });
      this.d.audit.record({ user: by, action: "grub.install", target: r.file, result: "ok" });
      return { installed: true, ...r };
    } catch (err) {
      this.d.log.warn(
        { err, detail: err instanceof GrubError ? err.detail : undefined },
        "grub install failed",
      );
      this.d.audit.record({
        user: by,
        action: "grub.install",
        result: "failed",
        detail: err instanceof Error ? err.message : null,
      });
      return mapGrub(err);
    }
  }

  /** grub-reboot <id>: OS1 boots the installed entry at its next reboot, once. */
  async bootOnce(by: string): Promise<{ id: string; commands: string[][] }> {
    const { entry, id } = await this.entry();
    try {
      const r = await this.d.boot.bootOnce(entry, id);
      this.d.audit.record({ user: by, action: "grub.boot-once", target: id, result: "ok" });
      return { id, ...r };
    } catch (err) {
      this.d.log.warn(
        { err, detail: err instanceof GrubError ? err.detail : undefined },
        "grub boot-once failed",
      );
      this.d.audit.record({
        user: by,
        action: "grub.boot-once",
        target: id,
        result: "failed",
        detail: err instanceof Error ? err.message : null,
      });
      return mapGrub(err);
    }
  }

  /**
   * The entry becomes the default only once OS1 has booted it and runs with its options
   * (the one-time selection proved it), unless the admin insists with `force`.
   */
  async makeDefault(by: string, force: boolean): Promise<DefaultSet & { default: string }> {
    const { id } = await this.entry();
    if (!force) {
      const os1 = await this.d.os1Report();
      if (os1.matches !== true) throw new AgentError("GRUB-NOT-VERIFIED", { hint: os1.message });
    }
    try {
      const r = await this.d.boot.setDefault(id);
      this.d.audit.record({ user: by, action: "grub.default", target: id, result: "ok" });
      return { default: id, ...r };
    } catch (err) {
      return mapGrub(err);
    }
  }

  async uninstall(by: string): Promise<Uninstalled> {
    try {
      const r = await this.d.boot.uninstall();
      this.d.audit.record({
        user: by,
        action: "grub.uninstall",
        result: r.removed ? "ok" : "absent",
      });
      return r;
    } catch (err) {
      return mapGrub(err);
    }
  }

  /** The active profile's GRUB entry for OS1 and its menuentry id. */
  private async entry(): Promise<{ entry: string; id: string }> {
    const id = this.d.profiles.activeId();
    const rec = id ? this.d.profiles.get(id) : undefined;
    if (!rec) throw new AgentError("NO-ACTIVE-PROFILE");
    const [facts, os1] = await Promise.all([
      gatherFacts(rec.profile, this.d.files),
      this.d.os1Boot(),
    ]);
    // On the worker thread: any viewer can preview, and a large profile takes a while to plan.
    const r = (
      await this.d.layout.plan(
        this.d.machine.machine,
        rec.profile,
        facts,
        planOptions(this.d.loader, os1),
      )
    ).result;
    if (!r.ok) throw new AgentError("LAYOUT-INVALID", { diagnostics: r.diagnostics });
    const entry = r.plan.os1.grubEntry;
    // Never an entry with a made-up kernel or root: say what is missing and where to set it.
    if (entry === null)
      throw new AgentError("GRUB-ENTRY-UNKNOWN", {
        diagnostics: r.plan.diagnostics.filter((d) => d.code === "OS1-BOOT-UNKNOWN"),
        hint: os1.problems.map((p) => p.message).join(" ") || undefined,
      });
    const m = /--id\s+'([^']+)'/.exec(entry);
    return { entry, id: m?.[1] ?? "tessera" };
  }
}

function mapGrub(err: unknown): never {
  if (err instanceof GrubError) {
    if (err.kind === "not-found") throw new AgentError("GRUB-NOT-FOUND", { message: err.message });
    if (err.kind === "check") throw new AgentError("GRUB-CHECK-FAILED");
    if (err.kind === "not-installed")
      throw new AgentError("GRUB-NOT-INSTALLED", { message: err.message });
    throw new AgentError("GRUB-COMMAND-FAILED", { message: err.message });
  }
  throw err;
}
