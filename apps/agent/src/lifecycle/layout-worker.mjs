// Entry of the layout worker thread: the agent runs from TypeScript through tsx, and a
// worker thread starts without the main thread's loader, so it registers tsx itself.
import { register } from "tsx/esm/api";

register();
await import("./layout-worker.ts");
