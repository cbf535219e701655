// TEST DOUBLE (tests only): the real dry-run loader, except that start() ends right after
// the IPI, as the real mint and multikernel loaders do. The instance then boots on its own
// and only its guest can say it is up. Never used by the product.
import type { DryRunLoader, Loader, LoaderEvent, StepOptions } from "@tessera/kexec";

export function endsAtIpi(dry: DryRunLoader): Loader {
  return {
    kind: dry.kind,
    load: (plan, opts) => dry.load(plan, opts),
    stop: (name, opts) => dry.stop(name, opts),
    forceStop: (name, opts) => dry.forceStop(name, opts),
    status: (name) => dry.status(name),
    statusAll: () => dry.statusAll(),
    describeCommands: (plan) => dry.describeCommands(plan),
    async *start(name: string, opts?: StepOptions): AsyncIterable<LoaderEvent> {
      for await (const ev of dry.start(name, opts)) {
        yield ev;
        if (ev.type === "phase" && ev.phase === "ipi-sent") {
          yield { type: "result", ok: true, at: Date.now() };
          return;
        }
        if (ev.type === "result") return;
      }
    },
  };
}
