// The run view's I/O: reads the active profile's instances and asks the agent to start and
// stop them. Progress arrives over the WebSocket (store/live.ts -> run slice); these functions
// only record what is in flight and any refusal, in words, where the action was.
import { ApiError } from "../api/client";
import * as instances from "../api/instances";
import * as profiles from "../api/profiles";
import { useStore } from "../store";
import type { InstanceView, RunAction, RunError } from "./run-types";
import { withSession } from "../session/expiry";

const get = useStore.getState;

/** Where a failed read of the instances is kept (apart from start-all's "*"). */
export const LOAD_KEY = "*load";

export async function loadRun(): Promise<void> {
  try {
    const r = await instances.listInstances();
    get().runSetInstances(r.instances, { id: r.profileId, version: r.profileVersion });
    if (get().runErrors[LOAD_KEY]) get().runSetError(LOAD_KEY, null);
  } catch (e) {
    // Unreachable: the connection banner says so already; 401: the sign-in dialog is up.
    if (e instanceof ApiError && (e.status === 0 || e.status === 401)) return;
    get().runSetError(LOAD_KEY, toRunError(e));
  }
}

export async function loadSettings(): Promise<void> {
  try {
    const r = await instances.getSettings();
    get().runSetLoader(r.loader.kind);
    get().runSetStandIn(r.standInKernel ?? null);
  } catch {
    // the snapshot on the WebSocket names the loader too
  }
}

/** The kernel each instance of the active profile boots, for the run cards. */
export async function loadRunKernels(id: string | null): Promise<void> {
  if (!id) return get().runSetKernels({});
  try {
    const rec = await profiles.getProfile(id);
    const list = rec.profile?.instances ?? [];
    get().runSetKernels(Object.fromEntries(list.map((i) => [i.name, i.kernel ?? null])));
  } catch {
    // The cards then show no kernel line; the profile's own view still has it.
    get().runSetKernels({});
  }
}

/** The agent's error in plain words, with its diagnostics when it sent some. */
export function toRunError(e: unknown): RunError {
  if (!(e instanceof ApiError)) return { text: e instanceof Error ? e.message : String(e) };
  const body = e.body ?? {};
  const diags = Array.isArray(body.diagnostics)
    ? (body.diagnostics as RunError["diagnostics"] & object).filter(
        (d) => d && typeof d.message === "string",
      )
    : undefined;
  const out: RunError = { text: e.message, code: e.code };
  if (e.hint) out.hint = e.hint;
  if (e.code === "FORBIDDEN") out.hint = "Your role does not allow this; ask an admin.";
  if (e.code === "INSTANCE-STATE") {
    const cur = body.current as InstanceView | undefined;
    if (cur) out.text = `${e.message} It is ${cur.state} now.`;
  }
  if (diags?.length) out.diagnostics = diags;
  return out;
}

async function act(
  name: string,
  action: RunAction,
  call: () => Promise<{ instance?: InstanceView }>,
): Promise<boolean> {
  const s = get();
  s.runSetPending(name, action);
  s.runSetError(name, null);
  try {
    const r = await withSession(call);
    // The 202 carries the state as of now; events follow on the WebSocket.
    if (r.instance) mergeOne(r.instance);
    return true;
  } catch (e) {
    get().runSetError(name, toRunError(e));
    return false;
  } finally {
    get().runSetPending(name, null);
  }
}

function mergeOne(v: InstanceView): void {
  const s = get();
  const cur = s.runInstances[v.name];
  // Events may already have moved it on: never step back to an older view.
  if (cur && cur.since && v.since && cur.since > v.since) return;
  s.runSetInstances(s.runOrder.map((n) => (n === v.name ? v : s.runInstances[n]!)).filter(Boolean));
}

export const startInstance = (name: string) =>
  act(name, "start", () => instances.instanceAction(name, "start"));
export const stopInstance = (name: string) =>
  act(name, "stop", () => instances.instanceAction(name, "stop"));
export const forceStopInstance = (name: string) =>
  act(name, "force-stop", () => instances.instanceAction(name, "force-stop"));
export const startAll = () => act("*", "start-all", instances.startAllInstances);

/**
 * The stored log of each successor's current (or last) run, merged with the live lines held:
 * after a reload or a reconnect the log panel shows what happened before. One read per
 * instance at a time.
 */
const logReads = new Map<string, Promise<void>>();
export async function loadRunLogs(): Promise<void> {
  const s = get();
  const names = s.runOrder.filter((n) => s.runInstances[n]?.role === "successor");
  await Promise.all(names.map(loadRunLog));
}

function loadRunLog(name: string): Promise<void> {
  const running = logReads.get(name);
  if (running) return running;
  const read = instances
    .instanceLog(name)
    .then((r) => get().runLogLoaded(name, r))
    .catch(() => {
      // An agent without the route, or the instance went away: the live lines stay.
    })
    .finally(() => logReads.delete(name));
  logReads.set(name, read);
  return read;
}

/**
 * Instances and their logs, read again: on opening the view, and each time the live
 * connection comes back (its snapshot or resume covers states; this also covers the log
 * lines of a run the console did not watch). Guest heartbeats arrive live; no polling.
 */
export async function refreshRun(): Promise<void> {
  await loadRun();
  await loadRunLogs();
}
