// The main thread's side of drop judging. In a browser the worker does the work and the
// drag-over handler only reads a cache (a frame never waits for validate()); where there is
// no Worker (jsdom tests) it judges synchronously.
import type { Payload } from "./model/payload";
import { judge, type Verdict } from "./model/judge";
import type { JudgeReply, JudgeRequest } from "./judge-worker";
import { useStore } from "../store";
import { runningInstances } from "./running";

let worker: Worker | null = null;
let workerMachine: unknown = null;
let dragId = 0;
const verdicts = new Map<number, Verdict>();

function getWorker(): Worker | null {
  if (typeof Worker === "undefined") return null;
  if (!worker) {
    try {
      worker = new Worker(new URL("./judge-worker.ts", import.meta.url), {
        type: "module",
      });
    } catch {
      return null;
    }
    worker.onmessage = (e: MessageEvent<JudgeReply>) => {
      const r = e.data;
      if (r.dragId !== dragId) return;
      verdicts.set(r.index, r.verdict);
      const drag = useStore.getState().drag;
      if (drag && drag.over === r.index)
        useStore.getState().setDrag({ ...drag, verdict: r.verdict });
    };
  }
  return worker;
}

function post(w: Worker, m: JudgeRequest) {
  w.postMessage(m);
}

export function beginJudging(payload: Payload): void {
  dragId++;
  verdicts.clear();
  const s = useStore.getState();
  const w = getWorker();
  if (!w || !s.machine) return;
  if (workerMachine !== s.machine) {
    post(w, { type: "machine", machine: s.machine });
    workerMachine = s.machine;
  }
  post(w, {
    type: "start",
    dragId,
    draft: s.draft,
    payload,
    slots: s.draft.instances.length,
    running: runningInstances(s),
  });
}

/** The verdict for a slot now: cached, computed on the spot without a worker, or null while pending. */
export function verdictFor(payload: Payload, index: number): Verdict | null {
  const hit = verdicts.get(index);
  if (hit) return hit;
  const s = useStore.getState();
  if (getWorker() || !s.machine) return null;
  const v = judge(s.machine, s.draft, s.diagnostics, payload, index, runningInstances(s));
  verdicts.set(index, v);
  return v;
}

export function endJudging(): void {
  dragId++;
  verdicts.clear();
}
