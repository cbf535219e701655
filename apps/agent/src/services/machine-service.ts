// The machine the agent partitions: discovered at start (or read from a file), rescanned on
// request. Holding it here keeps discovery's I/O out of the routes.
import {
  fingerprint,
  machineToJson,
  type DiscoveryProblem,
  type Machine,
  type MachineJson,
} from "@tessera/core";
import type { FastifyBaseLogger } from "fastify";
import type { AuditLog } from "../db/audit";
import { AgentError } from "../errors";
import type { LiveHub } from "../live/hub";

export interface LoadedMachine {
  machine: Machine;
  problems: DiscoveryProblem[];
  source: string;
}

export class MachineService {
  private current: LoadedMachine;
  private fp: string;
  private text: string | null = null;

  constructor(
    initial: LoadedMachine,
    private readonly loadFn: () => Promise<LoadedMachine>,
  ) {
    this.current = initial;
    this.fp = fingerprint(initial.machine);
  }

  get machine(): Machine {
    return this.current.machine;
  }

  get fingerprint(): string {
    return this.fp;
  }

  /** Rescans; returns whether the hardware fingerprint changed. */
  async rescan(): Promise<boolean> {
    const next = await this.loadFn();
    const fp = fingerprint(next.machine);
    const changed = fp !== this.fp;
    this.current = next;
    this.fp = fp;
    this.text = null;
    return changed;
  }

  /** The JSON text of json(), serialised once per reading (GET /api/machine is hot). */
  jsonText(): string {
    this.text ??= JSON.stringify(this.json());
    return this.text;
  }

  json(): {
    machine: MachineJson;
    fingerprint: string;
    source: string;
    problems: DiscoveryProblem[];
  } {
    return {
      machine: machineToJson(this.current.machine),
      fingerprint: this.fp,
      source: this.current.source,
      problems: this.current.problems,
    };
  }
}

export interface RescanDeps {
  machine: MachineService;
  audit: AuditLog;
  hub: LiveHub;
  now: () => number;
  log: Pick<FastifyBaseLogger, "error">;
}

/**
 * A rescan an operator asked for: audited, announced to live clients when the hardware
 * changed. A failed reading keeps the previous one (503 MACHINE-UNAVAILABLE).
 */
export async function operatorRescan(d: RescanDeps, by: string): Promise<void> {
  let changed: boolean;
  try {
    changed = await d.machine.rescan();
  } catch (err) {
    d.log.error({ err }, "rescan failed");
    d.audit.record({ user: by, action: "machine.rescan", result: "failed" });
    throw new AgentError("MACHINE-UNAVAILABLE", {
      message: "The machine could not be read again; the previous reading is kept.",
    });
  }
  d.audit.record({ user: by, action: "machine.rescan", result: changed ? "changed" : "unchanged" });
  if (changed)
    d.hub.publish({
      type: "machine",
      at: new Date(d.now()).toISOString(),
      fingerprint: d.machine.fingerprint,
    });
}
