// Judges drops off the main thread: on a 1024-CPU machine one validate() takes 10-25 ms,
// more than a frame. The worker keeps the machine, the draft at drag start and its
// findings; each request is (dragId, payload, slot index). Objects travel by structured
// clone, which keeps bigint addresses intact.
import { validate, type Diagnostic, type Machine, type Profile } from "@tessera/core";
import { judge, type Verdict } from "./model/judge";
import type { Payload } from "./model/payload";

export type JudgeRequest =
  | { type: "machine"; machine: Machine }
  | {
      type: "start";
      dragId: number;
      draft: Profile;
      payload: Payload;
      slots: number;
      running: string[];
    }
  | { type: "judge"; dragId: number; index: number };

export type JudgeReply = { dragId: number; index: number; verdict: Verdict };

let machine: Machine | null = null;
let current: {
  dragId: number;
  draft: Profile;
  before: Diagnostic[];
  payload: Payload;
  running: string[];
} | null = null;

function reply(index: number) {
  if (!machine || !current) return;
  const { draft, before, payload, running } = current;
  const verdict = judge(machine, draft, before, payload, index, running);
  (self as unknown as Worker).postMessage({
    dragId: current.dragId,
    index,
    verdict,
  } satisfies JudgeReply);
}

self.onmessage = (e: MessageEvent<JudgeRequest>) => {
  const m = e.data;
  if (m.type === "machine") {
    machine = m.machine;
  } else if (m.type === "start") {
    if (!machine) return;
    current = {
      dragId: m.dragId,
      draft: m.draft,
      before: validate(machine, m.draft),
      payload: m.payload,
      running: m.running,
    };
    // judge every slot up front: the verdict is usually ready before the pointer arrives
    for (let i = 0; i < m.slots; i++) reply(i);
  } else if (m.type === "judge" && current?.dragId === m.dragId) {
    reply(m.index);
  }
};
