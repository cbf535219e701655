// The direct loader's own record of its successors, kept in a JSON file (when configured)
// so an agent restart knows what it loaded and started. Bigints travel as {"$big": "0x.."}.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hex } from "@tessera/core";
import type { LoaderInstanceState } from "../types";
import type { DirectPlan } from "./plan-shape";

export interface DirectInstance {
  name: string;
  plan: DirectPlan;
  state: LoaderInstanceState;
  phase?: string;
  detail?: string;
  /** Where the MP config table goes when it does not fit below 0x400. */
  mpConfigSpare: bigint;
  /** Last values read from the mailbox. */
  guestState?: number;
  heartbeat?: number;
}

export interface DirectState {
  instances: Record<string, DirectInstance>;
}

export function loadDirectState(path: string | undefined): DirectState {
  if (!path) return { instances: {} };
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return { instances: {} };
  }
  return JSON.parse(text, (_k, v: unknown) =>
    v && typeof v === "object" && "$big" in v ? BigInt((v as { $big: string }).$big) : v,
  ) as DirectState;
}

export function saveDirectState(path: string | undefined, state: DirectState): void {
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(
    tmp,
    JSON.stringify(state, (_k, v: unknown) => (typeof v === "bigint" ? { $big: hex(v) } : v), 2),
  );
  renameSync(tmp, path);
}
