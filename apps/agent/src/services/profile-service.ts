// Every change to a stored profile, with what belongs to it: the lock check against
// instances that may be running, the audit entry (refusals included) and the announcement
// to live clients. Routes call one method each; nothing else writes profiles.
import {
  diffProfiles,
  profileToJson,
  type ProfileChange,
  type VersionRecord,
  type VersionSummary,
  type Profile,
  type ProfileAction,
  type ProfileRecord,
  type ProfileSummary,
} from "@tessera/core";
import type { AuditLog } from "../db/audit";
import type { ProfileStore, ProfileVersion, StoredProfile } from "../db/profiles";
import { AgentError } from "../errors";
import type { InstanceStateStore } from "../lifecycle/states";
import type { LiveHub } from "../live/hub";
import { diffJson, type Change } from "./json-diff";
import type { MachineService } from "./machine-service";

export interface ProfileServiceDeps {
  profiles: ProfileStore;
  audit: AuditLog;
  hub: LiveHub;
  instances: InstanceStateStore;
  machine: MachineService;
  /** Called after a profile is activated (the dry-run's simulated OS1 "reboots" into it). */
  onActivated?: (p: Profile) => void;
  now: () => number;
}

export class ProfileService {
  constructor(private readonly d: ProfileServiceDeps) {}

  list(): ProfileSummary[] {
    return this.d.profiles.list().map((p) => this.summary(p));
  }

  get(id: string): ProfileRecord {
    return this.record(this.mustGet(id));
  }

  /** A new profile (version 1); `how` says whether an operator made it or imported a file. */
  create(profile: Profile, by: string, how: "create" | "import" = "create"): ProfileRecord {
    const rec = this.d.profiles.create(this.stamped(profile), by);
    this.audit(by, `profile.${how}`, rec, "ok", how === "create" ? "version 1" : null);
    this.announce("created", rec, by);
    return this.record(rec);
  }

  /**
   * A new version, compare-and-set on `baseVersion`. For the active profile, instances that
   * may be running keep their resources (409 RESOURCE-LOCKED with the diagnostics).
   */
  update(id: string, baseVersion: number, next: Profile, by: string): ProfileRecord {
    const profile = this.stamped(next);
    const before = this.mustGet(id);
    if (before.active) {
      try {
        this.d.instances.checkProfileChange(profile);
      } catch (err) {
        this.audit(by, "profile.update", before, "refused", "resources locked");
        throw err;
      }
    }
    const r = this.d.profiles.update(id, baseVersion, profile, by);
    if (!r.ok && r.reason === "not-found") throw new AgentError("PROFILE-NOT-FOUND");
    if (!r.ok && r.reason === "stale") {
      const current = r.current;
      this.audit(
        by,
        "profile.update",
        before,
        "stale",
        `based on ${baseVersion}, current ${current.version}`,
      );
      throw new AgentError("PROFILE-STALE", {
        message: `${current.updatedBy} saved version ${current.version} at ${current.updatedAt}; you edited version ${baseVersion}. Your change was not written.`,
        hint: "Reload the current version, then apply your change again.",
        current: {
          version: current.version,
          profile: this.record(current).profile,
          updatedBy: current.updatedBy,
          updatedAt: current.updatedAt,
        },
      });
    }
    if (!r.ok) throw new AgentError("INTERNAL");
    if (r.record.active) this.d.instances.sync();
    this.audit(by, "profile.update", r.record, "ok", `version ${r.record.version}`);
    this.announce("updated", r.record, by);
    return this.record(r.record);
  }

  /** Deletes a profile; the active one only while none of its instances may be running. */
  remove(id: string, by: string): void {
    const p = this.mustGet(id);
    if (p.active && this.d.instances.anyLocked()) {
      throw new AgentError("RESOURCE-LOCKED", {
        message: `${p.name} is the active profile and instances of it may be running: stop them first.`,
      });
    }
    this.d.profiles.remove(p.id);
    if (p.active) this.d.instances.sync();
    this.audit(by, "profile.delete", p, "ok", null);
    this.announce("deleted", p, by);
  }

  duplicate(id: string, name: string, by: string): ProfileRecord {
    const src = this.mustGet(id);
    const rec = this.d.profiles.create({ ...src.profile, name }, by);
    this.audit(by, "profile.duplicate", rec, "ok", `from ${src.id} version ${src.version}`);
    this.announce("created", rec, by);
    return this.record(rec);
  }

  /** Makes a profile the active one, while no instance of the current one may be running. */
  activate(id: string, by: string): ProfileRecord {
    const p = this.mustGet(id);
    if (!p.active) {
      if (this.d.instances.anyLocked()) {
        this.audit(by, "profile.activate", p, "refused", null);
        throw new AgentError("RESOURCE-LOCKED", {
          message:
            "Instances of the active profile may be running: stop them before activating another profile.",
        });
      }
      this.d.profiles.setActive(p.id);
      this.d.instances.sync();
      this.d.onActivated?.(p.profile);
      this.audit(by, "profile.activate", p, "ok", `version ${p.version}`);
      this.announce("activated", p, by);
    }
    return this.record(this.mustGet(p.id));
  }

  versions(id: string): VersionSummary[] {
    this.mustGet(id);
    return this.d.profiles.versions(id);
  }

  version(id: string, v: number): VersionRecord {
    const pv = this.mustVersion(id, v);
    return {
      version: pv.version,
      name: pv.name,
      profile: profileToJson(pv.profile),
      updatedAt: pv.updatedAt,
      updatedBy: pv.updatedBy,
    };
  }

  /**
   * What changed between two versions: core's list in the operator's terms (the same the
   * console shows), and every changed JSON path, for tools.
   */
  diff(
    id: string,
    from: number,
    to: number,
  ): { from: number; to: number; changes: ProfileChange[]; paths: Change[] } {
    const a = this.mustVersion(id, from);
    const b = this.mustVersion(id, to);
    const changes = diffProfiles(a.profile, b.profile);
    const paths = diffJson(profileToJson(a.profile) as never, profileToJson(b.profile) as never);
    return { from: a.version, to: b.version, changes, paths };
  }

  private mustVersion(id: string, v: number): ProfileVersion {
    this.mustGet(id);
    const pv = this.d.profiles.version(id, v);
    if (!pv)
      throw new AgentError("VERSION-NOT-FOUND", { message: `Profile ${id} has no version ${v}.` });
    return pv;
  }

  mustGet(id: string): StoredProfile {
    const p = this.d.profiles.get(id);
    if (!p)
      throw new AgentError("PROFILE-NOT-FOUND", {
        message: `No profile with id ${JSON.stringify(id)}.`,
      });
    return p;
  }

  record(p: StoredProfile): ProfileRecord {
    return { ...this.summary(p), profile: profileToJson(p.profile) };
  }

  private summary(p: StoredProfile): ProfileSummary {
    return {
      id: p.id,
      name: p.name,
      version: p.version,
      updatedAt: p.updatedAt,
      updatedBy: p.updatedBy,
      active: p.active,
      fingerprintMismatch: this.mismatch(p.profile),
    };
  }

  private mismatch(p: Profile): boolean {
    return (
      p.machineFingerprint !== undefined && p.machineFingerprint !== this.d.machine.fingerprint
    );
  }

  /**
   * A profile being saved records the hardware it was made for: the current machine's
   * fingerprint, unless it already names one (an import from another machine keeps its own,
   * so the console can warn that it was made for other hardware).
   */
  private stamped(p: Profile): Profile {
    return p.machineFingerprint === undefined
      ? { ...p, machineFingerprint: this.d.machine.fingerprint }
      : p;
  }

  private audit(
    user: string,
    action: string,
    p: { name: string; id: string },
    result: string,
    detail: string | null,
  ): void {
    this.d.audit.record({ user, action, target: p.name, profileId: p.id, result, detail });
  }

  /** Tells every live client that an operator changed a profile. */
  private announce(action: ProfileAction, p: StoredProfile, by: string): void {
    this.d.hub.publish({
      type: "profile",
      at: new Date(this.d.now()).toISOString(),
      action,
      id: p.id,
      name: p.name,
      version: p.version,
      by,
    });
  }
}
