// The worker thread behind layout-pool.ts (started through layout-worker.mjs): answers each
// job with layout-jobs.ts, away from the event loop.
import { parentPort } from "node:worker_threads";
import { answer, type LayoutJob } from "./layout-jobs";

parentPort!.on("message", (job: LayoutJob) => {
  try {
    parentPort!.postMessage({ id: job.id, ok: true, result: answer(job) });
  } catch (err) {
    parentPort!.postMessage({ id: job.id, ok: false, error: String(err) });
  }
});
